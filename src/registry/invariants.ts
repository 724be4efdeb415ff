import { sql } from 'drizzle-orm';
import type { Invariant } from '../core/invariants.ts';
import { rowsOf, type Queryable } from '../db/connect.ts';
import { findEntries } from '../journal/public.ts';
import { blockStates } from './schema.ts';
import { mergeRanges, rangeContains, type UnitRange } from './serials.ts';

type State = (typeof blockStates)[number];
type Segment = UnitRange & { accountId: number; state: State };
type RangePayload = { batchId: number; firstUnit: number; lastUnit: number };
type AccountPayload = { accountId: number };

/** Live units per (state, account, batch), as merged ranges: what the ledger and the journal are compared on. */
export type Holdings = Map<string, UnitRange[]>;
const holdingKey = (state: string, accountId: number, batchId: number) => `${state} account ${accountId} batch ${batchId}`;

/** An event of the journal, as much of it as the registry replays. */
export type ReplayEvent = { seq: number; type: string; payload: Record<string, unknown> };

/**
 * Replays the registry's events from nothing: each batch issued as one range in its account, then
 * every transfer, reversal, paid order, retirement and cancellation moving exactly the ranges its
 * event names.
 * Returns the live units it ends with and every event that did not apply (a range not held by the
 * account that gave it, a batch issued twice, and so on).
 */
export function replayRegistryEvents(events: Iterable<ReplayEvent>): { holdings: Holdings; problems: string[] } {
  const batches = new Map<number, Segment[]>();
  const problems: string[] = [];

  function move(seq: number, range: RangePayload, fromAccountId: number, to: { accountId: number; state: State }) {
    const segments = batches.get(range.batchId);
    const wanted = { first: range.firstUnit, last: range.lastUnit };
    const index = segments?.findIndex((s) => rangeContains(s, wanted)) ?? -1;
    const segment = index >= 0 ? segments![index]! : undefined;
    if (!segment || segment.state !== 'held' || segment.accountId !== fromAccountId) {
      problems.push(`event ${seq} moves units ${wanted.first}-${wanted.last} of batch ${range.batchId}, which account ${fromAccountId} did not hold in one piece`);
      return;
    }
    const pieces: Segment[] = [];
    if (segment.first < wanted.first) pieces.push({ ...segment, last: wanted.first - 1 });
    pieces.push({ ...wanted, ...to });
    if (wanted.last < segment.last) pieces.push({ ...segment, first: wanted.last + 1 });
    segments!.splice(index, 1, ...pieces);
  }

  for (const { seq, type, payload } of events) {
    const ranges = (payload.ranges ?? []) as RangePayload[];
    switch (type) {
      case 'registry.batch_issued': {
        const batchId = payload.batchId as number;
        const to = (payload.to as AccountPayload).accountId;
        if (batches.has(batchId)) problems.push(`event ${seq} issues batch ${batchId} again`);
        else if (ranges.length !== 1 || ranges[0]!.firstUnit !== 1 || ranges[0]!.lastUnit !== payload.quantityKg) problems.push(`event ${seq} issues batch ${batchId} with other units than 1..${String(payload.quantityKg)}`);
        else batches.set(batchId, [{ first: 1, last: ranges[0]!.lastUnit, accountId: to, state: 'held' }]);
        break;
      }
      // A paid order delivers its credits from the issuance account to the buyer's, like a transfer.
      case 'registry.credits_transferred':
      case 'registry.transfer_reversed':
      case 'registry.order_paid': {
        const from = (payload.from as AccountPayload).accountId;
        const to = (payload.to as AccountPayload).accountId;
        for (const range of ranges) move(seq, range, from, { accountId: to, state: 'held' });
        break;
      }
      case 'registry.credits_retired':
      case 'registry.units_cancelled': {
        const account = (payload.account as AccountPayload).accountId;
        const state = type === 'registry.credits_retired' ? 'retired' : 'cancelled';
        for (const range of ranges) move(seq, range, account, { accountId: account, state });
        break;
      }
    }
  }

  const collected = new Map<string, UnitRange[]>();
  for (const [batchId, segments] of batches) {
    for (const s of segments) {
      const key = holdingKey(s.state, s.accountId, batchId);
      collected.set(key, [...(collected.get(key) ?? []), { first: s.first, last: s.last }]);
    }
  }
  const holdings: Holdings = new Map([...collected].map(([key, ranges]) => [key, mergeRanges(ranges)]));
  return { holdings, problems };
}

/** The live units of the ledger, per (state, account, batch), merged. */
export async function ledgerHoldings(db: Queryable): Promise<Holdings> {
  const rows = rowsOf<{ state: string; account_id: number | string; batch_id: number | string; first_unit: number | string; last_unit: number | string }>(
    await db.execute(sql`select state, account_id, batch_id, first_unit, last_unit from credit_blocks where superseded_at is null order by batch_id, first_unit`),
  );
  const collected = new Map<string, UnitRange[]>();
  for (const row of rows) {
    const key = holdingKey(row.state, Number(row.account_id), Number(row.batch_id));
    collected.set(key, [...(collected.get(key) ?? []), { first: Number(row.first_unit), last: Number(row.last_unit) }]);
  }
  return new Map([...collected].map(([key, ranges]) => [key, mergeRanges(ranges)]));
}

const describeRanges = (ranges: readonly UnitRange[] | undefined) => (ranges && ranges.length > 0 ? ranges.map((r) => `${r.first}-${r.last}`).join(', ') : 'nothing');

/** Reads the registry's events from the journal, parsing each entry's bytes. */
async function* registryEvents(db: Queryable): AsyncGenerator<ReplayEvent> {
  const batch = 5_000;
  for (let after = -1; ; ) {
    const rows = await findEntries(db, { typePrefix: 'registry.', afterSeq: after, limit: batch });
    for (const row of rows) {
      const event = JSON.parse(row.bytes.toString('utf8')) as { type: string; payload: Record<string, unknown> };
      yield { seq: row.seq, type: event.type, payload: event.payload };
    }
    if (rows.length < batch) return;
    after = rows[rows.length - 1]!.seq;
  }
}

/** The registry module's checks for `orebook verify`. */
export const registryInvariants: Invariant[] = [
  {
    id: 'registry.batch_balance',
    description: 'For every batch, the units issued equal the units held, retired and cancelled in its live blocks',
    async check(db, problem) {
      const rows = rowsOf<{ serial_prefix: string; issued: string; held: string; retired: string; cancelled: string }>(
        await db.execute(sql`
          select b.serial_prefix, b.quantity_kg as issued,
            coalesce(sum(k.quantity_kg) filter (where k.state = 'held'), 0) as held,
            coalesce(sum(k.quantity_kg) filter (where k.state = 'retired'), 0) as retired,
            coalesce(sum(k.quantity_kg) filter (where k.state = 'cancelled'), 0) as cancelled
          from credit_batches b
          left join credit_blocks k on k.batch_id = b.id and k.superseded_at is null
          group by b.id
          having b.quantity_kg <> coalesce(sum(k.quantity_kg), 0)
          order by b.id`),
      );
      for (const r of rows) problem(`batch ${r.serial_prefix}: ${r.issued} units issued, but ${r.held} held + ${r.retired} retired + ${r.cancelled} cancelled`);
    },
  },
  {
    id: 'registry.blocks_tile_batches',
    description: 'The live blocks of every batch cover its units 1 to its quantity exactly once: no unit in two blocks, none in no block',
    async check(db, problem) {
      const rows = rowsOf<{ serial_prefix: string; first_unit: string; last_unit: string | null; prev_last: string | null; next_first: string | null; quantity_kg: string }>(
        await db.execute(sql`
          with live as (
            select b.id as batch_id, b.serial_prefix, b.quantity_kg, k.first_unit, k.last_unit,
              max(k.last_unit) over (partition by b.id order by k.first_unit, k.last_unit rows between unbounded preceding and 1 preceding) as prev_last,
              lead(k.first_unit) over (partition by b.id order by k.first_unit, k.last_unit) as next_first
            from credit_batches b
            left join credit_blocks k on k.batch_id = b.id and k.superseded_at is null
          )
          select serial_prefix, first_unit, last_unit, prev_last, next_first, quantity_kg from live
          where first_unit is null
            or (prev_last is null and first_unit <> 1)
            or (prev_last is not null and first_unit <> prev_last + 1)
            or (next_first is null and last_unit <> quantity_kg)
          order by batch_id, first_unit`),
      );
      for (const r of rows) {
        const block = `block ${r.first_unit}-${r.last_unit}`;
        if (r.first_unit === null) problem(`batch ${r.serial_prefix} has no live block`);
        else if (r.prev_last === null && Number(r.first_unit) !== 1) problem(`batch ${r.serial_prefix}: units 1-${Number(r.first_unit) - 1} are in no live block`);
        else if (r.prev_last !== null && Number(r.first_unit) <= Number(r.prev_last)) problem(`batch ${r.serial_prefix}: ${block} overlaps a block before it (which ends at ${r.prev_last})`);
        else if (r.prev_last !== null && Number(r.first_unit) > Number(r.prev_last) + 1) problem(`batch ${r.serial_prefix}: units ${Number(r.prev_last) + 1}-${Number(r.first_unit) - 1} are in no live block`);
        if (r.first_unit !== null && r.next_first === null && Number(r.last_unit) !== Number(r.quantity_kg)) {
          problem(`batch ${r.serial_prefix}: its live blocks end at ${r.last_unit}, but the batch has ${r.quantity_kg} units`);
        }
      }
    },
  },
  {
    id: 'registry.final_blocks_unchanged',
    description: 'No retired or cancelled block was ever superseded, and every superseded block was replaced by pieces inside it',
    async check(db, problem) {
      const final = rowsOf<{ id: number; state: string; serial_prefix: string; first_unit: string; last_unit: string }>(
        await db.execute(sql`
          select k.id, k.state, b.serial_prefix, k.first_unit, k.last_unit from credit_blocks k join credit_batches b on b.id = k.batch_id
          where k.state <> 'held' and k.superseded_at is not null order by k.id`),
      );
      for (const r of final) problem(`${r.state} block ${r.id} (${r.serial_prefix}-${r.first_unit}-${r.last_unit}) was superseded: ${r.state} units must never change`);
      const pieces = rowsOf<{ id: number; parent_block_id: number; problem: string }>(
        await db.execute(sql`
          select c.id, c.parent_block_id,
            case when p.superseded_at is null then 'its parent is still live'
                 when p.batch_id <> c.batch_id then 'its parent is of another batch'
                 else 'it lies outside its parent' end as problem
          from credit_blocks c join credit_blocks p on p.id = c.parent_block_id
          where p.superseded_at is null or p.batch_id <> c.batch_id or c.first_unit < p.first_unit or c.last_unit > p.last_unit
          order by c.id`),
      );
      for (const r of pieces) problem(`block ${r.id}, carved from block ${r.parent_block_id}: ${r.problem}`);
    },
  },
  {
    id: 'registry.records_match_blocks',
    description: 'Every retirement and cancellation has exactly its quantity in blocks of its account, and every transfer moved exactly its quantity',
    async check(db, problem) {
      const rows = rowsOf<{ what: string; id: number; quantity_kg: string; blocks_kg: string }>(
        await db.execute(sql`
          select 'retirement' as what, r.id, r.quantity_kg, coalesce(sum(k.quantity_kg), 0) as blocks_kg
          from credit_retirements r left join credit_blocks k on k.retirement_id = r.id and k.account_id = r.account_id
          group by r.id having r.quantity_kg <> coalesce(sum(k.quantity_kg), 0)
          union all
          select 'cancellation', c.id, c.quantity_kg, coalesce(sum(k.quantity_kg), 0)
          from credit_cancellations c left join credit_blocks k on k.cancellation_id = c.id and k.account_id = c.account_id and k.batch_id = c.batch_id
          group by c.id having c.quantity_kg <> coalesce(sum(k.quantity_kg), 0)
          union all
          select 'transfer', t.id, t.quantity_kg, coalesce(sum(m.last_unit - m.first_unit + 1), 0)
          from credit_transfers t left join credit_transfer_blocks m on m.transfer_id = t.id
          group by t.id having t.quantity_kg <> coalesce(sum(m.last_unit - m.first_unit + 1), 0)
          order by 1, 2`),
      );
      for (const r of rows) problem(`${r.what} ${r.id} is of ${r.quantity_kg} units, but its blocks hold ${r.blocks_kg}`);
    },
  },
  {
    id: 'registry.batches_within_verification',
    description: 'Every batch matches its verification statement, the units issued and not cancelled stay within its responsible quantity, and the draws on it are exactly the issues and cancellations',
    async check(db, problem) {
      const mismatched = rowsOf<{ serial_prefix: string; statement_id: number }>(
        await db.execute(sql`
          select b.serial_prefix, b.statement_id from credit_batches b join verification_statements s on s.id = b.statement_id
          where b.site_id <> s.site_id or b.mineral <> s.mineral or b.period_start <> s.period_start or b.period_end <> s.period_end
          order by b.id`),
      );
      for (const r of mismatched) problem(`batch ${r.serial_prefix} does not have the site, mineral or period of its statement ${r.statement_id}`);
      const rows = rowsOf<{ id: number; responsible_kg: string; issued: string; cancelled: string; drawn: string; restored: string }>(
        await db.execute(sql`
          select s.id, s.responsible_kg,
            coalesce((select sum(b.quantity_kg) from credit_batches b where b.statement_id = s.id), 0) as issued,
            coalesce((select sum(c.quantity_kg) from credit_cancellations c join credit_batches b on b.id = c.batch_id where b.statement_id = s.id), 0) as cancelled,
            coalesce((select sum(d.quantity_kg) from verification_draws d where d.statement_id = s.id and d.quantity_kg > 0), 0) as drawn,
            coalesce((select -sum(d.quantity_kg) from verification_draws d where d.statement_id = s.id and d.quantity_kg < 0), 0) as restored
          from verification_statements s order by s.id`),
      );
      for (const r of rows) {
        const [responsible, issued, cancelled, drawn, restored] = [r.responsible_kg, r.issued, r.cancelled, r.drawn, r.restored].map(Number) as [number, number, number, number, number];
        if (issued - cancelled > responsible) problem(`statement ${r.id}: ${issued - cancelled} units issued and not cancelled, more than its ${responsible} kg produced responsibly`);
        if (drawn !== issued) problem(`statement ${r.id}: ${drawn} kg drawn from it, but its batches issued ${issued}`);
        if (restored !== cancelled) problem(`statement ${r.id}: ${restored} kg given back to it, but ${cancelled} units of its batches were cancelled`);
      }
    },
  },
  {
    id: 'registry.journal_replay',
    description: 'Replaying the registry’s events in the journal from nothing gives exactly the live blocks: the same units, in the same state, in the same accounts',
    async check(db, problem) {
      const events: ReplayEvent[] = [];
      for await (const event of registryEvents(db)) events.push(event);
      const replayed = replayRegistryEvents(events);
      for (const message of replayed.problems) problem(message);
      const ledger = await ledgerHoldings(db);
      const keys = [...new Set([...ledger.keys(), ...replayed.holdings.keys()])].sort();
      for (const key of keys) {
        const inLedger = describeRanges(ledger.get(key));
        const inJournal = describeRanges(replayed.holdings.get(key));
        if (inLedger !== inJournal) problem(`${key}: the ledger has units ${inLedger}, the journal's events give ${inJournal}`);
      }
    },
  },
];
