import { eq } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { verificationError } from '../../messages/verifications.ts';
import { activeKey, lockOrganisationForKeys, parseEd25519PublicKey } from '../../organisation-keys.ts';
import { organisationKeyCustody, organisationKeys } from '../../schema.ts';
import { authorizeKeyManagement } from './shared.ts';

export type RegisterVerifierKeyProps = {
  /** The verifier organisation; its own verifiers alone may register its keys. */
  organisation: { id: number; code: string } | undefined;
  /** The Ed25519 public key: raw 32 bytes in base64 (or base64url), or SPKI as PEM or base64. */
  publicKey: string;
  /** To rotate: the id of the organisation's active key of its own, which the new key replaces. */
  replaces?: number | undefined;
};

/**
 * A verifier organisation registers a public key whose private half it keeps itself, and from then
 * on signs its statements with it; the registry never signs for it again (its key custody becomes
 * `verifier`). Whatever key was active (the registry-held one, or with `replaces` the organisation's
 * previous own key: a rotation) is retired, so the statements it signed stay checkable. Journaled as
 * `sites.verifier_key_registered` or `sites.verifier_key_rotated`.
 */
export async function registerVerifierKey(ctx: CommandContext, props: RegisterVerifierKeyProps) {
  const organisation = authorizeKeyManagement(ctx, props.organisation);
  const publicKey = parseEd25519PublicKey(props.publicKey);
  if (!publicKey) throw verificationError('verifier_key_malformed', 422);
  await lockOrganisationForKeys(ctx, organisation.id);
  const current = await activeKey(ctx.tx, organisation.id);
  const currentOwn = current?.custody === 'verifier' ? current : undefined;
  if (props.replaces === undefined && currentOwn) throw verificationError('verifier_key_already_active', 409, () => ({ keyId: currentOwn.id }), { keyId: currentOwn.id });
  if (props.replaces !== undefined && props.replaces !== currentOwn?.id) {
    throw verificationError('verifier_key_not_active', 409, () => ({ keyId: props.replaces! }), { keyId: props.replaces, activeKeyId: currentOwn?.id ?? null });
  }
  const [taken] = await ctx.tx.select({ id: organisationKeys.id }).from(organisationKeys).where(eq(organisationKeys.publicKey, publicKey));
  if (taken) throw verificationError('verifier_key_already_registered', 409);
  if (current) await ctx.tx.update(organisationKeys).set({ retiredAt: ctx.now }).where(eq(organisationKeys.id, current.id));
  const [key] = await ctx.tx.insert(organisationKeys).values({ organisationId: organisation.id, publicKey, custody: 'verifier', privateKeyPkcs8: null, createdAt: ctx.now }).returning();
  await ctx.tx
    .insert(organisationKeyCustody)
    .values({ organisationId: organisation.id, custody: 'verifier', changedAt: ctx.now })
    .onConflictDoUpdate({ target: organisationKeyCustody.organisationId, set: { custody: 'verifier', changedAt: ctx.now } });
  await appendEvent(ctx, {
    type: currentOwn ? 'sites.verifier_key_rotated' : 'sites.verifier_key_registered',
    subject: `organisation-key:${key!.id}`,
    payload: {
      organisation: organisation.code,
      keyId: key!.id,
      algorithm: 'Ed25519',
      publicKey: publicKey.toString('base64'),
      custody: 'verifier',
      retiredKeyId: current?.id ?? null,
      retiredKeyCustody: current?.custody ?? null,
    },
  });
  return key!;
}
