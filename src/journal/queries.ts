import { and, asc, count, desc, eq, gt, gte, inArray, like, lt, sql, type SQL } from 'drizzle-orm';
import { MerkleTree } from '../core/merkle.ts';
import { rowsOf, type Queryable } from '../db/connect.ts';
import { journalCheckpoints, journalEntries } from './schema.ts';

export async function journalSize(db: Queryable): Promise<number> {
  const [head] = rowsOf<{ size: number | string }>(await db.execute(sql`select size from journal_head where id = 1`));
  return Number(head?.size ?? 0);
}

/**
 * What every public figure depends on, as one short string: the journal's size, its last entry,
 * the latest checkpoint and the latest witness cosignature. It changes with every event, every
 * signed checkpoint, every cosignature and every restore; four indexed lookups, cheap enough to
 * ask on every request.
 */
export async function journalVersion(db: Queryable): Promise<string> {
  const [row] = rowsOf<{ size: number | string; last: string | null; checkpoint: number | string | null; cosignature: number | string | null }>(
    await db.execute(
      sql`select h.size, (select encode(leaf_hash, 'hex') from journal_entries where seq = h.size - 1) as last, (select max(id) from journal_checkpoints) as checkpoint, (select max(id) from journal_cosignatures) as cosignature from journal_head h where h.id = 1`,
    ),
  );
  return `${row?.size ?? 0}.${row?.last?.slice(0, 16) ?? ''}.${row?.checkpoint ?? 0}.${row?.cosignature ?? 0}`;
}

/**
 * The Merkle tree over the first `size` entries. A server passes its long-lived `cache` so that
 * only new entries are read and hashed; the cache is rebuilt if the database no longer matches it
 * (for example after a restore).
 */
export async function loadJournalTree(db: Queryable, size: number, cache?: MerkleTree): Promise<MerkleTree> {
  let tree = cache ?? new MerkleTree();
  if (tree.size > 0) {
    const last = tree.size - 1;
    const [row] = await db.select({ leafHash: journalEntries.leafHash }).from(journalEntries).where(sql`${journalEntries.seq} = ${last}`);
    if (!row || !row.leafHash.equals(tree.leafHash(last))) tree = new MerkleTree();
  }
  if (tree.size > size) return tree;
  const batch = 10_000;
  for (let start = tree.size; start < size; start += batch) {
    const rows = await db
      .select({ seq: journalEntries.seq, leafHash: journalEntries.leafHash })
      .from(journalEntries)
      .where(and(gte(journalEntries.seq, start), lt(journalEntries.seq, Math.min(size, start + batch))))
      .orderBy(asc(journalEntries.seq));
    for (const row of rows) {
      if (row.seq !== tree.size) throw new Error(`journal entry ${tree.size} is missing`);
      tree.append(row.leafHash);
    }
  }
  return tree;
}

/**
 * A server's long-lived copy of the journal tree. Requests share it; extending it is serialised
 * so that two requests never append the same entries twice.
 */
export class JournalTreeCache {
  private tree = new MerkleTree();
  private pending: Promise<unknown> = Promise.resolve();

  /** The tree, grown to at least `size` entries. */
  at(db: Queryable, size: number): Promise<MerkleTree> {
    const next = this.pending.then(async () => {
      this.tree = await loadJournalTree(db, size, this.tree);
      return this.tree;
    });
    this.pending = next.catch(() => undefined);
    return next;
  }
}

export async function listEntries(db: Queryable, start: number, limit: number) {
  return db
    .select({ seq: journalEntries.seq, bytes: journalEntries.bytes })
    .from(journalEntries)
    .where(and(gte(journalEntries.seq, start), lt(journalEntries.seq, start + limit)))
    .orderBy(asc(journalEntries.seq));
}

/** What `findEntries` filters on; every field given must hold. */
export type EntryFilter = {
  type?: string;
  /** Entries whose type starts with this, e.g. `registry.` for all of one module's events. */
  typePrefix?: string;
  subject?: string;
  /** Only entries after this sequence number, to page through the journal. */
  afterSeq?: number;
  limit?: number;
};

/** Journal entries matching `filter`, in journal order, with their exact bytes. */
export async function findEntries(db: Queryable, filter: EntryFilter) {
  const conditions: SQL[] = [];
  if (filter.type !== undefined) conditions.push(eq(journalEntries.type, filter.type));
  if (filter.typePrefix !== undefined) conditions.push(like(journalEntries.type, `${filter.typePrefix.replace(/[\\%_]/g, '\\$&')}%`));
  if (filter.subject !== undefined) conditions.push(eq(journalEntries.subject, filter.subject));
  if (filter.afterSeq !== undefined) conditions.push(gt(journalEntries.seq, filter.afterSeq));
  const query = db
    .select({ seq: journalEntries.seq, type: journalEntries.type, subject: journalEntries.subject, orgCode: journalEntries.orgCode, recordedAt: journalEntries.recordedAt, bytes: journalEntries.bytes })
    .from(journalEntries)
    .where(and(...conditions))
    .orderBy(asc(journalEntries.seq));
  return filter.limit === undefined ? query : query.limit(filter.limit);
}

/** The type of each entry among `seqs` that the journal holds; a sequence number it does not hold is absent from the map. */
export async function entryTypesAt(db: Queryable, seqs: readonly number[]): Promise<Map<number, string>> {
  const types = new Map<number, string>();
  const unique = [...new Set(seqs)];
  // In slices, so that a large import never exceeds the driver's limit on bound parameters.
  const slice = 5_000;
  for (let start = 0; start < unique.length; start += slice) {
    const rows = await db
      .select({ seq: journalEntries.seq, type: journalEntries.type })
      .from(journalEntries)
      .where(inArray(journalEntries.seq, unique.slice(start, start + slice)));
    for (const row of rows) types.set(row.seq, row.type);
  }
  return types;
}

/** The first checkpoint signed over a tree that holds entry `seq`; the one a proof of inclusion is given against. */
export async function earliestCheckpointCovering(db: Queryable, seq: number) {
  const [row] = await db
    .select()
    .from(journalCheckpoints)
    .where(gt(journalCheckpoints.treeSize, seq))
    .orderBy(asc(journalCheckpoints.treeSize), asc(journalCheckpoints.id))
    .limit(1);
  return row;
}

export async function latestCheckpoint(db: Queryable) {
  const [row] = await db.select().from(journalCheckpoints).orderBy(desc(journalCheckpoints.treeSize), desc(journalCheckpoints.id)).limit(1);
  return row;
}

export async function listCheckpoints(db: Queryable) {
  return db.select().from(journalCheckpoints).orderBy(asc(journalCheckpoints.treeSize), asc(journalCheckpoints.id));
}

/** Journal events per month (and type), the foundation's own indicator. */
export async function eventsPerMonth(db: Queryable, period: { from: Date; to: Date }) {
  const month = sql<string>`to_char(${journalEntries.recordedAt} at time zone 'UTC', 'YYYY-MM')`;
  const rows = await db
    .select({ month, type: journalEntries.type, events: count() })
    .from(journalEntries)
    .where(and(gte(journalEntries.recordedAt, period.from), lt(journalEntries.recordedAt, period.to)))
    .groupBy(month, journalEntries.type)
    .orderBy(month, journalEntries.type);
  return rows.map((row) => ({ month: row.month, type: row.type, events: Number(row.events) }));
}

export async function recentEvents(db: Queryable, limit: number) {
  return db
    .select({ seq: journalEntries.seq, type: journalEntries.type, subject: journalEntries.subject, orgCode: journalEntries.orgCode, recordedAt: journalEntries.recordedAt })
    .from(journalEntries)
    .orderBy(desc(journalEntries.seq))
    .limit(limit);
}

/** One entry with its exact bytes and leaf hash; undefined past the end of the journal. */
export async function entryAt(db: Queryable, seq: number) {
  const [row] = await db.select().from(journalEntries).where(eq(journalEntries.seq, seq));
  return row;
}

/** What the journal page filters on: a type, and days (UTC) from and to, both included. */
export type EventListFilter = { type?: string; fromDay?: string; toDay?: string };

/**
 * A page of events matching `filter`, newest first: those before sequence number `before`, or the
 * `limit` just after `after` (to page back towards the newest), with whether older and newer ones exist.
 */
export async function pageOfEvents(db: Queryable, filter: EventListFilter, position: { before?: number; after?: number }, limit: number) {
  const conditions: SQL[] = [];
  if (filter.type) conditions.push(eq(journalEntries.type, filter.type));
  if (filter.fromDay) conditions.push(gte(journalEntries.recordedAt, new Date(`${filter.fromDay}T00:00:00Z`)));
  if (filter.toDay) conditions.push(lt(journalEntries.recordedAt, new Date(new Date(`${filter.toDay}T00:00:00Z`).getTime() + 86_400_000)));
  const columns = { seq: journalEntries.seq, type: journalEntries.type, subject: journalEntries.subject, orgCode: journalEntries.orgCode, recordedAt: journalEntries.recordedAt };
  const forwards = position.after !== undefined && position.before === undefined;
  const bound = forwards ? gt(journalEntries.seq, position.after!) : position.before !== undefined ? lt(journalEntries.seq, position.before) : undefined;
  const rows = await db
    .select(columns)
    .from(journalEntries)
    .where(and(...conditions, bound))
    .orderBy(forwards ? asc(journalEntries.seq) : desc(journalEntries.seq))
    .limit(limit + 1);
  const more = rows.length > limit;
  const events = rows.slice(0, limit);
  if (forwards) events.reverse();
  const exists = async (condition: SQL) => (await db.select({ seq: journalEntries.seq }).from(journalEntries).where(and(...conditions, condition)).limit(1)).length > 0;
  const newest = events[0]?.seq;
  const oldest = events.at(-1)?.seq;
  return {
    events,
    hasOlder: forwards ? oldest !== undefined && (await exists(lt(journalEntries.seq, oldest))) : more,
    hasNewer: forwards ? more : newest !== undefined && (await exists(gt(journalEntries.seq, newest))),
  };
}
