import { authorize } from '../../core/auth/policies.ts';
import { asc, eq } from 'drizzle-orm';
import { formatTonnes } from '../../core/i18n/format.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { registryError } from '../messages/ledger.ts';
import { creditTransferBlocks, creditTransfers } from '../schema.ts';
import { intersectRanges, rangeSize, sumRanges, type UnitRange } from '../serials.ts';
import { accountRef, carveBlocks, cleanText, eventRanges, groupTakes, heldBlocksOverlapping, lockAccounts, type HeldBlock } from './ledger.ts';
import type { Transfer } from './transfer-credits.ts';

export type ReverseTransferProps = {
  transferId: number;
  /** Why the transfer is undone (up to 500 characters); public, like the reversal. */
  reason: string;
};

async function findReversal(ctx: CommandContext, transferId: number) {
  const [reversal] = await ctx.tx.select({ id: creditTransfers.id }).from(creditTransfers).where(eq(creditTransfers.reversesTransferId, transferId));
  return reversal;
}

/**
 * An admin undoes a transfer with a new, compensating transfer that moves exactly the same units
 * back and points at the original; the original stays as it was. Refused when the receiver no
 * longer holds every unit it received (409 `transfer_not_reversible`), when the transfer was
 * already reversed, or when it is itself a reversal. A correction by the secretariat, it works
 * whatever the accounts' status.
 */
export async function reverseTransfer(ctx: CommandContext, props: ReverseTransferProps): Promise<Transfer> {
  authorize(ctx.actor, 'registry.transfer.reverse');
  const reason = cleanText(props.reason, 500);
  if (reason === null) throw registryError('reason_required', 422);
  const [original] = await ctx.tx.select().from(creditTransfers).where(eq(creditTransfers.id, props.transferId));
  if (!original) throw registryError('transfer_not_found', 404, { id: props.transferId }, { transferId: props.transferId });
  if (original.reversesTransferId !== null) throw registryError('transfer_is_reversal', 409, { id: original.id }, { transferId: original.id, reversesTransferId: original.reversesTransferId });
  const accounts = await lockAccounts(ctx, [original.fromAccountId, original.toAccountId]);
  // Checked under the receiver's lock, so two reversals of one transfer cannot both pass.
  const earlier = await findReversal(ctx, original.id);
  if (earlier) throw registryError('transfer_already_reversed', 409, { id: original.id, reversalId: earlier.id }, { transferId: original.id, reversalId: earlier.id });
  const receiver = accounts.get(original.toAccountId)!;
  const sender = accounts.get(original.fromAccountId)!;
  const moved = await ctx.tx.select().from(creditTransferBlocks).where(eq(creditTransferBlocks.transferId, original.id)).orderBy(asc(creditTransferBlocks.id));
  const parts: { block: HeldBlock; range: UnitRange }[] = [];
  let missingKg = 0;
  for (const row of moved) {
    const range = { batchId: row.batchId, first: row.firstUnit, last: row.lastUnit };
    const pieces = (await heldBlocksOverlapping(ctx.tx, receiver.id, range)).map((block) => ({ block, range: intersectRanges(block, range)! }));
    missingKg += rangeSize(range) - sumRanges(pieces.map((piece) => piece.range));
    parts.push(...pieces);
  }
  if (missingKg > 0) {
    throw registryError('transfer_not_reversible', 409, (locale) => ({ id: original.id, missing: formatTonnes(locale, missingKg) }), { transferId: original.id, missingKg });
  }
  const [reversal] = await ctx.tx
    .insert(creditTransfers)
    .values({ fromAccountId: receiver.id, toAccountId: sender.id, quantityKg: original.quantityKg, reversesTransferId: original.id, reason, createdAt: ctx.now })
    .returning();
  const returned = await carveBlocks(ctx, groupTakes(parts), { accountId: sender.id, state: 'held' });
  await ctx.tx.insert(creditTransferBlocks).values(returned.map((r) => ({ transferId: reversal!.id, batchId: r.batchId, firstUnit: r.first, lastUnit: r.last })));
  const ranges = await eventRanges(ctx.tx, returned);
  await appendEvent(ctx, {
    type: 'registry.transfer_reversed',
    subject: `credit-transfer:${reversal!.id}`,
    payload: { transferId: reversal!.id, reversesTransferId: original.id, reason, from: accountRef(receiver), to: accountRef(sender), quantityKg: original.quantityKg, ranges },
  });
  return { ...reversal!, ranges };
}
