import { authorize } from '../../core/auth/policies.ts';
import { databaseErrorCode } from '../../db/transaction.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { recordedPremiums } from '../../registry/public.ts';
import { fundError } from '../messages/errors.ts';
import { openFund, postTransaction } from '../ledger.ts';

/**
 * Books a credit premium the registry recorded as owed to a site as income of that site's fund,
 * dated the day the buyer's payment arrived and pointing back at the premium. A premium is booked
 * once only (a unique index holds it even when two bookings race).
 */
export async function bookPremium(ctx: CommandContext, props: { creditPremiumId: number }) {
  authorize(ctx.actor, 'fund.manage');
  const [premium] = Number.isSafeInteger(props.creditPremiumId) ? await recordedPremiums(ctx.tx, { id: props.creditPremiumId }) : [];
  if (!premium) throw fundError('premium_not_found', 404, { id: props.creditPremiumId });
  if (premium.premiumMinor <= 0) throw fundError('premium_zero', 422, { id: props.creditPremiumId });
  const fund = await openFund(ctx, premium.siteCode);
  const alreadyBooked = () => fundError('premium_already_booked', 409, { id: props.creditPremiumId, site: premium.siteCode });
  let transaction;
  try {
    transaction = await postTransaction(ctx, {
      fundId: fund.id,
      kind: 'income',
      source: 'premium',
      currency: premium.currency,
      occurredOn: premium.receivedOn,
      creditPremiumId: premium.id,
      description: `Premium of credit sale payment ${premium.paymentId}`,
      postings: [
        { kind: 'available', amountMinor: premium.premiumMinor },
        { kind: 'income_premium', amountMinor: -premium.premiumMinor },
      ],
    });
  } catch (error) {
    if (databaseErrorCode(error) === '23505') throw alreadyBooked();
    throw error;
  }
  await appendEvent(ctx, {
    type: 'fund.premium_booked',
    subject: `fund:${fund.siteCode}`,
    payload: { transactionId: transaction.id, creditPremiumId: premium.id, paymentId: premium.paymentId, amountMinor: transaction.amountMinor, currency: transaction.currency, receivedOn: transaction.occurredOn },
  });
  return transaction;
}
