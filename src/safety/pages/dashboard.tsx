import type { Context, Hono } from 'hono';
import { authorize, can } from '../../core/auth/policies.ts';
import { formatMoney, formatMonth, formatNumber } from '../../core/i18n/format.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { ChartFrame, renderBarChart } from '../../web/chart.tsx';
import { CardGrid, DataTable, EmptyState, StatusTag, SummaryCard } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { renderPage } from '../../web/layout.tsx';
import type { Change, Rates } from '../rates.ts';
import { incidentYears, yearFigures } from '../queries/figures.ts';
import { safetySites, siteSafetySummary } from '../queries/summary.ts';
import { incidentSeverities, type PersonSex } from '../schema.ts';
import { siteResource } from '../site-access.ts';
import { crumbs, formatRate, safetyPath, siteOf, text, today, yearOf } from './shared.tsx';

const rainyMonths = ['01', '02', '03', '04', '11', '12'];

function changeText(locale: Locale, change: Change, previousYear: number) {
  const t = text(locale);
  if (change.previous === 0) return t('no_change_base', { year: previousYear });
  const signed = `${change.difference > 0 ? '+' : ''}${formatNumber(locale, change.difference)} (${change.percent! > 0 ? '+' : ''}${formatNumber(locale, change.percent!, { maximumFractionDigits: 0 })} %)`;
  return t('change_since', { change: signed, year: previousYear });
}

function RatesTable({ locale, year, rates }: { locale: Locale; year: number; rates: Record<string, Rates> }) {
  const t = text(locale);
  const rows = ([...incidentSeverities, 'recordable'] as const).map((severity) => ({ severity, rates: rates[severity]! }));
  const hoursCell = (value: number | null, estimated: boolean) => (
    <>
      {formatRate(locale, value)}
      {estimated && value !== null && (
        <>
          {' '}
          <StatusTag tone="yellow">{t('estimated_label')}</StatusTag>
        </>
      )}
    </>
  );
  return (
    <DataTable
      caption={t('rates_caption', { year })}
      rows={rows}
      columns={[
        { header: t('severity'), cell: (r) => t(`severity_${r.severity}`) },
        { header: t('count'), cell: (r) => formatNumber(locale, r.rates.count), numeric: true },
        { header: t('rate_per_1000'), cell: (r) => formatRate(locale, r.rates.per1000Workers), numeric: true },
        { header: t('rate_per_200k'), cell: (r) => hoursCell(r.rates.per200kHours, r.rates.estimated), numeric: true },
        { header: t('rate_per_1m'), cell: (r) => hoursCell(r.rates.per1mHours, r.rates.estimated), numeric: true },
      ]}
    />
  );
}

async function dashboardPage(c: Context<AppEnv>) {
  const locale = c.get('locale');
  const t = text(locale);
  const actor = c.get('actor');
  const db = c.get('deps').db;
  const site = await siteOf(c);
  authorize(actor, 'safety.read.public');
  const years = await incidentYears(db, site.id);
  const year = yearOf(c, years[0] ?? new Date().getUTCFullYear());
  const summary = await siteSafetySummary(db, { site, year, today: today() });
  const { current } = summary;
  const path = safetyPath(site);
  const canRead = can(actor, 'safety.read', siteResource(site));
  const canRecord = can(actor, 'safety.record', siteResource(site));
  const total = incidentSeverities.reduce((sum, s) => sum + current.bySeverity[s], 0);
  const rainy = current.byMonth.filter((m) => rainyMonths.includes(m.month.slice(5))).reduce((sum, m) => sum + incidentSeverities.reduce((n, s) => n + m.bySeverity[s], 0), 0);
  const trendYears = [...new Set([year - 2, year - 1, year])].filter((y) => y >= 2000);
  const trend = await Promise.all(trendYears.map(async (y) => ({ year: y, rates: (y === year ? current : y === year - 1 ? summary.previous : await yearFigures(db, { siteId: site.id, year: y, today: today() })).rates.recordable })));
  const withRate = trend.filter((r) => r.rates.per1000Workers !== null);
  const title = t('dashboard_title', { site: site.name, year });
  return renderPage(c, {
    title,
    breadcrumbs: crumbs(c),
    children: (
      <>
        <h1>{title}</h1>
        <p class="lead">{t('dashboard_lead')}</p>
        {(canRead || canRecord) && (
          <p>
            {canRecord && (
              <>
                <a class="button" href={`${path}/incidents/new`}>
                  {t('record_incident')}
                </a>{' '}
              </>
            )}
            {canRead && (
              <>
                <a href={`${path}/incidents?year=${year}`}>{t('incidents_link')}</a> · <a href={`${path}/interventions`}>{t('interventions_link')}</a> · <a href={`${path}/hours?year=${year}`}>{t('hours_link')}</a> ·{' '}
                <a href={`${path}/settings`}>{t('settings_link')}</a>
              </>
            )}
          </p>
        )}
        <nav aria-label={t('year_nav')}>
          <p>
            <a href={`${path}?year=${year - 1}`}>{t('previous_year', { year: year - 1 })}</a> · <a href={`${path}?year=${year + 1}`}>{t('next_year', { year: year + 1 })}</a>
          </p>
        </nav>
        <CardGrid>
          {incidentSeverities.map((severity) => (
            <SummaryCard
              figure={formatNumber(locale, current.bySeverity[severity])}
              label={t('incidents_in_year', { severity: t(`severity_${severity}`), year })}
              change={changeText(locale, summary.yearOnYear[severity], year - 1)}
            />
          ))}
        </CardGrid>
        {total === 0 ? (
          <EmptyState title={t('none_year', { site: site.name, year })} next={t('none_year_next')} />
        ) : (
          <ChartFrame
            locale={locale}
            title={t('chart_month_title', { year })}
            message={t('chart_month_message', { total, year, rainy: formatNumber(locale, rainy) })}
            svg={renderBarChart({
              locale,
              categories: current.byMonth.map((m) => formatMonth(locale, m.month)),
              series: incidentSeverities.map((s) => ({ name: t(`severity_${s}`), values: current.byMonth.map((m) => m.bySeverity[s]) })),
              stacked: true,
            })}
            table={{ columns: [t('month'), ...incidentSeverities.map((s) => t(`severity_${s}`))], rows: current.byMonth.map((m) => [formatMonth(locale, m.month), ...incidentSeverities.map((s) => m.bySeverity[s])]) }}
            source={t('chart_source')}
          />
        )}
        <h2>{t('rates_title')}</h2>
        <p>
          {t('exposure_note', { headcount: formatNumber(locale, current.exposure.averageHeadcount, { maximumFractionDigits: 0 }), hours: formatNumber(locale, Math.round(current.exposure.hoursWorked)) })}{' '}
          {current.exposure.estimated ? (
            <>
              <StatusTag tone="yellow">{t('estimated_label')}</StatusTag> {t('estimated_note', { months: current.exposure.estimatedMonths.length, total: current.exposure.months })}
            </>
          ) : (
            t('recorded_note')
          )}
        </p>
        <RatesTable locale={locale} year={year} rates={current.rates} />
        {withRate.length > 0 && (
          <ChartFrame
            locale={locale}
            title={t('trend_title')}
            message={t('trend_message', { first: formatRate(locale, withRate[0]!.rates.per1000Workers), firstYear: withRate[0]!.year, last: formatRate(locale, withRate.at(-1)!.rates.per1000Workers), lastYear: withRate.at(-1)!.year })}
            svg={renderBarChart({ locale, categories: withRate.map((r) => String(r.year)), series: [{ name: t('severity_recordable'), values: withRate.map((r) => Math.round(r.rates.per1000Workers! * 100) / 100) }], height: 240 })}
            table={{ columns: [t('year'), t('rate_per_1000'), t('rate_per_1m')], rows: withRate.map((r) => [String(r.year), formatRate(locale, r.rates.per1000Workers), `${formatRate(locale, r.rates.per1mHours)}${r.rates.estimated ? ` (${t('estimated_label')})` : ''}`]) }}
            source={t('trend_source')}
          />
        )}
        <h2>{t('people_title', { year })}</h2>
        <DataTable
          caption={t('people_caption')}
          rows={[...summary.peopleAffected.bySex.map((r) => ({ label: t(`sex_${r.key as PersonSex}`), ...r })), ...summary.peopleAffected.byAgeGroup.map((r) => ({ label: t(`age_${r.key as 'unknown'}`), ...r }))]}
          columns={[
            { header: t('people'), cell: (r) => r.label },
            { header: t('number_label'), cell: (r) => (r.suppressed ? t('fewer_than_5') : formatNumber(locale, r.people ?? 0)), numeric: true },
          ]}
        />
        <h2>{t('interventions_title', { year })}</h2>
        {summary.interventions.length === 0 ? (
          <p>{t('no_interventions')}</p>
        ) : (
          <DataTable
            caption={t('interventions_caption', { year })}
            rows={summary.interventions}
            columns={[
              { header: t('kind'), cell: (r) => t(`intervention_${r.kind}`) },
              { header: t('quantity'), cell: (r) => formatNumber(locale, r.quantity), numeric: true },
              { header: t('people_reached'), cell: (r) => formatNumber(locale, r.peopleReached), numeric: true },
              { header: t('cost'), cell: (r) => formatMoney(locale, r.costMinor, r.currency), numeric: true },
            ]}
          />
        )}
      </>
    ),
  });
}

async function sitesPage(c: Context<AppEnv>) {
  const locale = c.get('locale');
  const t = text(locale);
  authorize(c.get('actor'), 'safety.read.public');
  const sites = await safetySites(c.get('deps').db);
  return renderPage(c, {
    title: t('safety_title'),
    children: (
      <>
        <h1>{t('safety_title')}</h1>
        <p class="lead">{t('safety_lead')}</p>
        <DataTable caption={t('sites_caption')} rows={sites} columns={[{ header: t('site'), cell: (s) => <a href={`/safety/sites/${s.code}`}>{t('open_dashboard', { site: s.name })}</a> }]} />
      </>
    ),
  });
}

/** The safety overview and each site's dashboard: counts and rates, for everyone. */
export function registerDashboardPages(pages: Hono<AppEnv>) {
  pages.get('/safety', sitesPage);
  pages.get('/safety/sites/:code', dashboardPage);
}
