import { appendEvent, type CommandContext } from '../../journal/commands.ts';
import { registryError } from '../messages/ledger.ts';
import { creditTransferBlocks, creditTransfers } from '../schema.ts';
import { accountRef, assertAccountActive, assertMayUseAccount, carveBlocks, eventRanges, lockAccounts, selectUnits, type EventRange, type UnitSelection } from './ledger.ts';

export type TransferCreditsProps = {
  fromAccountId: number;
  toAccountId: number;
} & UnitSelection;

export type Transfer = typeof creditTransfers.$inferSelect & { ranges: EventRange[] };

/**
 * Moves credits between two approved accounts, by quantity (the source's held blocks first in,
 * first out by batch issue order and first unit, the last block split exactly) or by named
 * ranges (each inside one held block of the source, split as needed). Only the source's holder
 * (or an admin; only an admin from the issuance account) sends. Refused, with nothing changed,
 * when the source holds less (`insufficient_credits`), a range is not held, or either account is
 * pending or suspended.
 */
export async function transferCredits(ctx: CommandContext, props: TransferCreditsProps): Promise<Transfer> {
  if (props.fromAccountId === props.toAccountId) throw registryError('same_account', 422);
  const accounts = await lockAccounts(ctx, [props.fromAccountId, props.toAccountId]);
  const from = accounts.get(props.fromAccountId)!;
  const to = accounts.get(props.toAccountId)!;
  assertMayUseAccount(ctx.actor, from);
  assertAccountActive(from);
  assertAccountActive(to);
  const { takes, quantityKg } = await selectUnits(ctx, from, props);
  const [transfer] = await ctx.tx.insert(creditTransfers).values({ fromAccountId: from.id, toAccountId: to.id, quantityKg, createdAt: ctx.now }).returning();
  const moved = await carveBlocks(ctx, takes, { accountId: to.id, state: 'held' });
  await ctx.tx.insert(creditTransferBlocks).values(moved.map((r) => ({ transferId: transfer!.id, batchId: r.batchId, firstUnit: r.first, lastUnit: r.last })));
  const ranges = await eventRanges(ctx.tx, moved);
  await appendEvent(ctx, {
    type: 'registry.credits_transferred',
    subject: `credit-transfer:${transfer!.id}`,
    payload: { transferId: transfer!.id, from: accountRef(from), to: accountRef(to), quantityKg, ranges },
  });
  return { ...transfer!, ranges };
}
