import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { registryError } from '../messages/ledger.ts';
import { creditTransferBlocks, creditTransfers } from '../schema.ts';
import { accountRef, assertAccountActive, assertMayUseAccount, carveBlocks, eventRanges, lockAccounts, selectUnits, type CreditAccount, type EventRange, type Take, type UnitSelection } from './ledger.ts';

export type TransferCreditsProps = {
  fromAccountId: number;
  toAccountId: number;
} & UnitSelection;

export type Transfer = typeof creditTransfers.$inferSelect & { ranges: EventRange[] };

/**
 * Moves the units taken from one account into another, held, and records the transfer with
 * exactly the ranges it moved; appends no event, so that the command calling it records what the
 * move was for (a transfer, a sale's delivery). Call it with both accounts locked and the units
 * chosen by `selectUnits` or `selectQuantity`.
 */
export async function moveCredits(ctx: CommandContext, props: { from: CreditAccount; to: CreditAccount; takes: readonly Take[]; quantityKg: number }): Promise<Transfer> {
  const [transfer] = await ctx.tx.insert(creditTransfers).values({ fromAccountId: props.from.id, toAccountId: props.to.id, quantityKg: props.quantityKg, createdAt: ctx.now }).returning();
  const moved = await carveBlocks(ctx, props.takes, { accountId: props.to.id, state: 'held' });
  await ctx.tx.insert(creditTransferBlocks).values(moved.map((r) => ({ transferId: transfer!.id, batchId: r.batchId, firstUnit: r.first, lastUnit: r.last })));
  return { ...transfer!, ranges: await eventRanges(ctx.tx, moved) };
}

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
  const transfer = await moveCredits(ctx, { from, to, takes, quantityKg });
  await appendEvent(ctx, {
    type: 'registry.credits_transferred',
    subject: `credit-transfer:${transfer.id}`,
    payload: { transferId: transfer.id, from: accountRef(from), to: accountRef(to), quantityKg, ranges: transfer.ranges },
  });
  return transfer;
}
