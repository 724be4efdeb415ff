import { authorize } from '../../core/auth/policies.ts';
import { findSiteByCode, sexes } from '../../sites/public.ts';
import type { CommandContext } from '../../journal/public.ts';
import { checkAge, insertCase, type CaseCircumstances, type Sex } from '../case-opening.ts';
import type { ChildCase } from '../case-writes.ts';
import { assertChoice, childrenError } from '../messages/errors.ts';

export type OpenCaseProps = CaseCircumstances & { siteCode: string; sex: Sex; ageAtIdentification: number };

/**
 * Opens a case for a child a field officer identified at a site. Only the admin and field users of
 * the organisation that is to manage the case open it.
 */
export async function openCase(ctx: CommandContext, props: OpenCaseProps): Promise<ChildCase> {
  authorize(ctx.actor, 'children.case.write', { caseOrgId: props.caseOrganisationId });
  checkAge(props.ageAtIdentification);
  assertChoice(props.sex, sexes);
  const site = await findSiteByCode(ctx.tx, props.siteCode);
  if (!site) throw childrenError('site_unknown', 422, { site: props.siteCode });
  return insertCase(ctx, { ...props, siteId: site.id, siteCode: site.code, referralId: null });
}
