import type { Context, Hono } from 'hono';
import { authorize } from '../../../core/auth/policies.ts';
import { formatMoney, formatTonnes } from '../../../core/i18n/format.ts';
import type { Locale } from '../../../core/i18n/index.ts';
import { runCommand } from '../../../journal/public.ts';
import { CsrfField, DataTable, EmptyState, ErrorSummary, Field, SelectField, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { orderPaymentDays, placeOrder } from '../../commands/sales/place-order.ts';
import { listAccounts } from '../../queries/accounts.ts';
import { saleOffers, type SaleOffer } from '../../queries/sales.ts';
import { formOf, refusalOnForm, type Form } from '../../../web/forms.ts';
import { ordersCrumb, pageText, registryCrumb } from './shared.tsx';
import { parseTypedTonnes } from '../../../core/quantities.ts';

type Offer = SaleOffer & { price: NonNullable<SaleOffer['price']> };

/** How the form names an offer: `cobalt:2023:KAM`. */
const offerValue = (offer: Offer) => `${offer.mineral}:${offer.vintage}:${offer.siteCode}`;
const mineralOf = (locale: Locale, offer: Offer) => (locale === 'fr' ? offer.mineralLabelFr : offer.mineralLabelEn);

/** What the actor's organisation can order: its approved holding accounts, and the credits on sale with a price and tonnes available. */
async function orderingContext(c: Context<AppEnv>) {
  const actor = c.get('actor');
  const orgId = 'orgId' in actor && actor.orgId !== null ? actor.orgId : -1;
  authorize(actor, 'registry.order.place', { orgId });
  const db = c.get('deps').db;
  const [accounts, offers] = await Promise.all([listAccounts(db, { organisationId: orgId, status: 'approved' }), saleOffers(db, new Date())]);
  return {
    accounts: accounts.filter((a) => a.kind === 'holding'),
    offers: offers.filter((o): o is Offer => o.price !== undefined && o.availableKg > 0),
  };
}

type OrderingContext = Awaited<ReturnType<typeof orderingContext>>;

function OrderForm({ c, context, values, errors }: { c: Context<AppEnv>; context: OrderingContext; values: Form; errors: FieldErrors }) {
  const locale = c.get('locale');
  const t = pageText(locale);
  const { accounts, offers } = context;
  if (accounts.length === 0) {
    return (
      <EmptyState
        title={t('no_account')}
        next={
          <>
            {t('no_account_next')} <a href="/registry/accounts">{t('your_accounts')}</a>
          </>
        }
      />
    );
  }
  if (offers.length === 0) return <EmptyState title={t('no_offers')} next={t('no_offers_next')} />;
  const offerLabel = (o: Offer) =>
    t('offer_option', { mineral: mineralOf(locale, o), vintage: o.vintage, site: `${o.siteName} (${o.siteCode})`, available: formatTonnes(locale, o.availableKg), price: formatMoney(locale, o.price.pricePerTonneMinor, o.price.currency) });
  return (
    <>
      <DataTable
        caption={t('offers_caption')}
        rows={offers}
        columns={[
          { header: t('col_credits'), cell: (o) => t('credits_value', { mineral: mineralOf(locale, o), vintage: o.vintage, site: `${o.siteName} (${o.siteCode})` }) },
          { header: t('col_available'), cell: (o) => formatTonnes(locale, o.availableKg), numeric: true },
          { header: t('col_price_per_tonne'), cell: (o) => formatMoney(locale, o.price.pricePerTonneMinor, o.price.currency), numeric: true },
        ]}
      />
      <ErrorSummary locale={locale} errors={errors} />
      <form method="post" action="/registry/orders/new" id="form" novalidate>
        <CsrfField token={c.get('csrfToken')} />
        <SelectField name="account" label={t('account_label')} hint={t('account_hint')} value={values.account} error={errors.account} options={accounts.map((a) => ({ value: String(a.id), label: `${a.name} (${a.legalName}, ${a.id})` }))} />
        <SelectField name="offer" label={t('offer_label')} value={values.offer} error={errors.offer} options={offers.map((o) => ({ value: offerValue(o), label: offerLabel(o) }))} />
        <Field name="quantity" label={t('quantity_label')} hint={t('quantity_hint')} value={values.quantity} error={errors.quantity} />
        <Field name="buyerReference" label={t('buyer_reference_label')} hint={t('buyer_reference_hint')} value={values.buyerReference} error={errors.buyerReference} />
        <button class="button" type="submit">
          {t('place_order_button')}
        </button>
      </form>
    </>
  );
}

function newOrderPage(c: Context<AppEnv>, context: OrderingContext, values: Form, errors: FieldErrors, status: 200 | 400 | 404 | 409 | 422 = 200) {
  const locale = c.get('locale');
  const t = pageText(locale);
  return renderPage(
    c,
    {
      title: t('new_order_title'),
      breadcrumbs: [registryCrumb(locale), ordersCrumb(locale)],
      children: (
        <>
          <h1>{t('new_order_title')}</h1>
          <p class="lead">{t('new_order_lead', { days: orderPaymentDays })}</p>
          <OrderForm c={c} context={context} values={values} errors={errors} />
        </>
      ),
    },
    status,
  );
}

/** Where a refused order's message goes on the form. */
const fieldOfError: Record<string, string> = {
  quantity_invalid: 'quantity',
  exceeds_available: 'quantity',
  order_amount_invalid: 'quantity',
  buyer_reference_too_long: 'buyerReference',
  account_not_approved: 'account',
  account_suspended: 'account',
  account_not_found: 'account',
  order_account_not_holding: 'account',
  price_not_set: 'offer',
  site_not_found: 'offer',
};

/** Ordering credits: the offer with what is available and its price, and the form that places the order. */
export function registerNewOrderPages(pages: Hono<AppEnv>) {
  pages.get('/registry/orders/new', async (c) => {
    const context = await orderingContext(c);
    const values: Form = {};
    for (const name of ['account', 'offer', 'quantity', 'buyerReference']) {
      const value = c.req.query(name);
      if (value !== undefined) values[name] = value;
    }
    return newOrderPage(c, context, values, {});
  });

  pages.post('/registry/orders/new', async (c) => {
    const context = await orderingContext(c);
    const values = await formOf(c);
    const t = pageText(c.get('locale'));
    const account = context.accounts.find((a) => String(a.id) === values.account);
    const offer = context.offers.find((o) => offerValue(o) === values.offer);
    const quantityKg = parseTypedTonnes(values.quantity ?? '');
    const errors: FieldErrors = {};
    if (!account) errors.account = t('account_field_invalid');
    if (!offer) errors.offer = t('offer_field_invalid');
    if (quantityKg === null) errors.quantity = t('quantity_field_invalid');
    if (Object.keys(errors).length > 0) return newOrderPage(c, context, values, errors, 400);
    try {
      const order = await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        placeOrder(ctx, { accountId: account!.id, siteId: offer!.siteId, mineral: offer!.mineral, vintage: offer!.vintage, currency: offer!.price.currency, quantityKg: quantityKg!, buyerReference: values.buyerReference ?? null }),
      );
      return c.redirect(`/registry/orders/${order.id}?placed=1`, 303);
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'), fieldOfError);
      return newOrderPage(c, await orderingContext(c), values, refusal.errors, refusal.status);
    }
  });
}
