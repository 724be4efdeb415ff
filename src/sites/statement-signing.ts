import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { canonicalBytes } from '../core/canonical-json.ts';
import { rawPublicKey } from '../core/signed-note.ts';
import { parseVerificationDocument } from './queries/verifications.ts';

/**
 * Signing a statement on the verifier's own machine, with nothing but node:crypto and a key file:
 * what `orebook keygen-verifier` and `orebook sign-statement` do, offline. Orebook never sees the
 * private key; it receives only the public key (once) and the signatures.
 */

/** A new Ed25519 key pair: the private key as PKCS#8 PEM (the key file), the public key as raw 32 bytes in base64 (to register). */
export function makeVerifierKey(): { privateKeyPem: string; publicKey: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicKey: rawPublicKey(privateKey).toString('base64') };
}

export class StatementSigningError extends Error {}

/**
 * The Ed25519 signature (base64) of a statement's exact bytes with the key in a PKCS#8 PEM key file.
 * Refuses, before signing, bytes that are not a canonical Orebook statement document, and a
 * statement that names another public key than the key file's: Orebook would refuse that signature.
 */
export function signStatementBytes(keyFile: string, document: Buffer): { signature: string; publicKey: string } {
  let privateKey;
  try {
    privateKey = createPrivateKey({ key: keyFile, format: 'pem' });
  } catch {
    throw new StatementSigningError('the key file is not a PEM private key (make one with orebook keygen-verifier)');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new StatementSigningError(`the key file holds an ${privateKey.asymmetricKeyType ?? 'unknown'} key, not an Ed25519 key`);
  const parsed = parseVerificationDocument(document);
  if (!parsed) throw new StatementSigningError('the input is not an Orebook verification statement (type orebook.verification-statement, version 1)');
  if (!canonicalBytes(parsed).equals(document)) throw new StatementSigningError('the input is not byte for byte the canonical document Orebook gave: save it exactly as downloaded');
  const publicKey = rawPublicKey(privateKey).toString('base64');
  if (parsed.key?.publicKey !== publicKey) throw new StatementSigningError(`the statement is to be signed with key ${String(parsed.key?.publicKey)}, but the key file's public key is ${publicKey}`);
  return { signature: sign(null, document, privateKey).toString('base64'), publicKey };
}
