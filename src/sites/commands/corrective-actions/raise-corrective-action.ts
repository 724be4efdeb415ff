import { and, eq } from 'drizzle-orm';
import { notFound } from '../../../core/errors.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { assessmentError } from '../../messages/assessments.ts';
import { assessmentResponses, assessments, correctiveActions, standardCriteria } from '../../schema.ts';
import { siteForAction, type SiteRef } from '../../site-access.ts';
import { type CorrectiveAction, type CostCurrency, parseCostEstimate } from '../../corrective-action-records.ts';

/**
 * Raises a corrective action at a site: from a finding of a submitted assessment of that site (a
 * criterion rated not met or partly met), or on its own. Title and owner are free text and stay
 * out of the journal, which records the dates, the cost and the finding it answers.
 */
export async function raiseCorrectiveAction(
  ctx: CommandContext,
  props: SiteRef & {
    /** With `criterionCode`: the finding this action answers. */
    assessmentId?: number;
    criterionCode?: string;
    title: string;
    /** Who is responsible: a role or a person, as the site names them. */
    owner: string;
    dueOn: string;
    /** In the currency's major unit, as typed: see `parseCostEstimate`. */
    costEstimate: string;
    currency: CostCurrency;
  },
): Promise<CorrectiveAction> {
  const site = await siteForAction(ctx, 'corrective_action.manage', props, notFound);
  if ((props.assessmentId === undefined) !== (props.criterionCode === undefined)) throw assessmentError('finding_incomplete', 422);
  let criterionId: number | null = null;
  if (props.assessmentId !== undefined && props.criterionCode !== undefined) {
    const [assessment] = await ctx.tx.select().from(assessments).where(eq(assessments.id, props.assessmentId));
    if (!assessment || assessment.siteId !== site.id) throw assessmentError('assessment_not_of_site', 422, { site: site.code });
    if (assessment.status !== 'submitted') throw assessmentError('assessment_not_submitted', 422);
    const [finding] = await ctx.tx
      .select({ criterionId: standardCriteria.id, rating: assessmentResponses.rating })
      .from(standardCriteria)
      .leftJoin(assessmentResponses, and(eq(assessmentResponses.criterionId, standardCriteria.id), eq(assessmentResponses.assessmentId, assessment.id)))
      .where(and(eq(standardCriteria.versionId, assessment.standardVersionId), eq(standardCriteria.code, props.criterionCode)));
    if (!finding) throw assessmentError('unknown_criterion', 422, { codes: props.criterionCode }, { codes: [props.criterionCode] });
    if (finding.rating !== 'not_met' && finding.rating !== 'partly_met') throw assessmentError('not_a_finding', 422, { code: props.criterionCode });
    criterionId = finding.criterionId;
  }
  const costEstimateMinor = parseCostEstimate(props.costEstimate, props.currency);
  const [action] = await ctx.tx
    .insert(correctiveActions)
    .values({
      siteId: site.id,
      assessmentId: props.assessmentId ?? null,
      criterionId,
      title: props.title,
      owner: props.owner,
      dueOn: props.dueOn,
      costEstimateMinor,
      currency: props.currency,
    })
    .returning();
  await appendEvent(ctx, {
    type: 'sites.corrective_action_raised',
    subject: `corrective_action:${action!.id}`,
    payload: {
      correctiveActionId: action!.id,
      site: site.code,
      assessmentId: props.assessmentId ?? null,
      criterion: props.criterionCode ?? null,
      dueOn: props.dueOn,
      costEstimateMinor,
      currency: props.currency,
    },
  });
  return action!;
}
