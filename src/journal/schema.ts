import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { bytea } from '../db/columns.ts';

/**
 * The public, append-only journal. `bytes` is the exact RFC 8785 canonical JSON of the event and is
 * the only thing that counts; type, subject, organisation and time are copied out of it so that
 * queries can filter without parsing, and `orebook verify` checks they match. A trigger (see the
 * custom migration) refuses UPDATE, DELETE and TRUNCATE.
 */
export const journalEntries = pgTable(
  'journal_entries',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    bytes: bytea('bytes').notNull(),
    leafHash: bytea('leaf_hash').notNull(),
    type: text('type').notNull(),
    subject: text('subject').notNull(),
    orgCode: text('org_code'),
    recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    check('journal_entries_seq_non_negative', sql`${t.seq} >= 0`),
    index('journal_entries_recorded_at_idx').on(t.recordedAt),
    index('journal_entries_type_idx').on(t.type),
  ],
);

/** One row: the journal's size. Appending locks it, which gives consecutive sequence numbers under concurrency. */
export const journalHead = pgTable(
  'journal_head',
  {
    id: integer('id').primaryKey().default(1),
    size: bigint('size', { mode: 'number' }).notNull().default(0),
  },
  (t) => [check('journal_head_single_row', sql`${t.id} = 1`), check('journal_head_size_non_negative', sql`${t.size} >= 0`)],
);

/** Signed checkpoints (C2SP tlog-checkpoint notes) over the journal, append-only too. */
export const journalCheckpoints = pgTable(
  'journal_checkpoints',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    treeSize: bigint('tree_size', { mode: 'number' }).notNull(),
    rootHash: bytea('root_hash').notNull(),
    note: text('note').notNull(),
    reason: text('reason').notNull(),
    signedAt: timestamp('signed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [check('journal_checkpoints_size_non_negative', sql`${t.treeSize} >= 0`), index('journal_checkpoints_size_idx').on(t.treeSize)],
);

/**
 * Witnesses' cosignatures (C2SP tlog-cosignature) of the checkpoints, one per checkpoint and
 * witness key at most. `line` is the signature line as the witness returned it, checked before it
 * is kept; the checkpoint is served with its cosignatures appended. Like the checkpoints, they are
 * facts about the journal, not events in it: journaling them would grow the tree they cosign.
 */
export const journalCosignatures = pgTable(
  'journal_cosignatures',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    checkpointId: integer('checkpoint_id')
      .notNull()
      .references(() => journalCheckpoints.id),
    /** The witness's verifier key, `<name>+<key id>+<base64(0x04 || public key)>`. */
    witnessKey: text('witness_key').notNull(),
    line: text('line').notNull(),
    /** The time the witness put in the cosignature. */
    cosignedAt: timestamp('cosigned_at', { withTimezone: true, mode: 'date' }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [unique('journal_cosignatures_checkpoint_witness_key').on(t.checkpointId, t.witnessKey), index('journal_cosignatures_witness_idx').on(t.witnessKey)],
);
