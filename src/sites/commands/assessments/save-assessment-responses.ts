import { sql } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { assessmentError } from '../../messages/assessments.ts';
import type { Rating } from '../../queries/assessments.ts';
import { assessmentResponses } from '../../schema.ts';
import { criteriaByCode, lockDraftAssessment } from '../../assessment-records.ts';

export type ResponseInput = { criterionCode: string; rating: Rating; notes?: string };

/**
 * Saves ratings and notes of a draft assessment, one criterion each, replacing what was saved
 * before for those criteria (the form saves one area page at a time). Every code must belong to
 * the assessment's version of the standard, else nothing is saved.
 */
export async function saveAssessmentResponses(ctx: CommandContext, props: { assessmentId: number; responses: ResponseInput[] }) {
  const assessment = await lockDraftAssessment(ctx, props.assessmentId);
  const codes = props.responses.map((r) => r.criterionCode);
  const duplicates = [...new Set(codes.filter((code, i) => codes.indexOf(code) !== i))];
  if (duplicates.length > 0) throw assessmentError('duplicate_criterion', 422, { codes: duplicates.join(', ') }, { codes: duplicates });
  if (props.responses.length === 0) throw assessmentError('no_responses', 422);
  const criteria = await criteriaByCode(ctx, assessment.standardVersionId, codes);
  await ctx.tx
    .insert(assessmentResponses)
    .values(props.responses.map((r) => ({ assessmentId: assessment.id, criterionId: criteria.get(r.criterionCode)!.id, rating: r.rating, notes: r.notes ?? '', updatedAt: ctx.now })))
    .onConflictDoUpdate({
      target: [assessmentResponses.assessmentId, assessmentResponses.criterionId],
      set: { rating: sql`excluded.rating`, notes: sql`excluded.notes`, updatedAt: ctx.now },
    });
  // Notes are free text and may name people: the journal records the ratings only.
  await appendEvent(ctx, {
    type: 'sites.assessment_responses_saved',
    subject: `assessment:${assessment.id}`,
    payload: { assessmentId: assessment.id, responses: props.responses.map((r) => ({ criterion: r.criterionCode, rating: r.rating })) },
  });
  return { assessmentId: assessment.id, saved: codes };
}
