import { generateKeyPairSync } from 'node:crypto';
import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { organisations } from '../accounts/public.ts';
import { coreError } from '../core/errors.ts';
import { rawPublicKey } from '../core/signed-note.ts';
import type { Queryable } from '../db/connect.ts';
import type { CommandContext } from '../journal/public.ts';
import { organisationKeys } from './schema.ts';

export type OrganisationKey = typeof organisationKeys.$inferSelect;

async function activeKey(db: Queryable, organisationId: number): Promise<OrganisationKey | undefined> {
  const [key] = await db
    .select()
    .from(organisationKeys)
    .where(and(eq(organisationKeys.organisationId, organisationId), isNull(organisationKeys.retiredAt)))
    .orderBy(desc(organisationKeys.createdAt), desc(organisationKeys.id))
    .limit(1);
  return key;
}

/**
 * The organisation's active Ed25519 signing key, made on first use. It runs inside the caller's
 * command and appends no event: the command that signs with the key publishes its public half in
 * its own event. The registry keeps the private key (PKCS#8) for the organisation; see
 * docs/verifications.md for what that means for trust.
 */
export async function ensureOrganisationKey(ctx: CommandContext, organisationId: number): Promise<OrganisationKey> {
  const existing = await activeKey(ctx.tx, organisationId);
  if (existing) return existing;
  // Two first signings at once must not give the organisation two keys: its row serialises the
  // making of a key, and the second signer finds the first one's key once it has the lock.
  const [organisation] = await ctx.tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, organisationId)).for('no key update');
  if (!organisation) throw coreError('organisation_not_found', 404, { ref: String(organisationId) });
  const madeMeanwhile = await activeKey(ctx.tx, organisationId);
  if (madeMeanwhile) return madeMeanwhile;
  const { privateKey } = generateKeyPairSync('ed25519');
  const [key] = await ctx.tx
    .insert(organisationKeys)
    .values({
      organisationId,
      publicKey: rawPublicKey(privateKey),
      privateKeyPkcs8: privateKey.export({ format: 'der', type: 'pkcs8' }),
      createdAt: ctx.now,
    })
    .returning();
  return key!;
}

export type OrganisationPublicKey = { id: number; publicKey: Buffer; createdAt: Date; retiredAt: Date | null };

/** Every key the organisation has had, oldest first, without the private halves: old statements stay checkable. */
export async function organisationPublicKeys(db: Queryable, organisationId: number): Promise<OrganisationPublicKey[]> {
  return db
    .select({ id: organisationKeys.id, publicKey: organisationKeys.publicKey, createdAt: organisationKeys.createdAt, retiredAt: organisationKeys.retiredAt })
    .from(organisationKeys)
    .where(eq(organisationKeys.organisationId, organisationId))
    .orderBy(asc(organisationKeys.createdAt), asc(organisationKeys.id));
}
