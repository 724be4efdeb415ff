import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../../core/auth/policies.ts';
import { notFound } from '../../core/errors.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../../web/openapi.ts';
import { attachAssessmentEvidence } from '../commands/assessments/attach-assessment-evidence.ts';
import { saveAssessmentResponses } from '../commands/assessments/save-assessment-responses.ts';
import { startAssessment } from '../commands/assessments/start-assessment.ts';
import { submitAssessment } from '../commands/assessments/submit-assessment.ts';
import { assessmentScores, compareWithPrevious, findAssessment, findSiteByCode, getAssessment, listAssessments, type AssessmentDetail } from '../queries/assessments.ts';
import { ratings, standardAreas } from '../schema.ts';

const errors = errorResponses;
const json = jsonResponse;

const dateOnly = z.iso.date().openapi({ example: '2025-01-01' });
const SiteParams = z.object({ code: z.string().openapi({ example: 'KAM' }) });
const IdParams = z.object({ id: z.coerce.number().int().positive() });
const tenths = z.number().int().nullable().openapi({ description: 'Tenths of a percent (875 = 87.5 %); null when no applicable criterion was rated' });

const Scores = z
  .object({
    areas: z.record(z.enum(standardAreas), tenths),
    overall: tenths,
    baseline: z.object({ met: z.boolean(), failing: z.array(z.string()).openapi({ description: 'Codes of baseline criteria not rated met or not applicable' }) }),
  })
  .openapi('AssessmentScores', {
    description: 'Per criterion met = 1, partly met = 0.5, not met = 0, not applicable left out; a score is 100 × sum / criteria counted, in tenths of a percent, rounded half up.',
  });

const AssessmentSummary = z
  .object({
    id: z.number().int(),
    site: z.string(),
    verifierOrganisation: z.string(),
    standardVersion: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    status: z.enum(['draft', 'submitted']),
    submittedAt: z.string().nullable(),
    createdAt: z.string(),
    rated: z.number().int(),
    total: z.number().int(),
    overall: tenths,
  })
  .openapi('AssessmentSummary');

const Evidence = z.object({ fileId: z.number().int(), filename: z.string(), contentType: z.string(), sizeBytes: z.number().int(), sha256: z.string(), url: z.string() });
const Localized = z.object({ en: z.string(), fr: z.string() });
const AssessmentDetailSchema = AssessmentSummary.extend({
  criteria: z.array(
    z.object({
      code: z.string(),
      area: z.enum(standardAreas),
      level: z.enum(['baseline', 'progress']),
      text: Localized,
      guidance: Localized,
      response: z.object({ rating: z.enum(ratings), notes: z.string(), updatedAt: z.string(), evidence: z.array(Evidence) }).nullable(),
    }),
  ),
  scores: Scores,
}).openapi('Assessment');

const StartBody = z.strictObject({
  periodStart: dateOnly,
  periodEnd: dateOnly,
  standardVersion: z.string().min(1).max(40).optional().openapi({ description: 'Version label; the latest published version when absent' }),
});
const ResponsesBody = z.strictObject({
  responses: z
    .array(z.strictObject({ criterionCode: z.string().min(1).max(40), rating: z.enum(ratings), notes: z.string().max(5000).optional() }))
    .min(1)
    .max(500),
});
const EvidenceForm = z.object({ file: z.instanceof(File).openapi({ type: 'string', format: 'binary' }) });

const Comparison = z
  .object({
    previous: z.object({ id: z.number().int(), periodStart: z.string(), periodEnd: z.string(), standardVersion: z.string() }).nullable(),
    sameVersion: z.boolean().nullable(),
    areas: z.record(z.enum(standardAreas), z.object({ current: tenths, previous: tenths, change: tenths })),
    overall: z.object({ current: tenths, previous: tenths, change: tenths }),
  })
  .openapi('AssessmentComparison');

type Summary = z.infer<typeof AssessmentSummary>;

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function presentDetail(assessment: AssessmentDetail, scores: z.infer<typeof Scores>): z.infer<typeof AssessmentDetailSchema> {
  const responses = new Map(assessment.responses.map((r) => [r.criterionCode, r]));
  return {
    id: assessment.id,
    site: assessment.site.code,
    verifierOrganisation: assessment.verifierOrganisation.code,
    standardVersion: assessment.standardVersion.version,
    periodStart: assessment.periodStart,
    periodEnd: assessment.periodEnd,
    status: assessment.status,
    submittedAt: iso(assessment.submittedAt),
    createdAt: assessment.createdAt.toISOString(),
    rated: assessment.responses.length,
    total: assessment.criteria.length,
    overall: assessment.status === 'submitted' ? scores.overall : null,
    criteria: assessment.criteria.map((criterion) => {
      const response = responses.get(criterion.code);
      return {
        code: criterion.code,
        area: criterion.area,
        level: criterion.level,
        text: { en: criterion.textEn, fr: criterion.textFr },
        guidance: { en: criterion.guidanceEn, fr: criterion.guidanceFr },
        response: response
          ? {
              rating: response.rating,
              notes: response.notes,
              updatedAt: response.updatedAt.toISOString(),
              evidence: response.evidence.map((file) => ({ ...file, url: `/api/v1/files/${file.fileId}` })),
            }
          : null,
      };
    }),
    scores,
  };
}

/** Assessments of sites against the standard: start, save responses area by area, attach evidence, submit, compare. */
export function registerAssessmentsApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: 'post',
      path: '/sites/{code}/assessments',
      tags: ['Assessments'],
      summary: 'Start an assessment of a site for a period (an independent verifier)',
      security: signedInSecurity,
      request: { params: SiteParams, body: { content: { 'application/json': { schema: StartBody } }, required: true } },
      responses: { 201: json(AssessmentSummary, 'Started'), ...errors(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const { code } = c.req.valid('param');
      const started = await runCommand(db, c.get('actor'), (ctx) => startAssessment(ctx, { site: code, ...c.req.valid('json') }));
      const [summary] = (await listAssessments(db, { siteId: started.siteId })).filter((a) => a.id === started.id);
      return c.json(presentSummary(summary!, code), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/sites/{code}/assessments',
      tags: ['Assessments'],
      summary: 'Assessments of a site, latest period first',
      security: signedInSecurity,
      request: { params: SiteParams },
      responses: { 200: json(z.object({ assessments: z.array(AssessmentSummary) })), ...errors(401, 403, 404) },
    }),
    async (c) => {
      const site = await findSiteByCode(c.get('deps').db, c.req.valid('param').code);
      authorize(c.get('actor'), 'assessment.read', { siteCooperativeOrgId: site?.cooperativeOrganisationId ?? -1 });
      if (!site) throw notFound();
      const rows = await listAssessments(c.get('deps').db, { siteId: site.id });
      return c.json({ assessments: rows.map((row) => presentSummary(row, site.code)) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/assessments/{id}',
      tags: ['Assessments'],
      summary: 'An assessment with every criterion, its response and evidence, and the scores so far',
      security: signedInSecurity,
      request: { params: IdParams },
      responses: { 200: json(AssessmentDetailSchema), ...errors(401, 403, 404) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const assessment = await getAssessment(db, c.req.valid('param').id);
      authorize(c.get('actor'), 'assessment.read', { siteCooperativeOrgId: assessment?.site.cooperativeOrganisationId ?? -1 });
      if (!assessment) throw notFound();
      return c.json(presentDetail(assessment, await assessmentScores(db, assessment.id)), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/assessments/{id}/responses',
      tags: ['Assessments'],
      summary: 'Save ratings and notes of some criteria of a draft assessment (one area page at a time)',
      security: signedInSecurity,
      request: { params: IdParams, body: { content: { 'application/json': { schema: ResponsesBody } }, required: true } },
      responses: { 200: json(z.object({ saved: z.array(z.string()), rated: z.number().int(), total: z.number().int() })), ...errors(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const { id } = c.req.valid('param');
      const result = await runCommand(db, c.get('actor'), (ctx) => saveAssessmentResponses(ctx, { assessmentId: id, responses: c.req.valid('json').responses }));
      const assessment = (await findAssessment(db, id))!;
      const [summary] = (await listAssessments(db, { siteId: assessment.siteId })).filter((a) => a.id === id);
      return c.json({ saved: result.saved, rated: summary!.rated, total: summary!.total }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/assessments/{id}/responses/{criterionCode}/evidence',
      tags: ['Assessments'],
      summary: 'Attach an evidence file to a rated criterion of a draft assessment',
      security: signedInSecurity,
      request: {
        params: z.object({ id: z.coerce.number().int().positive(), criterionCode: z.string().min(1).max(40) }),
        body: { content: { 'multipart/form-data': { schema: EvidenceForm } }, required: true },
      },
      responses: { 201: json(Evidence, 'Attached'), ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
    }),
    async (c) => {
      const { id, criterionCode } = c.req.valid('param');
      const { file } = c.req.valid('form');
      const content = Buffer.from(await file.arrayBuffer());
      const attached = await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        attachAssessmentEvidence(ctx, { assessmentId: id, criterionCode, filename: file.name || 'evidence', contentType: file.type, content }),
      );
      const stored = attached.file;
      return c.json({ fileId: stored.id, filename: stored.filename, contentType: stored.contentType, sizeBytes: stored.sizeBytes, sha256: stored.sha256, url: `/api/v1/files/${stored.id}` }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/assessments/{id}/submit',
      tags: ['Assessments'],
      summary: 'Submit a draft assessment whose every criterion is rated; it never changes afterwards',
      security: signedInSecurity,
      request: { params: IdParams },
      responses: { 200: json(z.object({ assessment: AssessmentSummary, scores: Scores })), ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const { id } = c.req.valid('param');
      const { scores } = await runCommand(db, c.get('actor'), (ctx) => submitAssessment(ctx, { assessmentId: id }));
      const assessment = (await findAssessment(db, id))!;
      const [summary] = (await listAssessments(db, { siteId: assessment.siteId })).filter((a) => a.id === id);
      return c.json({ assessment: presentSummary(summary!, assessment.site.code), scores }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/assessments/{id}/comparison',
      tags: ['Assessments'],
      summary: 'Scores per area beside those of the previous submitted assessment of the site',
      security: signedInSecurity,
      request: { params: IdParams },
      responses: { 200: json(Comparison), ...errors(401, 403, 404) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const { id } = c.req.valid('param');
      const assessment = await findAssessment(db, id);
      authorize(c.get('actor'), 'assessment.read', { siteCooperativeOrgId: assessment?.site.cooperativeOrganisationId ?? -1 });
      if (!assessment) throw notFound();
      const comparison = await compareWithPrevious(db, id);
      return c.json(
        {
          ...comparison,
          previous: comparison.previous && {
            id: comparison.previous.id,
            periodStart: comparison.previous.periodStart,
            periodEnd: comparison.previous.periodEnd,
            standardVersion: comparison.previous.standardVersion.version,
          },
        },
        200,
      );
    },
  );
}

function presentSummary(row: Awaited<ReturnType<typeof listAssessments>>[number], siteCode: string): Summary {
  return {
    id: row.id,
    site: siteCode,
    verifierOrganisation: row.verifierOrganisation.code,
    standardVersion: row.standardVersion.version,
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
    status: row.status,
    submittedAt: iso(row.submittedAt),
    createdAt: row.createdAt.toISOString(),
    rated: row.rated,
    total: row.total,
    overall: row.overall,
  };
}
