import type { Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { authorize } from '../../core/auth/policies.ts';
import { isoDateOf } from '../../core/calendar.ts';
import { AppError } from '../../core/errors.ts';
import { formatDate, formatMoney, formatNumber } from '../../core/i18n/format.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { ChartFrame, renderBarChart } from '../../web/chart.tsx';
import { CardGrid, DataTable, SelectField, StatusTag, SummaryCard } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { renderPage } from '../../web/layout.tsx';
import { statementPageText, type StatementPageKey } from '../messages/statements.ts';
import { listMembers } from '../queries/members.ts';
import { financeStatement, lastCompleteYear, statementPeriodOf, statementYears, type FinanceStatement } from '../queries/statements.ts';
import { amountText } from '../statement-files.ts';
import { categoryLabel } from './grants.tsx';

export const statementText = (locale: Locale) => (key: StatementPageKey, params?: Record<string, string | number>) => statementPageText.t(locale, key, params);
const percent = (locale: Locale, share: number | null) => (share === null ? '—' : formatNumber(locale, share, { style: 'percent', maximumFractionDigits: 0 }));
/** Minor units as a number of the currency's units, for charts. */
const major = (amountMinor: number, currency: string) => Number(amountText(amountMinor, currency));

function incomeLabel(locale: Locale, line: FinanceStatement['income']['lines'][number]) {
  const t = statementText(locale);
  return line.source === 'grants' ? t('source_grants', { donor: line.donor ?? '' }) : t(`source_${line.source}`);
}

/** A total broken down by source, area or category, in the statement's currency: its table, the total as the last row, and its chart where one is asked for. */
function Breakdown(props: {
  locale: Locale;
  statement: FinanceStatement;
  caption: string;
  header: string;
  rows: { label: string; amountMinor: number }[];
  totalMinor: number;
  chart?: { title: string; message: string };
}): Child {
  const { locale, statement, rows, chart } = props;
  const t = statementText(locale);
  const money = (minor: number) => formatMoney(locale, minor, statement.currency);
  const value = (minor: number) => major(minor, statement.currency);
  return (
    <>
      <DataTable
        caption={props.caption}
        rows={[...rows, { label: t('total'), amountMinor: props.totalMinor }]}
        columns={[
          { header: props.header, cell: (row) => row.label },
          { header: t('col_amount'), cell: (row) => money(row.amountMinor), numeric: true },
        ]}
      />
      {chart && (
        <ChartFrame
          locale={locale}
          title={chart.title}
          message={chart.message}
          svg={renderBarChart({ locale, categories: rows.map((row) => row.label), series: [{ name: t('col_amount'), values: rows.map((row) => value(row.amountMinor)) }], unit: statement.currency })}
          table={{ columns: [props.header, statement.currency], rows: rows.map((row) => [row.label, value(row.amountMinor)]) }}
          source={t('chart_source')}
        />
      )}
    </>
  );
}

/** The statement of a year, as the public page and the secretariat's dashboard both show it. */
function StatementSections({ locale, statement, year }: { locale: Locale; statement: FinanceStatement; year: number }): Child {
  const t = statementText(locale);
  const money = (minor: number, currency = statement.currency) => formatMoney(locale, minor, currency);
  const { income, expenditure, balances, creditFlows } = statement;
  return (
    <>
      <CardGrid>
        <SummaryCard figure={formatMoney(locale, income.totalMinor, statement.currency, { whole: true })} label={t('income_title')} />
        <SummaryCard figure={formatMoney(locale, expenditure.totalMinor, statement.currency, { whole: true })} label={t('expenditure_area_title')} />
        <SummaryCard figure={formatMoney(locale, balances.restrictedMinor, statement.currency, { whole: true })} label={t('restricted_total')} />
        <SummaryCard figure={formatMoney(locale, balances.unrestrictedMinor, statement.currency, { whole: true })} label={t('unrestricted')} />
      </CardGrid>

      <h2>{t('income_title')}</h2>
      <Breakdown
        locale={locale}
        statement={statement}
        caption={t('income_caption', { currency: statement.currency })}
        header={t('col_source')}
        rows={income.lines.map((line) => ({ label: incomeLabel(locale, line), amountMinor: line.amountMinor }))}
        totalMinor={income.totalMinor}
        chart={{ title: t('chart_income_title'), message: t('chart_income_message', { total: money(income.totalMinor), year }) }}
      />

      <h2>{t('expenditure_area_title')}</h2>
      <Breakdown
        locale={locale}
        statement={statement}
        caption={t('expenditure_area_caption', { currency: statement.currency })}
        header={t('col_area')}
        rows={expenditure.byArea.map((row) => ({ label: row.label[locale], amountMinor: row.amountMinor }))}
        totalMinor={expenditure.totalMinor}
        chart={{ title: t('chart_expenditure_title'), message: t('chart_expenditure_message', { total: money(expenditure.totalMinor), year }) }}
      />
      <p>{t('expenditure_split', { total: money(expenditure.totalMinor), restricted: money(expenditure.restrictedMinor), unrestricted: money(expenditure.unrestrictedMinor) })}</p>

      <h2>{t('expenditure_category_title')}</h2>
      <Breakdown
        locale={locale}
        statement={statement}
        caption={t('expenditure_category_caption', { currency: statement.currency })}
        header={t('col_category')}
        rows={expenditure.byCategory.map((row) => ({ label: categoryLabel(locale, row.category), amountMinor: row.amountMinor }))}
        totalMinor={expenditure.totalMinor}
      />

      <h2>{t('balances_title', { date: formatDate(locale, statement.period.to) })}</h2>
      <DataTable
        caption={t('balances_caption', { date: formatDate(locale, statement.period.to) })}
        rows={[
          ...balances.restricted.map((grant) => ({ label: grant.reference, donor: grant.donor, received: money(grant.receivedMinor, grant.currency), charged: money(grant.chargedMinor, grant.currency), balance: money(grant.balanceMinor, grant.currency), reporting: grant.balanceReportingMinor })),
          { label: t('restricted_total'), donor: '', received: '', charged: '', balance: '', reporting: balances.restrictedMinor },
          { label: t('unrestricted'), donor: '', received: '', charged: '', balance: '', reporting: balances.unrestrictedMinor },
        ]}
        columns={[
          { header: t('col_grant'), cell: (row) => row.label },
          { header: t('col_donor'), cell: (row) => row.donor },
          { header: t('col_received'), cell: (row) => row.received, numeric: true },
          { header: t('col_charged'), cell: (row) => row.charged, numeric: true },
          { header: t('col_balance'), cell: (row) => row.balance, numeric: true },
          { header: t('col_balance_reporting', { currency: statement.currency }), cell: (row) => money(row.reporting), numeric: true },
        ]}
      />

      <h2>{t('credit_title')}</h2>
      <p>{t('credit_intro', { sales: money(creditFlows.salesMinor), premium: money(creditFlows.premiumMinor), fee: money(creditFlows.feeMinor) })}</p>
      {creditFlows.unsplitMinor !== 0 && <p>{t('unsplit', { amount: money(creditFlows.unsplitMinor) })}</p>}
      {!creditFlows.reconciled && (
        <div class="panel" role="alert">
          {t('reconciliation_failed')}
        </div>
      )}
      {creditFlows.reconciliation.length > 0 && (
        <DataTable
          caption={t('credit_caption')}
          rows={creditFlows.reconciliation}
          columns={[
            { header: t('col_currency'), cell: (row) => row.currency },
            { header: t('col_sales'), cell: (row) => money(row.salesMinor, row.currency), numeric: true },
            { header: t('col_premium'), cell: (row) => money(row.premiumMinor, row.currency), numeric: true },
            { header: t('col_fee'), cell: (row) => money(row.feeMinor, row.currency), numeric: true },
            { header: t('col_booked'), cell: (row) => money(row.premiumBookedMinor, row.currency), numeric: true },
            { header: '', cell: (row) => (row.splitMatches && row.bookedMatches ? <StatusTag tone="green">{t('reconciled')}</StatusTag> : <StatusTag tone="red">{t('not_reconciled')}</StatusTag>) },
          ]}
        />
      )}

      <h2>{t('bva_title')}</h2>
      {statement.budgetAgainstActual.length === 0 ? (
        <p>{t('bva_none')}</p>
      ) : (
        <>
          <ChartFrame
            locale={locale}
            title={t('bva_chart_title')}
            message={t('bva_chart_message', { year })}
            svg={renderBarChart({
              locale,
              categories: statement.budgetAgainstActual.map((grant) => grant.reference),
              series: [
                { name: t('col_share_spent'), values: statement.budgetAgainstActual.map((grant) => Math.round((grant.total.shareSpent ?? 0) * 100)) },
                { name: t('col_share_elapsed'), values: statement.budgetAgainstActual.map((grant) => Math.round(grant.total.shareElapsed * 100)) },
              ],
              unit: '%',
            })}
            table={{
              columns: [t('col_grant'), t('col_currency'), t('col_budget'), t('col_actual'), t('col_share_spent'), t('col_share_elapsed')],
              rows: statement.budgetAgainstActual.map((grant) => [grant.reference, grant.currency, major(grant.total.budgetMinor, grant.currency), major(grant.total.actualMinor, grant.currency), percent(locale, grant.total.shareSpent), percent(locale, grant.total.shareElapsed)]),
            }}
            source={t('chart_source')}
          />
          {statement.budgetAgainstActual.map((grant) => (
            <>
              <p>{t('bva_total', { reference: grant.reference, actual: money(grant.total.actualMinor, grant.currency), budget: money(grant.total.budgetMinor, grant.currency), spent: percent(locale, grant.total.shareSpent), elapsed: percent(locale, grant.total.shareElapsed) })}</p>
              <DataTable
                caption={t('bva_caption', { reference: grant.reference, donor: grant.donor, currency: grant.currency })}
                rows={grant.lines}
                columns={[
                  { header: t('col_activity'), cell: (line) => line.activity },
                  { header: t('col_category'), cell: (line) => categoryLabel(locale, line.category) },
                  { header: t('col_year'), cell: (line) => String(line.year) },
                  { header: t('col_budget'), cell: (line) => money(line.budgetMinor, grant.currency), numeric: true },
                  { header: t('col_actual'), cell: (line) => money(line.actualMinor, grant.currency), numeric: true },
                  { header: t('col_variance'), cell: (line) => money(line.varianceMinor, grant.currency), numeric: true },
                  { header: '', cell: (line) => (line.overspent ? <StatusTag tone="red">{t('overspent')}</StatusTag> : <StatusTag tone="green">{t('within_budget')}</StatusTag>) },
                ]}
              />
            </>
          ))}
        </>
      )}

      <h2>{t('rates_title')}</h2>
      {statement.ratesUsed.length === 0 ? (
        <p>{t('rates_none', { currency: statement.currency })}</p>
      ) : (
        <details>
          <summary>{t('rates_caption')}</summary>
          <DataTable
            caption={t('rates_caption')}
            rows={statement.ratesUsed}
            columns={[
              { header: t('col_currency'), cell: (rate) => rate.currency },
              { header: t('col_day'), cell: (rate) => formatDate(locale, rate.rateOn) },
              { header: t('col_rate'), cell: (rate) => formatNumber(locale, rate.unitsPerUsdMicro / 1_000_000, { maximumFractionDigits: 6 }), numeric: true },
              { header: t('col_rate_source'), cell: (rate) => rate.source },
            ]}
          />
        </details>
      )}
    </>
  );
}

/** The statement of a year, or the reason it cannot be drawn up (a missing exchange rate): the page still renders. */
async function statementOrReason(c: Context<AppEnv>, year: number): Promise<{ statement: FinanceStatement } | { reason: string }> {
  try {
    return { statement: await financeStatement(c.get('deps').db, statementPeriodOf({ year: String(year) }, isoDateOf(new Date()))) };
  } catch (error) {
    if (error instanceof AppError && error.code === 'rate_missing') return { reason: error.text[c.get('locale')] };
    throw error;
  }
}

function Downloads({ locale, year }: { locale: Locale; year: number }): Child {
  const t = statementText(locale);
  return (
    <>
      <h2>{t('downloads_title')}</h2>
      <ul>
        <li><a href={`/api/v1/finance/statements.csv?year=${year}`} download>{t('download_csv', { year })}</a></li>
        <li><a href={`/api/v1/finance/statements.xlsx?year=${year}`} download>{t('download_xlsx', { year })}</a></li>
        <li><a href={`/api/v1/finance/statements?year=${year}`}>{t('download_json', { year })}</a></li>
      </ul>
    </>
  );
}

/** The year asked in the query (a future or malformed one is the statement's own 422), or the default. */
function chosenYear(c: Context<AppEnv>, today: string, fallback: number): number {
  const asked = c.req.query('year');
  if (asked === undefined || asked === '') return fallback;
  return Number(statementPeriodOf({ year: asked }, today).from.slice(0, 4));
}

async function publicPage(c: Context<AppEnv>) {
  authorize(c.get('actor'), 'finance.read.public');
  const locale = c.get('locale');
  const t = statementText(locale);
  const today = isoDateOf(new Date());
  const years = await statementYears(c.get('deps').db, today);
  const year = chosenYear(c, today, lastCompleteYear(today));
  const result = await statementOrReason(c, year);
  const currency = 'statement' in result ? result.statement.currency : '';
  return renderPage(c, {
    title: t('public_title'),
    children: (
      <>
        <h1>{t('public_title')}</h1>
        <p class="lead">{t('public_intro', { currency })}</p>
        <form method="get" action="/finance/public" class="inline-form">
          <SelectField name="year" label={t('year_label')} value={String(year)} options={(years.includes(year) ? years : [year, ...years]).map((y) => ({ value: String(y), label: String(y) }))} />
          <button class="button secondary" type="submit">{t('show_button')}</button>
        </form>
        <h2>{t('statement_title', { year })}</h2>
        {year >= Number(today.slice(0, 4)) && <p>{t('year_incomplete', { year })}</p>}
        {'statement' in result ? (
          <>
            <StatementSections locale={locale} statement={result.statement} year={year} />
            <Downloads locale={locale} year={year} />
          </>
        ) : (
          <div class="panel" role="status">{t('rate_missing', { reason: result.reason })}</div>
        )}
        <h2>{t('iati_title')}</h2>
        <ul>
          <li><a href="/iati/activities.xml">{t('iati_activities')}</a></li>
          <li><a href="/iati/organisation.xml">{t('iati_organisation')}</a></li>
        </ul>
      </>
    ),
  });
}

async function dashboardPage(c: Context<AppEnv>) {
  authorize(c.get('actor'), 'finance.manage');
  const locale = c.get('locale');
  const t = statementText(locale);
  const today = isoDateOf(new Date());
  const years = await statementYears(c.get('deps').db, today);
  const year = chosenYear(c, today, Number(today.slice(0, 4)));
  const result = await statementOrReason(c, year);
  const inArrears = (await listMembers(c.get('deps').db, today)).flatMap((member) => member.balances.filter((b) => b.arrearsMinor > 0).map((balance) => ({ member, balance })));
  return renderPage(c, {
    title: t('dashboard_title'),
    children: (
      <>
        <h1>{t('dashboard_title')}</h1>
        <p class="lead">{t('dashboard_intro', { year })}</p>
        <h2>{t('links_title')}</h2>
        <ul class="inline-list">
          <li><a href="/finance/members">{t('link_members')}</a></li>
          <li><a href="/finance/grants">{t('link_grants')}</a></li>
          <li><a href="/finance/spending">{t('link_spending')}</a></li>
          <li><a href="/finance/ledger">{t('link_ledger')}</a></li>
          <li><a href={`/finance/public?year=${year}`}>{t('link_public')}</a></li>
        </ul>
        <form method="get" action="/finance" class="inline-form">
          <SelectField name="year" label={t('year_label')} value={String(year)} options={(years.includes(year) ? years : [year, ...years]).map((y) => ({ value: String(y), label: String(y) }))} />
          <button class="button secondary" type="submit">{t('show_button')}</button>
        </form>
        <h2>{t('arrears_title')}</h2>
        {inArrears.length === 0 ? (
          <p>{t('arrears_none')}</p>
        ) : (
          <DataTable
            caption={t('arrears_caption')}
            rows={inArrears}
            columns={[
              { header: t('col_member'), cell: ({ member }) => <a href={`/finance/members/${member.organisationCode}`}>{member.organisationName}</a> },
              { header: t('col_arrears'), cell: ({ balance }) => formatMoney(locale, balance.arrearsMinor, balance.currency), numeric: true },
            ]}
          />
        )}
        <h2>{t('statement_title', { year })}</h2>
        {year >= Number(today.slice(0, 4)) && <p>{t('year_incomplete', { year })}</p>}
        {'statement' in result ? (
          <>
            <StatementSections locale={locale} statement={result.statement} year={year} />
            <Downloads locale={locale} year={year} />
          </>
        ) : (
          <div class="panel" role="status">{t('rate_missing', { reason: result.reason })}</div>
        )}
      </>
    ),
  });
}

/** The secretariat's finance dashboard (`/finance`) and everyone's yearly statements (`/finance/public`). */
export function registerStatementPages(pages: Hono<AppEnv>): void {
  pages.get('/finance', (c) => dashboardPage(c));
  pages.get('/finance/public', (c) => publicPage(c));
}
