import type { Context, Hono } from 'hono';
import { authorize, can } from '../../core/auth/policies.ts';
import { isoDateOf } from '../../core/calendar.ts';
import { formatDate, formatMoney, formatNumber } from '../../core/i18n/format.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { parseMoney } from '../../core/quantities.ts';
import { runCommand } from '../../journal/public.ts';
import { ChartFrame, renderBarChart } from '../../web/chart.tsx';
import { CsrfField, DataTable, EmptyState, ErrorSummary, Field, SelectField, StatusTag, TextareaField, type FieldErrors } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { formWithFiles, refusalOnForm, type Form } from '../../web/forms.ts';
import { renderPage } from '../../web/layout.tsx';
import { createGrant } from '../commands/create-grant.ts';
import { recordGrantMoney, type GrantMoneyKind } from '../commands/record-grant-receipt.ts';
import { reviseGrantBudget, type BudgetLineProps } from '../commands/revise-grant-budget.ts';
import { grantPageText, type GrantPageKey } from '../messages/grant-pages.ts';
import { budgetAgainstActual } from '../queries/budget-vs-actual.ts';
import { listSpending, type SpendingRow } from '../queries/expenditures.ts';
import { activitiesFundedBy, loadResults } from '../queries/results.ts';
import { resultsPageText } from '../messages/results-pages.ts';
import { ResultsSection } from './results.tsx';
import { readableGrant, readableGrants } from '../routes/grants.ts';

export const grantText = (locale: Locale) => (key: GrantPageKey, params?: Record<string, string | number>) => grantPageText.t(locale, key, params);
export const categoryLabel = (locale: Locale, category: string) => grantText(locale)(`category_${category}` as GrantPageKey);
const percent = (locale: Locale, share: number | null) => (share === null ? '—' : formatNumber(locale, share, { style: 'percent', maximumFractionDigits: 0 }));
const codesOf = (text: string | undefined) => (text ?? '').split(/[,\s]+/).filter(Boolean);

/** A payee as any reader but the secretariat's admin sees it: an organisation, or "individual". */
export function payeeText(locale: Locale, row: SpendingRow): string {
  if (row.payeeOrganisation) return row.payeeOrganisation;
  return row.payeeIndividualName ? `${row.payeeIndividualName} (${grantText(locale)('individual')})` : grantText(locale)('individual');
}

async function grantsPage(c: Context<AppEnv>) {
  const locale = c.get('locale');
  const t = grantText(locale);
  const grants = await readableGrants(c.get('deps').db, c.get('actor'));
  const admin = can(c.get('actor'), 'finance.manage');
  return renderPage(c, {
    title: t('grants_title'),
    children: (
      <>
        <h1>{t('grants_title')}</h1>
        <p>{t(admin ? 'grants_intro_admin' : 'grants_intro_donor')}</p>
        {admin && (
          <ul class="inline-list">
            <li><a href="/finance/grants/new">{t('new_grant_link')}</a></li>
            <li><a href="/finance/spending">{t('spending_link')}</a></li>
          </ul>
        )}
        {grants.length === 0 ? (
          <EmptyState title={t('grants_none')} next={admin ? <a href="/finance/grants/new">{t('new_grant_link')}</a> : ''} />
        ) : (
          <DataTable
            caption={t('grants_caption')}
            rows={grants}
            columns={[
              { header: t('col_reference'), cell: (g) => <a href={`/finance/grants/${g.id}`}>{g.reference}</a> },
              { header: t('col_donor'), cell: (g) => g.donorName },
              { header: t('col_title'), cell: (g) => g.title },
              { header: t('col_period'), cell: (g) => `${formatDate(locale, g.periodStart)} – ${formatDate(locale, g.periodEnd)}` },
              { header: t('col_total'), cell: (g) => formatMoney(locale, g.totalMinor, g.currency), numeric: true },
              { header: t('col_received'), cell: (g) => formatMoney(locale, g.receivedMinor, g.currency), numeric: true },
              { header: t('col_spent'), cell: (g) => formatMoney(locale, g.spentMinor, g.currency), numeric: true },
            ]}
          />
        )}
      </>
    ),
  });
}

async function newGrantPage(c: Context<AppEnv>, values: Form = {}, errors: FieldErrors = {}, status: 200 | 400 | 404 | 409 | 422 = 200) {
  const locale = c.get('locale');
  const t = grantText(locale);
  authorize(c.get('actor'), 'finance.manage');
  return renderPage(
    c,
    {
      title: t('new_grant_title'),
      breadcrumbs: [{ href: '/finance/grants', label: t('grants_title') }],
      children: (
        <>
          <h1>{t('new_grant_title')}</h1>
          <form method="post" action="/finance/grants" novalidate>
            <ErrorSummary locale={locale} errors={errors} />
            <CsrfField token={c.get('csrfToken')} />
            <Field name="donor" label={t('donor_label')} hint="eprm" value={values.donor} error={errors.donor} />
            <Field name="reference" label={t('reference_label')} value={values.reference} error={errors.reference} />
            <Field name="title" label={t('title_label')} value={values.title} error={errors.title} />
            <TextareaField name="purpose" label={t('purpose_label')} value={values.purpose} error={errors.purpose} />
            <Field name="currency" label={t('currency_label')} value={values.currency ?? 'EUR'} error={errors.currency} />
            <Field name="total" label={t('total_label')} value={values.total} error={errors.total} />
            <Field name="signedOn" type="date" label={t('signed_label')} value={values.signedOn} error={errors.signedOn} />
            <Field name="periodStart" type="date" label={t('period_start_label')} value={values.periodStart} error={errors.periodStart} />
            <Field name="periodEnd" type="date" label={t('period_end_label')} value={values.periodEnd} error={errors.periodEnd} />
            <Field name="activities" label={t('activities_label')} hint={t('codes_hint')} value={values.activities} error={errors.activities} />
            <Field name="areas" label={t('areas_label')} hint={t('codes_hint')} value={values.areas} error={errors.areas} />
            <TextareaField name="reports" label={t('reports_label')} hint={t('reports_hint')} value={values.reports} error={errors.reports} />
            <button class="button" type="submit">{t('record_grant_button')}</button>
          </form>
        </>
      ),
    },
    status,
  );
}

async function grantPage(c: Context<AppEnv>, values: Form = {}, errors: FieldErrors = {}, status: 200 | 400 | 404 | 409 | 422 = 200) {
  const db = c.get('deps').db;
  const locale = c.get('locale');
  const t = grantText(locale);
  const grant = await readableGrant(db, c.get('actor'), Number(c.req.param('id')));
  const admin = can(c.get('actor'), 'finance.manage');
  const comparison = await budgetAgainstActual(db, grant, isoDateOf(new Date()));
  const spending = await listSpending(db, { grantId: grant.id, withPersonalData: can(c.get('actor'), 'finance.restricted.read') });
  const money = (minor: number) => formatMoney(locale, minor, grant.currency);
  const major = (minor: number) => minor / 100;
  const lineName = (line: { activity: string; category: string; year: number }) => `${line.activity} · ${categoryLabel(locale, line.category)} · ${line.year}`;
  const overspent = comparison.lines.filter((line) => line.overspent).length;
  // The results of what the grant funds, computed from the indicators of every module the app runs.
  const funded = await activitiesFundedBy(db, grant.id);
  const indicators = c.get('modules').flatMap((module) => module.indicators ?? []);
  const results = [...(await loadResults(db, indicators, new Date(), funded.map((activity) => activity.id))).values()].flat();
  const activityCode = (id: number) => funded.find((activity) => activity.id === id)?.code ?? '';
  return renderPage(
    c,
    {
      title: t('grant_title', { reference: grant.reference }),
      breadcrumbs: [{ href: '/finance/grants', label: t('grants_title') }],
      children: (
        <>
          {c.req.query('saved') === '1' && <div class="panel" role="status">{t('saved_panel')}</div>}
          <h1>{t('grant_title', { reference: grant.reference })}</h1>
          <p class="lead">{grant.title}</p>
          <p>{t('grant_facts', { donor: grant.donorName, total: money(grant.totalMinor), start: formatDate(locale, grant.periodStart), end: formatDate(locale, grant.periodEnd), signed: formatDate(locale, grant.signedOn) })}</p>
          <p>{grant.purpose}</p>
          <p>{t('restricted_to', { targets: [...grant.areas, ...grant.activities].join(', ') })}</p>
          <ErrorSummary locale={locale} errors={errors} />

          <h2>{t('bva_title')}</h2>
          {comparison.version === null && comparison.lines.length === 0 ? (
            <p>{t('bva_none')}</p>
          ) : (
            <>
              <p>{t('bva_total', { actual: money(comparison.total.actualMinor), budget: money(comparison.total.budgetMinor), spent: percent(locale, comparison.total.shareSpent), elapsed: percent(locale, comparison.total.shareElapsed) })}</p>
              <DataTable
                caption={t('bva_caption', { version: comparison.version ?? '—', currency: grant.currency })}
                rows={comparison.lines}
                columns={[
                  { header: t('col_activity'), cell: (line) => line.activity },
                  { header: t('col_category'), cell: (line) => categoryLabel(locale, line.category) },
                  { header: t('col_year'), cell: (line) => String(line.year) },
                  { header: t('col_budget'), cell: (line) => money(line.budgetMinor), numeric: true },
                  { header: t('col_actual'), cell: (line) => money(line.actualMinor), numeric: true },
                  { header: t('col_variance'), cell: (line) => money(line.varianceMinor), numeric: true },
                  { header: t('col_share_spent'), cell: (line) => percent(locale, line.shareSpent), numeric: true },
                  { header: t('col_share_elapsed'), cell: (line) => percent(locale, line.shareElapsed), numeric: true },
                  { header: '', cell: (line) => (line.overspent ? <StatusTag tone="red">{t('overspent')}</StatusTag> : <StatusTag tone="green">{t('within_budget')}</StatusTag>) },
                ]}
              />
              <ChartFrame
                locale={locale}
                title={t('chart_title')}
                message={t('chart_message', { overspent, lines: comparison.lines.length })}
                svg={renderBarChart({
                  locale,
                  categories: comparison.lines.map(lineName),
                  series: [
                    { name: t('col_budget'), values: comparison.lines.map((line) => major(line.budgetMinor)) },
                    { name: t('col_actual'), values: comparison.lines.map((line) => major(line.actualMinor)) },
                  ],
                  unit: grant.currency,
                  height: 360,
                })}
                table={{ columns: [t('col_activity'), t('col_budget'), t('col_actual')], rows: comparison.lines.map((line) => [lineName(line), major(line.budgetMinor), major(line.actualMinor)]) }}
                source={t('chart_source')}
              />
            </>
          )}

          <h2>{resultsPageText.t(locale, 'results_title')}</h2>
          <p>{resultsPageText.t(locale, 'results_lead')}</p>
          <ResultsSection locale={locale} results={results} activityCode={activityCode} />

          <h2>{t('money_title')}</h2>
          <DataTable
            caption={t('money_caption', { currency: grant.currency })}
            rows={[...grant.commitments, ...grant.receipts]}
            columns={[
              { header: t('col_date'), cell: (m) => formatDate(locale, m.valueOn) },
              { header: t('col_kind'), cell: (m) => t(m.transactionType === 11 ? 'commitment' : 'receipt') },
              { header: t('col_reference'), cell: (m) => m.reference },
              { header: t('col_amount'), cell: (m) => money(m.amountMinor), numeric: true },
            ]}
          />

          <h2>{t('spending_title')}</h2>
          {spending.length === 0 ? <p>{t('spending_none')}</p> : <SpendingTable locale={locale} rows={spending} grant={grant} caption={t('spending_caption')} />}

          <h2>{t('versions_title')}</h2>
          {grant.versions.map((version) => (
            <details>
              <summary>{t('version_summary', { version: version.version, date: formatDate(locale, version.createdAt), reason: version.reason })}</summary>
              <DataTable
                caption={t('version_summary', { version: version.version, date: formatDate(locale, version.createdAt), reason: version.reason })}
                rows={version.lines}
                columns={[
                  { header: t('col_activity'), cell: (line) => line.activity },
                  { header: t('col_category'), cell: (line) => categoryLabel(locale, line.category) },
                  { header: t('col_year'), cell: (line) => String(line.year) },
                  { header: t('col_budget'), cell: (line) => money(line.amountMinor), numeric: true },
                ]}
              />
            </details>
          ))}
          {grant.reports.length > 0 && (
            <>
              <h2>{t('reports_title')}</h2>
              <ul>{grant.reports.map((report) => <li>{`${formatDate(locale, report.dueOn)}: ${report.description}`}</li>)}</ul>
            </>
          )}

          {admin && (
            <>
              <h2>{t('record_money_title')}</h2>
              <form method="post" action={`/finance/grants/${grant.id}/money`} novalidate>
                <CsrfField token={c.get('csrfToken')} />
                <SelectField name="kind" label={t('kind_label')} value={values.kind ?? 'receipt'} options={[{ value: 'receipt', label: t('receipt') }, { value: 'commitment', label: t('commitment') }]} />
                <Field name="amount" label={`${t('amount_label')} (${grant.currency})`} value={values.amount} error={errors.amount} />
                <Field name="valueOn" type="date" label={t('value_on_label')} value={values.valueOn} error={errors.valueOn} />
                <Field name="reference" label={t('money_reference_label')} value={values.reference} error={errors.reference} />
                <button class="button" type="submit">{t('record_money_button')}</button>
              </form>
              <h2>{t('revise_title')}</h2>
              <form method="post" action={`/finance/grants/${grant.id}/budget`} novalidate>
                <CsrfField token={c.get('csrfToken')} />
                <Field name="reason" label={t('revise_reason_label')} value={values.reason} error={errors.reason} />
                <TextareaField
                  name="lines"
                  rows={8}
                  label={t('revise_lines_label')}
                  hint={t('revise_lines_hint')}
                  value={values.lines ?? grant.versions[0]?.lines.map((line) => `${line.activity}, ${line.category}, ${line.year}, ${line.amountMinor / 100}`).join('\n')}
                  error={errors.lines}
                />
                <button class="button" type="submit">{t('revise_button')}</button>
              </form>
            </>
          )}
        </>
      ),
    },
    status,
  );
}

/**
 * Spending rows: the payee an organisation or "individual" (named for the secretariat's admin
 * only), the receipt linked for the admin only. On a grant's page, the share charged to the grant
 * in the grant's currency (converted at the day's rates when paid in another), as its budget against actual counts it.
 */
export function SpendingTable({ locale, rows, caption, grant }: { locale: Locale; rows: SpendingRow[]; caption: string; grant?: { id: number; currency: string } }) {
  const t = grantText(locale);
  return (
    <DataTable
      caption={caption}
      rows={rows}
      columns={[
        { header: t('col_date'), cell: (r) => formatDate(locale, r.spentOn) },
        { header: t('col_reference'), cell: (r) => r.reference },
        { header: t('col_activity'), cell: (r) => r.activity },
        { header: t('col_category'), cell: (r) => categoryLabel(locale, r.category) },
        { header: t('col_payee'), cell: (r) => payeeText(locale, r) },
        { header: t('col_description'), cell: (r) => r.description },
        { header: t('col_amount'), cell: (r) => formatMoney(locale, r.amountMinor, r.currency), numeric: true },
        grant === undefined
          ? { header: t('col_sources'), cell: (r) => r.allocations.map((a) => `${a.grantReference ?? t('unrestricted')}: ${formatMoney(locale, a.amountMinor, r.currency)}`).join('; ') }
          : { header: t('col_charged'), cell: (r) => formatMoney(locale, r.allocations.find((a) => a.grantId === grant.id)?.grantAmountMinor ?? 0, grant.currency), numeric: true },
        ...(rows.some((r) => r.receiptFileId !== undefined) ? [{ header: t('col_receipt'), cell: (r: SpendingRow) => (r.receiptFileId ? <a href={`/api/v1/finance/expenditures/${r.id}/receipt`}>{t('receipt_link')}</a> : '') }] : []),
      ]}
    />
  );
}

/** Budget lines as typed in the form: `activity, category, year, amount` a line, the amount in the grant's currency. */
function parseBudgetLines(text: string, currency: string): BudgetLineProps[] | null {
  const lines: BudgetLineProps[] = [];
  for (const row of text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean)) {
    const [activity, category, year, amount] = row.split(/\s*[,;\t]\s*/);
    const amountMinor = amount === '0' ? 0 : parseMoney(amount ?? '', currency);
    if (!activity || !category || !/^\d{4}$/.test(year ?? '') || amountMinor === null) return null;
    lines.push({ activity, category, year: Number(year), amountMinor });
  }
  return lines;
}

/** The secretariat's and the donors' grant pages: the list, a new grant, and a grant with its budget against actual. */
export function registerGrantPages(pages: Hono<AppEnv>): void {
  pages.get('/finance/grants', (c) => grantsPage(c));
  pages.get('/finance/grants/new', (c) => newGrantPage(c));
  pages.post('/finance/grants', async (c) => {
    const { form } = await formWithFiles(c);
    const currency = (form.currency ?? '').trim().toUpperCase();
    const totalMinor = parseMoney(form.total ?? '', currency);
    if (totalMinor === null) return newGrantPage(c, form, { total: grantText(c.get('locale'))('field_invalid') }, 400);
    const reportsDue = (form.reports ?? '').split(/\r?\n/).map((line) => line.trim()).filter(Boolean).map((line) => ({ dueOn: line.slice(0, 10), description: line.slice(10).trim() }));
    try {
      const grant = await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        createGrant(ctx, { donor: (form.donor ?? '').trim(), reference: (form.reference ?? '').trim(), title: form.title ?? '', purpose: form.purpose ?? '', currency, totalMinor, signedOn: form.signedOn ?? '', periodStart: form.periodStart ?? '', periodEnd: form.periodEnd ?? '', activities: codesOf(form.activities), areas: codesOf(form.areas), reportsDue }),
      );
      return c.redirect(`/finance/grants/${grant.id}?saved=1`, 303);
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'), { donor_not_found: 'donor', grant_exists: 'reference', grant_reference_invalid: 'reference', currency_invalid: 'currency', restrictions_required: 'areas', activity_not_found: 'activities', area_not_found: 'areas', reports_invalid: 'reports' });
      return newGrantPage(c, form, refusal.errors, refusal.status);
    }
  });
  pages.get('/finance/grants/:id{[0-9]+}', (c) => grantPage(c));
  pages.post('/finance/grants/:id{[0-9]+}/money', async (c) => {
    const { form } = await formWithFiles(c);
    const grant = await readableGrant(c.get('deps').db, c.get('actor'), Number(c.req.param('id')));
    const amountMinor = parseMoney(form.amount ?? '', grant.currency);
    if (amountMinor === null) return grantPage(c, form, { amount: grantText(c.get('locale'))('field_invalid') }, 400);
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordGrantMoney(ctx, { grantId: grant.id, kind: (form.kind ?? '') as GrantMoneyKind, amountMinor, valueOn: form.valueOn ?? '', reference: form.reference ?? '' }));
      return c.redirect(`/finance/grants/${grant.id}?saved=1`, 303);
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'), { receipt_beyond_total: 'amount', commitment_beyond_total: 'amount', transaction_duplicate: 'reference', date_invalid: 'valueOn', date_in_future: 'valueOn' });
      return grantPage(c, form, refusal.errors, refusal.status);
    }
  });
  pages.post('/finance/grants/:id{[0-9]+}/budget', async (c) => {
    const { form } = await formWithFiles(c);
    const grant = await readableGrant(c.get('deps').db, c.get('actor'), Number(c.req.param('id')));
    const lines = parseBudgetLines(form.lines ?? '', grant.currency);
    if (lines === null) return grantPage(c, form, { lines: grantText(c.get('locale'))('field_invalid') }, 400);
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) => reviseGrantBudget(ctx, { grantId: grant.id, reason: form.reason ?? '', lines }));
      return c.redirect(`/finance/grants/${grant.id}?saved=1`, 303);
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'), (e) => (e.code === 'budget_reason_required' ? 'reason' : 'lines'));
      return grantPage(c, form, refusal.errors, refusal.status);
    }
  });
}
