import type { Hono } from 'hono';
import { authorize } from '../../core/auth/policies.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { formatNumber } from '../../core/i18n/format.ts';
import { CardGrid, DataTable, SummaryCard } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { renderPage } from '../../web/layout.tsx';
import { childrenIndicators } from '../indicators.ts';
import { childrenText, type ChildrenTextKey } from '../messages/pages.ts';
import { publicChildrenSummary } from '../queries/summary.ts';
import { formatPublicCount as formatCount, type PublicCount } from '../../core/small-numbers.ts';

export const textFor = (locale: Locale) => (key: ChildrenTextKey, params?: Record<string, string | number>) => childrenText.t(locale, key, params);

function BreakdownTable({ locale, caption, cells, label }: { locale: Locale; caption: string; cells: Record<string, PublicCount>; label: (key: string) => string }) {
  const t = textFor(locale);
  return (
    <DataTable
      caption={caption}
      rows={Object.entries(cells)}
      columns={[
        { header: t('category'), cell: ([key]) => label(key) },
        { header: t('children'), cell: ([, count]) => formatCount(locale, count), numeric: true },
      ]}
    />
  );
}

/** The public page: the year's aggregates, every small number suppressed, with the formulas. */
export function registerPublicChildrenPages(pages: Hono<AppEnv>) {
  pages.get('/children', async (c) => {
    authorize(c.get('actor'), 'children.read.public');
    const locale = c.get('locale');
    const t = textFor(locale);
    const requested = Number(c.req.query('year'));
    const year = Number.isInteger(requested) && requested >= 2000 && requested <= 2100 ? requested : new Date().getUTCFullYear();
    const s = await publicChildrenSummary(c.get('deps').db, year);
    const share = (value: number | null) => (value === null ? undefined : t('share_of', { share: formatNumber(locale, value, { maximumFractionDigits: 1 }) }));
    const as = (prefix: string) => (key: string) => (childrenText.keys as string[]).includes(`${prefix}${key}`) ? t(`${prefix}${key}` as ChildrenTextKey) : key;
    return renderPage(c, {
      title: t('public_title'),
      children: (
        <>
          <h1>{t('public_title')}</h1>
          <p>{t('public_lead', { year })}</p>
          <nav aria-label={t('year_nav')}>
            <ul class="filters">
              {[year - 1, year + 1].map((y) => (
                <li>
                  <a href={`/children?year=${y}`}>{y}</a>
                </li>
              ))}
            </ul>
          </nav>
          <CardGrid>
            <SummaryCard figure={formatCount(locale, s.identified.total)} label={t('identified', { year })} />
            <SummaryCard figure={formatCount(locale, s.caseload)} label={t('caseload')} />
            <SummaryCard figure={formatCount(locale, s.receivingSupport.count)} label={t('receiving_support')} change={share(s.receivingSupport.sharePercent)} />
            <SummaryCard figure={formatCount(locale, s.followedUp)} label={t('followed_up')} />
            <SummaryCard figure={formatCount(locale, s.notInChildLabour.count)} label={t('not_in_child_labour')} change={share(s.notInChildLabour.sharePercent)} />
            <SummaryCard figure={formatCount(locale, s.closed.total)} label={t('closed')} />
            {/* An average is not a count: the small-number rule withholds it (fewer than 5 cases behind it), it never reads “fewer than 5 days”. */}
            {'value' in s.averageDaysToRemediatedClosure ? (
              <SummaryCard figure={formatNumber(locale, s.averageDaysToRemediatedClosure.value)} label={t('average_days')} />
            ) : (
              <SummaryCard figure="—" label={t('average_days_withheld')} />
            )}
          </CardGrid>
          <p class="panel">{t('suppression_note')}</p>
          <BreakdownTable locale={locale} caption={t('by_age_group')} cells={s.identified.byAgeGroup} label={as('age_')} />
          <BreakdownTable locale={locale} caption={t('by_sex')} cells={s.identified.bySex} label={as('sex_')} />
          <BreakdownTable locale={locale} caption={t('by_activity')} cells={s.identified.byActivity} label={as('activity_')} />
          <BreakdownTable locale={locale} caption={t('by_reason')} cells={s.closed.byReason} label={as('reason_')} />
          <details>
            <summary>{t('formulas')}</summary>
            <dl class="summary-list">
              {childrenIndicators.map((indicator) => (
                <div>
                  <dt>{indicator.label[locale]}</dt>
                  <dd>{indicator.formula[locale]}</dd>
                </div>
              ))}
            </dl>
          </details>
          <p>{t('api_link', { url: `/api/v1/children/summary?year=${year}` })}</p>
        </>
      ),
    });
  });
}
