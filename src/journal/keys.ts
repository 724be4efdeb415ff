import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { keyHash, rawPublicKey, verifierKey, type NoteSigner, type NoteVerifier } from '../core/signed-note.ts';

/** The registry's Ed25519 keys that sign journal checkpoints (and, later, certificates). */
export type Keyring = {
  origin: string;
  /** Keys that sign now: one, or two while a rotation overlaps. */
  signers: NoteSigner[];
  /** Every key that ever signed, so old checkpoints stay verifiable. */
  verifiers: NoteVerifier[];
  published: PublishedKey[];
};

export type PublishedKey = {
  name: string;
  keyHash: string;
  verifierKey: string;
  publicKey: string;
  createdAt: string;
  signsUntil: string | null;
};

type StoredKey = { privateKey: string; createdAt: string; signsUntil: string | null };
type KeyFile = { version: 1; keys: StoredKey[] };

const keyFileName = 'journal-signing-keys.json';

function keyFilePath(dataDir: string): string {
  return path.join(dataDir, 'keys', keyFileName);
}

function newStoredKey(now: Date): StoredKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'), createdAt: now.toISOString(), signsUntil: null };
}

function buildKeyring(origin: string, keys: StoredKey[], now: Date): Keyring {
  const entries = keys.map((stored) => {
    const privateKey: KeyObject = createPrivateKey({ key: Buffer.from(stored.privateKey, 'base64'), format: 'der', type: 'pkcs8' });
    const publicKey = createPublicKey(privateKey);
    return { stored, privateKey, publicKey };
  });
  const signing = entries.filter((e) => e.stored.signsUntil === null || new Date(e.stored.signsUntil) > now);
  if (signing.length === 0) throw new Error('no journal signing key is active; run `orebook key rotate`');
  return {
    origin,
    signers: signing.map((e) => ({ name: origin, privateKey: e.privateKey, publicKey: e.publicKey })),
    verifiers: entries.map((e) => ({ name: origin, publicKey: e.publicKey })),
    published: entries.map((e) => {
      const raw = rawPublicKey(e.publicKey);
      return {
        name: origin,
        keyHash: keyHash(origin, raw).toString('hex'),
        verifierKey: verifierKey(origin, raw),
        publicKey: raw.toString('base64'),
        createdAt: e.stored.createdAt,
        signsUntil: e.stored.signsUntil,
      };
    }),
  };
}

/**
 * Loads the signing keys: from OREBOOK_SIGNING_KEY (base64 PKCS#8 Ed25519 keys, comma-separated
 * during a rotation) when given, else from the data directory, where the first start makes one.
 */
export function loadKeyring(options: { dataDir: string; origin: string; signingKey?: string | undefined; now?: Date }): Keyring {
  const now = options.now ?? new Date();
  if (options.signingKey) {
    const keys = options.signingKey
      .split(',')
      .map((key) => key.trim())
      .filter(Boolean)
      .map((privateKey) => ({ privateKey, createdAt: new Date(0).toISOString(), signsUntil: null }));
    return buildKeyring(options.origin, keys, now);
  }
  const file = keyFilePath(options.dataDir);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const content: KeyFile = { version: 1, keys: [newStoredKey(now)] };
    fs.writeFileSync(file, JSON.stringify(content, null, 2), { mode: 0o600, flag: 'wx' });
  }
  const content = JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFile;
  return buildKeyring(options.origin, content.keys, now);
}

/** A keyring that lives only in memory, for tests and benchmarks. */
export function memoryKeyring(origin: string, now = new Date()): Keyring {
  return buildKeyring(origin, [newStoredKey(now)], now);
}

/**
 * Adds a new signing key. The keys that signed until now go on signing for `overlapDays`, so
 * that clients that know only the old key can keep checking new checkpoints while they learn the new one.
 */
export function rotateKey(options: { dataDir: string; origin: string; overlapDays: number; now?: Date }): Keyring {
  const now = options.now ?? new Date();
  const file = keyFilePath(options.dataDir);
  if (!fs.existsSync(file)) throw new Error(`no key file at ${file}: start Orebook once first`);
  const content = JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFile;
  const until = new Date(now.getTime() + options.overlapDays * 86_400_000).toISOString();
  for (const key of content.keys) if (key.signsUntil === null || key.signsUntil > until) key.signsUntil = until;
  content.keys.push(newStoredKey(now));
  fs.writeFileSync(file, JSON.stringify(content, null, 2), { mode: 0o600 });
  return buildKeyring(options.origin, content.keys, now);
}
