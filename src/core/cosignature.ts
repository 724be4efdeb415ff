/**
 * C2SP tlog-cosignature (https://c2sp.org/tlog-cosignature), Ed25519 `cosignature/v1`: a
 * witness's timestamped statement that a checkpoint is the largest consistent tree head it has
 * seen of that log. A cosignature is a signed-note signature line
 *
 *   — <witness name> base64(key ID (4) || timestamp (uint64, big-endian) || Ed25519 signature (64))
 *
 * whose key ID is SHA-256(name || 0x0A || 0x04 || public key)[:4] and whose signature is over
 * "cosignature/v1\ntime <timestamp>\n" followed by the checkpoint's note text.
 */
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { ed25519PublicKey, NoteError, rawPublicKey } from './signed-note.ts';

/** Signature type of Ed25519 cosignatures (tlog-cosignature §Format). */
const COSIGNATURE_TYPE = 0x04;
const SIGNATURE_PREFIX = '\u2014 ';
const MAX_TIMESTAMP = 2n ** 63n - 1n;

/** A witness as a verifier knows it: its name and Ed25519 public key. */
export type Cosigner = { name: string; publicKey: KeyObject };

/** A witness's signing key. */
export type CosignerSigner = Cosigner & { privateKey: KeyObject };

/** A cosignature that verified: whose, and when the witness made it (POSIX seconds). */
export type VerifiedCosignature = { name: string; keyId: string; timestamp: number; line: string };

/** Which witnesses a reader requires: at least `quorum` of `cosigners` must have cosigned. */
export type WitnessPolicy = { cosigners: Cosigner[]; quorum: number };

/** Key ID: the first 4 bytes of SHA-256(name || 0x0A || 0x04 || 32-byte Ed25519 public key). */
export function cosignerKeyId(name: string, publicKey: Uint8Array): Buffer {
  return Buffer.from(
    createHash('sha256').update(name, 'utf8').update(Buffer.from([0x0a, COSIGNATURE_TYPE])).update(publicKey).digest().subarray(0, 4),
  );
}

/** The witness's verifier key: `<name>+<hex key ID>+<base64(0x04 || public key)>`. */
export function cosignerVerifierKey(cosigner: Cosigner): string {
  const raw = rawPublicKey(cosigner.publicKey);
  return `${cosigner.name}+${cosignerKeyId(cosigner.name, raw).toString('hex')}+${Buffer.concat([Buffer.from([COSIGNATURE_TYPE]), raw]).toString('base64')}`;
}

/** Reads a witness's verifier key (type 0x04); throws NoteError if it is malformed or its key ID is wrong. */
export function parseCosignerKey(vkey: string): Cosigner {
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first <= 0 || second < 0) throw new NoteError('malformed witness key: expected <name>+<key id>+<base64 key>');
  const name = vkey.slice(0, first);
  const key = Buffer.from(vkey.slice(second + 1), 'base64');
  if (key.toString('base64') !== vkey.slice(second + 1) || key.length !== 33 || key[0] !== COSIGNATURE_TYPE) {
    throw new NoteError('malformed witness key: expected base64 of 0x04 and a 32-byte Ed25519 key');
  }
  if (cosignerKeyId(name, key.subarray(1)).toString('hex') !== vkey.slice(first + 1, second)) throw new NoteError('witness key ID does not match the key');
  return { name, publicKey: ed25519PublicKey(key.subarray(1)) };
}

/** The exact message a cosignature signs (tlog-cosignature §Ed25519 signed message). */
export function cosignedMessage(checkpointText: string, timestamp: number): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`, 'utf8');
}

/** Cosigns a checkpoint's note text (origin, size, root, extensions, final newline) at `timestamp`; returns the signature line with its newline. */
export function cosignCheckpoint(checkpointText: string, signer: CosignerSigner, timestamp: number): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new NoteError(`cosignature timestamp must be a non-negative integer, got ${timestamp}`);
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(BigInt(timestamp));
  const signature = sign(null, cosignedMessage(checkpointText, timestamp), signer.privateKey);
  const keyId = cosignerKeyId(signer.name, rawPublicKey(signer.publicKey));
  return `${SIGNATURE_PREFIX}${signer.name} ${Buffer.concat([keyId, time, signature]).toString('base64')}\n`;
}

/** The note's text (what every signature is over) and its signature lines. */
export function splitNote(note: string): { text: string; lines: string[] } {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new NoteError('malformed note: no blank line before the signatures');
  return { text: note.slice(0, split + 1), lines: note.slice(split + 2, -1).split('\n') };
}

/**
 * The cosignatures in a signed note (or bare signature lines, with the note's `text`) that verify
 * with the given witnesses, one per witness at most. Lines of other keys are skipped; a line with
 * a known key ID whose signature fails throws, as in signed-note.
 */
export function verifiedCosignatures(text: string, lines: readonly string[], cosigners: readonly Cosigner[]): VerifiedCosignature[] {
  const known = new Map(cosigners.map((cosigner) => [`${cosigner.name}+${cosignerKeyId(cosigner.name, rawPublicKey(cosigner.publicKey)).toString('hex')}`, cosigner]));
  const found = new Map<string, VerifiedCosignature>();
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw new NoteError('malformed note: signature line must start with "— "');
    const [name = '', encoded = ''] = line.slice(SIGNATURE_PREFIX.length).split(' ');
    const bytes = Buffer.from(encoded, 'base64');
    if (bytes.length !== 4 + 8 + 64) continue;
    const keyId = bytes.subarray(0, 4).toString('hex');
    const cosigner = known.get(`${name}+${keyId}`);
    if (!cosigner) continue;
    const time = bytes.readBigUInt64BE(4);
    if (time > MAX_TIMESTAMP || time > BigInt(Number.MAX_SAFE_INTEGER)) throw new NoteError(`cosignature by ${name} has an impossible timestamp`);
    const timestamp = Number(time);
    if (!verify(null, cosignedMessage(text, timestamp), cosigner.publicKey, bytes.subarray(12))) throw new NoteError(`invalid cosignature by ${name}+${keyId}`);
    if (!found.has(name + keyId)) found.set(name + keyId, { name, keyId, timestamp, line: `${line}\n` });
  }
  return [...found.values()];
}

/**
 * Checks that at least `policy.quorum` of the policy's witnesses cosigned the note; returns their
 * cosignatures. Throws NoteError naming how many cosigned otherwise. The log's own signature is
 * checked separately (`openNote`).
 */
export function requireWitnessPolicy(note: string, policy: WitnessPolicy): VerifiedCosignature[] {
  const { text, lines } = splitNote(note);
  const cosignatures = verifiedCosignatures(text, lines, policy.cosigners);
  if (cosignatures.length < policy.quorum) {
    throw new NoteError(`the checkpoint has ${cosignatures.length} cosignature${cosignatures.length === 1 ? '' : 's'} from the required witnesses, the policy asks for ${policy.quorum} of ${policy.cosigners.length}`);
  }
  return cosignatures;
}
