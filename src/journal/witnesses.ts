/**
 * The registry's side of C2SP tlog-witness: each checkpoint it signs goes to the configured
 * witnesses with a consistency proof from the last checkpoint each one cosigned; their
 * cosignatures are checked and kept beside the checkpoint. A witness that is down, slow or refuses
 * never stops the registry: the problem is logged and the next checkpoint tries again.
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import { parseCosignerKey, splitNote, verifiedCosignatures, type Cosigner, type WitnessPolicy } from '../core/cosignature.ts';
import type { MerkleTree } from '../core/merkle.ts';
import type { Queryable } from '../db/connect.ts';
import { journalCheckpoints, journalCosignatures } from './schema.ts';

/** A witness the registry submits to: its verifier key (name and public key) and its submission prefix. */
export type WitnessEndpoint = { verifierKey: string; cosigner: Cosigner; url: string };

export type WitnessProblem = { witness: string; checkpointSize: number; problem: string };

/** The configured witnesses and the policy the registry publishes for them. */
export type WitnessPool = {
  witnesses: WitnessEndpoint[];
  /** k of the policy "k of n" the registry asks readers to require. */
  quorum: number;
  /** How long one submission may take before the registry gives up until the next checkpoint. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  onProblem?: (problem: WitnessProblem) => void;
  /** Submissions run one at a time, so that a witness never sees checkpoints out of order. */
  queue?: { pending: Promise<unknown> };
};

/**
 * Reads OREBOOK_WITNESSES: one witness per line (or separated by commas), each its verifier key
 * and its submission URL prefix, separated by a space:
 * `witness.example.org/w1+1a2b3c4d+BC...= https://witness.example.org/w1`.
 */
export function parseWitnessList(value: string): WitnessEndpoint[] {
  const witnesses = value
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [verifierKey = '', url = '', ...rest] = line.split(/\s+/);
      if (rest.length > 0 || !/^https?:\/\/\S+$/.test(url)) throw new Error(`a witness is "<verifier key> <http(s) URL prefix>", not ${JSON.stringify(line)}`);
      return { verifierKey, cosigner: parseCosignerKey(verifierKey), url: url.replace(/\/+$/, '') };
    });
  const names = witnesses.map((witness) => witness.verifierKey);
  if (new Set(names).size !== names.length) throw new Error('a witness is listed twice');
  return witnesses;
}

/** The policy a reader should require: the witnesses' keys and the quorum. */
export function witnessPolicyOf(pool: WitnessPool): WitnessPolicy {
  return { cosigners: pool.witnesses.map((witness) => witness.cosigner), quorum: pool.quorum };
}

/** The checkpoint note followed by the cosignatures kept for it: one signed note. */
export async function cosignedNote(db: Queryable, checkpoint: { id: number; note: string }): Promise<string> {
  const rows = await db.select({ line: journalCosignatures.line }).from(journalCosignatures).where(eq(journalCosignatures.checkpointId, checkpoint.id)).orderBy(asc(journalCosignatures.id));
  return checkpoint.note + rows.map((row) => `${row.line}\n`).join('');
}

/** The size of the largest checkpoint `witnessKey` cosigned, or 0. */
async function lastCosignedSize(db: Queryable, witnessKey: string): Promise<number> {
  const [row] = await db
    .select({ size: journalCheckpoints.treeSize })
    .from(journalCosignatures)
    .innerJoin(journalCheckpoints, eq(journalCheckpoints.id, journalCosignatures.checkpointId))
    .where(eq(journalCosignatures.witnessKey, witnessKey))
    .orderBy(desc(journalCheckpoints.treeSize), desc(journalCheckpoints.id))
    .limit(1);
  return row?.size ?? 0;
}

type CheckpointRow = { id: number; treeSize: number; note: string };

async function submit(pool: WitnessPool, witness: WitnessEndpoint, oldSize: number, proof: readonly Buffer[], note: string) {
  const body = `old ${oldSize}\n${proof.map((hash) => `${hash.toString('base64')}\n`).join('')}\n${note}`;
  const post = () =>
    (pool.fetch ?? fetch)(`${witness.url}/add-checkpoint`, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      signal: AbortSignal.timeout(pool.timeoutMs ?? 5_000),
    });
  // A kept-alive connection the witness closed in the meantime fails at once: one new attempt.
  const response = await post().catch(post);
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** Asks one witness to cosign `checkpoint`; returns why not, or null once its cosignature is kept. */
async function cosignWith(db: Queryable, pool: WitnessPool, witness: WitnessEndpoint, checkpoint: CheckpointRow, tree: () => Promise<MerkleTree>): Promise<string | null> {
  const [kept] = await db
    .select({ id: journalCosignatures.id })
    .from(journalCosignatures)
    .where(and(eq(journalCosignatures.checkpointId, checkpoint.id), eq(journalCosignatures.witnessKey, witness.verifierKey)));
  if (kept) return null;
  let oldSize = await lastCosignedSize(db, witness.verifierKey);
  // A witness moves only forward: a checkpoint smaller than one it cosigned is not for it any more.
  if (oldSize > checkpoint.treeSize) return null;
  for (let attempt = 0; attempt < 2; attempt++) {
    const proof = oldSize === 0 ? [] : (await tree()).consistencyProof(oldSize, checkpoint.treeSize);
    const answer = await submit(pool, witness, oldSize, proof, checkpoint.note);
    if (answer.status === 409 && answer.type.startsWith('text/x.tlog.size') && /^(0|[1-9][0-9]*)\n$/.test(answer.text) && attempt === 0) {
      // The witness knows a size we do not (state lost on our side, or another installation of the same log): prove from there.
      const size = Number(answer.text.trim());
      if (size > checkpoint.treeSize) return `the witness has cosigned ${size} entries, more than this checkpoint's ${checkpoint.treeSize}`;
      if (size === oldSize) return `the witness refuses (409): the log forked at ${size}?`;
      oldSize = size;
      continue;
    }
    if (answer.status !== 200) return `the witness answered ${answer.status}: ${answer.text.trim().slice(0, 200)}`;
    const { text } = splitNote(checkpoint.note);
    const lines = answer.text.endsWith('\n') ? answer.text.slice(0, -1).split('\n') : [];
    const [cosignature] = verifiedCosignatures(text, lines, [witness.cosigner]);
    if (!cosignature) return 'the witness answered without a cosignature by its key';
    await db
      .insert(journalCosignatures)
      .values({ checkpointId: checkpoint.id, witnessKey: witness.verifierKey, line: cosignature.line.slice(0, -1), cosignedAt: new Date(cosignature.timestamp * 1000) })
      .onConflictDoNothing();
    return null;
  }
  return 'the witness kept answering 409';
}

/**
 * Submits `checkpoint` to every witness of the pool that has not cosigned it yet, and keeps the
 * cosignatures that verify. Never throws: each failure goes to `pool.onProblem`.
 */
export async function collectCosignatures(db: Queryable, pool: WitnessPool, checkpoint: CheckpointRow, tree: () => Promise<MerkleTree>): Promise<void> {
  const queue = (pool.queue ??= { pending: Promise.resolve() });
  let loaded: Promise<MerkleTree> | undefined;
  const sharedTree = () => (loaded ??= tree());
  const run = queue.pending.then(() =>
    Promise.all(
      pool.witnesses.map(async (witness) => {
        const problem = await cosignWith(db, pool, witness, checkpoint, sharedTree).catch((error: Error) => error.message);
        if (problem) pool.onProblem?.({ witness: witness.cosigner.name, checkpointSize: checkpoint.treeSize, problem });
      }),
    ),
  );
  queue.pending = run.catch(() => undefined);
  await run.catch(() => undefined);
}
