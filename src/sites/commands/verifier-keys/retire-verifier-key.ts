import { and, eq } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { verificationError } from '../../messages/verifications.ts';
import { lockOrganisationForKeys } from '../../organisation-keys.ts';
import { organisationKeys } from '../../schema.ts';
import { authorizeKeyManagement } from './shared.ts';

/**
 * A verifier organisation retires its active key of its own (lost, leaked, or no longer used)
 * without a replacement: until it registers another, nothing can be signed in its name, by it or by
 * the registry. The statements the key signed before stay valid and checkable. Journaled as
 * `sites.verifier_key_retired`.
 */
export async function retireVerifierKey(ctx: CommandContext, props: { organisation: { id: number; code: string } | undefined; keyId: number }) {
  const organisation = authorizeKeyManagement(ctx, props.organisation);
  await lockOrganisationForKeys(ctx, organisation.id);
  const [key] = await ctx.tx
    .select()
    .from(organisationKeys)
    .where(and(eq(organisationKeys.id, props.keyId), eq(organisationKeys.organisationId, organisation.id)));
  if (!key) throw verificationError('verifier_key_not_found', 404, () => ({ keyId: props.keyId }));
  if (key.retiredAt || key.custody !== 'verifier') throw verificationError('verifier_key_not_active', 409, () => ({ keyId: key.id }), { keyId: key.id });
  const [retired] = await ctx.tx.update(organisationKeys).set({ retiredAt: ctx.now }).where(eq(organisationKeys.id, key.id)).returning();
  await appendEvent(ctx, {
    type: 'sites.verifier_key_retired',
    subject: `organisation-key:${key.id}`,
    payload: { organisation: organisation.code, keyId: key.id, publicKey: key.publicKey.toString('base64'), custody: 'verifier' },
  });
  return retired!;
}
