import { authorize } from '../../core/auth/policies.ts';
import type { CommandContext } from '../../journal/public.ts';
import { checkAge, insertCase, type CaseCircumstances, type ChildActivity } from '../case-opening.ts';
import type { ChildCase } from '../case-writes.ts';
import { childrenError } from '../messages/errors.ts';
import { lockReferral, markReferralTakenUp } from '../../sites/public.ts';

export type ConfirmReferralProps = Omit<CaseCircumstances, 'identifiedOn' | 'identifiedBy'> & { referralCode: string };

const activityOfGroup: Record<string, ChildActivity> = { diggers: 'digging', washers: 'washing_sorting', transporters: 'transporting', sellers: 'selling' };

/** The activity a referral suggests from the operator group the child tried to register in. */
export function activityForGroup(groupCode: string | null): ChildActivity {
  return (groupCode && activityOfGroup[groupCode]) || 'other';
}

/**
 * Confirms a worker-register referral as a case: site, sex, age and the day of identification come
 * from the referral, the rest from the field officer's visit. A referral becomes at most one case.
 * Only the admin and field users of the organisation that is to manage the case confirm it.
 */
export async function confirmReferral(ctx: CommandContext, props: ConfirmReferralProps): Promise<ChildCase> {
  authorize(ctx.actor, 'children.case.write', { caseOrgId: props.caseOrganisationId });
  const referral = await lockReferral(ctx.tx, props.referralCode);
  if (!referral) throw childrenError('referral_not_found', 404, { referral: props.referralCode });
  if (referral.status !== 'new') throw childrenError('referral_already_confirmed', 409);
  checkAge(referral.ageYears);
  const created = await insertCase(ctx, {
    ...props,
    identifiedOn: referral.referredOn,
    identifiedBy: 'worker_register',
    siteId: referral.siteId,
    siteCode: referral.siteCode,
    sex: referral.sex,
    ageAtIdentification: referral.ageYears,
    referralId: referral.id,
  });
  await markReferralTakenUp(ctx.tx, referral.id);
  return created;
}
