import { createHash, randomBytes } from 'node:crypto';
import { canonicalBytes } from './canonical-json.ts';

/** A fresh random salt for a person's commitments, kept next to their personal data, never published. */
export function newCommitmentSalt(): Buffer {
  return randomBytes(32);
}

/**
 * A salted commitment to personal fields, for the public journal: it proves later what the fields
 * were (to someone shown the fields and the salt) without revealing them. The salt stops anyone
 * from guessing names or birth years and checking the hash.
 */
export function commitPersonalData(salt: Buffer, fields: Record<string, unknown>): string {
  return `sha256:${createHash('sha256').update(salt).update(canonicalBytes(fields)).digest('hex')}`;
}
