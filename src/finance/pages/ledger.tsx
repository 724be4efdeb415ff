import type { Context, Hono } from 'hono';
import { authorize } from '../../core/auth/policies.ts';
import { formatMoney } from '../../core/i18n/format.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { runCommand } from '../../journal/public.ts';
import { CsrfField, DataTable, ErrorSummary, Field, FileField, SelectField, type FieldErrors } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { formOf, formWithFiles, refusalOnForm, type Form } from '../../web/forms.ts';
import { renderPage } from '../../web/layout.tsx';
import { dryRunLedgerImport, importLedger } from '../commands/import-ledger.ts';
import { mapLedgerAccount } from '../commands/map-ledger-account.ts';
import { costCategories } from '../grants-schema.ts';
import { ledgerAccountMappings, type LedgerPlan } from '../ledger/plan.ts';
import type { DateOrder } from '../ledger/read-ledger.ts';
import { ledgerPageText, type LedgerPageKey } from '../messages/ledger.ts';
import { categoryLabel } from './grants.tsx';
import { statementText } from './statements.tsx';

const text = (locale: Locale) => (key: LedgerPageKey, params?: Record<string, string | number>) => ledgerPageText.t(locale, key, params);

function PlanSection({ locale, plan }: { locale: Locale; plan: LedgerPlan }) {
  const t = text(locale);
  return (
    <section aria-labelledby="plan-title">
      <h2 id="plan-title">{t('plan_title')}</h2>
      <p>
        {t('plan_summary', { postings: plan.postings, format: plan.format.toUpperCase(), shape: t(plan.shape === 'flat' ? 'shape_flat' : 'shape_grouped'), toImport: plan.toImport.length, notSpending: plan.notSpending.length, already: plan.alreadyImported.length, problems: plan.problems.length })}
      </p>
      {plan.unmappedAccounts.length > 0 && (
        <>
          <h3>{t('unmapped_title')}</h3>
          <DataTable
            caption={t('unmapped_caption')}
            rows={plan.unmappedAccounts}
            columns={[
              { header: t('col_account'), cell: (a) => a.account },
              { header: t('col_name'), cell: (a) => a.name },
              { header: t('col_postings'), cell: (a) => String(a.postings), numeric: true },
              { header: t('col_total'), cell: (a) => Object.entries(a.totals).map(([currency, minor]) => formatMoney(locale, minor, currency)).join('; '), numeric: true },
            ]}
          />
        </>
      )}
      {plan.problems.length > 0 && (
        <>
          <h3>{t('problems_title')}</h3>
          <DataTable caption={t('problems_caption')} rows={plan.problems.slice(0, 500)} columns={[{ header: t('col_row'), cell: (p) => String(p.row), numeric: true }, { header: t('col_reason'), cell: (p) => p.message[locale] }]} />
        </>
      )}
    </section>
  );
}

async function ledgerPage(c: Context<AppEnv>, options: { values?: Form; errors?: FieldErrors; plan?: LedgerPlan; status?: 200 | 400 | 403 | 404 | 409 | 413 | 422 } = {}) {
  authorize(c.get('actor'), 'finance.manage');
  const locale = c.get('locale');
  const t = text(locale);
  const values = options.values ?? {};
  const errors = options.errors ?? {};
  const mappings = await ledgerAccountMappings(c.get('deps').db);
  const imported = c.req.query('imported');
  const mapped = c.req.query('mapped');
  const unmapped = options.plan?.unmappedAccounts[0];
  return renderPage(
    c,
    {
      title: t('title'),
      breadcrumbs: [{ href: '/finance', label: statementText(locale)('dashboard_title') }],
      children: (
        <>
          {imported !== undefined && /^\d+$/.test(imported) && <div class="panel" role="status">{t('imported_panel', { count: Number(imported) })}</div>}
          {mapped !== undefined && /^[\w.-]{1,40}$/.test(mapped) && <div class="panel" role="status">{t('mapped_panel', { account: mapped })}</div>}
          <h1>{t('title')}</h1>
          <p class="lead">{t('lead')}</p>
          <ErrorSummary locale={locale} errors={errors} />
          {options.plan && <PlanSection locale={locale} plan={options.plan} />}
          <h2>{t('upload_title')}</h2>
          <form method="post" action="/finance/ledger" enctype="multipart/form-data" novalidate>
            <CsrfField token={c.get('csrfToken')} />
            <FileField name="file" label={t('file_label')} error={errors.file} />
            <Field name="currency" label={t('currency_label')} value={values.currency ?? 'USD'} error={errors.currency} />
            <SelectField name="dateOrder" label={t('date_order_label')} value={values.dateOrder ?? 'dmy'} options={[{ value: 'dmy', label: t('dmy') }, { value: 'mdy', label: t('mdy') }]} />
            <div class="actions">
              <button class="button secondary" type="submit" name="action" value="dry_run">{t('dry_run_button')}</button>
              <button class="button" type="submit" name="action" value="import">{t('import_button')}</button>
            </div>
          </form>
          <h2>{t('mapping_title')}</h2>
          <form method="post" action="/finance/ledger/accounts" novalidate>
            <CsrfField token={c.get('csrfToken')} />
            <Field name="account" label={t('account_label')} value={values.account ?? unmapped?.account} error={errors.account} />
            <Field name="name" label={t('name_label')} value={values.name ?? unmapped?.name} />
            <SelectField name="treatment" label={t('treatment_label')} value={values.treatment ?? 'spending'} options={[{ value: 'spending', label: t('spending') }, { value: 'not_spending', label: t('not_spending') }]} error={errors.treatment} />
            <Field name="activity" label={t('activity_label')} value={values.activity} error={errors.activity} />
            <SelectField name="category" label={t('category_label')} value={values.category} options={costCategories.map((category) => ({ value: category, label: categoryLabel(locale, category) }))} error={errors.category} />
            <Field name="grant" label={t('grant_label')} value={values.grant} error={errors.grant} />
            <button class="button" type="submit">{t('map_button')}</button>
          </form>
          <h2>{t('mappings_title')}</h2>
          <DataTable
            caption={t('mappings_caption')}
            rows={mappings}
            columns={[
              { header: t('col_account'), cell: (m) => m.code },
              { header: t('col_name'), cell: (m) => m.name },
              { header: t('col_treatment'), cell: (m) => t(m.treatment) },
              { header: t('col_activity'), cell: (m) => m.activityCode ?? '' },
              { header: t('col_category'), cell: (m) => (m.costCategory ? categoryLabel(locale, m.costCategory) : '') },
              { header: t('col_grant'), cell: (m) => (m.treatment === 'spending' ? (m.grantReference ?? t('unrestricted')) : '') },
            ]}
          />
        </>
      ),
    },
    options.status ?? 200,
  );
}

/**
 * The secretariat's ledger page: upload an export and check it (a dry run) or import it, map the
 * accounts the check found unmapped, and see every mapping.
 */
export function registerLedgerPages(pages: Hono<AppEnv>): void {
  pages.get('/finance/ledger', (c) => ledgerPage(c));

  pages.post('/finance/ledger', async (c) => {
    authorize(c.get('actor'), 'finance.manage');
    const { form, files } = await formWithFiles(c);
    const file = files.file?.[0];
    if (!file) return ledgerPage(c, { values: form, errors: { file: text(c.get('locale'))('file_required') }, status: 400 });
    const props = { content: Buffer.from(await file.arrayBuffer()), currency: (form.currency ?? '').trim().toUpperCase(), dateOrder: (form.dateOrder ?? '') as DateOrder };
    try {
      if (form.action !== 'import') return ledgerPage(c, { values: form, plan: await dryRunLedgerImport(c.get('deps').db, c.get('actor'), props) });
      const result = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => importLedger(ctx, { ...props, filename: file.name }));
      return c.redirect(`/finance/ledger?imported=${result.plan.toImport.length}`, 303);
    } catch (error) {
      // A refused import shows the same list as the dry run, so that each posting can be put right.
      const plan = form.action === 'import' ? await dryRunLedgerImport(c.get('deps').db, c.get('actor'), props).catch(() => undefined) : undefined;
      const refusal = refusalOnForm(error, c.get('locale'), { ledger_currency_unknown: 'currency', ledger_date_order_invalid: 'dateOrder', ledger_file_required: 'file', ledger_unreadable: 'file', ledger_empty: 'file', ledger_header_missing: 'file', ledger_too_long: 'file' });
      return ledgerPage(c, { values: form, errors: refusal.errors, ...(plan && { plan }), status: refusal.status });
    }
  });

  pages.post('/finance/ledger/accounts', async (c) => {
    const form = await formOf(c);
    const account = (form.account ?? '').trim();
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        mapLedgerAccount(ctx, {
          account,
          name: form.name ?? '',
          mapping: form.treatment === 'not_spending' ? { treatment: 'not_spending' } : { treatment: 'spending', activity: (form.activity ?? '').trim(), category: form.category ?? '', grant: (form.grant ?? '').trim() || null },
        }),
      );
      return c.redirect(`/finance/ledger?mapped=${encodeURIComponent(account)}`, 303);
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'), { ledger_account_code_invalid: 'account', ledger_treatment_invalid: 'treatment', activity_not_found: 'activity', cost_category_invalid: 'category', ledger_grant_not_found: 'grant', grant_restricted: 'grant' });
      return ledgerPage(c, { values: form, errors: refusal.errors, status: refusal.status });
    }
  });
}
