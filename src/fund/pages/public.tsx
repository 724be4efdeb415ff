import type { Hono } from 'hono';
import { authorize, can } from '../../core/auth/policies.ts';
import { isoDateOf } from '../../core/calendar.ts';
import { formatDate, formatMoney, formatNumber } from '../../core/i18n/format.ts';
import { DataTable, EmptyState } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { renderPage } from '../../web/layout.tsx';
import { rateText } from '../../rates/public.ts';
import { listSites } from '../../sites/public.ts';
import { findFund, findSite } from '../ledger.ts';
import { areaLabel, publicFundReport } from '../queries/public-report.ts';
import { reportingCurrency } from '../schema.ts';
import { ProposalStatusTag, translator } from './shared.tsx';

/** The public page of a site's fund: everything on it is also in GET /api/v1/funds/{site}; no person is named unless the committee decided so. */
export function registerPublicFundPage(pages: Hono<AppEnv>) {
  // Every site's fund, for the navigation: one link per site, to its public page (and its work pages for those who may).
  pages.get('/funds', async (c) => {
    authorize(c.get('actor'), 'fund.read.public');
    const locale = c.get('locale');
    const t = translator(locale);
    const sites = await listSites(c.get('deps').db);
    const manages = (s: (typeof sites)[number]) => can(c.get('actor'), 'fund.read', { siteCooperativeOrgId: s.cooperativeOrganisationId });
    return renderPage(c, {
      title: t('funds_title'),
      children: (
        <>
          <h1>{t('funds_title')}</h1>
          <p class="lead">{t('funds_lead')}</p>
          <DataTable
            caption={t('funds_caption')}
            rows={sites}
            columns={[
              { header: t('col_site'), cell: (s) => <a href={`/funds/${s.code}`}>{t('public_title', { site: s.name })}</a> },
              ...(sites.some(manages) ? [{ header: t('col_work'), cell: (s: (typeof sites)[number]) => manages(s) && <a href={`/funds/${s.code}/manage`}>{t('manage_link')}</a> }] : []),
            ]}
          />
        </>
      ),
    });
  });

  pages.get('/funds/:site{[A-Z]{3,6}}', async (c) => {
    authorize(c.get('actor'), 'fund.read.public');
    const locale = c.get('locale');
    const t = translator(locale);
    const db = c.get('deps').db;
    const code = c.req.param('site');
    const site = await findSite(db, code);
    const manage = can(c.get('actor'), 'fund.read', site) && (
      <p>
        <a href={`/funds/${code}/manage`}>{t('manage_link')}</a>
      </p>
    );
    if (!(await findFund(db, code))) {
      return renderPage(c, { title: t('public_title', { site: site.name }), children: <><h1>{t('public_title', { site: site.name })}</h1>{manage}<EmptyState title={t('no_fund')} next={t('no_fund_next')} /></> });
    }
    const report = await publicFundReport(db, code, isoDateOf(new Date()));
    const money = (minor: number, currency: string) => formatMoney(locale, minor, currency);
    const usd = (minor: number) => money(minor, reportingCurrency);
    return renderPage(c, {
      title: t('public_title', { site: site.name }),
      children: (
        <>
          <h1>{t('public_title', { site: site.name })}</h1>
          <p class="lead">{t('public_lead', { site: site.name })}</p>
          {manage}
          <h2>{t('in_title')}</h2>
          <DataTable
            caption={t('in_caption')}
            rows={report.moneyIn}
            columns={[
              { header: t('col_source'), cell: (r) => t(`source_${r.source}`) },
              { header: t('col_amount'), cell: (r) => money(r.amountMinor, r.currency), numeric: true },
              { header: t('col_usd'), cell: (r) => usd(r.usdMinor), numeric: true },
            ]}
          />
          <h2>{t('out_title')}</h2>
          <DataTable
            caption={t('out_caption')}
            rows={report.moneyOut}
            columns={[
              { header: t('col_area'), cell: (r) => areaLabel[r.area][locale] },
              { header: t('col_amount'), cell: (r) => money(r.amountMinor, r.currency), numeric: true },
              { header: t('col_usd'), cell: (r) => usd(r.usdMinor), numeric: true },
            ]}
          />
          <DataTable
            caption={t('committed_caption')}
            rows={report.committedOpen}
            columns={[
              { header: t('col_area'), cell: (r) => areaLabel[r.area][locale] },
              { header: t('col_amount'), cell: (r) => money(r.amountMinor, r.currency), numeric: true },
            ]}
          />
          <h2>{t('projects_title')}</h2>
          <DataTable
            caption={t('projects_caption')}
            rows={report.projects}
            columns={[
              { header: t('col_project'), cell: (p) => p.title },
              { header: t('col_area'), cell: (p) => areaLabel[p.area][locale] },
              { header: t('col_status'), cell: (p) => <ProposalStatusTag locale={locale} status={p.status} /> },
              { header: t('col_approved'), cell: (p) => (p.approvedMinor === null ? '—' : money(p.approvedMinor, p.currency)), numeric: true },
              { header: t('col_paid'), cell: (p) => money(p.disbursedMinor, p.currency), numeric: true },
            ]}
          />
          {report.projects.filter((p) => p.completion).map((p) => (
            <section>
              <h3>{t('completion_title', { title: p.title })}</h3>
              <p>{p.completion!.summary}</p>
              <p>{t('completion_costs', { date: formatDate(locale, p.completion!.completedOn), final: money(p.completion!.finalCostMinor, p.currency), budget: money(p.completion!.budgetMinor, p.currency) })}</p>
              <ul>{p.completion!.photos.map((photo, i) => <li><a href={photo.url}>{t('photo_link', { n: i + 1 })}</a></li>)}</ul>
            </section>
          ))}
          {report.projects.filter((p) => p.cancelReason).map((p) => <p><strong>{p.title}</strong> — {t('cancelled_because', { reason: p.cancelReason! })}</p>)}
          <h2>{t('spend_title')}</h2>
          {report.spendTiming.filter((s) => s.premiumReceivedMinor > 0).map((s) => (
            <p>
              {t('spend_text', {
                share: `${formatNumber(locale, (100 * s.premiumSpentWithin12MonthsMinor) / s.premiumReceivedMinor, { maximumFractionDigits: 1 })} %`,
                received: money(s.premiumReceivedMinor, s.currency),
                open: s.receiptsStillInWindow,
                days: s.averageDaysToDisbursement ?? '—',
              })}
            </p>
          ))}
          {report.spendTiming.every((s) => s.premiumReceivedMinor === 0) && <p>{t('spend_none')}</p>}
          {report.ratesUsed.length > 0 && (
            <>
              <h2>{t('rates_title')}</h2>
              <DataTable
                caption={t('rates_caption')}
                rows={report.ratesUsed}
                columns={[
                  { header: t('col_date'), cell: (r) => formatDate(locale, r.rateOn) },
                  { header: t('col_currency'), cell: (r) => r.currency },
                  { header: t('col_rate'), cell: (r) => rateText(r.unitsPerUsdMicro), numeric: true },
                  { header: t('col_rate_source'), cell: (r) => r.source },
                ]}
              />
            </>
          )}
          <h2>{t('committee_title')}</h2>
          <p>{t('committee_figures', { count: report.committee.membersInOffice, groups: report.committee.groups.join(', ') })}</p>
          {report.committee.members ? (
            <DataTable caption={t('committee_title')} rows={report.committee.members} columns={[{ header: t('col_member'), cell: (m) => m.name }, { header: t('col_group'), cell: (m) => m.group }]} />
          ) : (
            <p>{t('committee_names_private')}</p>
          )}
        </>
      ),
    });
  });
}
