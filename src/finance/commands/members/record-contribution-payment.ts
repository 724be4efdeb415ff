import { eq, sql } from 'drizzle-orm';
import { authorize } from '../../../core/auth/policies.ts';
import { isoDateOf } from '../../../core/calendar.ts';
import { databaseErrorCode } from '../../../core/errors.ts';
import { formatMoney } from '../../../core/i18n/format.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { cleanText, isCurrencyCode, isPastDate } from '../../membership-input.ts';
import { membersError } from '../../messages/members-errors.ts';
import { financeContributionCalls, financeContributionPayments, financeMemberships } from '../../schema.ts';
import { organisations } from '../../../accounts/public.ts';

export type RecordContributionPaymentProps = {
  /** The call's number, e.g. MC-2025-0003. */
  call: string;
  /** What the bank received, in minor units of the call's currency: all or part of what is left to pay. */
  amountMinor: number;
  currency: string;
  /** The day the money arrived (YYYY-MM-DD), not after today. */
  receivedOn: string;
  /** The bank's reference of the payment: the same reference is never recorded twice against a call. */
  reference: string;
};

export type ContributionPayment = typeof financeContributionPayments.$inferSelect;

/**
 * The secretariat records money received against a contribution call; a call may be paid in
 * parts. Refused, nothing written: an unknown call (404), another currency than the call's or an
 * amount beyond what is left to pay (422), and the same bank reference twice on a call (409
 * `payment_duplicate`, also when both arrive at once: the call is locked while the payments are summed).
 */
export async function recordContributionPayment(ctx: CommandContext, props: RecordContributionPaymentProps): Promise<ContributionPayment> {
  authorize(ctx.actor, 'finance.manage');
  if (!isPastDate(props.receivedOn, isoDateOf(ctx.now))) throw membersError('payment_received_on_invalid', 422);
  const reference = cleanText(props.reference, 200);
  if (reference === null) throw membersError('payment_reference_required', 422);
  if (!Number.isSafeInteger(props.amountMinor) || props.amountMinor <= 0) throw membersError('payment_amount_invalid', 422);
  if (!isCurrencyCode(props.currency)) throw membersError('currency_invalid', 422, { currency: props.currency });
  const [call] = await ctx.tx.select().from(financeContributionCalls).where(eq(financeContributionCalls.number, props.call)).for('update');
  if (!call) throw membersError('call_not_found', 404, { number: props.call });
  const duplicate = () => membersError('payment_duplicate', 409, { reference, number: call.number });
  const [paid] = (await ctx.tx
    .select({ total: sql<number>`coalesce(sum(${financeContributionPayments.amountMinor}), 0)`.mapWith(Number), sameReference: sql<boolean>`bool_or(${financeContributionPayments.reference} = ${reference})` })
    .from(financeContributionPayments)
    .where(eq(financeContributionPayments.callId, call.id))) as [{ total: number; sameReference: boolean | null }];
  if (paid.sameReference) throw duplicate();
  if (props.currency !== call.currency) throw membersError('payment_currency_mismatch', 422, { number: call.number, expected: call.currency, received: props.currency });
  const outstanding = call.amountMinor - paid.total;
  if (props.amountMinor > outstanding) {
    throw membersError('payment_exceeds_outstanding', 422, (locale) => ({ number: call.number, outstanding: formatMoney(locale, outstanding, call.currency), received: formatMoney(locale, props.amountMinor, call.currency) }));
  }
  let payment: ContributionPayment;
  try {
    [payment] = (await ctx.tx
      .insert(financeContributionPayments)
      .values({ callId: call.id, amountMinor: props.amountMinor, currency: call.currency, receivedOn: props.receivedOn, reference, createdAt: ctx.now })
      .returning()) as [ContributionPayment];
  } catch (error) {
    if (databaseErrorCode(error) === '23505') throw duplicate();
    throw error;
  }
  const [member] = (await ctx.tx
    .select({ code: organisations.code })
    .from(financeMemberships)
    .innerJoin(organisations, eq(organisations.id, financeMemberships.organisationId))
    .where(eq(financeMemberships.id, call.membershipId))) as [{ code: string }];
  await appendEvent(ctx, {
    type: 'finance.contribution_payment_recorded',
    subject: `contribution-call:${call.number}`,
    payload: { call: call.number, organisation: member.code, paymentId: payment.id, amountMinor: payment.amountMinor, currency: payment.currency, receivedOn: payment.receivedOn, outstandingMinor: outstanding - payment.amountMinor },
  });
  return payment;
}
