import { eq } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { assessmentError } from '../../messages/assessments.ts';
import { type AssessmentScores, computeAssessmentScores, sortCriteria } from '../../queries/assessments.ts';
import { assessmentResponses, assessments, sites, standardCriteria } from '../../schema.ts';
import { type Assessment, lockDraftAssessment } from '../../assessment-records.ts';

/**
 * Submits a draft assessment once every criterion of its version is rated. A submitted assessment
 * never changes again; its scores go into the journal.
 */
export async function submitAssessment(ctx: CommandContext, props: { assessmentId: number }): Promise<{ assessment: Assessment; scores: AssessmentScores }> {
  const draft = await lockDraftAssessment(ctx, props.assessmentId);
  const criteria = sortCriteria(await ctx.tx.select().from(standardCriteria).where(eq(standardCriteria.versionId, draft.standardVersionId)));
  const given = await ctx.tx
    .select({ code: standardCriteria.code, rating: assessmentResponses.rating })
    .from(assessmentResponses)
    .innerJoin(standardCriteria, eq(standardCriteria.id, assessmentResponses.criterionId))
    .where(eq(assessmentResponses.assessmentId, draft.id));
  const ratingsByCode = new Map(given.map((r) => [r.code, r.rating]));
  const missing = criteria.filter((c) => !ratingsByCode.has(c.code)).map((c) => c.code);
  if (missing.length > 0) throw assessmentError('assessment_incomplete', 422, { count: missing.length, codes: missing.join(', ') }, { missing });
  const scores = computeAssessmentScores(criteria, ratingsByCode);
  const [assessment] = await ctx.tx.update(assessments).set({ status: 'submitted', submittedAt: ctx.now }).where(eq(assessments.id, draft.id)).returning();
  const [site] = await ctx.tx.select({ code: sites.code }).from(sites).where(eq(sites.id, draft.siteId));
  await appendEvent(ctx, {
    type: 'sites.assessment_submitted',
    subject: `assessment:${draft.id}`,
    payload: {
      assessmentId: draft.id,
      site: site!.code,
      periodStart: draft.periodStart,
      periodEnd: draft.periodEnd,
      scoresTenthsOfPercent: { areas: scores.areas, overall: scores.overall },
      baseline: scores.baseline,
    },
  });
  return { assessment: assessment!, scores };
}
