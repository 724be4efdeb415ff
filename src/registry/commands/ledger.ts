import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { organisations } from '../../accounts/public.ts';
import { can } from '../../core/auth/policies.ts';
import { isAuthenticated, type Actor } from '../../core/auth/roles.ts';
import { coreError } from '../../core/errors.ts';
import { formatTonnes } from '../../core/i18n/format.ts';
import { rowsOf, type Queryable } from '../../db/connect.ts';
import type { CommandContext } from '../../journal/public.ts';
import { registryError } from '../messages/ledger.ts';
import { creditAccounts, creditBatches, creditBlocks, type blockStates } from '../schema.ts';
import { isPositiveQuantity, isValidRange, rangeSerials, rangesOverlap, remainingPieces, sumRanges, takeInOrder, type UnitRange } from '../serials.ts';

/**
 * The serial ledger's primitives, shared by the commands: lock accounts, choose the blocks an
 * operation takes, and carve them. Every operation on units is "supersede the blocks touched and
 * insert their pieces", so its work grows with the number of blocks it touches, never with units.
 */

export type CreditAccount = typeof creditAccounts.$inferSelect & { organisationCode: string };

/** A live held block: the units `first..last` of a batch, in an account. */
export type HeldBlock = UnitRange & { id: number; batchId: number; accountId: number };

/** Units of one batch, as the commands record and the journal carries them. */
export type BatchRange = UnitRange & { batchId: number };

/** An account as events name it: its id and its organisation's public code. */
export const accountRef = (account: CreditAccount) => ({ accountId: account.id, organisation: account.organisationCode });

/**
 * Locks accounts, one at a time in id order so that two commands never wait on each other in a
 * cycle. Every command locks each account it touches (both sides of a transfer) and holds the rows
 * until commit, so concurrent commands on one account queue, each sees the blocks the previous
 * one left, and a suspension cannot slip in between the status check and the move. `no key
 * update` leaves inserts of blocks that point at an account free to go on.
 */
export async function lockAccounts(ctx: CommandContext, ids: readonly number[]): Promise<Map<number, CreditAccount>> {
  const locked = new Map<number, CreditAccount>();
  for (const id of [...new Set(ids)].sort((a, b) => a - b)) {
    const [row] = await ctx.tx
      .select({ account: creditAccounts, organisationCode: organisations.code })
      .from(creditAccounts)
      .innerJoin(organisations, eq(organisations.id, creditAccounts.organisationId))
      .where(eq(creditAccounts.id, id))
      .for('no key update', { of: creditAccounts });
    if (!row) throw registryError('account_not_found', 404, { id }, { accountId: id });
    locked.set(id, { ...row.account, organisationCode: row.organisationCode });
  }
  return locked;
}

/**
 * Whether the actor may move units out of the account (`registry.account.use`): a buyer of the
 * holder organisation, or an admin; the issuance account only by an admin. Other roles of the
 * holder organisation (a member, say) read its accounts but never move credits.
 */
export function assertMayUseAccount(actor: Actor, account: CreditAccount): void {
  if (account.kind === 'issuance' && actor.role !== 'admin') throw registryError('issuance_account_admin_only', 403);
  if (!can(actor, 'registry.account.use', { orgId: account.organisationId })) {
    throw isAuthenticated(actor) && actor.role === 'buyer'
      ? registryError('not_account_holder', 403, { id: account.id }, { accountId: account.id })
      : coreError('forbidden', 403);
  }
}

/** Only approved accounts send or receive credits. */
export function assertAccountActive(account: CreditAccount): void {
  if (account.status === 'approved') return;
  const details = { accountId: account.id, status: account.status };
  throw account.status === 'suspended' ? registryError('account_suspended', 422, { id: account.id }, details) : registryError('account_not_approved', 422, { id: account.id }, details);
}

/** Which units an operation takes from an account: a quantity (first in, first out) or named ranges. */
export type UnitSelection = { quantityKg: number } | { blocks: readonly { batchId: number; firstUnit: number; lastUnit: number }[] };

/** The batches of one mineral, vintage and site: what a sale delivers from. */
export type BatchScope = { mineral: string; vintage: number; siteId: number };

/** The parts of blocks an operation takes: for each block touched, the disjoint ranges taken from it. */
export type Take = { block: HeldBlock; ranges: UnitRange[] };

const maxNamedRanges = 1000;

type BlockRow = { id: number | string; batch_id: number | string; first_unit: number | string; last_unit: number | string; account_id: number | string; running: number | string };
const toHeldBlock = (row: BlockRow): HeldBlock & { running: number } => ({
  id: Number(row.id),
  batchId: Number(row.batch_id),
  first: Number(row.first_unit),
  last: Number(row.last_unit),
  accountId: Number(row.account_id),
  running: Number(row.running),
});

/**
 * The live held blocks of an account, in the given order, up to the first one at which their
 * running total reaches `quantityKg` (all of them when they hold less). The running total is
 * computed by the database, so only the blocks needed come back.
 */
async function heldBlocksUpTo(db: Queryable, props: { accountId: number; batchId?: number; scope?: BatchScope; quantityKg: number; order: 'fifo' | 'highest_first' }) {
  const order = props.order === 'fifo' ? sql`batch_id, first_unit` : sql`batch_id, first_unit desc`;
  const scope = props.scope;
  const rows = rowsOf<BlockRow>(
    await db.execute(sql`
      select id, batch_id, first_unit, last_unit, account_id, running from (
        select id, batch_id, first_unit, last_unit, account_id, quantity_kg,
          sum(quantity_kg) over (order by ${order} rows unbounded preceding)::bigint as running
        from credit_blocks
        where account_id = ${props.accountId} and state = 'held' and superseded_at is null
          ${props.batchId === undefined ? sql`` : sql`and batch_id = ${props.batchId}`}
          ${scope === undefined ? sql`` : sql`and batch_id in (select id from credit_batches where mineral = ${scope.mineral} and vintage = ${scope.vintage} and site_id = ${scope.siteId})`}
      ) held
      where running - quantity_kg < ${props.quantityKg}
      order by ${order}`),
  );
  const blocks = rows.map(toHeldBlock);
  return { blocks, heldKg: blocks.length === 0 ? 0 : blocks[blocks.length - 1]!.running };
}

/** The live held block of the account that contains every unit of the range, if there is one. */
async function heldBlockContaining(db: Queryable, accountId: number, range: BatchRange): Promise<HeldBlock | undefined> {
  const [row] = rowsOf<BlockRow>(
    await db.execute(sql`
      select id, batch_id, first_unit, last_unit, account_id, 0 as running
      from credit_blocks
      where batch_id = ${range.batchId} and superseded_at is null
        and int8range(first_unit, last_unit, '[]') @> int8range(${range.first}, ${range.last}, '[]')
        and account_id = ${accountId} and state = 'held'`),
  );
  return row ? toHeldBlock(row) : undefined;
}

/** The live held blocks of the account that share a unit with the range, in unit order. */
export async function heldBlocksOverlapping(db: Queryable, accountId: number, range: BatchRange): Promise<HeldBlock[]> {
  const rows = rowsOf<BlockRow>(
    await db.execute(sql`
      select id, batch_id, first_unit, last_unit, account_id, 0 as running
      from credit_blocks
      where batch_id = ${range.batchId} and superseded_at is null
        and int8range(first_unit, last_unit, '[]') && int8range(${range.first}, ${range.last}, '[]')
        and account_id = ${accountId} and state = 'held'
      order by first_unit`),
  );
  return rows.map(toHeldBlock);
}

/** Groups taken ranges by the block they come from, keeping the blocks' order. */
export function groupTakes(parts: readonly { block: HeldBlock; range: UnitRange }[]): Take[] {
  const byBlock = new Map<number, Take>();
  for (const { block, range } of parts) {
    const take = byBlock.get(block.id) ?? { block, ranges: [] };
    take.ranges.push(range);
    byBlock.set(block.id, take);
  }
  return [...byBlock.values()];
}

/** Serial ranges for messages, by batch id; `#id` for a batch that does not exist. */
async function serialsOf(db: Queryable, range: BatchRange): Promise<string> {
  const [batch] = await db.select({ prefix: creditBatches.serialPrefix }).from(creditBatches).where(eq(creditBatches.id, range.batchId));
  return batch ? rangeSerials(batch.prefix, range) : `#${range.batchId} ${range.first}-${range.last}`;
}

/**
 * Chooses the units an operation takes from an account, and checks it holds them: by quantity,
 * its held blocks first in, first out by (batch issue order, first unit), the last one split
 * exactly; by named ranges, each range inside one live held block of the account. Call it with
 * the account locked.
 */
export async function selectUnits(ctx: CommandContext, account: CreditAccount, selection: UnitSelection): Promise<{ takes: Take[]; quantityKg: number }> {
  if (!('blocks' in selection)) return selectQuantity(ctx, account, selection.quantityKg);
  const ranges: BatchRange[] = selection.blocks.map((b) => ({ batchId: b.batchId, first: b.firstUnit, last: b.lastUnit }));
  const overlapping = [...new Set(ranges.map((r) => r.batchId))].some((batchId) => rangesOverlap(ranges.filter((r) => r.batchId === batchId)));
  if (ranges.length === 0 || ranges.length > maxNamedRanges || !ranges.every((r) => Number.isSafeInteger(r.batchId) && isValidRange(r)) || overlapping) {
    throw registryError('ranges_invalid', 422);
  }
  const parts: { block: HeldBlock; range: UnitRange }[] = [];
  for (const range of ranges) {
    const block = await heldBlockContaining(ctx.tx, account.id, range);
    if (!block) {
      throw registryError('range_not_held', 422, { id: account.id, serials: await serialsOf(ctx.tx, range) }, { accountId: account.id, batchId: range.batchId, firstUnit: range.first, lastUnit: range.last });
    }
    parts.push({ block, range: { first: range.first, last: range.last } });
  }
  return { takes: groupTakes(parts), quantityKg: sumRanges(ranges) };
}

/**
 * Chooses a quantity from an account first in, first out (batch issue order, first unit), the last
 * block split exactly; with a scope, only from the batches of that mineral, vintage and site (a
 * sale delivers the credits that were ordered). Call it with the account locked.
 */
export async function selectQuantity(ctx: CommandContext, account: CreditAccount, quantityKg: number, scope?: BatchScope): Promise<{ takes: Take[]; quantityKg: number }> {
  if (!isPositiveQuantity(quantityKg)) throw registryError('quantity_invalid', 422);
  const { blocks, heldKg } = await heldBlocksUpTo(ctx.tx, { accountId: account.id, quantityKg, order: 'fifo', scope });
  const taken = takeInOrder(blocks, quantityKg);
  if (!taken) {
    throw registryError(
      'insufficient_credits',
      422,
      (locale) => ({ id: account.id, held: formatTonnes(locale, heldKg), requested: formatTonnes(locale, quantityKg) }),
      { accountId: account.id, heldKg, requestedKg: quantityKg },
    );
  }
  return { takes: groupTakes(taken.map(({ block, taken: range }) => ({ block, range }))), quantityKg };
}

/** Takes units of one batch from the issuance account, highest units first (for cancellations). */
export async function selectHighestUnits(ctx: CommandContext, props: { accountId: number; batchId: number; quantityKg: number }) {
  const { blocks, heldKg } = await heldBlocksUpTo(ctx.tx, { ...props, order: 'highest_first' });
  const taken = takeInOrder(blocks, props.quantityKg, 'end');
  return { takes: taken && groupTakes(taken.map(({ block, taken: range }) => ({ block, range }))), heldKg };
}

export type CarveInto = { accountId: number; state: (typeof blockStates)[number]; retirementId?: number; cancellationId?: number };

/**
 * Carves blocks: each block touched is marked superseded, the ranges taken from it become new
 * blocks as `into` says, and what is left of it stays where it was as new held blocks. Every new
 * block points at the block it came from. Returns the ranges taken, in the order given.
 */
export async function carveBlocks(ctx: CommandContext, takes: readonly Take[], into: CarveInto): Promise<BatchRange[]> {
  const ids = takes.map((take) => take.block.id);
  const superseded = await ctx.tx
    .update(creditBlocks)
    .set({ supersededAt: ctx.now })
    .where(and(inArray(creditBlocks.id, ids), isNull(creditBlocks.supersededAt), eq(creditBlocks.state, 'held')))
    .returning({ id: creditBlocks.id });
  // The accounts are locked, so a block cannot have changed since it was read.
  if (superseded.length !== ids.length) throw new Error('a credit block changed while its account was locked');
  const rows: (typeof creditBlocks.$inferInsert)[] = [];
  const taken: BatchRange[] = [];
  for (const { block, ranges } of takes) {
    for (const piece of remainingPieces(block, ranges)) {
      rows.push({ batchId: block.batchId, firstUnit: piece.first, lastUnit: piece.last, state: 'held', accountId: block.accountId, parentBlockId: block.id, createdAt: ctx.now });
    }
    for (const range of ranges) {
      rows.push({
        batchId: block.batchId,
        firstUnit: range.first,
        lastUnit: range.last,
        state: into.state,
        accountId: into.accountId,
        retirementId: into.retirementId ?? null,
        cancellationId: into.cancellationId ?? null,
        parentBlockId: block.id,
        createdAt: ctx.now,
      });
      taken.push({ batchId: block.batchId, first: range.first, last: range.last });
    }
  }
  await ctx.tx.insert(creditBlocks).values(rows);
  return taken;
}

/** A range as events carry it: the batch, its units and their serials. Enough to replay the ledger from the journal. */
export type EventRange = { batchId: number; firstUnit: number; lastUnit: number; serials: string };

export async function eventRanges(db: Queryable, ranges: readonly BatchRange[]): Promise<EventRange[]> {
  const batchIds = [...new Set(ranges.map((r) => r.batchId))];
  const batches = batchIds.length === 0 ? [] : await db.select({ id: creditBatches.id, prefix: creditBatches.serialPrefix }).from(creditBatches).where(inArray(creditBatches.id, batchIds));
  const prefixes = new Map(batches.map((b) => [b.id, b.prefix]));
  return ranges.map((r) => ({ batchId: r.batchId, firstUnit: r.first, lastUnit: r.last, serials: rangeSerials(prefixes.get(r.batchId)!, r) }));
}

/** Text a person typed, trimmed; null when empty or longer than `max`. */
export function cleanText(value: string | null | undefined, max: number): string | null {
  const text = (value ?? '').trim();
  return text.length === 0 || text.length > max ? null : text;
}
