import { eq } from 'drizzle-orm';
import { authorize } from '../../../core/auth/policies.ts';
import { isIsoDate, isoDateOf } from '../../../core/calendar.ts';
import { formatMoney, formatTonnes } from '../../../core/i18n/format.ts';
import { databaseErrorCode } from '../../../db/transaction.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { sites } from '../../../sites/public.ts';
import { salesError } from '../../messages/sales.ts';
import { availability, orderStatus } from '../../queries/sales.ts';
import { creditOrders, creditPayments, creditPremiums } from '../../schema.ts';
import { accountRef, assertAccountActive, cleanText, lockAccounts, selectQuantity, type EventRange } from '../ledger.ts';
import { findIssuanceAccount } from '../open-account.ts';
import { moveCredits } from '../transfer-credits.ts';

export type RecordPaymentProps = {
  orderId: number;
  /** What the bank received, in minor units: exactly the invoice's amount. */
  amountMinor: number;
  currency: string;
  /** The day the money arrived (YYYY-MM-DD), not after today. */
  receivedOn: string;
  /** The bank's reference of the payment (up to 200 characters). */
  reference: string;
};

export type RecordedPayment = typeof creditPayments.$inferSelect & {
  premium: typeof creditPremiums.$inferSelect;
  ranges: EventRange[];
};

const alreadyPaid = (orderId: number) => salesError('order_already_paid', 409, { id: orderId }, { orderId });

async function findPayment(ctx: CommandContext, orderId: number) {
  const [payment] = await ctx.tx.select({ id: creditPayments.id }).from(creditPayments).where(eq(creditPayments.orderId, orderId));
  return payment;
}

function checkPaymentDetails(props: RecordPaymentProps, today: string) {
  if (!isIsoDate(props.receivedOn) || props.receivedOn > today) throw salesError('received_on_invalid', 422);
  const reference = cleanText(props.reference, 200);
  if (reference === null) throw salesError('payment_reference_required', 422);
  return reference;
}

/**
 * An admin records that the bank received an order's payment; the sale then completes in the
 * same transaction: the credits move first in, first out from the issuance account's batches of
 * the order's mineral, vintage and site to the buyer's account (a transfer, with its blocks), the
 * payment points at that transfer, and the premium owed to the site's fund and the registry fee
 * are recorded (the fund books the premium as its income with its own command, `bookPremium`). One event, `registry.order_paid`, carries the payment, the moved ranges and the
 * premium, so replaying the journal moves them too.
 *
 * Refused, with nothing changed: a second payment of the order (409 `order_already_paid`, also
 * when two arrive at once), an amount or currency other than the invoice's (422), an account no
 * longer approved (422), and an expired order whose credits others have reserved or bought since
 * (409 `order_expired`).
 */
export async function recordPayment(ctx: CommandContext, props: RecordPaymentProps): Promise<RecordedPayment> {
  authorize(ctx.actor, 'registry.payment.record');
  const reference = checkPaymentDetails(props, isoDateOf(ctx.now));
  const [order] = await ctx.tx.select().from(creditOrders).where(eq(creditOrders.id, props.orderId));
  if (!order) throw salesError('order_not_found', 404, { id: props.orderId }, { orderId: props.orderId });
  // An order is placed only once the issuance account exists.
  const issuance = (await findIssuanceAccount(ctx))!;
  // Both accounts are locked (in id order, like every command) before anything is read: a second payment of this order waits here, then sees the first.
  const accounts = await lockAccounts(ctx, [issuance.id, order.accountId]);
  const from = accounts.get(issuance.id)!;
  const to = accounts.get(order.accountId)!;
  if (await findPayment(ctx, order.id)) throw alreadyPaid(order.id);
  if (props.amountMinor !== order.amountMinor || props.currency !== order.currency) {
    throw salesError(
      'payment_amount_mismatch',
      422,
      (locale) => ({ expected: formatMoney(locale, order.amountMinor, order.currency), received: Number.isSafeInteger(props.amountMinor) && /^[A-Z]{3}$/.test(props.currency) ? formatMoney(locale, props.amountMinor, props.currency) : `${props.amountMinor} ${props.currency}` }),
      { expectedMinor: order.amountMinor, currency: order.currency },
    );
  }
  assertAccountActive(to);
  const scope = { mineral: order.mineral, vintage: order.vintage, siteId: order.siteId };
  const { availableKg } = await availability(ctx.tx, scope, ctx.now, order.id);
  if (availableKg < order.quantityKg) {
    const expired = orderStatus({ expiresAt: order.expiresAt, paid: false }, ctx.now) === 'expired';
    throw salesError(
      expired ? 'order_expired' : 'order_quantity_unavailable',
      409,
      (locale) => ({ id: order.id, available: formatTonnes(locale, availableKg), quantity: formatTonnes(locale, order.quantityKg) }),
      { orderId: order.id, availableKg, quantityKg: order.quantityKg },
    );
  }
  const { takes } = await selectQuantity(ctx, from, order.quantityKg, scope);
  const transfer = await moveCredits(ctx, { from, to, takes, quantityKg: order.quantityKg });
  let payment: typeof creditPayments.$inferSelect;
  try {
    [payment] = (await ctx.tx
      .insert(creditPayments)
      .values({ orderId: order.id, amountMinor: props.amountMinor, currency: props.currency, receivedOn: props.receivedOn, reference, transferId: transfer.id, createdAt: ctx.now })
      .returning()) as [typeof creditPayments.$inferSelect];
  } catch (error) {
    if (databaseErrorCode(error) === '23505') throw alreadyPaid(order.id);
    throw error;
  }
  const [premium] = await ctx.tx
    .insert(creditPremiums)
    .values({ paymentId: payment.id, siteId: order.siteId, quantityKg: order.quantityKg, currency: order.currency, premiumMinor: order.premiumMinor, feeMinor: order.feeMinor, createdAt: ctx.now })
    .returning();
  const [site] = await ctx.tx.select({ code: sites.code }).from(sites).where(eq(sites.id, order.siteId));
  await appendEvent(ctx, {
    type: 'registry.order_paid',
    subject: `credit-order:${order.invoiceNumber}`,
    payload: {
      orderId: order.id,
      invoiceNumber: order.invoiceNumber,
      paymentId: payment.id,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      receivedOn: payment.receivedOn,
      transferId: transfer.id,
      from: accountRef(from),
      to: accountRef(to),
      quantityKg: order.quantityKg,
      ranges: transfer.ranges,
      premium: { premiumId: premium!.id, site: site!.code, premiumMinor: premium!.premiumMinor, feeMinor: premium!.feeMinor, currency: premium!.currency },
    },
  });
  return { ...payment, premium: premium!, ranges: transfer.ranges };
}
