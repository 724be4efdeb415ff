import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The key that seals children's names (AES-256-GCM). It never sits in the database: a dump or a
 * backup of the database alone reveals no name. It comes from OREBOOK_CHILDREN_KEY (32 bytes in
 * base64) or from the file `<data dir>/keys/children-names.key` (the same bytes, base64, one line),
 * beside the journal's signing keys.
 */
export type ChildNameKey = { id: string; secret: Buffer };

export type SealedName = { ciphertext: Buffer; nonce: Buffer; tag: Buffer; keyId: string };

export function childNameKeyPath(dataDir: string): string {
  return path.join(dataDir, 'keys', 'children-names.key');
}

/** A key from its base64 text; its id (the first 16 hex digits of SHA-256 of the key) tells a wrong key from a right one. */
export function parseChildNameKey(base64: string): ChildNameKey {
  const secret = Buffer.from(base64.trim(), 'base64');
  if (secret.length !== 32) throw new Error('the children’s name key must be 32 bytes, written in base64 (openssl rand -base64 32)');
  return { id: createHash('sha256').update(secret).digest('hex').slice(0, 16), secret };
}

export function newChildNameKey(): ChildNameKey {
  return parseChildNameKey(randomBytes(32).toString('base64'));
}

/**
 * Loads the key from the environment, else from the data directory; `create` makes the file on a
 * server's first start (as the journal keys are made). Null when there is none: names then cannot
 * be recorded or read, and everything else works.
 */
export function loadChildNameKey(options: { dataDir: string; envKey?: string | undefined; create?: boolean }): ChildNameKey | null {
  if (options.envKey) return parseChildNameKey(options.envKey);
  const file = childNameKeyPath(options.dataDir);
  if (!fs.existsSync(file)) {
    if (!options.create) return null;
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return parseChildNameKey(fs.readFileSync(file, 'utf8'));
}


/** Seals a name to its case: the case code is authenticated data, so a sealed name moved to another case no longer opens. */
export function sealName(key: ChildNameKey, name: string, caseCode: string): SealedName {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.secret, nonce);
  cipher.setAAD(Buffer.from(caseCode, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(name, 'utf8'), cipher.final()]);
  return { ciphertext, nonce, tag: cipher.getAuthTag(), keyId: key.id };
}

/** Opens a sealed name; null when the key is another one or the ciphertext was tampered with. */
export function openName(key: ChildNameKey, sealed: SealedName, caseCode: string): string | null {
  if (sealed.keyId !== key.id) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.secret, sealed.nonce);
    decipher.setAAD(Buffer.from(caseCode, 'utf8'));
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
