import { findOrganisation } from '../accounts/public.ts';
import type { sexes } from '../sites/public.ts';
import { appendEvent, type CommandContext } from '../journal/public.ts';
import { isCaseManagementOrganisation } from './case-organisations.ts';
import { checkPastDate, nextCaseCode, type ChildCase } from './case-writes.ts';
import { assertChoice, childrenError } from './messages/errors.ts';
import { sealName, type ChildNameKey } from './name-key.ts';
import { childActivities, childCases, householdHeads, identificationSources, riskLevels } from './schema.ts';

/*
 * What opening a case and confirming a referral share: the circumstances the field officer records,
 * the checks on them, and the new case with its event.
 */

export type ChildActivity = (typeof childActivities)[number];
export type RiskLevel = (typeof riskLevels)[number];
export type IdentificationSource = (typeof identificationSources)[number];
export type HouseholdHead = (typeof householdHeads)[number];
export type Sex = (typeof sexes)[number];

/** What the field officer records about the child and the household, beyond what a referral already says. */
export type CaseCircumstances = {
  /** The organisation that manages the case: a partner accredited for case management, or the secretariat. */
  caseOrganisationId: number;
  activity: ChildActivity;
  community: string;
  householdHead: HouseholdHead;
  householdSize: number;
  identifiedOn: string;
  identifiedBy: IdentificationSource;
  riskLevel: RiskLevel;
  /** Optional. Sealed with `nameKey` before it is stored; refused when there is no key. */
  name?: string | null | undefined;
  nameKey?: ChildNameKey | null | undefined;
};

function checkCircumstances(ctx: CommandContext, props: CaseCircumstances): { community: string; name: string | null } {
  checkPastDate(ctx, props.identifiedOn);
  assertChoice(props.activity, childActivities);
  assertChoice(props.householdHead, householdHeads);
  assertChoice(props.identifiedBy, identificationSources);
  assertChoice(props.riskLevel, riskLevels);
  const community = props.community.trim();
  if (community.length === 0 || community.length > 200) throw childrenError('community_missing', 422);
  if (!Number.isInteger(props.householdSize) || props.householdSize < 1 || props.householdSize > 50) throw childrenError('household_size_invalid', 422);
  const name = props.name?.trim().replace(/\s+/g, ' ') || null;
  if (name && name.length > 200) throw childrenError('name_too_long', 422);
  if (name && !props.nameKey) throw childrenError('name_key_missing', 422);
  return { community, name };
}

export function checkAge(age: number): void {
  if (!Number.isInteger(age) || age < 0) throw childrenError('age_invalid', 422);
  // ILO C138/C182: a child is a person under 18; at 18 the person is an adult worker, not a case.
  if (age >= 18) throw childrenError('age_not_minor', 422, { age });
}

/** Records a new case after checking its circumstances and its organisation, with its `children.case_opened` event. */
export async function insertCase(
  ctx: CommandContext,
  props: CaseCircumstances & { siteId: number; siteCode: string; sex: Sex; ageAtIdentification: number; referralId: number | null },
): Promise<ChildCase> {
  const { community, name } = checkCircumstances(ctx, props);
  const organisation = await isCaseManagementOrganisation(ctx.tx, props.caseOrganisationId);
  if (!organisation) {
    const named = await findOrganisation(ctx.tx, { id: props.caseOrganisationId });
    throw childrenError('case_organisation_not_accredited', 422, { organisation: named?.code ?? String(props.caseOrganisationId) });
  }
  const code = await nextCaseCode(ctx, props.siteId, props.siteCode);
  const sealed = name && props.nameKey ? sealName(props.nameKey, name, code) : null;
  const [created] = await ctx.tx
    .insert(childCases)
    .values({
      code,
      siteId: props.siteId,
      referralId: props.referralId,
      caseOrganisationId: props.caseOrganisationId,
      sex: props.sex,
      ageAtIdentification: props.ageAtIdentification,
      activity: props.activity,
      community,
      householdHead: props.householdHead,
      householdSize: props.householdSize,
      identifiedOn: props.identifiedOn,
      identifiedBy: props.identifiedBy,
      riskLevel: props.riskLevel,
      nameCiphertext: sealed?.ciphertext ?? null,
      nameNonce: sealed?.nonce ?? null,
      nameTag: sealed?.tag ?? null,
      nameKeyId: sealed?.keyId ?? null,
      recordedByUserId: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
    })
    .returning();
  // The journal is public: the case is known there by its internal number only, never its code, age or sex.
  await appendEvent(ctx, {
    type: 'children.case_opened',
    subject: `child_case:${created!.id}`,
    payload: { case: created!.id, site: props.siteCode, caseOrganisation: organisation.code },
  });
  return created!;
}
