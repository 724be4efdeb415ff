import { eq } from 'drizzle-orm';
import { findOrganisation } from '../../../accounts/public.ts';
import { authorize } from '../../../core/auth/policies.ts';
import { isoDateOf } from '../../../core/calendar.ts';
import { databaseErrorCode } from '../../../core/errors.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { checkCategory, checkDeclaredUse, checkRule, isPastDate } from '../../membership-input.ts';
import { membersError } from '../../messages/members-errors.ts';
import { financeMemberships } from '../../schema.ts';

export type CreateMembershipProps = {
  /** The member organisation's code. */
  organisation: string;
  /** upstream, midstream, downstream, civil_society or associate. */
  category: string;
  /** The day it joined (YYYY-MM-DD), not after today. */
  memberSince: string;
  /** category_fixed or cobalt_scaled. */
  rule: string;
  /** Its yearly cobalt use in kilograms of contained cobalt; required on the scaled rule. */
  declaredCobaltKg?: number | null;
};

export type Membership = typeof financeMemberships.$inferSelect;

/** The secretariat admits an organisation as a member, active from the day it joined. One membership per organisation (409). */
export async function createMembership(ctx: CommandContext, props: CreateMembershipProps): Promise<Membership> {
  authorize(ctx.actor, 'finance.manage');
  const category = checkCategory(props.category);
  const rule = checkRule(props.rule);
  const declaredCobaltKg = checkDeclaredUse(rule, props.declaredCobaltKg);
  if (!isPastDate(props.memberSince, isoDateOf(ctx.now))) throw membersError('member_since_invalid', 422);
  const organisation = await findOrganisation(ctx.tx, { code: props.organisation });
  if (!organisation) throw membersError('member_organisation_not_found', 422, { organisation: props.organisation });
  const exists = () => membersError('membership_exists', 409, { organisation: organisation.name });
  const [existing] = await ctx.tx.select({ id: financeMemberships.id }).from(financeMemberships).where(eq(financeMemberships.organisationId, organisation.id));
  if (existing) throw exists();
  let membership: Membership;
  try {
    [membership] = (await ctx.tx
      .insert(financeMemberships)
      .values({ organisationId: organisation.id, category, status: 'active', memberSince: props.memberSince, rule, declaredCobaltKg, createdAt: ctx.now, updatedAt: ctx.now })
      .returning()) as [Membership];
  } catch (error) {
    if (databaseErrorCode(error) === '23505') throw exists();
    throw error;
  }
  await appendEvent(ctx, {
    type: 'finance.membership_created',
    subject: `membership:${organisation.code}`,
    payload: { organisation: organisation.code, category, status: 'active', memberSince: props.memberSince, rule, declaredCobaltKg },
  });
  return membership;
}
