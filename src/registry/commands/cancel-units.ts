import { authorize } from '../../core/auth/policies.ts';
import { eq } from 'drizzle-orm';
import { formatTonnes } from '../../core/i18n/format.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { restoreToVerification } from '../../sites/public.ts';
import { registryError } from '../messages/ledger.ts';
import { creditBatches, creditCancellations } from '../schema.ts';
import { isPositiveQuantity } from '../serials.ts';
import { accountRef, carveBlocks, cleanText, eventRanges, lockAccounts, selectHighestUnits, type EventRange } from './ledger.ts';
import { findIssuanceAccount } from './open-account.ts';

export type CancelUnitsProps = {
  batchId: number;
  quantityKg: number;
  /** What was wrong with the issuance (up to 500 characters); public. */
  reason: string;
};

export type Cancellation = typeof creditCancellations.$inferSelect & { ranges: EventRange[] };

/**
 * An admin cancels erroneously issued units of a batch that are still in the issuance account,
 * and gives the quantity back to the batch's verification statement. The highest-numbered units
 * still there go first: an over-issuance is corrected from the end of the batch, and units already
 * sold keep their serials whatever is cancelled. Cancelled blocks never change again; the batch's
 * issued quantity stays, and counts the units as cancelled.
 */
export async function cancelUnits(ctx: CommandContext, props: CancelUnitsProps): Promise<Cancellation> {
  authorize(ctx.actor, 'registry.cancel');
  if (!isPositiveQuantity(props.quantityKg)) throw registryError('quantity_invalid', 422);
  const reason = cleanText(props.reason, 500);
  if (reason === null) throw registryError('reason_required', 422);
  const [batch] = await ctx.tx.select().from(creditBatches).where(eq(creditBatches.id, props.batchId));
  if (!batch) throw registryError('batch_not_found', 404, { id: props.batchId }, { batchId: props.batchId });
  const issuance = await findIssuanceAccount(ctx);
  const account = (await lockAccounts(ctx, [issuance!.id])).get(issuance!.id)!;
  const { takes, heldKg } = await selectHighestUnits(ctx, { accountId: account.id, batchId: batch.id, quantityKg: props.quantityKg });
  if (!takes) {
    throw registryError('exceeds_cancellable', 422, (locale) => ({ cancellable: formatTonnes(locale, heldKg), serials: batch.serialPrefix }), { batchId: batch.id, cancellableKg: heldKg });
  }
  const [cancellation] = await ctx.tx.insert(creditCancellations).values({ batchId: batch.id, accountId: account.id, quantityKg: props.quantityKg, reason, createdAt: ctx.now }).returning();
  const cancelled = await carveBlocks(ctx, takes, { accountId: account.id, state: 'cancelled', cancellationId: cancellation!.id });
  const { remainingKg } = await restoreToVerification(ctx, {
    statementId: batch.statementId,
    quantityKg: props.quantityKg,
    reference: `registry cancellation ${cancellation!.id} of ${batch.serialPrefix}`,
  });
  const ranges = await eventRanges(ctx.tx, cancelled);
  await appendEvent(ctx, {
    type: 'registry.units_cancelled',
    subject: `credit-cancellation:${cancellation!.id}`,
    payload: {
      cancellationId: cancellation!.id,
      batchId: batch.id,
      serialPrefix: batch.serialPrefix,
      account: accountRef(account),
      quantityKg: props.quantityKg,
      reason,
      statementId: batch.statementId,
      statementRemainingKg: remainingKg,
      ranges,
    },
  });
  return { ...cancellation!, ranges };
}
