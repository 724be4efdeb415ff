import type { Context, Hono } from 'hono';
import { can } from '../../../core/auth/policies.ts';
import type { Actor } from '../../../core/auth/roles.ts';
import { formatMoney, formatTonnes } from '../../../core/i18n/format.ts';
import type { Locale } from '../../../core/i18n/index.ts';
import { DataTable, EmptyState, type Column } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { ordersForReader, premiumOwedBySite, type Order, type PremiumOwed } from '../../queries/sales.ts';
import { creditsOf, OrderStatusTag, pageText, payByOf, registryCrumb } from './shared.tsx';

/** Whether the actor orders for its own organisation (a buyer), as opposed to overseeing every order (the secretariat). */
export const ordersForOwnOrganisation = (actor: Actor) => !can(actor, 'registry.order.list') && 'orgId' in actor && actor.orgId !== null && can(actor, 'registry.order.place', { orgId: actor.orgId });

function OrdersTable({ locale, orders, admin }: { locale: Locale; orders: Order[]; admin: boolean }) {
  const t = pageText(locale);
  const columns: Column<Order>[] = [
    { header: t('col_invoice'), cell: (o) => <a href={`/registry/orders/${o.id}`}>{o.invoiceNumber}</a> },
    ...(admin ? [{ header: t('col_buyer'), cell: (o: Order) => o.organisationName }] : []),
    { header: t('col_credits'), cell: (o) => creditsOf(locale, o) },
    { header: t('col_quantity'), cell: (o) => formatTonnes(locale, o.quantityKg), numeric: true },
    { header: t('col_amount'), cell: (o) => formatMoney(locale, o.amountMinor, o.currency), numeric: true },
    { header: t('col_pay_by'), cell: (o) => payByOf(locale, o) },
    { header: t('col_status'), cell: (o) => <OrderStatusTag locale={locale} status={o.status} /> },
    {
      header: t('col_next'),
      cell: (o) =>
        admin && o.status !== 'paid' ? (
          <a href={`/registry/orders/${o.id}#payment`}>{t('record_payment_link', { invoice: o.invoiceNumber })}</a>
        ) : (
          <a href={`/registry/orders/${o.id}/invoice.pdf`}>{t('invoice_pdf_link', { invoice: o.invoiceNumber })}</a>
        ),
    },
  ];
  return <DataTable caption={t('orders_caption')} rows={orders} columns={columns} />;
}

function PremiumsTable({ locale, premiums }: { locale: Locale; premiums: PremiumOwed[] }) {
  const t = pageText(locale);
  return (
    <DataTable
      caption={t('premiums_caption')}
      rows={premiums}
      columns={[
        { header: t('col_site'), cell: (p) => `${p.siteName} (${p.siteCode})` },
        { header: t('col_sold'), cell: (p) => formatTonnes(locale, p.quantityKg), numeric: true },
        { header: t('col_premium'), cell: (p) => formatMoney(locale, p.premiumMinor, p.currency), numeric: true },
        { header: t('col_fee_kept'), cell: (p) => formatMoney(locale, p.feeMinor, p.currency), numeric: true },
      ]}
    />
  );
}

async function ordersPage(c: Context<AppEnv>) {
  const locale = c.get('locale');
  const t = pageText(locale);
  const actor = c.get('actor');
  const db = c.get('deps').db;
  const orders = await ordersForReader(db, actor, new Date());
  const admin = can(actor, 'registry.order.list');
  const premiums = admin ? await premiumOwedBySite(db) : [];
  const buyer = ordersForOwnOrganisation(actor);
  return renderPage(c, {
    title: t('orders_title'),
    breadcrumbs: [registryCrumb(locale)],
    children: (
      <>
        <h1>{t('orders_title')}</h1>
        <p class="lead">{admin ? t('orders_lead_admin') : t('orders_lead_buyer')}</p>
        {buyer && (
          <p>
            <a class="button" href="/registry/orders/new" role="button">
              {t('order_credits_button')}
            </a>
          </p>
        )}
        {orders.length === 0 ? <EmptyState title={t('no_orders')} next={admin ? t('no_orders_next_admin') : t('no_orders_next_buyer')} /> : <OrdersTable locale={locale} orders={orders} admin={admin} />}
        {admin && premiums.length > 0 && (
          <>
            <h2>{t('premiums_title')}</h2>
            <PremiumsTable locale={locale} premiums={premiums} />
          </>
        )}
      </>
    ),
  });
}

/** The orders page: a buyer's own orders and invoices, or every order for the secretariat with the premium owed to site funds. */
export function registerOrdersListPage(pages: Hono<AppEnv>) {
  pages.get('/registry/orders', (c) => ordersPage(c));
}
