import { and, asc, gte, lt } from 'drizzle-orm';
import { canonicalBytes } from '../core/canonical-json.ts';
import { parseCosignerKey, splitNote, verifiedCosignatures } from '../core/cosignature.ts';
import { hashLeaf, MerkleTree, verifyConsistency } from '../core/merkle.ts';
import { openNote, parseCheckpoint } from '../core/signed-note.ts';
import type { Queryable } from '../db/connect.ts';
import type { Keyring } from './keys.ts';
import { journalSize, listCheckpoints } from './queries.ts';
import { journalCosignatures, journalEntries } from './schema.ts';

export type JournalReport = {
  size: number;
  rootHash: Buffer;
  checkpoints: number;
  /** The first sequence number whose stored row is not what was appended, if any. */
  firstBadSeq: number | null;
  problems: string[];
};

function describeEntryProblem(row: typeof journalEntries.$inferSelect, expectedSeq: number, leaf: Buffer): string | null {
  if (row.seq !== expectedSeq) return `entry ${expectedSeq} is missing (found ${row.seq} next)`;
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(row.bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    return `entry ${row.seq}: its bytes are not JSON`;
  }
  if (!canonicalBytes(event).equals(row.bytes)) return `entry ${row.seq}: its bytes are not RFC 8785 canonical JSON`;
  if (event.seq !== row.seq) return `entry ${row.seq}: the event says it is number ${String(event.seq)}`;
  if (!leaf.equals(row.leafHash)) return `entry ${row.seq}: its leaf hash does not match its bytes`;
  if (event.type !== row.type || event.subject !== row.subject || (event.org ?? null) !== row.orgCode) {
    return `entry ${row.seq}: type, subject or organisation columns differ from the event`;
  }
  if (event.time !== row.recordedAt.toISOString()) return `entry ${row.seq}: recorded time differs from the event`;
  return null;
}

/** Compares the journal with the last checkpoint this installation signed, kept outside the database. */
function describeWitnessProblem(note: string, keyring: Keyring, tree: MerkleTree): string | null {
  let body;
  try {
    body = parseCheckpoint(openNote(note, keyring.verifiers).text);
  } catch (error) {
    return `the last checkpoint this installation signed (in its keys directory) does not verify (${(error as Error).message})`;
  }
  if (body.origin !== keyring.origin) return `the last checkpoint this installation signed is for origin ${body.origin}, not ${keyring.origin}`;
  if (body.size > tree.size) {
    return `this installation signed a checkpoint of ${body.size} entries but the journal has ${tree.size}: entries were removed (an emptied database or a failed restore?)`;
  }
  if (!tree.root(body.size).equals(body.rootHash)) return `the journal's first ${body.size} entries no longer give the root of the last checkpoint this installation signed: the log forked`;
  return null;
}

/** Each kept cosignature must verify, with the witness key it is stored under, over its checkpoint's text. */
async function describeCosignatureProblems(db: Queryable, checkpoints: { id: number; note: string }[]): Promise<string[]> {
  const notes = new Map(checkpoints.map((checkpoint) => [checkpoint.id, checkpoint.note]));
  const problems: string[] = [];
  for (const row of await db.select().from(journalCosignatures).orderBy(asc(journalCosignatures.id))) {
    const note = notes.get(row.checkpointId);
    try {
      const [cosignature] = verifiedCosignatures(splitNote(note ?? '').text, [row.line], [parseCosignerKey(row.witnessKey)]);
      if (!cosignature) throw new Error('it is not a cosignature by that key');
    } catch (error) {
      problems.push(`cosignature #${row.id} of checkpoint #${row.checkpointId} does not verify (${(error as Error).message})`);
    }
  }
  return problems;
}

/**
 * Recomputes the journal's Merkle tree from the stored bytes (never trusting stored hashes), checks
 * every entry, every checkpoint's signature and root, and that each checkpoint is consistent with
 * the one before it.
 */
export async function verifyJournal(db: Queryable, keyring: Keyring, onProgress?: (done: number, total: number) => void): Promise<JournalReport> {
  const problems: string[] = [];
  const size = await journalSize(db);
  const tree = new MerkleTree();
  let firstBadSeq: number | null = null;
  const batch = 5_000;
  for (let start = 0; start < size; start += batch) {
    const rows = await db
      .select()
      .from(journalEntries)
      .where(and(gte(journalEntries.seq, start), lt(journalEntries.seq, start + batch)))
      .orderBy(asc(journalEntries.seq));
    for (const row of rows) {
      const leaf = hashLeaf(row.bytes);
      const problem = describeEntryProblem(row, tree.size, leaf);
      if (problem) {
        problems.push(problem);
        firstBadSeq ??= Math.min(row.seq, tree.size);
      }
      tree.append(leaf);
    }
    onProgress?.(Math.min(size, start + batch), size);
  }
  if (tree.size !== size) {
    problems.push(`the journal head says ${size} entries but ${tree.size} were found`);
    firstBadSeq ??= tree.size;
  }

  const checkpoints = await listCheckpoints(db);
  let previous: { size: number; root: Buffer } | null = null;
  for (const checkpoint of checkpoints) {
    const label = `checkpoint #${checkpoint.id} (size ${checkpoint.treeSize})`;
    let body;
    try {
      body = parseCheckpoint(openNote(checkpoint.note, keyring.verifiers).text);
    } catch (error) {
      problems.push(`${label}: signature does not verify with the registry's keys (${(error as Error).message})`);
      continue;
    }
    if (body.origin !== keyring.origin) problems.push(`${label}: origin ${body.origin} is not ${keyring.origin}`);
    if (body.size !== checkpoint.treeSize || !body.rootHash.equals(checkpoint.rootHash)) {
      problems.push(`${label}: stored size or root differ from the signed note`);
    }
    if (body.size > tree.size) {
      problems.push(`${label}: signs ${body.size} entries but the journal has ${tree.size}: entries were removed`);
      continue;
    }
    if (!tree.root(body.size).equals(body.rootHash)) {
      const from = previous?.size ?? 0;
      problems.push(`${label}: the entries no longer give the signed root: an entry between ${from} and ${body.size - 1} was changed`);
      firstBadSeq ??= from;
    }
    if (previous) {
      if (body.size < previous.size) {
        problems.push(`${label}: smaller than the checkpoint before it (${previous.size})`);
      } else if (!verifyConsistency(previous.size, body.size, tree.consistencyProof(previous.size, body.size), previous.root, body.rootHash)) {
        problems.push(`${label}: not consistent with the checkpoint of size ${previous.size}: the log forked`);
      }
    }
    previous = { size: body.size, root: body.rootHash };
  }
  const latest = checkpoints.reduce<(typeof checkpoints)[number] | undefined>((last, checkpoint) => (!last || checkpoint.treeSize >= last.treeSize ? checkpoint : last), undefined);
  if (latest && latest.treeSize > size) {
    problems.push(`the journal head (${size} entries) is behind its last checkpoint (${latest.treeSize} entries)`);
  }
  problems.push(...(await describeCosignatureProblems(db, checkpoints)));
  const witnessed = keyring.witness?.last();
  if (witnessed) {
    const problem = describeWitnessProblem(witnessed, keyring, tree);
    if (problem) problems.push(problem);
  }
  return { size: tree.size, rootHash: tree.root(tree.size), checkpoints: checkpoints.length, firstBadSeq, problems };
}
