import type { Context, Hono } from 'hono';
import { authorize } from '../../../core/auth/policies.ts';
import { isIsoDate } from '../../../core/calendar.ts';
import { AppError, loggableError, notFound } from '../../../core/errors.ts';
import { formatTonnes } from '../../../core/i18n/format.ts';
import type { Locale } from '../../../core/i18n/index.ts';
import { runCommand } from '../../../journal/public.ts';
import { CsrfField, DataTable, EmptyState, ErrorSummary, Field, SelectField, TextareaField, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { finishRetirement } from '../../commands/finish-retirement.ts';
import { retireCredits, type RetireCreditsProps } from '../../commands/retire-credits.ts';
import { holdingsError } from '../../messages/holdings.ts';
import { registryText } from '../../messages/ledger.ts';
import { findReadableAccount } from '../../queries/accounts.ts';
import { getRetirement, planRetirement, serialsDigest, type UnitsPlan } from '../../queries/operations.ts';
import { formOf, refusalOnForm, type Form, type RefusalStatus } from '../../../web/forms.ts';
import { tonnesInput } from '../../../core/quantities.ts';
import { accountLabel, accountOfError, accountOption, accountsToUse, dateRange, parseId, queryValues, registryCrumbs, text } from '../accounts/shared.tsx';
import { parseTypedTonnes } from '../../../core/quantities.ts';

/** The form's fields; the footprint calculator links to /registry/retire with these names in the query string. */
const retireFields = ['account', 'quantity', 'beneficiary', 'claimStart', 'claimEnd', 'covers', 'footprintReference', 'publicStatement'] as const;

type RetirementRequest = Omit<RetireCreditsProps, 'blocks'> & { quantityKg: number };

async function retireForm(c: Context<AppEnv>, values: Form, errors: FieldErrors, status: 200 | 400 | RefusalStatus = 200) {
  const locale = c.get('locale');
  const t = text(locale);
  const accounts = await accountsToUse(c);
  return renderPage(
    c,
    {
      title: t('retire_title'),
      breadcrumbs: registryCrumbs(locale),
      children: (
        <>
          <h1>{t('retire_title')}</h1>
          <p class="lead">{t('retire_lead')}</p>
          {accounts.length === 0 ? (
            <EmptyState title={t('no_approved_account')} next={<a href="/registry/accounts">{t('accounts_title')}</a>} />
          ) : (
            <>
              <ErrorSummary locale={locale} errors={errors} />
              <form method="post" action="/registry/retire" id="form" novalidate>
                <CsrfField token={c.get('csrfToken')} />
                <SelectField name="account" label={t('retire_account_label')} value={values.account} error={errors.account} options={accounts.map((a) => accountOption(locale, a))} />
                <Field name="quantity" label={t('retire_quantity_label')} hint={t('quantity_hint')} value={values.quantity} error={errors.quantity} />
                <Field name="beneficiary" label={t('beneficiary_label')} hint={t('beneficiary_hint')} value={values.beneficiary} error={errors.beneficiary} />
                <Field name="claimStart" type="date" label={t('claim_start_label')} hint={t('date_hint')} value={values.claimStart} error={errors.claimStart} />
                <Field name="claimEnd" type="date" label={t('claim_end_label')} hint={t('date_hint')} value={values.claimEnd} error={errors.claimEnd} />
                <Field name="covers" label={t('covers_label')} hint={t('covers_hint')} value={values.covers} error={errors.covers} />
                <Field name="footprintReference" label={t('footprint_reference_label')} hint={t('footprint_reference_hint')} value={values.footprintReference} error={errors.footprintReference} />
                <TextareaField name="publicStatement" label={t('public_statement_label')} hint={t('public_statement_hint')} value={values.publicStatement} error={errors.publicStatement} />
                <button class="button" type="submit">
                  {t('continue')}
                </button>
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
 * Reads the form with the rules `retireCredits` applies to a claim, so each problem shows beside
 * its field before the confirmation page (the command checks them again when it runs).
 */
function readRetirementForm(locale: Locale, form: Form): { request: RetirementRequest } | { errors: FieldErrors } {
  const t = text(locale);
  const refusal = (code: Parameters<typeof registryText.t>[1]) => registryText.t(locale, code);
  const errors: FieldErrors = {};
  const accountId = parseId(form.account);
  const quantityKg = parseTypedTonnes(form.quantity ?? '');
  const beneficiary = (form.beneficiary ?? '').trim();
  const covers = (form.covers ?? '').trim();
  const claimPeriodStart = (form.claimStart ?? '').trim();
  const claimPeriodEnd = (form.claimEnd ?? '').trim();
  const footprintReference = (form.footprintReference ?? '').trim();
  const publicStatement = (form.publicStatement ?? '').trim();
  if (accountId === null) errors.account = t('field_account_invalid');
  if (quantityKg === null) errors.quantity = t('field_quantity_invalid');
  if (beneficiary.length === 0 || beneficiary.length > 200) errors.beneficiary = refusal('beneficiary_required');
  if (!isIsoDate(claimPeriodStart)) errors.claimStart = refusal('claim_period_invalid');
  if (!isIsoDate(claimPeriodEnd) || (isIsoDate(claimPeriodStart) && claimPeriodEnd < claimPeriodStart)) errors.claimEnd = refusal('claim_period_invalid');
  if (covers.length === 0 || covers.length > 500) errors.covers = refusal('covers_required');
  if (footprintReference.length > 200) errors.footprintReference = refusal('claim_text_too_long');
  if (publicStatement.length > 2000) errors.publicStatement = refusal('claim_text_too_long');
  if (Object.keys(errors).length > 0) return { errors };
  return {
    request: { accountId: accountId!, quantityKg: quantityKg!, beneficiary, claimPeriodStart, claimPeriodEnd, covers, footprintReference: footprintReference || null, publicStatement },
  };
}

const fieldOfRetirementError = (error: AppError) => {
  const byCode: Record<string, string> = {
    insufficient_credits: 'quantity',
    quantity_invalid: 'quantity',
    beneficiary_required: 'beneficiary',
    claim_period_invalid: 'claimStart',
    covers_required: 'covers',
    claim_text_too_long: 'publicStatement',
  };
  return byCode[error.code] ?? (accountOfError(error) !== undefined ? 'account' : 'form');
};

function ConfirmRetirement({ c, request, plan, changed }: { c: Context<AppEnv>; request: RetirementRequest; plan: UnitsPlan; changed: boolean }) {
  const locale = c.get('locale');
  const t = text(locale);
  const values: Form = {
    account: String(plan.account.id),
    quantity: tonnesInput(plan.quantityKg),
    beneficiary: request.beneficiary,
    claimStart: request.claimPeriodStart,
    claimEnd: request.claimPeriodEnd,
    covers: request.covers,
    footprintReference: request.footprintReference ?? '',
    publicStatement: request.publicStatement ?? '',
  };
  const summary = [
    { label: t('retire_account_label'), value: accountLabel(plan.account) },
    { label: t('beneficiary_label'), value: request.beneficiary },
    { label: t('claim_period'), value: dateRange(locale, request.claimPeriodStart, request.claimPeriodEnd) },
    { label: t('covers_label'), value: request.covers },
    { label: t('footprint_reference_label'), value: request.footprintReference ?? '—' },
    { label: t('public_statement_label'), value: request.publicStatement || '—' },
  ];
  return (
    <>
      <h1>{t('confirm_retire_title')}</h1>
      {changed && (
        <div class="error-summary" role="alert">
          <p>{holdingsError('serials_changed', 409).text[locale]}</p>
        </div>
      )}
      <div class="panel">
        <p>
          {t('confirm_retire_text', {
            quantity: formatTonnes(locale, plan.quantityKg),
            account: accountLabel(plan.account),
            serials: plan.ranges.map((range) => range.serials).join(', '),
            beneficiary: request.beneficiary,
          })}
        </p>
        <p>
          <strong>{t('irreversible')}</strong>
        </p>
      </div>
      <DataTable
        caption={t('confirm_serials_caption')}
        rows={plan.ranges}
        columns={[
          { header: t('serials'), cell: (range) => <span class="mono">{range.serials}</span> },
          { header: t('quantity'), cell: (range) => formatTonnes(locale, range.lastUnit - range.firstUnit + 1), numeric: true },
        ]}
      />
      <DataTable caption={t('confirm_claim_caption')} rows={summary} columns={[{ header: t('detail'), cell: (row) => row.label }, { header: t('value'), cell: (row) => row.value }]} />
      <form method="post" action="/registry/retire">
        <CsrfField token={c.get('csrfToken')} />
        {Object.entries(values).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name="confirm" value="1" />
        <input type="hidden" name="expected" value={plan.digest} />
        <button class="button button-warning" type="submit">
          {t('confirm_retire_button')}
        </button>
      </form>
      <p>
        <a href={`/registry/retire?${new URLSearchParams(values).toString()}`}>{t('change')}</a>
      </p>
    </>
  );
}

/** Plans the retirement and shows what it will take; a refusal goes back on the form. */
async function confirmationOrForm(c: Context<AppEnv>, form: Form, request: RetirementRequest, changed: boolean) {
  const locale = c.get('locale');
  let plan: UnitsPlan;
  try {
    plan = await planRetirement(c.get('deps').db, c.get('actor'), { accountId: request.accountId, quantityKg: request.quantityKg });
  } catch (error) {
    const refusal = refusalOnForm(error, locale, fieldOfRetirementError);
    return retireForm(c, form, refusal.errors, refusal.status);
  }
  return renderPage(
    c,
    { title: text(locale)('confirm_retire_title'), breadcrumbs: registryCrumbs(locale), children: <ConfirmRetirement c={c} request={request} plan={plan} changed={changed} /> },
    changed ? 409 : 200,
  );
}

function RetirementDone({ c, retirement }: { c: Context<AppEnv>; retirement: NonNullable<Awaited<ReturnType<typeof getRetirement>>> }) {
  const locale = c.get('locale');
  const t = text(locale);
  return (
    <>
      <h1>{t('retired_title')}</h1>
      <div class="panel" role="status">
        <p>
          {t('retired_text', {
            id: retirement.id,
            quantity: formatTonnes(locale, retirement.quantityKg),
            beneficiary: retirement.beneficiary,
            period: dateRange(locale, retirement.claimPeriodStart, retirement.claimPeriodEnd),
          })}
        </p>
      </div>
      <DataTable
        caption={t('retired_serials_caption', { id: retirement.id })}
        rows={retirement.ranges}
        columns={[
          { header: t('serials'), cell: (range) => <span class="mono">{range.serials}</span> },
          { header: t('site'), cell: (range) => range.siteCode },
          { header: t('vintage'), cell: (range) => String(range.vintage) },
          { header: t('quantity'), cell: (range) => formatTonnes(locale, range.quantityKg), numeric: true },
        ]}
      />
      <h2>{t('certificate_title')}</h2>
      <p>{t('certificate_text')}</p>
      <p>
        <a class="button" href={`/certificates/${retirement.id}`}>
          {t('certificate_link', { id: retirement.id })}
        </a>
      </p>
      <p>
        <a href={`/api/v1/certificates/${retirement.id}`}>{t('certificate_api_link')}</a>
      </p>
      <p>
        <a href={`/registry/accounts/${retirement.accountId}`}>{t('back_to_account', { id: retirement.accountId })}</a>
      </p>
    </>
  );
}

/**
 * Retiring credits: the form (which the footprint calculator prefills), a confirmation page that
 * lists the exact serial ranges the retirement will take, and the retirement itself. The
 * confirmation carries a digest of those ranges; when the account's holdings changed in between
 * and the command would take other units, the retirement is rolled back and the new ranges shown
 * for confirming again, so what is retired is always what the holder confirmed.
 */
export function registerRetirePages(pages: Hono<AppEnv>) {
  pages.get('/registry/retire', (c) => {
    authorize(c.get('actor'), 'registry.retire');
    return retireForm(c, queryValues(c, retireFields), {});
  });

  pages.post('/registry/retire', async (c) => {
    const actor = c.get('actor');
    authorize(actor, 'registry.retire');
    const locale = c.get('locale');
    const deps = c.get('deps');
    const form = await formOf(c);
    const read = readRetirementForm(locale, form);
    if ('errors' in read) return retireForm(c, form, read.errors, 400);
    if (form.confirm !== '1') return confirmationOrForm(c, form, read.request, false);
    let retirementId: number;
    try {
      const retirement = await runCommand(deps.db, actor, async (ctx) => {
        const retired = await retireCredits(ctx, read.request);
        if (serialsDigest(retired.ranges) !== form.expected) throw holdingsError('serials_changed', 409);
        return retired;
      });
      retirementId = retirement.id;
    } catch (error) {
      if (error instanceof AppError && error.code === 'serials_changed') return confirmationOrForm(c, form, read.request, true);
      const refusal = refusalOnForm(error, locale, fieldOfRetirementError);
      return retireForm(c, form, refusal.errors, refusal.status);
    }
    try {
      await finishRetirement(deps, retirementId);
    } catch (error) {
      // The retirement is committed: the holder must see it, not an error that invites retiring again.
      deps.logger.error({ requestId: c.get('requestId'), retirementId, err: loggableError(error) }, 'finishing a retirement failed');
    }
    return c.redirect(`/registry/retirements/${retirementId}/done`, 303);
  });

  pages.get('/registry/retirements/:id{[0-9]+}/done', async (c) => {
    const db = c.get('deps').db;
    const retirement = await getRetirement(db, Number(c.req.param('id')));
    if (!retirement) throw notFound();
    await findReadableAccount(db, c.get('actor'), retirement.accountId);
    return renderPage(c, { title: text(c.get('locale'))('retired_title'), breadcrumbs: registryCrumbs(c.get('locale')), children: <RetirementDone c={c} retirement={retirement} /> });
  });
}
