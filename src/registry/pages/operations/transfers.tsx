import type { Context, Hono } from 'hono';
import { authorize } from '../../../core/auth/policies.ts';
import { formatDateTime, formatTonnes } from '../../../core/i18n/format.ts';
import { runCommand } from '../../../journal/public.ts';
import { CsrfField, DataTable, EmptyState, ErrorSummary, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { reverseTransfer } from '../../commands/reverse-transfer.ts';
import { registryText } from '../../messages/ledger.ts';
import { listRecentTransfers, type RecentTransfer } from '../../queries/operations.ts';
import { formOf, refusalOnForm, type Form, type RefusalStatus } from '../../../web/forms.ts';
import { parseId, registryCrumbs, text } from '../accounts/shared.tsx';

/** The reversal form of one transfer; its field ids carry the transfer number, as the page has one form per transfer. */
function ReverseForm({ c, transfer, values, errors }: { c: Context<AppEnv>; transfer: RecentTransfer; values: Form; errors: FieldErrors }) {
  const t = text(c.get('locale'));
  const id = `reason-${transfer.id}`;
  const error = errors[id];
  return (
    <form method="post" action={`/registry/transfers/${transfer.id}/reverse`} novalidate>
      <CsrfField token={c.get('csrfToken')} />
      <div class={error ? 'field field-error' : 'field'}>
        <label for={id}>{t('reverse_reason_label', { id: transfer.id })}</label>
        {error && (
          <p class="error-message" id={`${id}-error`}>
            {error}
          </p>
        )}
        <input id={id} name="reason" type="text" value={values[id] ?? ''} aria-describedby={error ? `${id}-error` : undefined} aria-invalid={error ? 'true' : undefined} />
      </div>
      <button class="button button-warning" type="submit">
        {t('reverse_button', { id: transfer.id })}
      </button>
    </form>
  );
}

async function transfersPage(c: Context<AppEnv>, values: Form, errors: FieldErrors, status: 200 | 400 | RefusalStatus = 200) {
  const locale = c.get('locale');
  const t = text(locale);
  const transfers = await listRecentTransfers(c.get('deps').db, 100);
  const reversed = parseId(c.req.query('reversed'));
  const account = (id: number, name: string, organisation: string) => <a href={`/registry/accounts/${id}`}>{`#${id} ${name} (${organisation})`}</a>;
  return renderPage(
    c,
    {
      title: t('transfers_title'),
      breadcrumbs: registryCrumbs(locale),
      children: (
        <>
          <h1>{t('transfers_title')}</h1>
          <p class="lead">{t('transfers_lead')}</p>
          {reversed !== null && (
            <p class="panel" role="status">
              {t('reversed_notice', { id: reversed })}
            </p>
          )}
          <ErrorSummary locale={locale} errors={errors} />
          {transfers.length === 0 ? (
            <EmptyState title={t('no_transfers')} next={<a href="/registry/transfer">{t('transfer_title')}</a>} />
          ) : (
            <DataTable
              caption={t('transfers_caption')}
              rows={transfers}
              columns={[
                { header: t('transfer'), cell: (x) => `#${x.id}` },
                { header: t('date'), cell: (x) => formatDateTime(locale, x.createdAt) },
                { header: t('from'), cell: (x) => account(x.fromAccountId, x.fromAccountName, x.fromOrganisationCode) },
                { header: t('to'), cell: (x) => account(x.toAccountId, x.toAccountName, x.toOrganisationCode) },
                { header: t('serials'), cell: (x) => <span class="mono">{x.ranges.map((range) => range.serials).join(', ')}</span> },
                { header: t('quantity'), cell: (x) => formatTonnes(locale, x.quantityKg), numeric: true },
                {
                  header: t('reversal'),
                  cell: (x) =>
                    x.reversesTransferId !== null ? (
                      t('reverses', { id: x.reversesTransferId, reason: x.reason ?? '' })
                    ) : x.reversedByTransferId !== null ? (
                      t('reversed_by', { id: x.reversedByTransferId })
                    ) : (
                      <ReverseForm c={c} transfer={x} values={values} errors={errors} />
                    ),
                },
              ]}
            />
          )}
        </>
      ),
    },
    status,
  );
}

/** The secretariat's view of recent transfers, and the reversal of one by a compensating transfer. */
export function registerTransfersPages(pages: Hono<AppEnv>) {
  pages.get('/registry/transfers', (c) => {
    authorize(c.get('actor'), 'registry.transfer.reverse');
    return transfersPage(c, {}, {});
  });

  pages.post('/registry/transfers/:id{[0-9]+}/reverse', async (c) => {
    const actor = c.get('actor');
    authorize(actor, 'registry.transfer.reverse');
    const locale = c.get('locale');
    const transferId = Number(c.req.param('id'));
    const field = `reason-${transferId}`;
    const form = await formOf(c);
    const reason = (form.reason ?? '').trim();
    const values = { [field]: form.reason ?? '' };
    if (reason.length === 0 || reason.length > 500) return transfersPage(c, values, { [field]: registryText.t(locale, 'reason_required') }, 400);
    try {
      const reversal = await runCommand(c.get('deps').db, actor, (ctx) => reverseTransfer(ctx, { transferId, reason }));
      return c.redirect(`/registry/transfers?reversed=${reversal.id}`, 303);
    } catch (error) {
      const refusal = refusalOnForm(error, locale, () => field);
      return transfersPage(c, values, refusal.errors, refusal.status);
    }
  });
}
