import type { Context, Hono } from 'hono';
import { authorize, can } from '../../../core/auth/policies.ts';
import { formatDate, formatMonth, formatNumber, formatTonnes } from '../../../core/i18n/format.ts';
import { ChartFrame, renderBarChart } from '../../../web/chart.tsx';
import { CardGrid, DataTable, EmptyState, SummaryCard } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { listDeclarations, listMinerals, monthlyProduction, type DeclarationEntry } from '../../queries/production.ts';
import { crumbs, formatGrade, mineralLabel, monthsOf, productionPath, resourceOf, siteOf, statusOf, text } from './shared.tsx';

async function productionPage(c: Context<AppEnv>) {
  const locale = c.get('locale');
  const t = text(locale);
  const actor = c.get('actor');
  const db = c.get('deps').db;
  const site = await siteOf(c);
  authorize(actor, 'site.read.public');
  const asked = Number(c.req.query('year'));
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : new Date().getUTCFullYear();
  const details = can(actor, 'production.read.details', resourceOf(site));
  const canDeclare = can(actor, 'production.declare', resourceOf(site));
  const [minerals, months, entries] = await Promise.all([
    listMinerals(db),
    monthlyProduction(db, { siteId: site.id, year }),
    listDeclarations(db, { siteId: site.id, from: `${year}-01-01`, to: `${year}-12-31` }),
  ]);
  const producedMinerals = [...new Set(months.map((m) => m.mineral))];
  const notice = (['declared', 'corrected'] as const).map((key) => [key, c.req.query(key)] as const).find(([, value]) => value && /^\d+$/.test(value));
  const label = (code: string) => mineralLabel(minerals, code, locale);
  return renderPage(c, {
    title: t('production_title', { site: site.name }),
    breadcrumbs: crumbs(c, site, false),
    children: (
      <>
        <h1>{t('production_title', { site: site.name })}</h1>
        <p class="lead">{t('production_lead')}</p>
        {notice && (
          <p class="panel" role="status">
            {t(`${notice[0]}_notice`, { id: notice[1]! })}
          </p>
        )}
        {canDeclare && (
          <p>
            <a class="button" href={`${productionPath(site)}/new`}>
              {t('declare_action')}
            </a>{' '}
            <a class="button button-secondary" href={`${productionPath(site)}/import`}>
              {t('import_action')}
            </a>
          </p>
        )}
        <nav aria-label={t('year_nav')}>
          <p>
            <a href={`${productionPath(site)}?year=${year - 1}`}>{t('previous_year', { year: year - 1 })}</a> · <a href={`${productionPath(site)}?year=${year + 1}`}>{t('next_year', { year: year + 1 })}</a>
          </p>
        </nav>
        {producedMinerals.length === 0 ? (
          <EmptyState title={t('nothing_in_year', { year })} next={t('nothing_in_year_next')} />
        ) : (
          <>
            <CardGrid>
              {producedMinerals.map((mineral) => (
                <SummaryCard figure={formatTonnes(locale, months.filter((m) => m.mineral === mineral).reduce((sum, m) => sum + m.containedKg, 0))} label={t('contained_in_year', { mineral: label(mineral).toLocaleLowerCase(locale), year })} />
              ))}
            </CardGrid>
            {producedMinerals.map((mineral) => {
              const rows = months.filter((m) => m.mineral === mineral);
              const byMonth = monthsOf(year).map((month) => rows.find((r) => r.month === month));
              const best = rows.reduce((a, b) => (b.containedKg > a.containedKg ? b : a), rows[0]!);
              const name = label(mineral);
              const svg = renderBarChart({ locale, categories: monthsOf(year).map((m) => formatMonth(locale, m)), series: [{ name, values: byMonth.map((r) => (r?.containedKg ?? 0) / 1000) }], unit: 't' });
              return (
                <>
                  <ChartFrame
                    locale={locale}
                    title={t('chart_title', { mineral: name, year })}
                    message={t('chart_message', { total: formatTonnes(locale, rows.reduce((sum, r) => sum + r.containedKg, 0)), mineral: name.toLocaleLowerCase(locale), year, month: formatMonth(locale, best.month) })}
                    svg={svg}
                    table={{ columns: [t('month'), t('contained_t')], rows: rows.map((r) => [formatMonth(locale, r.month), formatNumber(locale, r.containedKg / 1000, { minimumFractionDigits: 3, maximumFractionDigits: 3 })]) }}
                    source={t('chart_source')}
                  />
                  <DataTable
                    caption={t('monthly_caption', { mineral: name.toLocaleLowerCase(locale), year })}
                    rows={rows}
                    columns={[
                      { header: t('month'), cell: (r) => formatMonth(locale, r.month) },
                      { header: t('declarations'), cell: (r) => formatNumber(locale, r.declarations), numeric: true },
                      { header: t('dry_ore'), cell: (r) => formatTonnes(locale, r.dryOreKg), numeric: true },
                      { header: t('contained'), cell: (r) => formatTonnes(locale, r.containedKg), numeric: true },
                    ]}
                  />
                </>
              );
            })}
          </>
        )}
        {entries.length > 0 && (
          <>
            <h2>{t('list_title')}</h2>
            <DataTable
              caption={t('list_caption', { year })}
              rows={entries}
              columns={[
                { header: t('number'), cell: (e) => formatNumber(locale, e.id), numeric: true },
                { header: t('produced_on'), cell: (e) => formatDate(locale, e.producedOn) },
                { header: t('mineral'), cell: (e) => label(e.mineral) },
                { header: t('lot'), cell: (e) => e.lotReference ?? '—' },
                { header: t('wet_ore'), cell: (e) => formatTonnes(locale, e.wetOreKg), numeric: true },
                { header: t('dry_ore'), cell: (e) => formatTonnes(locale, e.dryOreKg), numeric: true },
                { header: t('grade'), cell: (e) => formatGrade(locale, e.gradeBasisPoints), numeric: true },
                { header: t('contained'), cell: (e) => formatTonnes(locale, e.containedKg), numeric: true },
                { header: t('status'), cell: (e) => statusOf(e, t) },
                ...(details
                  ? [
                      { header: t('buyer'), cell: (e: DeclarationEntry) => e.buyer },
                      { header: t('evidence'), cell: (e: DeclarationEntry) => (e.evidence ? <a href={`/api/v1/files/${e.evidence.fileId}`}>{t('download')}</a> : t('none')) },
                      { header: t('reason'), cell: (e: DeclarationEntry) => e.correctionReason ?? '' },
                    ]
                  : []),
                ...(canDeclare
                  ? [{ header: t('action'), cell: (e: DeclarationEntry) => (e.correctedById === null ? <a href={`${productionPath(site)}/${e.id}/correct`}>{t('correct_link', { id: e.id })}</a> : '') }]
                  : []),
              ]}
            />
          </>
        )}
      </>
    ),
  });
}

/** Monthly totals, the chart and the declarations of a site. */
export function registerProductionListPage(pages: Hono<AppEnv>) {
  pages.get('/sites/:code/production', productionPage);
}
