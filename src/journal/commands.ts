import { sql } from 'drizzle-orm';
import type { Actor } from '../core/auth/roles.ts';
import { canonicalBytes } from '../core/canonical-json.ts';
import { hashLeaf } from '../core/merkle.ts';
import { formatCheckpoint, signNote } from '../core/signed-note.ts';
import { rowsOf, type Database, type Transaction } from '../db/connect.ts';
import { withTransaction } from '../db/transaction.ts';
import type { Keyring } from './keys.ts';
import { journalSize, latestCheckpoint, loadJournalTree, type JournalTreeCache } from './queries.ts';
import { journalCheckpoints, journalEntries } from './schema.ts';

/** What every command receives: the open transaction, who acts, and the time of the command. */
export type CommandContext = {
  tx: Transaction;
  actor: Actor;
  now: Date;
  /** Events appended so far in this command; `runCommand` insists on exactly one. */
  appended: JournalEvent[];
};

export const eventVersion = 1;

/** An event as it stands in the journal. Its canonical JSON bytes are what the Merkle tree commits to. */
export type JournalEvent = {
  v: typeof eventVersion;
  seq: number;
  time: string;
  org: string | null;
  type: string;
  subject: string;
  payload: Record<string, unknown>;
};

export type EventInput = {
  /** `module.thing_happened`, e.g. `accounts.organisation_created`. */
  type: string;
  /** What the event is about, as `kind:id`, e.g. `organisation:cmds`. */
  subject: string;
  /** Facts of the event. Never personal data: pseudonymous codes and salted commitments only. */
  payload: Record<string, unknown>;
};

/**
 * Appends one event in the command's transaction. Locking the journal head serialises appends, so
 * concurrent commands get consecutive sequence numbers, and a rolled-back command leaves no gap.
 */
export async function appendEvent(ctx: CommandContext, input: EventInput): Promise<JournalEvent> {
  const [head] = rowsOf<{ size: number | string }>(await ctx.tx.execute(sql`select size from journal_head where id = 1 for update`));
  if (!head) throw new Error('journal head row is missing: was the database migrated?');
  const seq = Number(head.size);
  // Stamped under the head lock, so times never go backwards along the sequence.
  const recordedAt = new Date();
  const event: JournalEvent = {
    v: eventVersion,
    seq,
    time: recordedAt.toISOString(),
    org: 'orgCode' in ctx.actor ? ctx.actor.orgCode : null,
    type: input.type,
    subject: input.subject,
    payload: input.payload,
  };
  const bytes = canonicalBytes(event);
  await ctx.tx.insert(journalEntries).values({
    seq,
    bytes,
    leafHash: hashLeaf(bytes),
    type: event.type,
    subject: event.subject,
    orgCode: event.org,
    recordedAt,
  });
  await ctx.tx.execute(sql`update journal_head set size = ${seq + 1} where id = 1`);
  ctx.appended.push(event);
  return event;
}

/**
 * Runs a state-changing command in its own transaction. Every command appends exactly one journal
 * event (invariant 4); a command that appends none or several is a bug and is rolled back.
 */
export async function runCommand<T>(db: Database, actor: Actor, command: (ctx: CommandContext) => Promise<T>): Promise<T> {
  return withTransaction(db, async (tx) => {
    const ctx: CommandContext = { tx, actor, now: new Date(), appended: [] };
    const result = await command(ctx);
    if (ctx.appended.length !== 1) {
      throw new Error(`a command must append exactly one journal event, this one appended ${ctx.appended.length}`);
    }
    return result;
  });
}

export type Checkpoint = { treeSize: number; rootHash: Buffer; note: string; signedAt: Date };

/**
 * Signs a C2SP tlog-checkpoint over the journal as it stands, with every active key, and keeps it.
 * Entries below a committed size never change, so the root needs no lock; when the latest
 * checkpoint already covers the whole journal it is returned instead of a new one (except the
 * daily checkpoint, which re-signs to show the log is alive).
 */
export async function signCheckpoint(
  db: Database,
  keyring: Keyring,
  reason: 'daily' | 'on_demand' | 'retirement' | 'start',
  cache?: JournalTreeCache,
): Promise<Checkpoint> {
  const size = await journalSize(db);
  const latest = await latestCheckpoint(db);
  if (latest && latest.treeSize === size && reason !== 'daily') return latest;
  const tree = cache ? await cache.at(db, size) : await loadJournalTree(db, size);
  const rootHash = tree.root(size);
  const note = signNote(formatCheckpoint({ origin: keyring.origin, size, rootHash }), keyring.signersAt());
  const [row] = await db.insert(journalCheckpoints).values({ treeSize: size, rootHash, note, reason }).returning();
  return row!;
}
