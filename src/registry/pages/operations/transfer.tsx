import type { Context, Hono } from 'hono';
import { authorize } from '../../../core/auth/policies.ts';
import type { AppError } from '../../../core/errors.ts';
import { runCommand } from '../../../journal/public.ts';
import { CsrfField, EmptyState, ErrorSummary, Field, SelectField, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { transferCredits } from '../../commands/transfer-credits.ts';
import { formOf, refusalOnForm, type Form, type RefusalStatus } from '../../../web/forms.ts';
import { accountOfError, accountOption, accountsToUse, parseId, queryValues, registryCrumbs, text } from '../accounts/shared.tsx';
import { parseTypedTonnes } from '../../../core/quantities.ts';

async function transferPage(c: Context<AppEnv>, values: Form, errors: FieldErrors, status: 200 | 400 | RefusalStatus = 200) {
  const locale = c.get('locale');
  const t = text(locale);
  const accounts = await accountsToUse(c);
  return renderPage(
    c,
    {
      title: t('transfer_title'),
      breadcrumbs: registryCrumbs(locale),
      children: (
        <>
          <h1>{t('transfer_title')}</h1>
          <p class="lead">{t('transfer_lead')}</p>
          {accounts.length === 0 ? (
            <EmptyState title={t('no_approved_account')} next={<a href="/registry/accounts">{t('accounts_title')}</a>} />
          ) : (
            <>
              <ErrorSummary locale={locale} errors={errors} />
              <form method="post" action="/registry/transfer" id="form" novalidate>
                <CsrfField token={c.get('csrfToken')} />
                <SelectField name="from" label={t('from_label')} value={values.from} error={errors.from} options={accounts.map((a) => accountOption(locale, a))} />
                <Field name="to" label={t('to_label')} hint={t('to_hint')} value={values.to} error={errors.to} />
                <Field name="quantity" label={t('quantity_label')} hint={t('quantity_hint')} value={values.quantity} error={errors.quantity} />
                <button class="button" type="submit">
                  {t('transfer_submit')}
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

/** Where a refused transfer's message goes: the account it names, the quantity, or the top. */
function fieldOfTransferError(from: number) {
  return (error: AppError) => {
    if (error.code === 'insufficient_credits' || error.code === 'quantity_invalid') return 'quantity';
    if (error.code === 'same_account') return 'to';
    const account = accountOfError(error);
    if (account !== undefined) return account === from ? 'from' : 'to';
    return 'form';
  };
}

/** Transferring credits by quantity, first in, first out, from one of the actor's approved accounts. */
export function registerTransferPages(pages: Hono<AppEnv>) {
  pages.get('/registry/transfer', (c) => {
    authorize(c.get('actor'), 'registry.transfer');
    return transferPage(c, queryValues(c, ['from', 'to', 'quantity']), {});
  });

  pages.post('/registry/transfer', async (c) => {
    const actor = c.get('actor');
    authorize(actor, 'registry.transfer');
    const locale = c.get('locale');
    const t = text(locale);
    const form = await formOf(c);
    const from = parseId(form.from);
    const to = parseId(form.to);
    const quantityKg = parseTypedTonnes(form.quantity ?? '');
    const errors: FieldErrors = {};
    if (from === null) errors.from = t('field_from_invalid');
    if (to === null) errors.to = t('field_to_invalid');
    if (quantityKg === null) errors.quantity = t('field_quantity_invalid');
    if (from === null || to === null || quantityKg === null) return transferPage(c, form, errors, 400);
    try {
      const transfer = await runCommand(c.get('deps').db, actor, (ctx) => transferCredits(ctx, { fromAccountId: from, toAccountId: to, quantityKg }));
      return c.redirect(`/registry/accounts/${from}?transferred=${transfer.id}`, 303);
    } catch (error) {
      const refusal = refusalOnForm(error, locale, fieldOfTransferError(from));
      return transferPage(c, form, refusal.errors, refusal.status);
    }
  });
}
