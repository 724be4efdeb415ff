import type { Context, Hono } from 'hono';
import { authorize } from '../../../core/auth/policies.ts';
import { AppError } from '../../../core/errors.ts';
import { formatTonnes } from '../../../core/i18n/format.ts';
import type { Locale } from '../../../core/i18n/index.ts';
import { runCommand } from '../../../journal/public.ts';
import { CsrfField, DataTable, EmptyState, ErrorSummary, Field, SelectField, TextareaField, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { cancelUnits } from '../../commands/cancel-units.ts';
import { holdingsError } from '../../messages/holdings.ts';
import { registryText } from '../../messages/ledger.ts';
import { listCancellableBatches, planCancellation, serialsDigest } from '../../queries/operations.ts';
import { formOf, refusalOnForm, type Form, type RefusalStatus } from '../../../web/forms.ts';
import { tonnesInput } from '../../../core/quantities.ts';
import { parseId, registryCrumbs, text } from '../accounts/shared.tsx';
import { parseTypedTonnes } from '../../../core/quantities.ts';

type CancellationRequest = { batchId: number; quantityKg: number; reason: string };
type CancellationPlan = Awaited<ReturnType<typeof planCancellation>>;

async function cancelPage(c: Context<AppEnv>, values: Form, errors: FieldErrors, status: 200 | 400 | RefusalStatus = 200) {
  const locale = c.get('locale');
  const t = text(locale);
  const batches = await listCancellableBatches(c.get('deps').db);
  const cancellable = batches.filter((b) => b.cancellableKg > 0);
  const cancelled = parseId(c.req.query('cancelled'));
  return renderPage(
    c,
    {
      title: t('cancel_title'),
      breadcrumbs: registryCrumbs(locale),
      children: (
        <>
          <h1>{t('cancel_title')}</h1>
          <p class="lead">{t('cancel_lead')}</p>
          {cancelled !== null && (
            <p class="panel" role="status">
              {t('cancelled_notice', { id: cancelled })}
            </p>
          )}
          {cancellable.length === 0 ? (
            <EmptyState title={t('nothing_cancellable')} next={t('nothing_cancellable_next')} />
          ) : (
            <>
              <DataTable
                caption={t('cancellable_caption')}
                rows={cancellable}
                columns={[
                  { header: t('batch'), cell: (b) => <span class="mono">{b.serialPrefix}</span> },
                  { header: t('site'), cell: (b) => b.siteCode },
                  { header: t('vintage'), cell: (b) => String(b.vintage) },
                  { header: t('issued'), cell: (b) => formatTonnes(locale, b.issuedKg), numeric: true },
                  { header: t('cancellable'), cell: (b) => formatTonnes(locale, b.cancellableKg), numeric: true },
                ]}
              />
              <h2>{t('cancel_form_title')}</h2>
              <ErrorSummary locale={locale} errors={errors} />
              <form method="post" action="/registry/cancel" id="form" novalidate>
                <CsrfField token={c.get('csrfToken')} />
                <SelectField
                  name="batch"
                  label={t('batch_label')}
                  value={values.batch}
                  error={errors.batch}
                  options={cancellable.map((b) => ({ value: String(b.id), label: t('batch_option', { serials: b.serialPrefix, cancellable: formatTonnes(locale, b.cancellableKg) }) }))}
                />
                <Field name="quantity" label={t('cancel_quantity_label')} hint={t('quantity_hint')} value={values.quantity} error={errors.quantity} />
                <TextareaField name="reason" label={t('cancel_reason_label')} hint={t('cancel_reason_hint')} value={values.reason} error={errors.reason} />
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

function readCancellationForm(locale: Locale, form: Form): { request: CancellationRequest } | { errors: FieldErrors } {
  const t = text(locale);
  const errors: FieldErrors = {};
  const batchId = parseId(form.batch);
  const quantityKg = parseTypedTonnes(form.quantity ?? '');
  const reason = (form.reason ?? '').trim();
  if (batchId === null) errors.batch = t('field_batch_invalid');
  if (quantityKg === null) errors.quantity = t('field_quantity_invalid');
  if (reason.length === 0 || reason.length > 500) errors.reason = registryText.t(locale, 'reason_required');
  if (Object.keys(errors).length > 0) return { errors };
  return { request: { batchId: batchId!, quantityKg: quantityKg!, reason } };
}

const fieldOfCancellationError = (error: AppError) =>
  ({ exceeds_cancellable: 'quantity', exceeds_drawn_quantity: 'quantity', quantity_invalid: 'quantity', batch_not_found: 'batch', reason_required: 'reason' })[error.code] ?? 'form';

function ConfirmCancellation({ c, request, plan, changed }: { c: Context<AppEnv>; request: CancellationRequest; plan: CancellationPlan; changed: boolean }) {
  const locale = c.get('locale');
  const t = text(locale);
  const values: Form = { batch: String(plan.batch.id), quantity: tonnesInput(plan.quantityKg), reason: request.reason };
  return (
    <>
      <h1>{t('confirm_cancel_title')}</h1>
      {changed && (
        <div class="error-summary" role="alert">
          <p>{holdingsError('serials_changed', 409).text[locale]}</p>
        </div>
      )}
      <div class="panel">
        <p>
          {t('confirm_cancel_text', {
            quantity: formatTonnes(locale, plan.quantityKg),
            batch: plan.batch.serialPrefix,
            serials: plan.ranges.map((range) => range.serials).join(', '),
            reason: request.reason,
          })}
        </p>
        <p>
          <strong>{t('irreversible_cancel')}</strong>
        </p>
      </div>
      <form method="post" action="/registry/cancel">
        <CsrfField token={c.get('csrfToken')} />
        {Object.entries(values).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name="confirm" value="1" />
        <input type="hidden" name="expected" value={plan.digest} />
        <button class="button button-warning" type="submit">
          {t('confirm_cancel_button')}
        </button>
      </form>
      <p>
        <a href="/registry/cancel">{t('change')}</a>
      </p>
    </>
  );
}

async function confirmationOrForm(c: Context<AppEnv>, form: Form, request: CancellationRequest, changed: boolean) {
  const locale = c.get('locale');
  let plan: CancellationPlan;
  try {
    plan = await planCancellation(c.get('deps').db, c.get('actor'), request);
  } catch (error) {
    const refusal = refusalOnForm(error, locale, fieldOfCancellationError);
    return cancelPage(c, form, refusal.errors, refusal.status);
  }
  return renderPage(
    c,
    { title: text(locale)('confirm_cancel_title'), breadcrumbs: registryCrumbs(locale), children: <ConfirmCancellation c={c} request={request} plan={plan} changed={changed} /> },
    changed ? 409 : 200,
  );
}

/**
 * The secretariat cancels units issued in error that are still in the issuance account, after a
 * confirmation page that lists the serials to be cancelled (checked again, like a retirement's).
 */
export function registerCancelPages(pages: Hono<AppEnv>) {
  pages.get('/registry/cancel', (c) => {
    authorize(c.get('actor'), 'registry.cancel');
    return cancelPage(c, {}, {});
  });

  pages.post('/registry/cancel', async (c) => {
    const actor = c.get('actor');
    authorize(actor, 'registry.cancel');
    const locale = c.get('locale');
    const form = await formOf(c);
    const read = readCancellationForm(locale, form);
    if ('errors' in read) return cancelPage(c, form, read.errors, 400);
    if (form.confirm !== '1') return confirmationOrForm(c, form, read.request, false);
    try {
      const cancellation = await runCommand(c.get('deps').db, actor, async (ctx) => {
        const cancelled = await cancelUnits(ctx, read.request);
        if (serialsDigest(cancelled.ranges) !== form.expected) throw holdingsError('serials_changed', 409);
        return cancelled;
      });
      return c.redirect(`/registry/cancel?cancelled=${cancellation.id}`, 303);
    } catch (error) {
      if (error instanceof AppError && error.code === 'serials_changed') return confirmationOrForm(c, form, read.request, true);
      const refusal = refusalOnForm(error, locale, fieldOfCancellationError);
      return cancelPage(c, form, refusal.errors, refusal.status);
    }
  });
}
