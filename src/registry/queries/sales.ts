import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { organisations } from '../../accounts/public.ts';
import { authorize, can } from '../../core/auth/policies.ts';
import { isAuthenticated, type Actor } from '../../core/auth/roles.ts';
import { coreError } from '../../core/errors.ts';
import { rowsOf, type Queryable } from '../../db/connect.ts';
import { minerals, sites } from '../../sites/public.ts';
import type { BatchScope } from '../commands/ledger.ts';
import { salesError } from '../messages/sales.ts';
import { creditAccounts, creditOrders, creditPayments, creditPremiums, creditPrices, referencePrices } from '../schema.ts';

/**
 * Reads of the sales side of the registry: reference prices and the price schedule with their
 * provenance, what the issuance account can still sell, orders with their derived status, and
 * the premium owed to each site's fund.
 */

export type ReferencePrice = typeof referencePrices.$inferSelect;
export type CreditPrice = typeof creditPrices.$inferSelect;

/** Reference prices by mineral, currency and year. */
export async function listReferencePrices(db: Queryable, filter: { mineral?: string; currency?: string; years?: readonly number[] } = {}): Promise<ReferencePrice[]> {
  return db
    .select()
    .from(referencePrices)
    .where(
      and(
        filter.mineral === undefined ? undefined : eq(referencePrices.mineral, filter.mineral),
        filter.currency === undefined ? undefined : eq(referencePrices.currency, filter.currency),
        filter.years === undefined ? undefined : inArray(referencePrices.year, [...filter.years]),
      ),
    )
    .orderBy(asc(referencePrices.mineral), asc(referencePrices.currency), asc(referencePrices.year));
}

/** What a computed price's `rule_inputs` record: the reference prices it came from, their average and the percent taken. */
export type RuleInputs = {
  years: number[];
  prices: { year: number; pricePerTonneMinor: number; source: string; referencePriceId: number }[];
  averagePerTonneMinor: number;
  percent: number;
  rounding: 'half_up_to_minor_unit';
};

/** What `rule_inputs` hold: for a computed price, its inputs; for a manual one, what the rule would have given when it could be computed. */
export type PriceProvenance = RuleInputs | { ruleWouldGive: RuleInputs & { pricePerTonneMinor: number } } | Record<string, never>;

export type ScheduledPrice = CreditPrice & { inForce: boolean; ruleInputs: PriceProvenance };

/**
 * The price schedule: every price ever set, newest first within each mineral, vintage and
 * currency, each marked whether it is the one in force (the latest row of its mineral, vintage
 * and currency).
 */
export async function priceSchedule(db: Queryable, filter: { mineral?: string; vintage?: number } = {}): Promise<ScheduledPrice[]> {
  const rows = await db
    .select({
      price: creditPrices,
      inForce: sql<boolean>`${creditPrices.id} = max(${creditPrices.id}) over (partition by ${creditPrices.mineral}, ${creditPrices.vintage}, ${creditPrices.currency})`,
    })
    .from(creditPrices)
    .where(
      and(
        filter.mineral === undefined ? undefined : eq(creditPrices.mineral, filter.mineral),
        filter.vintage === undefined ? undefined : eq(creditPrices.vintage, filter.vintage),
      ),
    )
    .orderBy(asc(creditPrices.mineral), desc(creditPrices.vintage), asc(creditPrices.currency), desc(creditPrices.id));
  return rows.map((row) => ({ ...row.price, ruleInputs: row.price.ruleInputs as PriceProvenance, inForce: Boolean(row.inForce) }));
}

/**
 * The price in force for new orders of a mineral and vintage: the latest row in the currency
 * asked for, or, without a currency, the latest row in any currency.
 */
export async function priceInForce(db: Queryable, props: { mineral: string; vintage: number; currency?: string }): Promise<CreditPrice | undefined> {
  const [row] = await db
    .select()
    .from(creditPrices)
    .where(and(eq(creditPrices.mineral, props.mineral), eq(creditPrices.vintage, props.vintage), props.currency === undefined ? undefined : eq(creditPrices.currency, props.currency)))
    .orderBy(desc(creditPrices.id))
    .limit(1);
  return row;
}

/** Whether an order is still waiting for payment, was paid, or lapsed unpaid (and so reserves nothing). */
export type OrderStatus = 'awaiting_payment' | 'paid' | 'expired';

export function orderStatus(order: { expiresAt: Date; paid: boolean }, now: Date): OrderStatus {
  if (order.paid) return 'paid';
  return order.expiresAt.getTime() > now.getTime() ? 'awaiting_payment' : 'expired';
}

/** Unpaid orders that have not expired at `now`: the ones that reserve their quantity. */
const reserving = (now: Date) => sql`${creditOrders.expiresAt} > ${now.toISOString()}::timestamptz and not exists (select 1 from ${creditPayments} where ${creditPayments.orderId} = ${creditOrders.id})`;

export type Availability = { heldKg: number; reservedKg: number; availableKg: number };

/**
 * What the issuance account can still sell of one mineral, vintage and site: the units it holds
 * of those batches, less what unpaid orders that have not expired reserve (optionally leaving
 * one order out, to ask whether that order still fits). Never below zero: an admin may have moved
 * reserved units by a plain transfer.
 */
export async function availability(db: Queryable, scope: BatchScope, now: Date, excludingOrderId?: number): Promise<Availability> {
  const [held] = rowsOf<{ held_kg: string | number | null }>(
    await db.execute(sql`
      select coalesce(sum(k.quantity_kg), 0) as held_kg
      from credit_blocks k
      join credit_batches b on b.id = k.batch_id
      join credit_accounts a on a.id = k.account_id and a.kind = 'issuance'
      where k.state = 'held' and k.superseded_at is null and b.mineral = ${scope.mineral} and b.vintage = ${scope.vintage} and b.site_id = ${scope.siteId}`),
  );
  const [reserved] = await db
    .select({ kg: sql<number>`coalesce(sum(${creditOrders.quantityKg}), 0)`.mapWith(Number) })
    .from(creditOrders)
    .where(
      and(
        eq(creditOrders.mineral, scope.mineral),
        eq(creditOrders.vintage, scope.vintage),
        eq(creditOrders.siteId, scope.siteId),
        reserving(now),
        excludingOrderId === undefined ? undefined : sql`${creditOrders.id} <> ${excludingOrderId}`,
      ),
    );
  const heldKg = Number(held?.held_kg ?? 0);
  const reservedKg = reserved?.kg ?? 0;
  return { heldKg, reservedKg, availableKg: Math.max(0, heldKg - reservedKg) };
}

export type SaleOffer = Availability & {
  mineral: string;
  mineralLabelEn: string;
  mineralLabelFr: string;
  vintage: number;
  siteId: number;
  siteCode: string;
  siteName: string;
  price: CreditPrice | undefined;
};

/**
 * What buyers can order: for each mineral, vintage and site the issuance account holds credits
 * of, the tonnes held, reserved and available, and the price in force (none when no price is set
 * yet). Newest vintage first.
 */
export async function saleOffers(db: Queryable, now: Date): Promise<SaleOffer[]> {
  const rows = rowsOf<{ mineral: string; label_en: string; label_fr: string; vintage: number | string; site_id: number | string; site_code: string; site_name: string; held_kg: string | number; reserved_kg: string | number }>(
    await db.execute(sql`
      with held as (
        select b.mineral, b.vintage, b.site_id, sum(k.quantity_kg) as held_kg
        from credit_blocks k
        join credit_batches b on b.id = k.batch_id
        join credit_accounts a on a.id = k.account_id and a.kind = 'issuance'
        where k.state = 'held' and k.superseded_at is null
        group by b.mineral, b.vintage, b.site_id
      ), reserved as (
        select o.mineral, o.vintage, o.site_id, sum(o.quantity_kg) as reserved_kg
        from credit_orders o
        where o.expires_at > ${now.toISOString()}::timestamptz and not exists (select 1 from credit_payments p where p.order_id = o.id)
        group by o.mineral, o.vintage, o.site_id
      )
      select h.mineral, m.label_en, m.label_fr, h.vintage, h.site_id, s.code as site_code, s.name as site_name, h.held_kg, coalesce(r.reserved_kg, 0) as reserved_kg
      from held h
      join minerals m on m.code = h.mineral
      join sites s on s.id = h.site_id
      left join reserved r on r.mineral = h.mineral and r.vintage = h.vintage and r.site_id = h.site_id
      order by h.vintage desc, h.mineral, s.code`),
  );
  return Promise.all(
    rows.map(async (row) => {
      const heldKg = Number(row.held_kg);
      const reservedKg = Number(row.reserved_kg);
      const vintage = Number(row.vintage);
      return {
        mineral: row.mineral,
        mineralLabelEn: row.label_en,
        mineralLabelFr: row.label_fr,
        vintage,
        siteId: Number(row.site_id),
        siteCode: row.site_code,
        siteName: row.site_name,
        heldKg,
        reservedKg,
        availableKg: Math.max(0, heldKg - reservedKg),
        price: await priceInForce(db, { mineral: row.mineral, vintage }),
      };
    }),
  );
}

const buyerOrganisations = alias(organisations, 'buyer_organisation');

const orderColumns = {
  order: creditOrders,
  organisationCode: buyerOrganisations.code,
  organisationName: buyerOrganisations.name,
  accountName: creditAccounts.name,
  accountLegalName: creditAccounts.legalName,
  accountStatus: creditAccounts.status,
  siteCode: sites.code,
  siteName: sites.name,
  mineralLabelEn: minerals.labelEn,
  mineralLabelFr: minerals.labelFr,
  registryFeeBasisPoints: creditPrices.registryFeeBasisPoints,
  payment: creditPayments,
};

function ordersQuery(db: Queryable, where: SQL | undefined) {
  return db
    .select(orderColumns)
    .from(creditOrders)
    .innerJoin(buyerOrganisations, eq(buyerOrganisations.id, creditOrders.organisationId))
    .innerJoin(creditAccounts, eq(creditAccounts.id, creditOrders.accountId))
    .innerJoin(sites, eq(sites.id, creditOrders.siteId))
    .innerJoin(minerals, eq(minerals.code, creditOrders.mineral))
    .innerJoin(creditPrices, eq(creditPrices.id, creditOrders.priceId))
    .leftJoin(creditPayments, eq(creditPayments.orderId, creditOrders.id))
    .where(where);
}

type OrderRow = Awaited<ReturnType<typeof ordersQuery>>[number];

const presentOrder = (row: OrderRow, now: Date) => ({
  ...row.order,
  organisationCode: row.organisationCode,
  organisationName: row.organisationName,
  accountName: row.accountName,
  accountLegalName: row.accountLegalName,
  accountStatus: row.accountStatus,
  siteCode: row.siteCode,
  siteName: row.siteName,
  mineralLabel: { en: row.mineralLabelEn, fr: row.mineralLabelFr },
  registryFeeBasisPoints: row.registryFeeBasisPoints,
  payment: row.payment,
  status: orderStatus({ expiresAt: row.order.expiresAt, paid: row.payment !== null }, now),
});

export type Order = ReturnType<typeof presentOrder>;

const statusRank: Record<OrderStatus, number> = { awaiting_payment: 0, paid: 1, expired: 2 };

/**
 * Orders with their status at `now`, of one organisation or of all: those awaiting payment first
 * (the oldest first, as the secretariat works through them), then paid and expired ones, newest
 * first.
 */
export async function listOrders(db: Queryable, filter: { organisationId?: number }, now: Date): Promise<Order[]> {
  const rows = await ordersQuery(db, filter.organisationId === undefined ? undefined : eq(creditOrders.organisationId, filter.organisationId)).orderBy(desc(creditOrders.id));
  return rows
    .map((row) => presentOrder(row, now))
    .sort((a, b) => statusRank[a.status] - statusRank[b.status] || (a.status === 'awaiting_payment' ? a.id - b.id : b.id - a.id));
}

export async function getOrder(db: Queryable, orderId: number, now: Date): Promise<Order | undefined> {
  const [row] = await ordersQuery(db, eq(creditOrders.id, orderId));
  return row && presentOrder(row, now);
}

/** The organisation that issues invoices: the holder of the registry's issuance account (the secretariat). */
export async function invoiceIssuer(db: Queryable): Promise<{ name: string; code: string; country: string } | undefined> {
  const [row] = await db
    .select({ name: organisations.name, code: organisations.code, country: organisations.country })
    .from(creditAccounts)
    .innerJoin(organisations, eq(organisations.id, creditAccounts.organisationId))
    .where(eq(creditAccounts.kind, 'issuance'));
  return row;
}

export type PremiumOwed = { siteId: number; siteCode: string; siteName: string; currency: string; quantityKg: number; premiumMinor: number; feeMinor: number; payments: number };

/**
 * What paid sales owe each site's fund, per currency: the sum of the premiums (and, beside them,
 * the registry fees the secretariat kept), the kilograms sold and the payments they came from.
 * The fund module turns these rows into ledger income.
 */
export async function premiumOwedBySite(db: Queryable): Promise<PremiumOwed[]> {
  return db
    .select({
      siteId: creditPremiums.siteId,
      siteCode: sites.code,
      siteName: sites.name,
      currency: creditPremiums.currency,
      quantityKg: sql<number>`sum(${creditPremiums.quantityKg})`.mapWith(Number),
      premiumMinor: sql<number>`sum(${creditPremiums.premiumMinor})`.mapWith(Number),
      feeMinor: sql<number>`sum(${creditPremiums.feeMinor})`.mapWith(Number),
      payments: sql<number>`count(*)`.mapWith(Number),
    })
    .from(creditPremiums)
    .innerJoin(sites, eq(sites.id, creditPremiums.siteId))
    .groupBy(creditPremiums.siteId, sites.code, sites.name, creditPremiums.currency)
    .orderBy(asc(sites.code), asc(creditPremiums.currency));
}

/**
 * An order as the actor may read it: its buyer organisation's users and the secretariat. Anyone
 * else signed in is told there is no such order (404), rather than that it exists; an anonymous
 * reader is asked to sign in (401).
 */
export async function orderForReader(db: Queryable, actor: Actor, orderId: number, now: Date): Promise<Order> {
  const order = Number.isSafeInteger(orderId) ? await getOrder(db, orderId, now) : undefined;
  if (order && can(actor, 'registry.order.read', { orgId: order.organisationId })) return order;
  if (!isAuthenticated(actor)) throw coreError('unauthenticated', 401);
  throw salesError('order_not_found', 404, { id: orderId }, { orderId });
}

/** The orders an actor may list: all of them for the secretariat, its own organisation's for a buyer. */
export async function ordersForReader(db: Queryable, actor: Actor, now: Date): Promise<Order[]> {
  if (can(actor, 'registry.order.list')) return listOrders(db, {}, now);
  const orgId = 'orgId' in actor && actor.orgId !== null ? actor.orgId : -1;
  authorize(actor, 'registry.order.read', { orgId });
  return listOrders(db, { organisationId: orgId }, now);
}

/** A premium the registry recorded as owed to a site's fund when a buyer's payment arrived. */
export type RecordedPremium = {
  id: number;
  siteCode: string;
  siteName: string;
  paymentId: number;
  /** The day the buyer's payment arrived: the day the premium is income of the fund. */
  receivedOn: string;
  quantityKg: number;
  currency: string;
  premiumMinor: number;
};

/**
 * The premiums recorded as owed to site funds, oldest payment first: of one site, or the one with
 * an id. Whether the fund has booked one is the fund's to know.
 */
export async function recordedPremiums(db: Queryable, filter: { siteCode?: string; id?: number } = {}): Promise<RecordedPremium[]> {
  return db
    .select({
      id: creditPremiums.id,
      siteCode: sites.code,
      siteName: sites.name,
      paymentId: creditPremiums.paymentId,
      receivedOn: creditPayments.receivedOn,
      quantityKg: creditPremiums.quantityKg,
      currency: creditPremiums.currency,
      premiumMinor: creditPremiums.premiumMinor,
    })
    .from(creditPremiums)
    .innerJoin(creditPayments, eq(creditPayments.id, creditPremiums.paymentId))
    .innerJoin(sites, eq(sites.id, creditPremiums.siteId))
    .where(and(filter.siteCode === undefined ? undefined : eq(sites.code, filter.siteCode), filter.id === undefined ? undefined : eq(creditPremiums.id, filter.id)))
    .orderBy(asc(creditPayments.receivedOn), asc(creditPremiums.id));
}

/** A buyer's payment of a credit sale, split as the registry split it: the premium owed to the site's fund and the registry fee the secretariat keeps. */
export type PaidSale = {
  paymentId: number;
  /** The day the buyer's payment arrived: the day of the sale in any statement. */
  receivedOn: string;
  currency: string;
  amountMinor: number;
  premiumMinor: number;
  feeMinor: number;
};

/**
 * The sales paid in a period (both days included), oldest first, each with the premium and fee
 * recorded for it (zero when none was recorded, which the finance statements show as a difference).
 */
export async function paidSalesBetween(db: Queryable, period: { from: string; to: string }): Promise<PaidSale[]> {
  return db
    .select({
      paymentId: creditPayments.id,
      receivedOn: creditPayments.receivedOn,
      currency: creditPayments.currency,
      amountMinor: creditPayments.amountMinor,
      premiumMinor: sql<number>`coalesce(sum(${creditPremiums.premiumMinor}), 0)`.mapWith(Number),
      feeMinor: sql<number>`coalesce(sum(${creditPremiums.feeMinor}), 0)`.mapWith(Number),
    })
    .from(creditPayments)
    .leftJoin(creditPremiums, eq(creditPremiums.paymentId, creditPayments.id))
    .where(sql`${creditPayments.receivedOn} between ${period.from} and ${period.to}`)
    .groupBy(creditPayments.id)
    .orderBy(asc(creditPayments.receivedOn), asc(creditPayments.id));
}
