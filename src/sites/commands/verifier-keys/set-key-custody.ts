import { eq } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { verificationError } from '../../messages/verifications.ts';
import { activeKey, keyCustodyOf, lockOrganisationForKeys } from '../../organisation-keys.ts';
import { type KeyCustody, organisationKeyCustody, organisationKeys } from '../../schema.ts';
import { authorizeKeyManagement } from './shared.ts';

/**
 * A verifier organisation chooses who holds its signing key. `registry`: the registry makes and
 * keeps a key and signs when one of its verifiers confirms (the organisation's own key, if any, is
 * retired). `verifier`: the registry's key for it is retired and never signs again; the
 * organisation signs with a key it registers. Statements signed before stay checkable. Journaled as
 * `sites.key_custody_changed`.
 */
export async function setKeyCustody(ctx: CommandContext, props: { organisation: { id: number; code: string } | undefined; custody: KeyCustody }) {
  const organisation = authorizeKeyManagement(ctx, props.organisation);
  await lockOrganisationForKeys(ctx, organisation.id);
  if ((await keyCustodyOf(ctx.tx, organisation.id)) === props.custody) throw verificationError('key_custody_unchanged', 409);
  const current = await activeKey(ctx.tx, organisation.id);
  const retire = current && current.custody !== props.custody ? current : undefined;
  if (retire) await ctx.tx.update(organisationKeys).set({ retiredAt: ctx.now }).where(eq(organisationKeys.id, retire.id));
  await ctx.tx
    .insert(organisationKeyCustody)
    .values({ organisationId: organisation.id, custody: props.custody, changedAt: ctx.now })
    .onConflictDoUpdate({ target: organisationKeyCustody.organisationId, set: { custody: props.custody, changedAt: ctx.now } });
  await appendEvent(ctx, {
    type: 'sites.key_custody_changed',
    subject: `organisation:${organisation.code}`,
    payload: { organisation: organisation.code, custody: props.custody, retiredKeyId: retire?.id ?? null },
  });
  return { custody: props.custody, retiredKeyId: retire?.id ?? null };
}
