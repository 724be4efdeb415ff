import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { keyHash, parseVerifierKey, rawPublicKey, verifierFromKey, verifierKey, type NoteSigner, type NoteVerifier } from '../core/signed-note.ts';

/** The registry's Ed25519 keys that sign journal checkpoints (and, later, certificates). */
export type Keyring = {
  origin: string;
  /** Keys that sign at `now`: one, or two while a rotation overlaps. */
  signersAt(now?: Date): NoteSigner[];
  /** Every key that ever signed, so old checkpoints stay verifiable. */
  verifiers: NoteVerifier[];
  published: PublishedKey[];
};

export type PublishedKey = {
  name: string;
  keyHash: string;
  verifierKey: string;
  publicKey: string;
  createdAt: string | null;
  signsUntil: string | null;
};

type StoredKey = { privateKey: string; createdAt: string | null; signsUntil: string | null };
type KeyFile = { version: 1; keys: StoredKey[] };

export class NoSigningKeyError extends Error {}

function keyFilePath(dataDir: string): string {
  return path.join(dataDir, 'keys', 'journal-signing-keys.json');
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
  const retiredKeys = retired.map((vkey) => ({ vkey, parsed: parseVerifierKey(vkey), verifier: verifierFromKey(vkey) }));
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
  const retired = list(options.retiredKeys);
  if (options.signingKey) {
    const keys = list(options.signingKey).map((privateKey) => ({ privateKey, createdAt: null, signsUntil: null }));
    return buildKeyring(options.origin, keys, retired);
  }
  const file = keyFilePath(options.dataDir);
  if (!fs.existsSync(file)) {
    if (!options.create) throw new NoSigningKeyError(`no journal keys at ${file}: start the server once, set OREBOOK_SIGNING_KEY, or pass the public keys with --key`);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const content: KeyFile = { version: 1, keys: [newStoredKey(options.now ?? new Date())] };
    fs.writeFileSync(file, JSON.stringify(content, null, 2), { mode: 0o600, flag: 'wx' });
  }
  const content = JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFile;
  return buildKeyring(options.origin, content.keys, retired);
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
  fs.writeFileSync(file, JSON.stringify(content, null, 2), { mode: 0o600 });
  return buildKeyring(options.origin, content.keys);
}
