import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { organisations } from '../accounts/public.ts';
import { coreError } from '../core/errors.ts';
import { rawPublicKey } from '../core/signed-note.ts';
import type { Queryable } from '../db/connect.ts';
import type { CommandContext } from '../journal/public.ts';
import { verificationError } from './messages/verifications.ts';
import { type KeyCustody, organisationKeyCustody, organisationKeys } from './schema.ts';

export type OrganisationKey = typeof organisationKeys.$inferSelect;

/** The organisation's one active key (held by the registry or by the verifier), if it has one. */
export async function activeKey(db: Queryable, organisationId: number): Promise<OrganisationKey | undefined> {
  const [key] = await db
    .select()
    .from(organisationKeys)
    .where(and(eq(organisationKeys.organisationId, organisationId), isNull(organisationKeys.retiredAt)))
    .orderBy(desc(organisationKeys.createdAt), desc(organisationKeys.id))
    .limit(1);
  return key;
}

/** Who holds the organisation's signing key: the registry unless the organisation chose to hold its own. */
export async function keyCustodyOf(db: Queryable, organisationId: number): Promise<KeyCustody> {
  const [row] = await db.select({ custody: organisationKeyCustody.custody }).from(organisationKeyCustody).where(eq(organisationKeyCustody.organisationId, organisationId));
  return (row?.custody as KeyCustody | undefined) ?? 'registry';
}

/**
 * Serialises the key changes of one organisation (first signings, registrations, rotations): its
 * row is locked until the caller's transaction ends.
 */
export async function lockOrganisationForKeys(ctx: CommandContext, organisationId: number): Promise<void> {
  const [organisation] = await ctx.tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, organisationId)).for('no key update');
  if (!organisation) throw coreError('organisation_not_found', 404, { ref: String(organisationId) });
}

/**
 * The organisation's active Ed25519 signing key held by the registry, made on first use. It runs
 * inside the caller's command and appends no event: the command that signs with the key publishes
 * its public half in its own event. The registry keeps the private key (PKCS#8) for the
 * organisation; see docs/verifications.md for what that means for trust. Refused
 * (`verifier_holds_key`) for an organisation that holds its own key: the registry never signs for it.
 */
export async function ensureOrganisationKey(ctx: CommandContext, organisationId: number): Promise<OrganisationKey & { privateKeyPkcs8: Buffer }> {
  if ((await keyCustodyOf(ctx.tx, organisationId)) === 'verifier') throw verificationError('verifier_holds_key', 409);
  const existing = await activeKey(ctx.tx, organisationId);
  if (existing?.privateKeyPkcs8) return { ...existing, privateKeyPkcs8: existing.privateKeyPkcs8 };
  // Two first signings at once must not give the organisation two keys: its row serialises the
  // making of a key, and the second signer finds the first one's key once it has the lock.
  await lockOrganisationForKeys(ctx, organisationId);
  if ((await keyCustodyOf(ctx.tx, organisationId)) === 'verifier') throw verificationError('verifier_holds_key', 409);
  const madeMeanwhile = await activeKey(ctx.tx, organisationId);
  if (madeMeanwhile?.privateKeyPkcs8) return { ...madeMeanwhile, privateKeyPkcs8: madeMeanwhile.privateKeyPkcs8 };
  if (madeMeanwhile) throw verificationError('verifier_holds_key', 409);
  const { privateKey } = generateKeyPairSync('ed25519');
  const privateKeyPkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const [key] = await ctx.tx
    .insert(organisationKeys)
    .values({ organisationId, publicKey: rawPublicKey(privateKey), custody: 'registry', privateKeyPkcs8, createdAt: ctx.now })
    .returning();
  return { ...key!, privateKeyPkcs8 };
}

export type OrganisationPublicKey = { id: number; publicKey: Buffer; custody: KeyCustody; createdAt: Date; retiredAt: Date | null };

/** Every key the organisation has had, oldest first, without the private halves: old statements stay checkable. */
export async function organisationPublicKeys(db: Queryable, organisationId: number): Promise<OrganisationPublicKey[]> {
  const rows = await db
    .select({ id: organisationKeys.id, publicKey: organisationKeys.publicKey, custody: organisationKeys.custody, createdAt: organisationKeys.createdAt, retiredAt: organisationKeys.retiredAt })
    .from(organisationKeys)
    .where(eq(organisationKeys.organisationId, organisationId))
    .orderBy(asc(organisationKeys.createdAt), asc(organisationKeys.id));
  return rows.map((row) => ({ ...row, custody: row.custody as KeyCustody }));
}

const spkiEd25519Prefix = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * The raw 32 bytes of an Ed25519 public key written in any of the forms a verifier's tools give:
 * raw 32 bytes in base64 or base64url (`orebook keygen-verifier`, Web Crypto's `raw` export), or an
 * SPKI public key, as PEM or as its DER in base64 (Web Crypto's `spki` export, OpenSSL). Null when
 * it is none of them. (A key that is no point of the curve can never verify a signature: uploads
 * signed for it are refused.)
 */
export function parseEd25519PublicKey(text: string): Buffer | null {
  const trimmed = text.trim();
  let raw: Buffer | null = null;
  if (trimmed.startsWith('-----BEGIN PUBLIC KEY-----')) {
    try {
      raw = rawPublicKey(createPublicKey({ key: trimmed, format: 'pem' }));
    } catch {
      return null;
    }
  } else {
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return null;
    const bytes = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 32) raw = bytes;
    else if (bytes.length === 44 && bytes.subarray(0, 12).equals(spkiEd25519Prefix)) raw = bytes.subarray(12);
    else return null;
  }
  try {
    // What node:crypto cannot load as an Ed25519 key is refused here rather than at the first upload.
    createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  } catch {
    return null;
  }
  return raw;
}
