import type { Context, Hono } from 'hono';
import { authorize } from '../../core/auth/policies.ts';
import { parseMoney } from '../../core/quantities.ts';
import { runCommand } from '../../journal/public.ts';
import { CsrfField, EmptyState, ErrorSummary, Field, FileField, SelectField, type FieldErrors } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { formWithFiles, refusalOnForm, type Form } from '../../web/forms.ts';
import { renderPage } from '../../web/layout.tsx';
import { recordExpenditure, type SpendingKind } from '../commands/record-expenditure.ts';
import { costCategories } from '../grants-schema.ts';
import { listSpending, spendingYears } from '../queries/expenditures.ts';
import { listGrants } from '../queries/grants.ts';
import { categoryLabel, grantText, SpendingTable } from './grants.tsx';

const sourceRows = [1, 2, 3] as const;

async function spendingPage(c: Context<AppEnv>, values: Form = {}, errors: FieldErrors = {}, status: 200 | 400 | 404 | 409 | 422 = 200) {
  authorize(c.get('actor'), 'finance.restricted.read');
  const db = c.get('deps').db;
  const locale = c.get('locale');
  const t = grantText(locale);
  // A year at a time, the latest by default, so that every payment is a link away and none is cut off.
  const years = await spendingYears(db);
  const asked = Number(c.req.query('year'));
  const year = years.includes(asked) ? asked : years[0];
  const spending = year === undefined ? [] : await listSpending(db, { withPersonalData: true, year, limit: 5_000 });
  const sources = [{ value: '', label: '—' }, { value: 'unrestricted', label: t('unrestricted') }, ...(await listGrants(db)).map((grant) => ({ value: String(grant.id), label: `${grant.reference} (${grant.currency})` }))];
  return renderPage(
    c,
    {
      title: t('spending_page_title'),
      breadcrumbs: [{ href: '/finance/grants', label: t('grants_title') }],
      children: (
        <>
          {c.req.query('saved') === '1' && <div class="panel" role="status">{t('saved_panel')}</div>}
          <h1>{t('spending_page_title')}</h1>
          <h2>{t('record_spending_title')}</h2>
          <form method="post" action="/finance/spending" enctype="multipart/form-data" novalidate>
            <ErrorSummary locale={locale} errors={errors} />
            <CsrfField token={c.get('csrfToken')} />
            <SelectField name="kind" label={t('kind_label')} value={values.kind} options={[{ value: 'expenditure', label: t('expenditure') }, { value: 'disbursement', label: t('disbursement') }]} />
            <Field name="reference" label={t('voucher_label')} value={values.reference} error={errors.reference} />
            <Field name="spentOn" type="date" label={t('spent_on_label')} value={values.spentOn} error={errors.spentOn} />
            <Field name="currency" label={t('currency_label')} value={values.currency ?? 'EUR'} error={errors.currency} />
            <Field name="amount" label={t('amount_label')} value={values.amount} error={errors.amount} />
            <Field name="activity" label={t('activity_label')} value={values.activity} error={errors.activity} />
            <SelectField name="category" label={t('category_label')} value={values.category} options={costCategories.map((category) => ({ value: category, label: categoryLabel(locale, category) }))} error={errors.category} />
            <Field name="payeeOrganisation" label={t('payee_organisation_label')} value={values.payeeOrganisation} error={errors.payeeOrganisation} />
            <Field name="payeeIndividual" label={t('payee_individual_label')} value={values.payeeIndividual} />
            <Field name="description" label={t('description_label')} value={values.description} error={errors.description} />
            <Field name="partnerCommitment" label={t('commitment_label')} value={values.partnerCommitment} error={errors.partnerCommitment} />
            <FileField name="receipt" label={t('receipt_label')} error={errors.receipt} />
            <p class="hint">{t('allocations_hint')}</p>
            {sourceRows.map((n) => (
              <>
                <SelectField name={`source${n}`} label={t('allocation_source_label', { n })} value={values[`source${n}`] ?? (n === 1 ? 'unrestricted' : '')} options={sources} error={errors[`source${n}`]} />
                <Field name={`share${n}`} label={t('allocation_amount_label', { n })} value={values[`share${n}`]} error={errors[`share${n}`]} />
              </>
            ))}
            <button class="button" type="submit">{t('record_spending_button')}</button>
          </form>
          <h2 id="spending-list">{t('spending_list_title')}</h2>
          {years.length > 1 && (
            <nav aria-label={t('spending_years_label')}>
              <ul class="filters">
                {years.map((y) => (
                  <li>
                    <a href={`/finance/spending?year=${y}#spending-list`} aria-current={y === year ? 'page' : undefined}>
                      {String(y)}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          {year === undefined ? <EmptyState title={t('spending_page_none')} next={<>{t('spending_page_none_next')} <a href="/finance/ledger">{t('spending_page_import_link')}</a></>} /> : <SpendingTable locale={locale} rows={spending} caption={t('spending_page_caption', { year })} />}
        </>
      ),
    },
    status,
  );
}

/** The secretariat's spending page: record spending with its receipt and funding sources, and the latest spending. */
export function registerSpendingPages(pages: Hono<AppEnv>): void {
  pages.get('/finance/spending', (c) => spendingPage(c));
  pages.post('/finance/spending', async (c) => {
    const { form, files } = await formWithFiles(c);
    const invalid = (field: string) => spendingPage(c, form, { [field]: grantText(c.get('locale'))('field_invalid') }, 400);
    const currency = (form.currency ?? '').trim().toUpperCase();
    const amountMinor = parseMoney(form.amount ?? '', currency);
    if (amountMinor === null) return invalid('amount');
    const allocations: { grantId: number | null; amountMinor: number }[] = [];
    for (const n of sourceRows) {
      const source = form[`source${n}`] ?? '';
      if (source === '') continue;
      const share = parseMoney(form[`share${n}`] ?? '', currency);
      if (share === null) return invalid(`share${n}`);
      allocations.push({ grantId: source === 'unrestricted' ? null : Number(source), amountMinor: share });
    }
    const individual = (form.payeeIndividual ?? '').trim();
    const organisation = (form.payeeOrganisation ?? '').trim();
    const receiptFile = files.receipt?.[0];
    try {
      await runCommand(c.get('deps').db, c.get('actor'), async (ctx) =>
        recordExpenditure(ctx, {
          kind: (form.kind ?? '') as SpendingKind,
          reference: form.reference ?? '',
          spentOn: form.spentOn ?? '',
          amountMinor,
          currency,
          activity: (form.activity ?? '').trim(),
          category: form.category ?? '',
          payee: individual && !organisation ? { individual } : organisation && !individual ? { organisation } : ({ organisation, individual } as never),
          description: form.description ?? '',
          ...(form.partnerCommitment?.trim() ? { partnerCommitment: form.partnerCommitment.trim() } : {}),
          ...(receiptFile ? { receipt: { filename: receiptFile.name, contentType: receiptFile.type, content: Buffer.from(await receiptFile.arrayBuffer()) } } : {}),
          allocations,
        }),
      );
      return c.redirect('/finance/spending?saved=1', 303);
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'), {
        expenditure_duplicate: 'reference',
        expenditure_reference_required: 'reference',
        date_invalid: 'spentOn',
        date_in_future: 'spentOn',
        currency_invalid: 'currency',
        activity_not_found: 'activity',
        payee_required: 'payeeOrganisation',
        payee_not_found: 'payeeOrganisation',
        partner_required: 'payeeOrganisation',
        description_required: 'description',
        receipt_invalid: 'receipt',
        partner_commitment_not_found: 'partnerCommitment',
      });
      return spendingPage(c, form, refusal.errors, refusal.status);
    }
  });
}
