import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { organisations } from '../../accounts/public.ts';
import { authorize, can } from '../../core/auth/policies.ts';
import { organisationOf, type Actor } from '../../core/auth/roles.ts';
import { notFound } from '../../core/errors.ts';
import { maxFileBytes, type StoredFile, storeFile } from '../../files/public.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { assessmentError } from '../messages/assessments.ts';
import { computeAssessmentScores, sortCriteria, type AssessmentScores, type Rating } from '../queries/assessments.ts';
import { assessmentEvidence, assessmentResponses, assessments, sites, standardCriteria, standardVersions } from '../schema.ts';
import { findSite, type SiteRef } from '../site-access.ts';

export type Assessment = typeof assessments.$inferSelect;

/**
 * Asks the `assessment.write` policy for a site. When the actor may assess sites in general but not
 * this one, the only reason is that its organisation operates the site: say so plainly
 * (`assessment_not_independent`) rather than with a bare `forbidden`.
 */
export function authorizeAssessmentWrite(actor: Actor, site: { cooperativeOrganisationId: number }): void {
  const resource = { siteCooperativeOrgId: site.cooperativeOrganisationId };
  if (!can(actor, 'assessment.write', resource) && can(actor, 'assessment.write', { siteCooperativeOrgId: -1 })) {
    throw assessmentError('assessment_not_independent', 403);
  }
  authorize(actor, 'assessment.write', resource);
}

/**
 * Opens a draft assessment of a site for a period, by the acting verifier's organisation, against
 * a published version of the standard (the latest published one unless one is named). A verifier
 * never assesses a site its own organisation operates.
 */
export async function startAssessment(
  ctx: CommandContext,
  props: SiteRef & {
    /** First and last day of the period assessed, `YYYY-MM-DD`, both included. */
    periodStart: string;
    periodEnd: string;
    /** The version label (e.g. `2024.1`); the latest published version when absent. */
    standardVersion?: string;
  },
): Promise<Assessment> {
  const site = await findSite(ctx.tx, props);
  authorizeAssessmentWrite(ctx.actor, { cooperativeOrganisationId: site?.cooperativeOrganisationId ?? -1 });
  if (!site) throw notFound();
  const verifierId = organisationOf(ctx.actor);
  const [verifier] = verifierId === null ? [] : await ctx.tx.select().from(organisations).where(eq(organisations.id, verifierId));
  if (!verifier || verifier.kind !== 'verifier') throw assessmentError('assessment_verifier_only', 403);
  if (site.cooperativeOrganisationId === verifier.id) throw assessmentError('assessment_not_independent', 403);
  if (props.periodEnd < props.periodStart) throw assessmentError('assessment_period_invalid', 422, { start: props.periodStart, end: props.periodEnd });
  const published = eq(standardVersions.status, 'published');
  const [version] = await ctx.tx
    .select()
    .from(standardVersions)
    .where(props.standardVersion === undefined ? published : and(published, eq(standardVersions.version, props.standardVersion)))
    .orderBy(desc(standardVersions.publishedAt), desc(standardVersions.id))
    .limit(1);
  if (!version) {
    throw props.standardVersion === undefined
      ? assessmentError('no_published_standard', 422)
      : assessmentError('standard_version_unavailable', 422, { version: props.standardVersion });
  }
  const [assessment] = await ctx.tx
    .insert(assessments)
    .values({ siteId: site.id, verifierOrganisationId: verifier.id, standardVersionId: version.id, periodStart: props.periodStart, periodEnd: props.periodEnd })
    .returning();
  await appendEvent(ctx, {
    type: 'sites.assessment_started',
    subject: `assessment:${assessment!.id}`,
    payload: {
      assessmentId: assessment!.id,
      site: site.code,
      verifier: verifier.code,
      standardVersion: version.version,
      periodStart: props.periodStart,
      periodEnd: props.periodEnd,
    },
  });
  return assessment!;
}

/**
 * The draft assessment a command may change: the actor may assess its site, it exists, belongs to
 * the acting verifier's organisation, and was not submitted. Locked until the command ends, so a save and a submit
 * never interleave.
 */
async function lockDraftAssessment(ctx: CommandContext, assessmentId: number) {
  const [row] = await ctx.tx
    .select({ assessment: assessments, siteCooperativeOrgId: sites.cooperativeOrganisationId })
    .from(assessments)
    .innerJoin(sites, eq(sites.id, assessments.siteId))
    .where(eq(assessments.id, assessmentId))
    .for('update', { of: assessments });
  authorizeAssessmentWrite(ctx.actor, { cooperativeOrganisationId: row?.siteCooperativeOrgId ?? -1 });
  if (!row) throw notFound();
  const { assessment } = row;
  if (assessment.verifierOrganisationId !== organisationOf(ctx.actor)) throw assessmentError('assessment_other_verifier', 403);
  if (assessment.status === 'submitted') throw assessmentError('assessment_submitted', 409);
  return assessment;
}

async function criteriaByCode(ctx: CommandContext, versionId: number, codes: string[]) {
  const rows = codes.length === 0 ? [] : await ctx.tx.select().from(standardCriteria).where(and(eq(standardCriteria.versionId, versionId), inArray(standardCriteria.code, codes)));
  const found = new Map(rows.map((row) => [row.code, row]));
  const unknown = [...new Set(codes.filter((code) => !found.has(code)))];
  if (unknown.length > 0) throw assessmentError('unknown_criterion', 422, { codes: unknown.join(', ') }, { codes: unknown });
  return found;
}

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
