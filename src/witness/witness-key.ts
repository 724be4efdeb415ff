import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CosignerSigner } from '../core/cosignature.ts';

/** The witness's key file: its name and its Ed25519 private key (PKCS#8, base64). Kept private (mode 0600). */
type WitnessKeyFile = { version: 1; name: string; privateKey: string };

/** Key names are non-empty, with no spaces and no '+' (signed-note §Format); a schema-less URL is best. */
const keyName = /^[^\s+]+$/u;

/** Makes a new witness key and writes it to `file`, which must not exist; returns the signer. */
export function generateWitnessKey(file: string, name: string): CosignerSigner {
  if (!keyName.test(name)) throw new Error(`witness name ${JSON.stringify(name)} must have no spaces and no "+", e.g. witness.example.org/w1`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const content: WitnessKeyFile = { version: 1, name, privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64') };
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return { name, privateKey, publicKey };
}

export function loadWitnessKey(file: string): CosignerSigner {
  const content = JSON.parse(fs.readFileSync(file, 'utf8')) as WitnessKeyFile;
  if (content.version !== 1 || !keyName.test(content.name ?? '')) throw new Error(`${file} is not an Orebook witness key file`);
  const privateKey = createPrivateKey({ key: Buffer.from(content.privateKey, 'base64'), format: 'der', type: 'pkcs8' });
  return { name: content.name, privateKey, publicKey: createPublicKey(privateKey) };
}

/** The witness key file at `file`, made with `name` the first time. */
export function loadOrCreateWitnessKey(file: string, name: string): CosignerSigner {
  return fs.existsSync(file) ? loadWitnessKey(file) : generateWitnessKey(file, name);
}

