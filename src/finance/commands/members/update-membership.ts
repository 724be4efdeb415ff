import { eq } from 'drizzle-orm';
import { findOrganisation } from '../../../accounts/public.ts';
import { authorize } from '../../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { checkCategory, checkDeclaredUse, checkRule, checkStatus } from '../../membership-input.ts';
import { membersError } from '../../messages/members-errors.ts';
import { financeMemberships } from '../../schema.ts';
import type { Membership } from './create-membership.ts';

export type UpdateMembershipProps = {
  organisation: string;
  category: string;
  /** active, suspended or left: only an active member is called for contributions. */
  status: string;
  rule: string;
  /** Its latest declared yearly cobalt use in kilograms; the next calls use it, issued ones keep theirs. */
  declaredCobaltKg?: number | null;
};

/**
 * The secretariat changes a membership as a whole: its category, status, rule or declared cobalt
 * use. Calls already issued keep the basis they were computed from; only later calls follow.
 */
export async function updateMembership(ctx: CommandContext, props: UpdateMembershipProps): Promise<Membership> {
  authorize(ctx.actor, 'finance.manage');
  const category = checkCategory(props.category);
  const status = checkStatus(props.status);
  const rule = checkRule(props.rule);
  const declaredCobaltKg = checkDeclaredUse(rule, props.declaredCobaltKg);
  const organisation = await findOrganisation(ctx.tx, { code: props.organisation });
  if (!organisation) throw membersError('membership_not_found', 404, { organisation: props.organisation });
  const [membership] = (await ctx.tx
    .update(financeMemberships)
    .set({ category, status, rule, declaredCobaltKg, updatedAt: ctx.now })
    .where(eq(financeMemberships.organisationId, organisation.id))
    .returning()) as Membership[];
  if (!membership) throw membersError('membership_not_found', 404, { organisation: organisation.name });
  await appendEvent(ctx, {
    type: 'finance.membership_updated',
    subject: `membership:${organisation.code}`,
    payload: { organisation: organisation.code, category, status, rule, declaredCobaltKg },
  });
  return membership;
}
