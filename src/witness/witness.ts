/**
 * A transparency-log witness (C2SP tlog-witness, https://c2sp.org/tlog-witness) that an NGO or an
 * auditor can run beside any Orebook registry: it keeps the latest checkpoint it cosigned for each
 * log it follows, checks that every new one extends it (an RFC 6962 consistency proof), refuses a
 * rollback or a fork, and cosigns (C2SP tlog-cosignature) only what it checked.
 */
import { Hono } from 'hono';
import { cosignCheckpoint, type CosignerSigner } from '../core/cosignature.ts';
import { verifyConsistency } from '../core/merkle.ts';
import { NoteError, openNote, parseCheckpoint, type NoteVerifier, type ParsedCheckpoint } from '../core/signed-note.ts';
import type { CheckpointStore } from './checkpoint-store.ts';

export type WitnessOptions = {
  signer: CosignerSigner;
  /** The logs it follows: each log's public keys, named by the log's origin. */
  logs: readonly NoteVerifier[];
  store: CheckpointStore;
  /** POSIX seconds, for the cosignature's timestamp. */
  now?: () => number;
  /** Told of every refusal of a validly signed checkpoint: it may be evidence of a misbehaving log. */
  onRefusal?: (refusal: { origin: string; status: number; reason: string; request: string }) => void;
};

/** A request the witness refuses, with the status the spec gives it. */
class Refusal extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 413 | 422,
    message: string,
    readonly body?: string,
  ) {
    super(message);
  }
}

/** The spec allows at most 63 proof lines; a checkpoint note is a few hundred bytes. */
const MAX_PROOF_LINES = 63;
const MAX_BODY_BYTES = 64 * 1024;

type AddCheckpointRequest = { oldSize: number; proof: Buffer[]; note: string };

function parseRequest(body: string): AddCheckpointRequest {
  const split = body.indexOf('\n\n');
  if (split < 0) throw new Refusal(400, 'the body must be an old size line, proof lines, a blank line and the checkpoint');
  const [oldLine = '', ...proofLines] = body.slice(0, split).split('\n');
  const old = /^old (0|[1-9][0-9]*)$/.exec(oldLine);
  if (!old || !Number.isSafeInteger(Number(old[1]))) throw new Refusal(400, 'the first line must be "old <size>"');
  if (proofLines.length > MAX_PROOF_LINES) throw new Refusal(400, `at most ${MAX_PROOF_LINES} consistency proof lines`);
  const proof = proofLines.map((line) => {
    const hash = Buffer.from(line, 'base64');
    if (hash.length !== 32 || hash.toString('base64') !== line) throw new Refusal(400, 'each proof line must be one base64 SHA-256 hash');
    return hash;
  });
  return { oldSize: Number(old[1]), proof, note: body.slice(split + 2) };
}

/**
 * Checks a submission against the latest cosigned checkpoint of its log; returns the checkpoint to
 * cosign. The order of the checks, and their status codes, are the spec's.
 */
function checkSubmission(request: AddCheckpointRequest, logs: readonly NoteVerifier[], latestNote: (origin: string) => string | null): { checkpoint: ParsedCheckpoint; text: string } {
  const firstLine = request.note.slice(0, request.note.indexOf('\n'));
  const keys = logs.filter((log) => log.name === firstLine);
  if (keys.length === 0) throw new Refusal(404, `this witness does not follow the log ${JSON.stringify(firstLine)}`);
  let text: string;
  let checkpoint: ParsedCheckpoint;
  try {
    text = openNote(request.note, keys).text;
    checkpoint = parseCheckpoint(text);
  } catch (error) {
    throw new Refusal(403, `the checkpoint is not signed by a key of its log (${(error as Error).message})`);
  }
  if (checkpoint.origin !== firstLine) throw new Refusal(403, 'the checkpoint is not signed by a key of its log');
  if (request.oldSize > checkpoint.size) throw new Refusal(400, `old size ${request.oldSize} is larger than the checkpoint's ${checkpoint.size}`);
  const latest = latestNote(checkpoint.origin);
  const previous = latest === null ? null : parseCheckpoint(latest.slice(0, latest.lastIndexOf('\n\n') + 1));
  const previousSize = previous?.size ?? 0;
  if (request.oldSize !== previousSize) throw new Refusal(409, `this witness last cosigned size ${previousSize}`, `${previousSize}\n`);
  if (previous === null || request.oldSize === 0) {
    if (request.proof.length > 0) throw new Refusal(400, 'the proof must be empty from size 0');
    return { checkpoint, text };
  }
  if (previous.size === checkpoint.size) {
    if (!previous.rootHash.equals(checkpoint.rootHash)) throw new Refusal(409, `a different root hash at size ${checkpoint.size}: the log forked`, `${previousSize}\n`);
    return { checkpoint, text };
  }
  if (!verifyConsistency(previous.size, checkpoint.size, request.proof, previous.rootHash, checkpoint.rootHash)) {
    throw new Refusal(422, `the tree of ${checkpoint.size} is not an extension of the tree of ${previous.size} this witness cosigned`);
  }
  return { checkpoint, text };
}

/** The witness's HTTP interface: `POST /add-checkpoint` (tlog-witness), below whatever prefix it is mounted at. */
export function createWitness(options: WitnessOptions): Hono {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  // The check against the stored checkpoint and the update must be atomic (tlog-witness §add-checkpoint): one submission at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const app = new Hono();

  app.post('/add-checkpoint', async (c) => {
    const length = Number(c.req.header('content-length') ?? 0);
    if (length > MAX_BODY_BYTES) return c.text(`the body is larger than ${MAX_BODY_BYTES} bytes\n`, 413);
    const body = await c.req.text();
    if (Buffer.byteLength(body) > MAX_BODY_BYTES) return c.text(`the body is larger than ${MAX_BODY_BYTES} bytes\n`, 413);
    const run = queue.then(() => {
      const request = parseRequest(body);
      const { checkpoint, text } = (() => {
        try {
          return checkSubmission(request, options.logs, (origin) => options.store.latest(origin));
        } catch (error) {
          if (error instanceof Refusal && (error.status === 409 || error.status === 422)) {
            options.onRefusal?.({ origin: request.note.slice(0, request.note.indexOf('\n')), status: error.status, reason: error.message, request: body });
          }
          throw error;
        }
      })();
      options.store.record(checkpoint.origin, request.note);
      return cosignCheckpoint(text, options.signer, now());
    });
    queue = run.catch(() => undefined);
    try {
      return c.text(await run, 200);
    } catch (error) {
      if (error instanceof Refusal) {
        if (error.body !== undefined) return c.body(error.body, error.status, { 'Content-Type': 'text/x.tlog.size' });
        return c.text(`${error.message}\n`, error.status);
      }
      if (error instanceof NoteError) return c.text(`${error.message}\n`, 400);
      throw error;
    }
  });

  return app;
}
