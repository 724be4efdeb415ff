import { sql } from 'drizzle-orm';
import type { Actor } from '../core/auth/roles.ts';
import { canonicalBytes } from '../core/canonical-json.ts';
import { hashLeaf } from '../core/merkle.ts';
import { formatCheckpoint, signNote } from '../core/signed-note.ts';
import { rowsOf, type Database, type Queryable, type Transaction } from '../db/connect.ts';
import { withTransaction } from '../db/transaction.ts';
import type { Keyring } from './keys.ts';
import { journalSize, latestCheckpoint, loadJournalTree, type JournalTreeCache } from './queries.ts';
import { journalCheckpoints } from './schema.ts';
import { collectCosignatures } from './witnesses.ts';

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

/** The next sequence number this process expects; a wrong guess costs one retry, never a wrong entry. */
let expectedSeq = 0;

function encodeEvent(ctx: CommandContext, input: EventInput, seq: number, recordedAt: Date) {
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
  return { event, bytes, leafHash: hashLeaf(bytes) };
}

/**
 * Appends one event in the command's transaction. The journal head row serialises appends: taking
 * it gives the next number, holding it until commit keeps concurrent commands consecutive, and a
 * rolled-back command gives its number back, so there is never a gap or a fork.
 *
 * The event's bytes contain its number, so they are encoded with the number this process expects;
 * one statement then advances the head only if it still has that size and inserts the entry. When
 * another writer got there first, the head is advanced unconditionally and the event re-encoded.
 */
export async function appendEvent(ctx: CommandContext, input: EventInput): Promise<JournalEvent> {
  let recordedAt = new Date();
  let encoded = encodeEvent(ctx, input, expectedSeq, recordedAt);
  const columns = (e: typeof encoded) => sql`${e.bytes}, ${e.leafHash}, ${e.event.type}, ${e.event.subject}, ${e.event.org}, ${recordedAt.toISOString()}::timestamptz`;
  const guessed = rowsOf<{ seq: number | string }>(
    await ctx.tx.execute(sql`
      with head as (update journal_head set size = size + 1 where id = 1 and size = ${expectedSeq} returning size - 1 as seq)
      insert into journal_entries (seq, bytes, leaf_hash, type, subject, org_code, recorded_at)
      select seq, ${columns(encoded)} from head
      returning seq`),
  );
  if (guessed.length === 0) {
    const [head] = rowsOf<{ seq: number | string }>(await ctx.tx.execute(sql`update journal_head set size = size + 1 where id = 1 returning size - 1 as seq`));
    if (!head) throw new Error('journal head row is missing: was the database migrated?');
    // Stamped under the head lock, so times never go backwards along the sequence.
    recordedAt = new Date();
    encoded = encodeEvent(ctx, input, Number(head.seq), recordedAt);
    await ctx.tx.execute(sql`
      insert into journal_entries (seq, bytes, leaf_hash, type, subject, org_code, recorded_at)
      values (${encoded.event.seq}, ${columns(encoded)})`);
  }
  expectedSeq = encoded.event.seq + 1;
  ctx.appended.push(encoded.event);
  return encoded.event;
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

export type Checkpoint = { id: number; treeSize: number; rootHash: Buffer; note: string; signedAt: Date };

/**
 * Signs a C2SP tlog-checkpoint over the journal as it stands, with every active key, and keeps it.
 * Entries below a committed size never change, so the root needs no lock; when the latest
 * checkpoint already covers the whole journal it is returned instead of a new one (except the
 * daily checkpoint, which re-signs to show the log is alive).
 *
 * With witnesses configured (`keyring.witnesses`), the checkpoint then goes to each of them and
 * their cosignatures are kept; this waits for them (each up to its timeout) but never fails for
 * them: the checkpoint is already stored, and a witness's problem is only reported.
 */
export async function signCheckpoint(
  db: Queryable,
  keyring: Keyring,
  reason: 'backup' | 'daily' | 'on_demand' | 'retirement' | 'start',
  cache?: JournalTreeCache,
): Promise<Checkpoint> {
  const size = await journalSize(db);
  const latest = await latestCheckpoint(db);
  const treeAt = (treeSize: number) => () => (cache ? cache.at(db, treeSize) : loadJournalTree(db, treeSize));
  if (latest && latest.treeSize === size && reason !== 'daily') {
    keyring.witness?.record(latest.note);
    // Witnesses that missed it (down, slow) are asked again.
    if (keyring.witnesses) await collectCosignatures(db, keyring.witnesses, latest, treeAt(size));
    return latest;
  }
  const tree = await treeAt(size)();
  const rootHash = tree.root(size);
  const note = signNote(formatCheckpoint({ origin: keyring.origin, size, rootHash }), keyring.signersAt());
  const [row] = await db.insert(journalCheckpoints).values({ treeSize: size, rootHash, note, reason }).returning();
  keyring.witness?.record(note);
  if (keyring.witnesses) await collectCosignatures(db, keyring.witnesses, row!, async () => tree);
  return row!;
}
