import type { Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { authorize, can } from '../../../core/auth/policies.ts';
import { isoDateOf } from '../../../core/calendar.ts';
import { formatDate, formatDateTime, formatMoney, formatTonnes } from '../../../core/i18n/format.ts';
import type { Locale } from '../../../core/i18n/index.ts';
import { runCommand } from '../../../journal/public.ts';
import { CsrfField, DataTable, ErrorSummary, Field, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { recordPayment } from '../../commands/sales/record-payment.ts';
import { formatFeePercent } from '../../invoice/render-invoice.ts';
import { invoicePdfResponse } from '../../invoice/response.ts';
import { orderForReader, type Order } from '../../queries/sales.ts';
import { formOf, refusalOnForm, type Form } from '../../../web/forms.ts';
import { moneyInput, parseMoney } from '../../../core/quantities.ts';
import { creditsOf, OrderStatusTag, ordersCrumb, pageText, payByOf, registryCrumb } from './shared.tsx';

type Fact = { label: string; value: Child };

function orderFacts(locale: Locale, order: Order): Fact[] {
  const t = pageText(locale);
  const money = (minor: number) => formatMoney(locale, minor, order.currency);
  const site = `${order.siteName} (${order.siteCode})`;
  return [
    { label: t('fact_status'), value: <OrderStatusTag locale={locale} status={order.status} /> },
    { label: t('fact_invoice'), value: order.invoiceNumber },
    { label: t('fact_placed'), value: formatDateTime(locale, order.createdAt) },
    { label: t('fact_buyer'), value: `${order.organisationName} (${order.accountLegalName})` },
    { label: t('fact_account'), value: `${order.accountName} (${order.accountId})` },
    { label: t('fact_credits'), value: creditsOf(locale, order) },
    { label: t('fact_quantity'), value: formatTonnes(locale, order.quantityKg) },
    { label: t('fact_price'), value: money(order.pricePerTonneMinor) },
    { label: t('fact_amount'), value: <strong>{money(order.amountMinor)}</strong> },
    { label: t('fact_premium', { site }), value: money(order.premiumMinor) },
    { label: t('fact_fee', { percent: formatFeePercent(locale, order.registryFeeBasisPoints) }), value: money(order.feeMinor) },
    { label: t('fact_pay_by'), value: payByOf(locale, order) },
    ...(order.buyerReference ? [{ label: t('fact_buyer_reference'), value: order.buyerReference }] : []),
  ];
}

const FactsTable = ({ caption, facts, locale }: { caption: string; facts: Fact[]; locale: Locale }) => (
  <DataTable caption={caption} rows={facts} columns={[{ header: pageText(locale)('col_item'), cell: (f) => f.label }, { header: pageText(locale)('col_value'), cell: (f) => f.value }]} />
);

function PaymentSection({ locale, order }: { locale: Locale; order: Order }) {
  const t = pageText(locale);
  const payment = order.payment!;
  return (
    <section>
      <h2 id="payment">{t('payment_title')}</h2>
      <FactsTable
        locale={locale}
        caption={t('payment_caption')}
        facts={[
          { label: t('fact_received'), value: formatMoney(locale, payment.amountMinor, payment.currency) },
          { label: t('fact_received_on'), value: formatDate(locale, payment.receivedOn) },
          { label: t('fact_bank_reference'), value: payment.reference },
          { label: t('fact_recorded'), value: formatDateTime(locale, payment.createdAt) },
        ]}
      />
      <p>
        <a href={`/registry/accounts/${order.accountId}`}>{t('view_account', { account: `${order.accountName} (${order.accountId})` })}</a>
      </p>
    </section>
  );
}

function PaymentForm({ c, order, values, errors }: { c: Context<AppEnv>; order: Order; values: Form; errors: FieldErrors }) {
  const locale = c.get('locale');
  const t = pageText(locale);
  return (
    <section>
      <h2 id="payment">{t('record_payment_title')}</h2>
      <p>
        {t('record_payment_lead', {
          quantity: formatTonnes(locale, order.quantityKg),
          account: `${order.accountName} (${order.accountId})`,
          premium: formatMoney(locale, order.premiumMinor, order.currency),
          site: `${order.siteName} (${order.siteCode})`,
        })}
      </p>
      <form method="post" action={`/registry/orders/${order.id}/payment`} id="form" novalidate>
        <CsrfField token={c.get('csrfToken')} />
        <Field name="amount" label={t('amount_label', { currency: order.currency })} hint={t('amount_hint', { amount: formatMoney(locale, order.amountMinor, order.currency) })} value={values.amount ?? moneyInput(order.amountMinor, order.currency)} error={errors.amount} />
        <Field name="receivedOn" type="date" label={t('received_on_label')} hint={t('received_on_hint')} value={values.receivedOn ?? isoDateOf(new Date())} error={errors.receivedOn} />
        <Field name="reference" label={t('bank_reference_label')} hint={t('bank_reference_hint')} value={values.reference} error={errors.reference} />
        <button class="button button-warning" type="submit">
          {t('record_payment_button')}
        </button>
      </form>
    </section>
  );
}

function orderPage(c: Context<AppEnv>, order: Order, payment: { values: Form; errors: FieldErrors } = { values: {}, errors: {} }, status: 200 | 400 | 404 | 409 | 422 = 200) {
  const locale = c.get('locale');
  const t = pageText(locale);
  const mayRecordPayment = can(c.get('actor'), 'registry.payment.record');
  const panel = c.req.query('placed') === '1' ? t('placed_panel', { date: payByOf(locale, order), invoice: order.invoiceNumber }) : c.req.query('paid') === '1' && order.payment ? t('paid_panel') : null;
  const title = t('order_title', { invoice: order.invoiceNumber });
  return renderPage(
    c,
    {
      title,
      breadcrumbs: [registryCrumb(locale), ordersCrumb(locale)],
      children: (
        <>
          {panel && (
            <div class="panel" role="status">
              {panel}
            </div>
          )}
          <h1>{title}</h1>
          <ErrorSummary locale={locale} errors={payment.errors} />
          {order.status === 'expired' && <p>{mayRecordPayment ? t('expired_admin_note', { date: payByOf(locale, order) }) : t('expired_buyer_note', { date: payByOf(locale, order) })}</p>}
          <FactsTable locale={locale} caption={t('facts_caption')} facts={orderFacts(locale, order)} />
          <p>
            <a class="button button-secondary" href={`/registry/orders/${order.id}/invoice.pdf`}>
              {t('download_invoice')}
            </a>
          </p>
          {order.payment ? <PaymentSection locale={locale} order={order} /> : mayRecordPayment && <PaymentForm c={c} order={order} values={payment.values} errors={payment.errors} />}
          <p>
            <a href="/registry/orders">{t('all_orders')}</a>
          </p>
        </>
      ),
    },
    status,
  );
}

/** Where a refused payment's message goes on the form; the order's own state (paid, expired) goes to the top. */
const fieldOfError: Record<string, string> = {
  payment_amount_mismatch: 'amount',
  received_on_invalid: 'receivedOn',
  payment_reference_required: 'reference',
};

const orderOf = (c: Context<AppEnv>) => orderForReader(c.get('deps').db, c.get('actor'), Number(c.req.param('id')), new Date());

/** One order: its invoice, its status and payment, and for the secretariat the form that records the payment. */
export function registerOrderPages(pages: Hono<AppEnv>) {
  pages.get('/registry/orders/:id{[0-9]{1,9}}', async (c) => orderPage(c, await orderOf(c)));

  pages.get('/registry/orders/:id{[0-9]{1,9}}/invoice.pdf', (c) => invoicePdfResponse(c, Number(c.req.param('id'))));

  pages.post('/registry/orders/:id{[0-9]{1,9}}/payment', async (c) => {
    authorize(c.get('actor'), 'registry.payment.record');
    const order = await orderOf(c);
    const values = await formOf(c);
    const locale = c.get('locale');
    const t = pageText(locale);
    const amountMinor = parseMoney(values.amount ?? '', order.currency);
    if (amountMinor === null) return orderPage(c, order, { values, errors: { amount: t('amount_field_invalid') } }, 400);
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        recordPayment(ctx, { orderId: order.id, amountMinor, currency: order.currency, receivedOn: (values.receivedOn ?? '').trim(), reference: values.reference ?? '' }),
      );
    } catch (error) {
      const refusal = refusalOnForm(error, locale, fieldOfError);
      return orderPage(c, await orderOf(c), { values, errors: refusal.errors }, refusal.status);
    }
    return c.redirect(`/registry/orders/${order.id}?paid=1`, 303);
  });
}
