import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { formatDate, formatMoney, formatNumber, formatTonnes } from '../../core/i18n/format.ts';
import { listVerifications, remainingIssuableKg } from '../../sites/public.ts';
import { CardGrid, HomeSection, SummaryCard } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { registryHomeText } from '../messages/home.ts';
import { listAccountsWithBalances } from '../queries/accounts.ts';
import { listCalculations } from '../queries/footprints.ts';
import { listOrders } from '../queries/sales.ts';

type Key = Parameters<typeof registryHomeText.t>[1];

/** The registry's part of the home page: the secretariat's registry tasks, and a buyer's holdings, invoices and open footprints. */
export async function registryHomeSection(c: Context<AppEnv>): Promise<Child | null> {
  const actor = c.get('actor');
  const locale = c.get('locale');
  const db = c.get('deps').db;
  const t = (key: Key, params?: Record<string, string | number>) => registryHomeText.t(locale, key, params);
  const now = new Date();
  const tasks: Child[] = [];
  let cards: Child = null;

  if (actor.role === 'admin') {
    const pending = await listAccountsWithBalances(db, { status: 'pending' });
    if (pending.length > 0) tasks.push(<a href="/registry/accounts?status=pending">{t('home_pending_accounts', { count: pending.length })}</a>);
    for (const order of (await listOrders(db, {}, now)).filter((o) => o.status === 'awaiting_payment')) {
      tasks.push(<a href={`/registry/orders/${order.id}`}>{t('home_orders_to_pay', { invoice: order.invoiceNumber, organisation: order.organisationName, amount: formatMoney(locale, order.amountMinor, order.currency) })}</a>);
    }
    for (const statement of await listVerifications(db, {})) {
      const remaining = await remainingIssuableKg(db, statement.id);
      if (remaining !== null && remaining > 0) {
        const period = `${formatDate(locale, statement.periodStart)} – ${formatDate(locale, statement.periodEnd)}`;
        tasks.push(<a href="/registry/issue">{t('home_issuable', { site: statement.siteName, quantity: formatTonnes(locale, remaining), period })}</a>);
      }
    }
  } else if (actor.role === 'buyer' && 'orgId' in actor && actor.orgId !== null) {
    const accounts = await listAccountsWithBalances(db, { organisationId: actor.orgId });
    const heldKg = accounts.reduce((sum, a) => sum + a.heldKg, 0);
    const retiredKg = accounts.reduce((sum, a) => sum + a.retiredKg, 0);
    cards = (
      <CardGrid>
        <SummaryCard figure={formatTonnes(locale, heldKg)} label={t('home_held')} />
        <SummaryCard figure={formatTonnes(locale, retiredKg)} label={t('home_retired')} />
      </CardGrid>
    );
    if (accounts.length === 0) tasks.push(<a href="/registry/accounts/new">{t('home_open_account')}</a>);
    for (const order of (await listOrders(db, { organisationId: actor.orgId }, now)).filter((o) => o.status === 'awaiting_payment')) {
      tasks.push(
        <a href={`/registry/orders/${order.id}`}>{t('home_invoice_to_pay', { invoice: order.invoiceNumber, amount: formatMoney(locale, order.amountMinor, order.currency), date: formatDate(locale, order.expiresAt) })}</a>,
      );
    }
    for (const calculation of await listCalculations(db, actor.orgId)) {
      if (calculation.coverage.restKg === 0) continue;
      const percent = `${formatNumber(locale, calculation.coverage.percent ?? 0, { maximumFractionDigits: 1 })} %`;
      tasks.push(<a href={`/registry/footprints/${calculation.reference}`}>{t('home_footprint_open', { reference: calculation.reference, rest: formatTonnes(locale, calculation.coverage.restKg), percent })}</a>);
    }
  } else {
    return null;
  }
  return <HomeSection title={t('home_registry')} cards={cards} tasks={tasks} empty={t('home_no_tasks')} />;
}
