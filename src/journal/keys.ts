import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, scryptSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { WitnessPool } from './witnesses.ts';
import { keyHash, parseVerifierKey, rawPublicKey, verifierFromKey, verifierKey, type NoteSigner, type NoteVerifier } from '../core/signed-note.ts';

/** The registry's Ed25519 keys that sign journal checkpoints (and, later, certificates). */
export type Keyring = {
  origin: string;
  /** Keys that sign at `now`: one, or two while a rotation overlaps. */
  signersAt(now?: Date): NoteSigner[];
  /** Every key that ever signed, so old checkpoints stay verifiable. */
  verifiers: NoteVerifier[];
  published: PublishedKey[];
  /** Where the installation keeps the last checkpoint it signed, outside the database (none for memory keyrings). */
  witness?: CheckpointWitness;
  /** Independent witnesses that cosign each new checkpoint (OREBOOK_WITNESSES); none by default. */
  witnesses?: WitnessPool;
};

/**
 * The last checkpoint this installation signed, kept in the keys directory: a journal that was
 * emptied or rolled back (a failed restore, a dropped schema) still fails `orebook verify`, since
 * the database alone can no longer tell that it ever held more.
 */
export type CheckpointWitness = {
  last(): string | null;
  record(note: string | null): void;
};

export type PublishedKey = {
  name: string;
  keyHash: string;
  verifierKey: string;
  publicKey: string;
  createdAt: string | null;
  signsUntil: string | null;
};

export type StoredKey = { privateKey: string; createdAt: string | null; signsUntil: string | null };
/** `verifierKeys`: public keys of keys that signed this journal before (restored from a backup) but are not held here. */
type KeyFile = { version: 1; keys: StoredKey[]; verifierKeys?: string[] };

export class NoSigningKeyError extends Error {}

function keyFilePath(dataDir: string): string {
  return path.join(dataDir, 'keys', 'journal-signing-keys.json');
}

function witnessPath(dataDir: string): string {
  return path.join(dataDir, 'keys', 'last-checkpoint.note');
}

export function checkpointWitness(dataDir: string): CheckpointWitness {
  const file = witnessPath(dataDir);
  return {
    last: () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null),
    record(note) {
      if (note === null) {
        fs.rmSync(file, { force: true });
        return;
      }
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const temporary = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, note, { mode: 0o600 });
      fs.renameSync(temporary, file);
    },
  };
}

function readKeyFile(dataDir: string): KeyFile | null {
  const file = keyFilePath(dataDir);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFile) : null;
}

function writeKeyFile(dataDir: string, content: KeyFile) {
  const file = keyFilePath(dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(content, null, 2), { mode: 0o600 });
  fs.renameSync(temporary, file);
}

function newStoredKey(now: Date): StoredKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'), createdAt: now.toISOString(), signsUntil: null };
}

function publish(origin: string, publicKey: KeyObject, createdAt: string | null, signsUntil: string | null): PublishedKey {
  const raw = rawPublicKey(publicKey);
  return { name: origin, keyHash: keyHash(origin, raw).toString('hex'), verifierKey: verifierKey(origin, raw), publicKey: raw.toString('base64'), createdAt, signsUntil };
}

/** @param retired verifier keys (`name+hash+base64`) of keys that no longer sign but whose checkpoints must stay checkable. */
function buildKeyring(origin: string, keys: StoredKey[], retired: string[] = []): Keyring {
  const entries = keys.map((stored) => {
    const privateKey: KeyObject = createPrivateKey({ key: Buffer.from(stored.privateKey, 'base64'), format: 'der', type: 'pkcs8' });
    return { stored, privateKey, publicKey: createPublicKey(privateKey) };
  });
  const held = new Set(entries.map((e) => verifierKey(origin, rawPublicKey(e.publicKey))));
  const retiredKeys = [...new Set(retired)].filter((vkey) => !held.has(vkey)).map((vkey) => ({ vkey, parsed: parseVerifierKey(vkey), verifier: verifierFromKey(vkey) }));
  for (const key of retiredKeys) if (key.parsed.name !== origin) throw new Error(`retired key ${key.vkey} is not for origin ${origin}`);
  return {
    origin,
    signersAt(now = new Date()) {
      const signing = entries.filter((e) => e.stored.signsUntil === null || new Date(e.stored.signsUntil) > now);
      if (signing.length === 0) throw new NoSigningKeyError('no journal signing key is active; run `orebook key rotate`');
      return signing.map((e) => ({ name: origin, privateKey: e.privateKey, publicKey: e.publicKey }));
    },
    verifiers: [...entries.map((e) => ({ name: origin, publicKey: e.publicKey })), ...retiredKeys.map((key) => key.verifier)],
    published: [
      ...entries.map((e) => publish(origin, e.publicKey, e.stored.createdAt, e.stored.signsUntil)),
      ...retiredKeys.map((key) => ({
        name: origin,
        keyHash: key.parsed.keyHash.toString('hex'),
        verifierKey: key.vkey,
        publicKey: key.parsed.publicKey.toString('base64'),
        createdAt: null,
        signsUntil: 'retired',
      })),
    ],
  };
}

export type KeyringOptions = {
  dataDir: string;
  origin: string;
  /** OREBOOK_SIGNING_KEY: base64 PKCS#8 Ed25519 keys, comma-separated during a rotation. */
  signingKey?: string | undefined;
  /** OREBOOK_RETIRED_KEYS: verifier keys of keys that signed before, comma-separated. */
  retiredKeys?: string | undefined;
  /** Make a key in the data directory when there is none (a server's first start); `verify` never does. */
  create?: boolean;
  now?: Date;
};

const list = (value: string | undefined) => (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);

/**
 * Loads the signing keys: from OREBOOK_SIGNING_KEY when given, else from the data directory, where
 * the first start of a server makes one.
 */
export function loadKeyring(options: KeyringOptions): Keyring {
  const witness = checkpointWitness(options.dataDir);
  let content = readKeyFile(options.dataDir);
  const retired = [...list(options.retiredKeys), ...(content?.verifierKeys ?? [])];
  if (options.signingKey) {
    const keys = list(options.signingKey).map((privateKey) => ({ privateKey, createdAt: null, signsUntil: null }));
    return { ...buildKeyring(options.origin, keys, retired), witness };
  }
  if (!content || content.keys.length === 0) {
    const file = keyFilePath(options.dataDir);
    if (!options.create && !content) throw new NoSigningKeyError(`no journal keys at ${file}: start the server once, set OREBOOK_SIGNING_KEY, or pass the public keys with --key`);
    if (options.create) {
      // A restore without the private keys leaves only public ones: the first start makes a new signing key beside them.
      content = { version: 1, keys: [newStoredKey(options.now ?? new Date())], ...(content?.verifierKeys ? { verifierKeys: content.verifierKeys } : {}) };
      writeKeyFile(options.dataDir, content);
    }
  }
  return { ...buildKeyring(options.origin, content!.keys, retired), witness };
}

/** The private keys this installation signs with, as stored (for a backup that carries them sealed). */
export function readStoredKeys(options: Pick<KeyringOptions, 'dataDir' | 'signingKey'>): StoredKey[] {
  if (options.signingKey) return list(options.signingKey).map((privateKey) => ({ privateKey, createdAt: null, signsUntil: null }));
  return readKeyFile(options.dataDir)?.keys ?? [];
}

/**
 * Takes keys restored from a backup into the data directory: public keys so that the restored
 * checkpoints verify, private keys (when the backup's passphrase opened them) so that the
 * installation signs again with the same key.
 */
export function adoptRestoredKeys(options: { dataDir: string; verifierKeys: string[]; privateKeys: StoredKey[] }): void {
  const content: KeyFile = readKeyFile(options.dataDir) ?? { version: 1, keys: [] };
  const heldKeys = new Set(content.keys.map((key) => key.privateKey));
  content.keys = [...options.privateKeys.filter((key) => !heldKeys.has(key.privateKey)), ...content.keys];
  content.verifierKeys = [...new Set([...(content.verifierKeys ?? []), ...options.verifierKeys])];
  writeKeyFile(options.dataDir, content);
}

/** Private keys sealed with a passphrase: scrypt derives an AES-256-GCM key, so a wrong passphrase or a changed byte fails to open. */
export type SealedKeys = { kdf: 'scrypt'; n: number; r: number; p: number; salt: string; iv: string; tag: string; ciphertext: string };

const scryptCost = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export function sealKeys(keys: StoredKey[], passphrase: string): SealedKeys {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', scryptSync(passphrase, salt, 32, scryptCost), iv);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(keys), 'utf8'), cipher.final()]);
  return { kdf: 'scrypt', n: scryptCost.N, r: scryptCost.r, p: scryptCost.p, salt: salt.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
}

export function openSealedKeys(sealed: SealedKeys, passphrase: string): StoredKey[] {
  try {
    const key = scryptSync(passphrase, Buffer.from(sealed.salt, 'base64'), 32, { N: sealed.n, r: sealed.r, p: sealed.p, maxmem: scryptCost.maxmem });
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as StoredKey[];
  } catch {
    throw new Error('the passphrase does not open the private keys sealed in');
  }
}

/** A keyring of public keys only, for checking a journal one cannot sign (an auditor's `orebook verify --key`). */
export function publicKeyring(origin: string, verifierKeys: string[]): Keyring {
  const keyring = buildKeyring(origin, [], verifierKeys);
  return {
    ...keyring,
    signersAt() {
      throw new NoSigningKeyError('this keyring holds public keys only');
    },
  };
}

/** A keyring that lives only in memory, for tests and benchmarks. */
export function memoryKeyring(origin: string, now = new Date()): Keyring {
  return buildKeyring(origin, [newStoredKey(now)]);
}

/**
 * Adds a new signing key. The keys that signed until now go on signing for `overlapDays`, so
 * that clients that know only the old key can keep checking new checkpoints while they learn the
 * new one. A running server picks the change up at its next restart.
 */
export function rotateKey(options: { dataDir: string; origin: string; overlapDays: number; now?: Date }): Keyring {
  const now = options.now ?? new Date();
  const file = keyFilePath(options.dataDir);
  if (!fs.existsSync(file)) throw new NoSigningKeyError(`no key file at ${file}: start Orebook once first`);
  const content = JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFile;
  const until = new Date(now.getTime() + options.overlapDays * 86_400_000).toISOString();
  for (const key of content.keys) if (key.signsUntil === null || key.signsUntil > until) key.signsUntil = until;
  content.keys.push(newStoredKey(now));
  writeKeyFile(options.dataDir, content);
  return buildKeyring(options.origin, content.keys, content.verifierKeys);
}
