import { eq, sql } from 'drizzle-orm';
import { authorize } from '../../../core/auth/policies.ts';
import { formatTonnes } from '../../../core/i18n/format.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { sites } from '../../../sites/public.ts';
import { salesError } from '../../messages/sales.ts';
import { availability, priceInForce } from '../../queries/sales.ts';
import { creditOrders } from '../../schema.ts';
import { isPositiveQuantity } from '../../serials.ts';
import { accountRef, assertAccountActive, lockAccounts } from '../ledger.ts';
import { findIssuanceAccount } from '../open-account.ts';
import { assertCurrency, assertYear } from './checks.ts';
import { orderAmounts } from './pricing.ts';

/**
 * How long an invoice may stay unpaid: 30 days, the usual bank-transfer payment term. Until then
 * the order reserves its quantity; after it, the order reserves nothing and is paid only if its
 * credits are still there.
 */
export const orderPaymentDays = 30;

export type PlaceOrderProps = {
  /** The buyer's approved holding account the credits will be delivered into. */
  accountId: number;
  /** The site the credits come from, by code (`KAM`) or id. */
  siteCode?: string;
  siteId?: number;
  mineral: string;
  vintage: number;
  /** Kilograms (1 credit = 1,000 kg): fractions of a credit are sold. */
  quantityKg: number;
  /** The currency of the price to pay in; without it, the price of the mineral and vintage set last. */
  currency?: string;
  /** The buyer's own reference (e.g. its purchase order number, up to 100 characters), printed on the invoice. */
  buyerReference?: string | null;
};

export type PlacedOrder = typeof creditOrders.$inferSelect;

async function findSite(ctx: CommandContext, props: PlaceOrderProps) {
  const where = props.siteId !== undefined ? eq(sites.id, props.siteId) : eq(sites.code, (props.siteCode ?? '').trim().toUpperCase());
  const [site] = await ctx.tx.select({ id: sites.id, code: sites.code }).from(sites).where(where);
  if (!site) throw salesError('site_not_found', 404, { site: String(props.siteCode ?? props.siteId ?? '') });
  return site;
}

/** RMC-INV-{year}-{0001…}: numbered in sequence within the calendar year (UTC) of the order. Call it with the issuance account locked, which serialises orders. */
async function nextInvoiceNumber(ctx: CommandContext): Promise<string> {
  const prefix = `RMC-INV-${ctx.now.getUTCFullYear()}-`;
  const [row] = await ctx.tx
    .select({ last: sql<number>`coalesce(max(substring(${creditOrders.invoiceNumber} from ${prefix.length + 1}::int)::int), 0)`.mapWith(Number) })
    .from(creditOrders)
    .where(sql`${creditOrders.invoiceNumber} like ${`${prefix}%`}`);
  return `${prefix}${String((row?.last ?? 0) + 1).padStart(4, '0')}`;
}

/**
 * A buyer orders credits of one mineral, vintage and site into one of its own approved holding
 * accounts, at the price in force. The order is its invoice: amount = kilograms × price per tonne
 * ÷ 1,000, of which the registry fee (the price's basis points) and the premium owed to the site's
 * fund. It reserves its quantity for `orderPaymentDays`, out of what the issuance account holds of
 * those batches less what other unpaid orders reserve. The issuance account is locked, so two
 * orders at once cannot reserve the same credits; the one that no longer fits is refused with 422
 * `exceeds_available`.
 */
export async function placeOrder(ctx: CommandContext, props: PlaceOrderProps): Promise<PlacedOrder> {
  if (!isPositiveQuantity(props.quantityKg)) throw salesError('quantity_invalid', 422);
  assertYear(props.vintage, 'vintage_invalid');
  const buyerReference = (props.buyerReference ?? '').trim();
  if (buyerReference.length > 100) throw salesError('buyer_reference_too_long', 422);
  const issuance = await findIssuanceAccount(ctx);
  const accounts = await lockAccounts(ctx, issuance ? [issuance.id, props.accountId] : [props.accountId]);
  const account = accounts.get(props.accountId)!;
  authorize(ctx.actor, 'registry.order.place', { orgId: account.organisationId });
  if (account.kind !== 'holding') throw salesError('order_account_not_holding', 422, { id: account.id }, { accountId: account.id });
  assertAccountActive(account);
  const site = await findSite(ctx, props);
  const currency = props.currency === undefined ? undefined : assertCurrency(props.currency);
  const price = await priceInForce(ctx.tx, { mineral: props.mineral, vintage: props.vintage, currency });
  if (!price) throw salesError('price_not_set', 422, { mineral: props.mineral, vintage: props.vintage, currency: currency ?? '' }, { mineral: props.mineral, vintage: props.vintage, currency: currency ?? null });
  const scope = { mineral: props.mineral, vintage: props.vintage, siteId: site.id };
  const { availableKg } = await availability(ctx.tx, scope, ctx.now);
  if (!issuance || props.quantityKg > availableKg) {
    throw salesError(
      'exceeds_available',
      422,
      (locale) => ({ available: formatTonnes(locale, availableKg), requested: formatTonnes(locale, props.quantityKg), mineral: props.mineral, vintage: props.vintage, site: site.code }),
      { availableKg, requestedKg: props.quantityKg },
    );
  }
  const amounts = orderAmounts({ quantityKg: props.quantityKg, pricePerTonneMinor: price.pricePerTonneMinor, registryFeeBasisPoints: price.registryFeeBasisPoints });
  if (amounts.amountMinor <= 0 || !Number.isSafeInteger(amounts.amountMinor)) throw salesError('order_amount_invalid', 422);
  const expiresAt = new Date(ctx.now.getTime() + orderPaymentDays * 86_400_000);
  const [order] = await ctx.tx
    .insert(creditOrders)
    .values({
      invoiceNumber: await nextInvoiceNumber(ctx),
      organisationId: account.organisationId,
      accountId: account.id,
      mineral: props.mineral,
      vintage: props.vintage,
      siteId: site.id,
      quantityKg: props.quantityKg,
      priceId: price.id,
      currency: price.currency,
      pricePerTonneMinor: price.pricePerTonneMinor,
      ...amounts,
      buyerReference: buyerReference || null,
      expiresAt,
      createdAt: ctx.now,
    })
    .returning();
  await appendEvent(ctx, {
    type: 'registry.order_placed',
    subject: `credit-order:${order!.invoiceNumber}`,
    payload: {
      orderId: order!.id,
      invoiceNumber: order!.invoiceNumber,
      account: accountRef(account),
      site: site.code,
      mineral: order!.mineral,
      vintage: order!.vintage,
      quantityKg: order!.quantityKg,
      priceId: price.id,
      currency: order!.currency,
      pricePerTonneMinor: order!.pricePerTonneMinor,
      ...amounts,
      expiresAt: expiresAt.toISOString(),
    },
  });
  return order!;
}
