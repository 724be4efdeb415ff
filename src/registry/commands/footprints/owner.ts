import { eq } from 'drizzle-orm';
import { organisations } from '../../../accounts/public.ts';
import { authorize } from '../../../core/auth/policies.ts';
import type { CommandContext } from '../../../journal/public.ts';
import { footprintError } from '../../messages/footprints.ts';

export type FootprintOwner = typeof organisations.$inferSelect;

/**
 * The organisation a footprint command works for (the actor's own unless an admin names another),
 * after checking the actor may manage its footprints. Its row is locked until commit, so that
 * commands of one organisation queue: product line names stay unique and calculation numbers
 * consecutive without a race. `no key update` leaves rows that merely point at it free.
 */
export async function lockFootprintOwner(ctx: CommandContext, organisationId: number | undefined): Promise<FootprintOwner> {
  const actorOrgId = 'orgId' in ctx.actor ? ctx.actor.orgId : null;
  const ownerId = organisationId ?? actorOrgId;
  // Without an organisation only an admin gets as far as being asked for one; anyone else is refused first.
  authorize(ctx.actor, 'registry.footprint.manage', { orgId: ownerId ?? -1 });
  if (ownerId === null || ownerId === undefined) throw footprintError('footprint_organisation_required', 422);
  const [owner] = await ctx.tx.select().from(organisations).where(eq(organisations.id, ownerId)).for('no key update');
  if (!owner) throw footprintError('organisation_not_found', 404, { id: ownerId }, { organisationId: ownerId });
  return owner;
}
