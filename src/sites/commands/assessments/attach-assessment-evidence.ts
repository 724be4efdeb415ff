import { and, eq } from 'drizzle-orm';
import { maxFileBytes, type StoredFile, storeFile } from '../../../files/public.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { assessmentError } from '../../messages/assessments.ts';
import { assessmentEvidence, assessmentResponses } from '../../schema.ts';
import { criteriaByCode, lockDraftAssessment } from '../../assessment-records.ts';

/**
 * Attaches an evidence file (photo, register, minutes) to a rated criterion of a draft assessment.
 * The journal cites the file's SHA-256, never its name or content.
 */
export async function attachAssessmentEvidence(
  ctx: CommandContext,
  props: { assessmentId: number; criterionCode: string; filename: string; contentType: string; content: Buffer },
): Promise<{ evidenceId: number; file: StoredFile }> {
  const assessment = await lockDraftAssessment(ctx, props.assessmentId);
  const criterion = (await criteriaByCode(ctx, assessment.standardVersionId, [props.criterionCode])).get(props.criterionCode)!;
  const [response] = await ctx.tx
    .select({ id: assessmentResponses.id })
    .from(assessmentResponses)
    .where(and(eq(assessmentResponses.assessmentId, assessment.id), eq(assessmentResponses.criterionId, criterion.id)));
  if (!response) throw assessmentError('evidence_needs_rating', 422, { code: props.criterionCode });
  if (props.content.length === 0) throw assessmentError('evidence_empty', 422);
  if (props.content.length > maxFileBytes) throw assessmentError('evidence_too_large', 413, { limit: maxFileBytes });
  const file = await storeFile(ctx, { filename: props.filename, contentType: props.contentType, content: props.content });
  const [evidence] = await ctx.tx.insert(assessmentEvidence).values({ responseId: response.id, fileId: file.id }).returning();
  await appendEvent(ctx, {
    type: 'sites.assessment_evidence_attached',
    subject: `assessment:${assessment.id}`,
    payload: { assessmentId: assessment.id, criterion: props.criterionCode, sha256: file.sha256, sizeBytes: file.sizeBytes },
  });
  return { evidenceId: evidence!.id, file };
}
