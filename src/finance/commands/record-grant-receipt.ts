import { and, eq, sum } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { checkAmount, checkPastDate, cleanText, lockGrant } from '../grant-rules.ts';
import { financeGrantTransactions } from '../grants-schema.ts';
import { grantError } from '../messages/grant-errors.ts';

/** IATI TransactionType: 11 incoming commitment (the donor's pledge), 1 incoming funds (a tranche received). */
export const grantMoneyTypes = { commitment: 11, receipt: 1 } as const;
export type GrantMoneyKind = keyof typeof grantMoneyTypes;

export type RecordGrantMoneyProps = {
  grantId: number;
  kind: GrantMoneyKind;
  amountMinor: number;
  /** The day the commitment was made or the money reached the alliance's account. */
  valueOn: string;
  /** The donor's or the bank's reference: the same one twice is the same money, refused. */
  reference: string;
};

/**
 * The secretariat records grant money: the donor's commitment or a tranche received, in the
 * grant's currency. The grant row is locked, so two receipts recorded at once queue, and
 * together the receipts (or the commitments) never exceed the grant's total.
 */
export async function recordGrantMoney(ctx: CommandContext, props: RecordGrantMoneyProps) {
  authorize(ctx.actor, 'finance.manage');
  if (!Object.hasOwn(grantMoneyTypes, props.kind)) throw grantError('transaction_type_invalid', 422);
  const transactionType = grantMoneyTypes[props.kind];
  const amountMinor = checkAmount(props.amountMinor);
  const valueOn = checkPastDate(ctx, props.valueOn);
  const reference = cleanText(props.reference, 100);
  if (reference === null) throw grantError('transaction_reference_required', 422);
  const grant = await lockGrant(ctx, props.grantId);

  const same = and(eq(financeGrantTransactions.grantId, grant.id), eq(financeGrantTransactions.transactionType, transactionType));
  const [duplicate] = await ctx.tx.select({ id: financeGrantTransactions.id }).from(financeGrantTransactions).where(and(same, eq(financeGrantTransactions.reference, reference)));
  if (duplicate) throw grantError('transaction_duplicate', 409, { kind: props.kind, reference });
  const [recorded] = await ctx.tx.select({ total: sum(financeGrantTransactions.amountMinor).mapWith(Number) }).from(financeGrantTransactions).where(same);
  const after = (recorded?.total ?? 0) + amountMinor;
  if (after > grant.totalMinor) throw grantError(props.kind === 'receipt' ? 'receipt_beyond_total' : 'commitment_beyond_total', 422, { after: String(after), total: String(grant.totalMinor) });

  const [transaction] = (await ctx.tx
    .insert(financeGrantTransactions)
    .values({ grantId: grant.id, transactionType, amountMinor, valueOn, reference, createdAt: ctx.now })
    .returning()) as [typeof financeGrantTransactions.$inferSelect];
  await appendEvent(ctx, {
    type: props.kind === 'receipt' ? 'finance.grant_receipt_recorded' : 'finance.grant_commitment_recorded',
    subject: `grant:${grant.id}`,
    payload: { grantId: grant.id, transactionId: transaction.id, iatiTransactionType: transactionType, amountMinor, currency: grant.currency, valueOn, reference },
  });
  return transaction;
}
