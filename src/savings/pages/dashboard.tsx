import type { Hono } from 'hono';
import { authorize, can } from '../../core/auth/policies.ts';
import { isoDateOf } from '../../core/calendar.ts';
import { formatDate, formatMonth, formatNumber } from '../../core/i18n/format.ts';
import { ChartFrame, renderBarChart } from '../../web/chart.tsx';
import { CardGrid, DataTable, EmptyState, StatusTag, SummaryCard } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { renderPage } from '../../web/layout.tsx';
import { textFor } from '../messages/pages.ts';
import { savingsFigures, yearWindow } from '../queries/figures.ts';
import { listEnterprises } from '../queries/groups.ts';
import { RegisterEnterpriseForm, RevenueForm } from './forms.tsx';
import { cdf, percent } from './shared.tsx';

/** The staff's dashboard (the year's figures and a chart) and the enterprises list. */
export function registerSavingsDashboardPages(pages: Hono<AppEnv>) {
  pages.get('/savings', async (c) => {
    authorize(c.get('actor'), 'savings.read');
    const locale = c.get('locale');
    const t = textFor(locale);
    const today = isoDateOf(new Date());
    const asked = Number(c.req.query('year'));
    const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : Number(today.slice(0, 4));
    const f = await savingsFigures(c.get('deps').db, yearWindow(year, today));
    const francs = (minor: number) => Math.round(minor / 100);
    const svg = renderBarChart({
      locale,
      categories: f.months.map((m) => formatMonth(locale, m.month)),
      series: [
        { name: t('savings'), values: f.months.map((m) => francs(m.savingsMinor)) },
        { name: t('loans_made'), values: f.months.map((m) => francs(m.loansMinor)) },
      ],
      unit: 'CDF',
    });
    return renderPage(c, {
      title: t('dashboard_title'),
      children: (
        <>
          <h1>{t('dashboard_title')}</h1>
          <p>{t('dashboard_lead', { year })}</p>
          <form method="get" action="/savings" class="inline-form">
            <label for="year">{t('year')}</label> <input id="year" name="year" type="number" value={String(year)} min="2000" max="2100" />{' '}
            <button class="button secondary" type="submit">
              {t('show')}
            </button>
          </form>
          <p>
            <a href="/savings/groups">{t('groups_title')}</a> · <a href="/savings/enterprises">{t('enterprises_title')}</a>
          </p>
          <CardGrid>
            <SummaryCard figure={formatNumber(locale, f.groups)} label={t('groups')} />
            <SummaryCard figure={formatNumber(locale, f.members)} label={t('members')} />
            <SummaryCard figure={percent(locale, f.shareOfWomen)} label={t('share_of_women')} />
            <SummaryCard figure={cdf(locale, f.savingsPerMemberMinor)} label={t('savings_per_member')} />
            <SummaryCard figure={percent(locale, f.loanFundUtilisation)} label={t('loan_fund_utilisation')} />
            <SummaryCard figure={percent(locale, f.portfolioAtRisk30)} label={t('portfolio_at_risk')} />
            <SummaryCard figure={percent(locale, f.annualisedReturnOnSavings)} label={t('return_on_savings')} />
            <SummaryCard figure={percent(locale, f.attendanceRate)} label={t('attendance')} />
            <SummaryCard figure={formatNumber(locale, f.enterprisesActive)} label={t('enterprises_active')} />
            <SummaryCard figure={`${formatNumber(locale, f.shareOuts.count)} · ${cdf(locale, f.shareOuts.paidOutMinor)}`} label={t('share_outs')} small />
          </CardGrid>
          <ChartFrame
            locale={locale}
            title={t('chart_title')}
            message={t('chart_message', { year, savings: cdf(locale, f.months.reduce((s, m) => s + m.savingsMinor, 0)), loans: cdf(locale, f.months.reduce((s, m) => s + m.loansMinor, 0)) })}
            svg={svg}
            table={{
              columns: [t('month'), `${t('savings')} (CDF)`, `${t('loans_made')} (CDF)`, `${t('social_fund')} (CDF)`],
              rows: f.months.map((m) => [formatMonth(locale, m.month), francs(m.savingsMinor), francs(m.loansMinor), francs(m.socialFundMinor)]),
            }}
            source={t('chart_source')}
          />
        </>
      ),
    });
  });

  pages.get('/savings/enterprises', async (c) => {
    authorize(c.get('actor'), 'savings.read');
    const locale = c.get('locale');
    const t = textFor(locale);
    const enterprises = await listEnterprises(c.get('deps').db);
    return renderPage(c, {
      title: t('enterprises_title'),
      breadcrumbs: [{ href: '/savings', label: t('dashboard_title') }],
      children: (
        <>
          <h1>{t('enterprises_title')}</h1>
          {enterprises.length === 0 ? (
            <EmptyState title={t('no_enterprises')} next={t('no_enterprises_next')} />
          ) : (
            <DataTable
              caption={t('enterprises_caption')}
              rows={enterprises}
              columns={[
                { header: t('code'), cell: (e) => e.code },
                { header: t('member_code'), cell: (e) => e.ownerCode },
                { header: t('owner_sex'), cell: (e) => t(`owner_${e.ownerSex}`) },
                { header: t('sector'), cell: (e) => t(`sector_${e.sector}`) },
                { header: t('started_on'), cell: (e) => formatDate(locale, e.startedOn) },
                { header: t('financed'), cell: (e) => (e.financingLoanId === null ? <StatusTag tone="grey">{t('no')}</StatusTag> : <StatusTag tone="blue">{t('yes')}</StatusTag>) },
                { header: t('latest_revenue'), cell: (e) => (e.latestMonth ? `${cdf(locale, e.latestRevenueMinor)} (${formatMonth(locale, e.latestMonth)})` : '–'), numeric: true },
                { header: t('latest_profit'), cell: (e) => (e.latestProfitMinor === null ? '–' : cdf(locale, e.latestProfitMinor)), numeric: true },
                { header: t('jobs'), cell: (e) => (e.jobsCreated === null ? '–' : formatNumber(locale, e.jobsCreated)), numeric: true },
              ]}
            />
          )}
          {can(c.get('actor'), 'savings.record') && (
            <>
              <h2>{t('register_enterprise')}</h2>
              <RegisterEnterpriseForm c={c} />
              <h2>{t('record_revenue')}</h2>
              <RevenueForm c={c} />
            </>
          )}
        </>
      ),
    });
  });
}
