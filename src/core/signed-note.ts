/**
 * Ed25519 signed notes (https://c2sp.org/signed-note, the format of
 * golang.org/x/mod/sumdb/note) and transparency log checkpoints
 * (https://c2sp.org/tlog-checkpoint).
 */
import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** A key that signs notes: its name and Ed25519 key pair. */
export type NoteSigner = { name: string; privateKey: KeyObject; publicKey: KeyObject };

/** A trusted key for opening notes: its name and Ed25519 public key. */
export type NoteVerifier = { name: string; publicKey: KeyObject };

/** The parts of a verifier key string `<name>+<keyhash>+<base64(0x01 || public key)>`. */
export type ParsedVerifierKey = { name: string; keyHash: Buffer; publicKey: Buffer };

/** A note whose signatures were checked. */
export type OpenedNote = { text: string; verifiedBy: string[] };

/** The body of a tlog checkpoint. */
export type Checkpoint = { origin: string; size: number; rootHash: Uint8Array; extensions?: readonly string[] };

/** A parsed tlog checkpoint body. */
export type ParsedCheckpoint = { origin: string; size: number; rootHash: Buffer; extensions: string[] };

/** Raised for malformed notes, keys and checkpoints and for failed verification. */
export class NoteError extends Error {
  override name = 'NoteError';
}

/** Signature type identifier of Ed25519 (signed-note §Signature types). */
const ED25519_TYPE = 0x01;
const ED25519_KEY_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;
const KEY_HASH_SIZE = 4;
const ROOT_HASH_SIZE = 32;
/** U+2014 EM DASH and a space start every signature line. */
const SIGNATURE_PREFIX = '\u2014 ';
/** The spec requires accepting at least 16; 100 is golang.org/x/mod/sumdb/note's limit. */
const MAX_SIGNATURES = 100;

/** Key ID: the first 4 bytes of SHA-256(name || 0x0A || 0x01 || 32-byte Ed25519 public key). */
export function keyHash(name: string, publicKey: Uint8Array): Buffer {
  assertKeyName(name);
  assertRawPublicKey(publicKey);
  const digest = createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, ED25519_TYPE]))
    .update(publicKey)
    .digest();
  return Buffer.from(digest.subarray(0, KEY_HASH_SIZE));
}

/** Encodes a verifier key: `<name>+<hex keyhash>+<base64(0x01 || public key)>`. */
export function verifierKey(name: string, publicKey: Uint8Array): string {
  const hash = keyHash(name, publicKey).toString('hex');
  const key = Buffer.concat([Buffer.from([ED25519_TYPE]), publicKey]).toString('base64');
  return `${name}+${hash}+${key}`;
}

/** Decodes and checks a verifier key string (Ed25519 only); throws NoteError if it is malformed. */
export function parseVerifierKey(vkey: string): ParsedVerifierKey {
  // The base64 part may itself contain '+', so split only at the first two.
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw new NoteError('malformed verifier key: expected <name>+<hash>+<key>');
  const name = vkey.slice(0, first);
  const hashHex = vkey.slice(first + 1, second);
  const key = decodeBase64(vkey.slice(second + 1));
  if (!isValidKeyName(name)) throw new NoteError('malformed verifier key: invalid key name');
  if (!/^[0-9a-fA-F]{8}$/.test(hashHex)) throw new NoteError('malformed verifier key: key hash must be 8 hex digits');
  if (key === undefined || key.length === 0) throw new NoteError('malformed verifier key: invalid base64 key');
  if (key[0] !== ED25519_TYPE) throw new NoteError(`unsupported verifier key type 0x${key[0]!.toString(16)}`);
  if (key.length !== 1 + ED25519_KEY_SIZE) throw new NoteError('malformed verifier key: Ed25519 key must be 32 bytes');
  const publicKey = key.subarray(1);
  const expected = keyHash(name, publicKey);
  if (!expected.equals(Buffer.from(hashHex, 'hex'))) throw new NoteError('verifier key hash does not match the key');
  return { name, keyHash: expected, publicKey };
}

/** Builds a NoteVerifier from a verifier key string. */
export function verifierFromKey(vkey: string): NoteVerifier {
  const { name, publicKey } = parseVerifierKey(vkey);
  return { name, publicKey: ed25519PublicKey(publicKey) };
}

/** Wraps a raw 32-byte Ed25519 public key in a KeyObject. */
export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  assertRawPublicKey(raw);
  const x = Buffer.from(raw).toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

/** The raw 32-byte Ed25519 public key of a public or private KeyObject. */
export function rawPublicKey(key: KeyObject): Buffer {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new NoteError(`expected an Ed25519 key, got ${key.asymmetricKeyType ?? key.type}`);
  }
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const { x } = publicKey.export({ format: 'jwk' });
  if (x === undefined) throw new NoteError('Ed25519 key has no public part');
  return Buffer.from(x, 'base64url');
}

/**
 * Signs `text` (which must end in a newline) with every signer and returns the
 * note: text, a blank line, then `— <name> base64(keyhash || signature)` lines.
 */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  assertNoteText(text);
  if (signers.length === 0) throw new NoteError('a note needs at least one signer');
  const message = Buffer.from(text, 'utf8');
  const seen = new Set<string>();
  const lines = signers.map((signer) => {
    const publicKey = signerPublicKey(signer);
    const hash = keyHash(signer.name, publicKey);
    const id = keyId(signer.name, hash);
    if (seen.has(id)) throw new NoteError(`duplicate signer ${id}`);
    seen.add(id);
    const signature = sign(null, message, signer.privateKey);
    return `${SIGNATURE_PREFIX}${signer.name} ${Buffer.concat([hash, signature]).toString('base64')}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

/**
 * Parses a signed note and verifies the signatures of the known `verifiers`.
 * Signatures by unknown keys are ignored (signed-note §Signatures). Throws
 * NoteError if the note is malformed, if a known key's signature is invalid,
 * or if no known key signed it. `verifiedBy` lists the names of the keys
 * whose signatures verified, each once, in note order.
 */
export function openNote(note: string, verifiers: readonly NoteVerifier[]): OpenedNote {
  if (!isWellFormed(note) || hasControlCharacter(note)) {
    throw new NoteError('malformed note: must be valid UTF-8 without control characters other than newline');
  }
  // The text ends at the last blank line (signed-note §Format).
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed note: no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw new NoteError('malformed note: no signature lines');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError(`malformed note: more than ${MAX_SIGNATURES} signatures`);

  const known = indexVerifiers(verifiers);
  const message = Buffer.from(text, 'utf8');
  const verifiedBy = new Set<string>();
  for (const line of lines) {
    const { name, hash, signature } = parseSignatureLine(line);
    const id = keyId(name, hash);
    const candidates = known.get(id);
    if (candidates === undefined) continue;
    if (candidates.length > 1) throw new NoteError(`ambiguous verifier key ${id}`);
    const valid = signature.length === ED25519_SIGNATURE_SIZE && verify(null, message, candidates[0]!, signature);
    if (!valid) throw new NoteError(`invalid signature for key ${id}`);
    verifiedBy.add(name);
  }
  if (verifiedBy.size === 0) throw new NoteError('note has no verifiable signatures from known keys');
  return { text, verifiedBy: [...verifiedBy] };
}

/** Formats a checkpoint body: origin, decimal size, base64 root hash, extension lines. */
export function formatCheckpoint({ origin, size, rootHash, extensions = [] }: Checkpoint): string {
  if (origin === '' || origin.includes('\n')) throw new NoteError('checkpoint origin must be one non-empty line');
  if (!Number.isSafeInteger(size) || size < 0) throw new NoteError(`checkpoint size must be a non-negative integer, got ${size}`);
  if (rootHash.length !== ROOT_HASH_SIZE) throw new NoteError(`checkpoint root hash must be ${ROOT_HASH_SIZE} bytes`);
  if (extensions.some((line) => line === '' || line.includes('\n'))) {
    throw new NoteError('checkpoint extension lines must be non-empty single lines');
  }
  const lines = [origin, String(size), Buffer.from(rootHash).toString('base64'), ...extensions];
  return `${lines.join('\n')}\n`;
}

/** Parses and validates a checkpoint body (the text of an opened note). */
export function parseCheckpoint(text: string): ParsedCheckpoint {
  if (!text.endsWith('\n')) throw new NoteError('malformed checkpoint: must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new NoteError('malformed checkpoint: needs origin, size and root hash lines');
  if (lines.some((line) => line === '')) throw new NoteError('malformed checkpoint: empty line');
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  // Decimal with no leading zeros, except "0" for the empty tree (tlog-checkpoint §Note text).
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine)) throw new NoteError(`malformed checkpoint: invalid tree size "${sizeLine}"`);
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) throw new NoteError(`malformed checkpoint: tree size ${sizeLine} is too large`);
  const rootHash = decodeBase64(rootLine);
  if (rootHash === undefined || rootHash.length !== ROOT_HASH_SIZE) {
    throw new NoteError(`malformed checkpoint: root hash must be base64 of ${ROOT_HASH_SIZE} bytes`);
  }
  return { origin, size, rootHash, extensions };
}

function parseSignatureLine(line: string): { name: string; hash: Buffer; signature: Buffer } {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw new NoteError('malformed note: signature line must start with "— "');
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  const bytes = space < 0 ? undefined : decodeBase64(rest.slice(space + 1));
  if (!isValidKeyName(name) || bytes === undefined || bytes.length <= KEY_HASH_SIZE) {
    throw new NoteError('malformed note: invalid signature line');
  }
  return { name, hash: bytes.subarray(0, KEY_HASH_SIZE), signature: bytes.subarray(KEY_HASH_SIZE) };
}

/** Verifiers by key ID; more than one per ID is only an error if a signature uses that ID (as in Go). */
function indexVerifiers(verifiers: readonly NoteVerifier[]): Map<string, KeyObject[]> {
  const known = new Map<string, KeyObject[]>();
  for (const { name, publicKey } of verifiers) {
    const id = keyId(name, keyHash(name, rawPublicKey(publicKey)));
    known.set(id, [...(known.get(id) ?? []), publicKey]);
  }
  return known;
}

/** The signer's raw public key, after checking it belongs to its private key. */
function signerPublicKey(signer: NoteSigner): Buffer {
  const publicKey = rawPublicKey(signer.publicKey);
  if (signer.privateKey.type !== 'private' || !rawPublicKey(signer.privateKey).equals(publicKey)) {
    throw new NoteError(`private key of signer ${signer.name} does not match its public key`);
  }
  return publicKey;
}

function keyId(name: string, hash: Buffer): string {
  return `${name}+${hash.toString('hex')}`;
}

/** Key names are non-empty, with no Unicode spaces and no '+' (signed-note §Format). */
function isValidKeyName(name: string): boolean {
  return name !== '' && isWellFormed(name) && !/[\p{White_Space}+]/u.test(name) && !hasControlCharacter(name);
}

function assertKeyName(name: string): void {
  if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
}

function assertRawPublicKey(publicKey: Uint8Array): void {
  if (publicKey.length !== ED25519_KEY_SIZE) {
    throw new NoteError(`Ed25519 public key must be ${ED25519_KEY_SIZE} bytes, got ${publicKey.length}`);
  }
}

function assertNoteText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteError('note text must end with a newline');
  if (!isWellFormed(text) || hasControlCharacter(text)) {
    throw new NoteError('note text must be valid Unicode without control characters other than newline');
  }
}

/** True when the string has no lone surrogates, i.e. it encodes to valid UTF-8. */
function isWellFormed(s: string): boolean {
  return !/\p{Cs}/u.test(s);
}

function hasControlCharacter(s: string): boolean {
  // eslint-disable-next-line no-control-regex -- ASCII controls other than newline are forbidden by the spec.
  return /[\u0000-\u0009\u000b-\u001f]/.test(s);
}

/** Strict standard base64 (RFC 4648 §4): padded, canonical, no whitespace. */
function decodeBase64(s: string): Buffer | undefined {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  const bytes = Buffer.from(s, 'base64');
  return bytes.toString('base64') === s ? bytes : undefined;
}
