import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import { insertSite } from '../../test/factories/sites.ts';
import { insertPublishedStandard } from '../../test/factories/standard.ts';
import type { Actor } from '../core/auth/roles.ts';
import { AppError } from '../core/errors.ts';
import { journalSize, listEntries, runCommand } from '../journal/public.ts';
import { saveAssessmentResponses } from './commands/assessments/save-assessment-responses.ts';
import { startAssessment } from './commands/assessments/start-assessment.ts';
import { submitAssessment } from './commands/assessments/submit-assessment.ts';
import { registerAssessmentsPages } from './pages/assessments/index.ts';
import {
  assessmentScores,
  baselineStatus,
  compareWithPrevious,
  computeAssessmentScores,
  latestScoresByArea,
  listAssessments,
  previousSubmittedAssessment,
  scoreTenths,
  type Rating,
} from './queries/assessments.ts';
import { registerAssessmentsApi } from './routes/assessments.ts';
import { assessmentResponses, assessments } from './schema.ts';
import { expectApiRefusal } from '../../test/expect.ts';

let t: TestContext;
let sizeBefore: number;
let site: { id: number; code: string; cooperativeOrganisationId: number };
let verifierOrg: { id: number; code: string };
let verifier: { token: string };
let otherVerifier: { token: string };
let standard: Awaited<ReturnType<typeof insertPublishedStandard>>;

const allCodes = ['HS.1', 'HS.2', 'HS.3', 'CR.1', 'CR.2', 'CG.1', 'CG.2', 'EN.1', 'EN.2', 'LT.1', 'LT.2'];

beforeAll(async () => {
  t = await createTestContext({ extraModules: [{ name: 'sites-test', registerApi: registerAssessmentsApi, registerPages: registerAssessmentsPages }] });
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  site = (await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'KAM' })).site;
  verifierOrg = await t.buildOrganisation({ kind: 'verifier' });
  verifier = await t.buildToken({ role: 'verifier', organisationId: verifierOrg.id });
  otherVerifier = await t.buildToken({ role: 'verifier' });
  await insertPublishedStandard(t.db, { version: '2023.1', publishedAt: new Date('2023-01-01T00:00:00Z') });
  standard = await insertPublishedStandard(t.db, { version: '2024.1', publishedAt: new Date('2024-01-01T00:00:00Z') });
  await insertPublishedStandard(t.db, { version: '2025.0-draft', status: 'draft' });
});
afterAll(() => t.close());
beforeEach(async () => {
  sizeBefore = await journalSize(t.db);
});

const bearer = (token: { token: string }) => ({ authorization: `Bearer ${token.token}` });
const api = (path: string, init?: RequestInit) => t.app.request(`/api/v1${path}`, init);
const countAssessments = async () => Number((await t.db.select({ n: sql<number>`count(*)` }).from(assessments))[0]!.n);
const countResponses = async (assessmentId: number) =>
  Number((await t.db.select({ n: sql<number>`count(*)` }).from(assessmentResponses).where(eq(assessmentResponses.assessmentId, assessmentId)))[0]!.n);

async function lastEvent() {
  const [entry] = await listEntries(t.db, (await journalSize(t.db)) - 1, 1);
  return { text: entry!.bytes.toString('utf8'), event: JSON.parse(entry!.bytes.toString('utf8')) as { type: string; subject: string; payload: Record<string, unknown> } };
}

/** The API refused, and nothing was written. */
async function expectRefusedUnchanged(response: Response, status: number, code: string) {
  const error = await expectApiRefusal(response, status, code);
  expect(await journalSize(t.db)).toBe(sizeBefore);
  return error;
}

async function start(props: { periodStart?: string; periodEnd?: string; standardVersion?: string; token?: { token: string }; siteCode?: string } = {}) {
  const response = await api(
    `/sites/${props.siteCode ?? site.code}/assessments`,
    jsonRequest('POST', { periodStart: props.periodStart ?? '2024-01-01', periodEnd: props.periodEnd ?? '2024-06-30', ...(props.standardVersion ? { standardVersion: props.standardVersion } : {}) }, bearer(props.token ?? verifier)),
  );
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { id: number; standardVersion: string; status: string; total: number };
}

const save = (id: number, responses: { criterionCode: string; rating: string; notes?: string }[], token = verifier) =>
  api(`/assessments/${id}/responses`, jsonRequest('PUT', { responses }, bearer(token)));

async function rateAll(id: number, ratings: Record<string, Rating>) {
  const response = await save(
    id,
    Object.entries(ratings).map(([criterionCode, rating]) => ({ criterionCode, rating })),
  );
  expect(response.status, await response.clone().text()).toBe(200);
}

const allMet = Object.fromEntries(allCodes.map((code) => [code, 'met'])) as Record<string, Rating>;

describe('Assessments', () => {
  describe('starting', () => {
    it('opens a draft for the verifier’s organisation against the latest published version, and journals it', async () => {
      const started = await start();
      expect(started).toMatchObject({ status: 'draft', standardVersion: '2024.1', total: allCodes.length });
      const [row] = await t.db.select().from(assessments).where(eq(assessments.id, started.id));
      expect(row).toMatchObject({ siteId: site.id, verifierOrganisationId: verifierOrg.id, standardVersionId: standard.version.id });
      const { event } = await lastEvent();
      expect(event).toMatchObject({
        type: 'sites.assessment_started',
        subject: `assessment:${started.id}`,
        payload: { assessmentId: started.id, site: 'KAM', verifier: verifierOrg.code, standardVersion: '2024.1', periodStart: '2024-01-01', periodEnd: '2024-06-30' },
      });
      expect(await journalSize(t.db)).toBe(sizeBefore + 1);
    });

    it('uses a named published version', async () => {
      expect((await start({ standardVersion: '2023.1' })).standardVersion).toBe('2023.1');
    });

    it('refuses an unknown or unpublished version with 422, writing nothing', async () => {
      const before = await countAssessments();
      for (const standardVersion of ['1999.9', '2025.0-draft']) {
        const response = await api(`/sites/KAM/assessments`, jsonRequest('POST', { periodStart: '2024-01-01', periodEnd: '2024-06-30', standardVersion }, bearer(verifier)));
        await expectRefusedUnchanged(response, 422, 'standard_version_unavailable');
      }
      expect(await countAssessments()).toBe(before);
    });

    it('refuses a period that ends before it starts with 422, writing nothing', async () => {
      const before = await countAssessments();
      const response = await api(`/sites/KAM/assessments`, jsonRequest('POST', { periodStart: '2024-06-30', periodEnd: '2024-01-01' }, bearer(verifier)));
      await expectRefusedUnchanged(response, 422, 'assessment_period_invalid');
      expect(await countAssessments()).toBe(before);
    });

    it('accepts a one-day period', async () => {
      expect((await start({ periodStart: '2024-03-01', periodEnd: '2024-03-01' })).status).toBe('draft');
    });

    it('refuses malformed dates and unknown fields with 400', async () => {
      await expectRefusedUnchanged(await api(`/sites/KAM/assessments`, jsonRequest('POST', { periodStart: '2024-02-30', periodEnd: '2024-06-30' }, bearer(verifier))), 400, 'validation_failed');
      await expectRefusedUnchanged(await api(`/sites/KAM/assessments`, jsonRequest('POST', { periodStart: '2024-01-01', periodEnd: '2024-06-30', verifierOrganisationId: 1 }, bearer(verifier))), 400, 'validation_failed');
    });

    it('refuses a verifier assessing a site its own organisation operates, through the API and in the command', async () => {
      const own = (await insertSite(t.db, { cooperativeOrganisationId: verifierOrg.id, code: 'OWNV' })).site;
      const before = await countAssessments();
      const error = await expectRefusedUnchanged(await api(`/sites/OWNV/assessments`, jsonRequest('POST', { periodStart: '2024-01-01', periodEnd: '2024-06-30' }, bearer(verifier))), 403, 'assessment_not_independent');
      expect(error.message).toMatch(/independent/);
      const actor: Actor = { kind: 'token', tokenId: 0, orgId: verifierOrg.id, orgCode: verifierOrg.code, orgKind: 'verifier', role: 'verifier' };
      await expect(runCommand(t.db, actor, (ctx) => startAssessment(ctx, { siteId: own.id, periodStart: '2024-01-01', periodEnd: '2024-06-30' }))).rejects.toMatchObject({
        code: 'assessment_not_independent',
        status: 403,
      });
      expect(await countAssessments()).toBe(before);
      expect(await journalSize(t.db)).toBe(sizeBefore);
    });

    it('refuses an actor that is not a verifier organisation in the command', async () => {
      await expect(runCommand(t.db, system, (ctx) => startAssessment(ctx, { siteId: site.id, periodStart: '2024-01-01', periodEnd: '2024-06-30' }))).rejects.toMatchObject({
        code: 'forbidden',
        status: 403,
      });
      const buyer = await t.buildOrganisation({ kind: 'buyer' });
      const misfiled: Actor = { kind: 'token', tokenId: 0, orgId: buyer.id, orgCode: buyer.code, orgKind: 'verifier', role: 'verifier' };
      await expect(runCommand(t.db, misfiled, (ctx) => startAssessment(ctx, { siteId: site.id, periodStart: '2024-01-01', periodEnd: '2024-06-30' }))).rejects.toMatchObject({
        code: 'assessment_verifier_only',
      });
    });

    it('answers an unknown site with 404', async () => {
      await expectRefusedUnchanged(await api(`/sites/NOPE/assessments`, jsonRequest('POST', { periodStart: '2024-01-01', periodEnd: '2024-06-30' }, bearer(verifier))), 404, 'not_found');
    });
  });

  describe('saving responses', () => {
    let id: number;
    beforeAll(async () => {
      id = (await start()).id;
    });

    it('saves one area at a time and replaces earlier answers; the journal gets codes and ratings, never notes', async () => {
      let response = await save(id, [
        { criterionCode: 'HS.1', rating: 'met', notes: 'Safety captain Mutombo showed the register' },
        { criterionCode: 'HS.2', rating: 'partly_met' },
      ]);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ saved: ['HS.1', 'HS.2'], rated: 2, total: allCodes.length });
      const { event, text } = await lastEvent();
      expect(event).toMatchObject({
        type: 'sites.assessment_responses_saved',
        subject: `assessment:${id}`,
        payload: { assessmentId: id, responses: [{ criterion: 'HS.1', rating: 'met' }, { criterion: 'HS.2', rating: 'partly_met' }] },
      });
      expect(text).not.toContain('Mutombo');

      response = await save(id, [{ criterionCode: 'HS.2', rating: 'met', notes: 'Boots now supplied' }]);
      expect(response.status).toBe(200);
      const detail = (await (await api(`/assessments/${id}`, { headers: bearer(verifier) })).json()) as { criteria: { code: string; response: { rating: string; notes: string } | null }[] };
      expect(detail.criteria.find((c) => c.code === 'HS.2')!.response).toMatchObject({ rating: 'met', notes: 'Boots now supplied' });
      expect(detail.criteria.find((c) => c.code === 'HS.1')!.response).toMatchObject({ rating: 'met' });
      expect(await countResponses(id)).toBe(2);
    });

    it('refuses unknown criteria with 422 unknown_criterion listing them, and saves none of the request', async () => {
      const before = await countResponses(id);
      const error = await expectRefusedUnchanged(
        await save(id, [
          { criterionCode: 'CR.1', rating: 'met' },
          { criterionCode: 'XX.9', rating: 'met' },
        ]),
        422,
        'unknown_criterion',
      );
      expect(error.details).toEqual({ codes: ['XX.9'] });
      expect(error.message).toContain('XX.9');
      expect(await countResponses(id)).toBe(before);
    });

    it('refuses a criterion of another version of the standard', async () => {
      await insertPublishedStandard(t.db, { version: '2022.1', publishedAt: new Date('2022-01-01'), criteria: [{ code: 'OLD.1', area: 'environment', level: 'progress' }] });
      await expectRefusedUnchanged(await save(id, [{ criterionCode: 'OLD.1', rating: 'met' }]), 422, 'unknown_criterion');
    });

    it('refuses the same criterion twice in one request, an unknown rating, and an empty list', async () => {
      await expectRefusedUnchanged(
        await save(id, [
          { criterionCode: 'CR.1', rating: 'met' },
          { criterionCode: 'CR.1', rating: 'not_met' },
        ]),
        422,
        'duplicate_criterion',
      );
      await expectRefusedUnchanged(await save(id, [{ criterionCode: 'CR.1', rating: 'excellent' }]), 400, 'validation_failed');
      await expectRefusedUnchanged(await save(id, []), 400, 'validation_failed');
    });

    it('lets only the verifier organisation that started the assessment save', async () => {
      const before = await countResponses(id);
      await expectRefusedUnchanged(await save(id, [{ criterionCode: 'CR.1', rating: 'met' }], otherVerifier), 403, 'assessment_other_verifier');
      expect(await countResponses(id)).toBe(before);
    });

    it('answers an unknown assessment with 404', async () => {
      await expectRefusedUnchanged(await save(999_999, [{ criterionCode: 'CR.1', rating: 'met' }]), 404, 'not_found');
    });
  });

  describe('evidence', () => {
    let id: number;
    beforeAll(async () => {
      id = (await start()).id;
      await rateAll(id, { 'HS.1': 'met' });
    });

    const upload = (criterionCode: string, content = 'minutes of the safety meeting', token = verifier) => {
      const form = new FormData();
      form.set('file', new File([Buffer.from(content)], 'minutes.pdf', { type: 'application/pdf' }));
      return api(`/assessments/${id}/responses/${encodeURIComponent(criterionCode)}/evidence`, { method: 'POST', body: form, headers: bearer(token) });
    };

    it('stores the file, links it to the response and journals its SHA-256 only', async () => {
      const response = await upload('HS.1');
      expect(response.status, await response.clone().text()).toBe(201);
      const body = (await response.json()) as { fileId: number; sha256: string; url: string };
      const { event, text } = await lastEvent();
      expect(event).toMatchObject({ type: 'sites.assessment_evidence_attached', payload: { assessmentId: id, criterion: 'HS.1', sha256: body.sha256 } });
      expect(text).not.toContain('minutes.pdf');
      const detail = (await (await api(`/assessments/${id}`, { headers: bearer(verifier) })).json()) as { criteria: { code: string; response: { evidence: { sha256: string }[] } | null }[] };
      expect(detail.criteria.find((c) => c.code === 'HS.1')!.response!.evidence).toEqual([expect.objectContaining({ sha256: body.sha256, filename: 'minutes.pdf', url: body.url })]);
    });

    it('refuses evidence for a criterion not rated yet, an unknown criterion, an empty file, and another verifier', async () => {
      await expectRefusedUnchanged(await upload('HS.2'), 422, 'evidence_needs_rating');
      await expectRefusedUnchanged(await upload('ZZ.1'), 422, 'unknown_criterion');
      await expectRefusedUnchanged(await upload('HS.1', ''), 422, 'evidence_empty');
      await expectRefusedUnchanged(await upload('HS.1', 'x', otherVerifier), 403, 'assessment_other_verifier');
    });
  });

  describe('submitting', () => {
    it('refuses an assessment with criteria still unrated, listing them, and changes nothing', async () => {
      const { id } = await start();
      await rateAll(id, { 'HS.1': 'met', 'HS.2': 'met' });
      sizeBefore = await journalSize(t.db);
      const error = await expectRefusedUnchanged(await api(`/assessments/${id}/submit`, { method: 'POST', headers: bearer(verifier) }), 422, 'assessment_incomplete');
      expect((error.details as { missing: string[] }).missing).toEqual(allCodes.filter((c) => c !== 'HS.1' && c !== 'HS.2'));
      const [row] = await t.db.select().from(assessments).where(eq(assessments.id, id));
      expect(row!.status).toBe('draft');
    });

    it('submits a complete assessment with its scores, and never lets it change again', async () => {
      const { id } = await start();
      await rateAll(id, { ...allMet, 'HS.2': 'partly_met', 'EN.1': 'not_applicable' });
      sizeBefore = await journalSize(t.db);
      const response = await api(`/assessments/${id}/submit`, { method: 'POST', headers: bearer(verifier) });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { assessment: { status: string; overall: number }; scores: { areas: Record<string, number | null>; overall: number } };
      expect(body.assessment.status).toBe('submitted');
      expect(body.scores.areas.health_safety).toBe(833);
      expect(body.scores.overall).toBe(950);
      const { event } = await lastEvent();
      expect(event).toMatchObject({
        type: 'sites.assessment_submitted',
        payload: { assessmentId: id, site: 'KAM', scoresTenthsOfPercent: { overall: 950, areas: { health_safety: 833, environment: 1000 } }, baseline: { met: true, failing: [] } },
      });

      sizeBefore = await journalSize(t.db);
      await expectRefusedUnchanged(await save(id, [{ criterionCode: 'HS.2', rating: 'met' }]), 409, 'assessment_submitted');
      await expectRefusedUnchanged(await api(`/assessments/${id}/submit`, { method: 'POST', headers: bearer(verifier) }), 409, 'assessment_submitted');
      const form = new FormData();
      form.set('file', new File([Buffer.from('late')], 'late.txt'));
      await expectRefusedUnchanged(await api(`/assessments/${id}/responses/HS.1/evidence`, { method: 'POST', body: form, headers: bearer(verifier) }), 409, 'assessment_submitted');
    });
  });

  describe('scoring', () => {
    const criteria = [
      { code: 'H1', area: 'health_safety', level: 'baseline' },
      { code: 'H2', area: 'health_safety', level: 'progress' },
      { code: 'H3', area: 'health_safety', level: 'progress' },
      { code: 'C1', area: 'child_rights', level: 'baseline' },
      { code: 'C2', area: 'child_rights', level: 'progress' },
      { code: 'G1', area: 'cooperative_governance', level: 'progress' },
      { code: 'G2', area: 'cooperative_governance', level: 'progress' },
      { code: 'E1', area: 'environment', level: 'progress' },
      { code: 'E2', area: 'environment', level: 'progress' },
      { code: 'L1', area: 'legality_traceability', level: 'baseline' },
      { code: 'L2', area: 'legality_traceability', level: 'progress' },
    ] as const;
    const score = (given: Record<string, Rating>) => computeAssessmentScores(criteria, new Map(Object.entries(given)));

    it('counts met 1, partly met 0.5, not met 0, leaves not applicable out, in tenths of a percent', () => {
      const scores = score({ H1: 'met', H2: 'partly_met', H3: 'not_met', C1: 'met', C2: 'not_applicable', G1: 'partly_met', G2: 'partly_met', E1: 'not_applicable', E2: 'not_applicable', L1: 'met', L2: 'partly_met' });
      expect(scores.areas).toEqual({ health_safety: 500, child_rights: 1000, cooperative_governance: 500, environment: null, legality_traceability: 750 });
      // (1 + 0.5 + 0) + 1 + (0.5 + 0.5) + (1 + 0.5) = 5 points over 8 applicable criteria = 62.5 %
      expect(scores.overall).toBe(625);
      expect(scores.baseline).toEqual({ met: true, failing: [] });
    });

    it('rounds half up to the tenth, in integers', () => {
      expect(scoreTenths(1, 8)).toBe(63); // 0.5 / 8 = 6.25 %
      expect(scoreTenths(2, 6)).toBe(167); // 1 / 6 = 16.666… %
      expect(scoreTenths(4, 6)).toBe(333); // 2 / 6 = 33.333… %
      expect(scoreTenths(0, 5)).toBe(0);
      expect(scoreTenths(10, 5)).toBe(1000);
      expect(scoreTenths(0, 0)).toBeNull();
    });

    it('gives no score to an area, or overall, when nothing applicable was rated', () => {
      const scores = score({ E1: 'not_applicable', E2: 'not_applicable' });
      expect(scores.areas.environment).toBeNull();
      expect(scores.overall).toBeNull();
    });

    it('meets the baseline only when every baseline criterion is met or not applicable; unrated ones fail', () => {
      expect(score({ H1: 'met', C1: 'not_applicable', L1: 'met' }).baseline).toEqual({ met: true, failing: [] });
      expect(score({ H1: 'partly_met', C1: 'not_met', L1: 'met' }).baseline).toEqual({ met: false, failing: ['H1', 'C1'] });
      expect(score({ H1: 'met', C1: 'met' }).baseline).toEqual({ met: false, failing: ['L1'] });
    });

    it('gives areas a version has no criterion in a null score, through the database too', async () => {
      const small = await insertPublishedStandard(t.db, {
        version: '2024.2-small',
        publishedAt: new Date('2020-01-01'),
        criteria: [
          { code: 'S.1', area: 'health_safety', level: 'baseline' },
          { code: 'S.2', area: 'health_safety', level: 'progress' },
          { code: 'S.3', area: 'child_rights', level: 'progress' },
        ],
      });
      const { id } = await start({ standardVersion: small.version.version });
      await rateAll(id, { 'S.1': 'met', 'S.2': 'not_met', 'S.3': 'partly_met' });
      expect(await assessmentScores(t.db, id)).toEqual({
        areas: { health_safety: 500, child_rights: 500, cooperative_governance: null, environment: null, legality_traceability: null },
        overall: 500,
        baseline: { met: true, failing: [] },
      });
      expect(await baselineStatus(t.db, id)).toEqual({ met: true, failing: [] });
    });
  });

  describe('comparison with the previous assessment', () => {
    let first: number;
    let second: number;
    let other: { id: number; code: string };

    beforeAll(async () => {
      const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
      other = (await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'MUT' })).site;
      first = (await start({ siteCode: 'MUT', periodStart: '2023-01-01', periodEnd: '2023-12-31' })).id;
      await rateAll(first, { ...allMet, 'HS.1': 'not_met', 'HS.2': 'not_met', 'CR.2': 'partly_met', 'EN.1': 'not_applicable', 'EN.2': 'not_applicable' });
      expect((await api(`/assessments/${first}/submit`, { method: 'POST', headers: bearer(verifier) })).status).toBe(200);
      second = (await start({ siteCode: 'MUT', periodStart: '2024-01-01', periodEnd: '2024-12-31', token: otherVerifier })).id;
      const response = await save(
        second,
        Object.entries({ ...allMet, 'HS.1': 'met', 'HS.2': 'partly_met', 'EN.1': 'met', 'EN.2': 'not_met' }).map(([criterionCode, rating]) => ({ criterionCode, rating })),
        otherVerifier,
      );
      expect(response.status).toBe(200);
      // A draft of a later period is never "the previous" assessment.
      await start({ siteCode: 'MUT', periodStart: '2023-06-01', periodEnd: '2023-12-30' });
      expect((await api(`/assessments/${second}/submit`, { method: 'POST', headers: bearer(otherVerifier) })).status).toBe(200);
    });

    it('finds the previous submitted assessment of the same site', async () => {
      expect((await previousSubmittedAssessment(t.db, second))?.id).toBe(first);
      expect(await previousSubmittedAssessment(t.db, first)).toBeUndefined();
    });

    it('gives each area’s score beside the previous one, and the change in tenths of a point', async () => {
      const comparison = await compareWithPrevious(t.db, second);
      expect(comparison.previous).toMatchObject({ id: first, periodStart: '2023-01-01', periodEnd: '2023-12-31' });
      expect(comparison.sameVersion).toBe(true);
      expect(comparison.areas.health_safety).toEqual({ current: 833, previous: 333, change: 500 });
      expect(comparison.areas.child_rights).toEqual({ current: 1000, previous: 750, change: 250 });
      expect(comparison.areas.environment).toEqual({ current: 500, previous: null, change: null });
      expect(comparison.overall).toEqual({ current: 864, previous: 722, change: 142 });
      const response = await api(`/assessments/${second}/comparison`, { headers: bearer(verifier) });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ previous: { id: first, standardVersion: '2024.1' }, overall: { change: 142 } });
    });

    it('has nothing to compare the first assessment with', async () => {
      const comparison = await compareWithPrevious(t.db, first);
      expect(comparison.previous).toBeNull();
      expect(comparison.overall).toEqual({ current: 722, previous: null, change: null });
    });

    it('gives the latest submitted scores of a site with their period', async () => {
      expect(await latestScoresByArea(t.db, other.id)).toMatchObject({ assessmentId: second, periodStart: '2024-01-01', periodEnd: '2024-12-31', overall: 864, areas: { health_safety: 833 } });
      const empty = await t.buildOrganisation({ kind: 'cooperative' });
      const fresh = (await insertSite(t.db, { cooperativeOrganisationId: empty.id, code: 'NEWS' })).site;
      expect(await latestScoresByArea(t.db, fresh.id)).toBeNull();
    });

    it('lists a site’s assessments latest period first, with overall scores once submitted', async () => {
      const rows = await listAssessments(t.db, { siteId: other.id });
      expect(rows.map((r) => [r.periodEnd, r.status, r.overall])).toEqual([
        ['2024-12-31', 'submitted', 864],
        ['2023-12-31', 'submitted', 722],
        ['2023-12-30', 'draft', null],
      ]);
    });
  });

  describe('commands used directly', () => {
    it('refuse to save into an assessment of another verifier organisation', async () => {
      const { id } = await start();
      const other = await t.buildOrganisation({ kind: 'verifier' });
      const actor: Actor = { kind: 'token', tokenId: 0, orgId: other.id, orgCode: other.code, orgKind: 'verifier', role: 'verifier' };
      const attempt = runCommand(t.db, actor, (ctx) => saveAssessmentResponses(ctx, { assessmentId: id, responses: [{ criterionCode: 'HS.1', rating: 'met' }] }));
      await expect(attempt).rejects.toBeInstanceOf(AppError);
      await expect(runCommand(t.db, actor, (ctx) => submitAssessment(ctx, { assessmentId: id }))).rejects.toMatchObject({ code: 'assessment_other_verifier' });
    });
  });
});

describe('Who may use the assessment API', () => {
  type Who = 'assessing verifier' | 'verifier of another organisation' | 'cooperative of the site' | 'cooperative of another site' | 'buyer' | 'admin' | 'field officer' | 'anonymous';
  const headers = new Map<Who, Record<string, string>>();
  let draft: number;
  let submitted: number;

  beforeAll(async () => {
    const other = await t.buildOrganisation({ kind: 'cooperative' });
    await insertSite(t.db, { cooperativeOrganisationId: other.id, code: 'OTH' });
    headers.set('assessing verifier', bearer(verifier));
    headers.set('verifier of another organisation', bearer(otherVerifier));
    headers.set('cooperative of the site', bearer(await t.buildToken({ role: 'cooperative', organisationId: site.cooperativeOrganisationId })));
    headers.set('cooperative of another site', bearer(await t.buildToken({ role: 'cooperative', organisationId: other.id })));
    headers.set('buyer', bearer(await t.buildToken({ role: 'buyer' })));
    headers.set('admin', bearer(await t.buildToken({ role: 'admin' })));
    headers.set('field officer', bearer(await t.buildToken({ role: 'field' })));
    headers.set('anonymous', {});
    draft = (await start()).id;
    await rateAll(draft, { 'HS.1': 'met' });
    submitted = (await start()).id;
    await rateAll(submitted, allMet);
    expect((await api(`/assessments/${submitted}/submit`, { method: 'POST', headers: bearer(verifier) })).status).toBe(200);
  });

  const readers: Record<Who, number> = {
    'assessing verifier': 200,
    'verifier of another organisation': 200,
    'cooperative of the site': 200,
    'cooperative of another site': 403,
    buyer: 403,
    admin: 200,
    'field officer': 200,
    anonymous: 401,
  };
  const writers = (own: number, other: number): Record<Who, number> => ({
    'assessing verifier': own,
    'verifier of another organisation': other,
    'cooperative of the site': 403,
    'cooperative of another site': 403,
    buyer: 403,
    admin: 403,
    'field officer': 403,
    anonymous: 401,
  });
  const evidence = () => {
    const form = new FormData();
    form.set('file', new File([Buffer.from('photo')], 'pit.jpg', { type: 'image/jpeg' }));
    return form;
  };

  const cases: { name: string; expected: Record<Who, number>; request: () => { path: string; init?: RequestInit } }[] = [
    { name: 'POST /sites/{code}/assessments', expected: writers(201, 201), request: () => ({ path: '/sites/KAM/assessments', init: jsonRequest('POST', { periodStart: '2024-01-01', periodEnd: '2024-03-31' }) }) },
    { name: 'GET /sites/{code}/assessments', expected: readers, request: () => ({ path: '/sites/KAM/assessments' }) },
    { name: 'GET /assessments/{id}', expected: readers, request: () => ({ path: `/assessments/${draft}` }) },
    { name: 'GET /assessments/{id}/comparison', expected: readers, request: () => ({ path: `/assessments/${submitted}/comparison` }) },
    { name: 'PUT /assessments/{id}/responses', expected: writers(200, 403), request: () => ({ path: `/assessments/${draft}/responses`, init: jsonRequest('PUT', { responses: [{ criterionCode: 'HS.2', rating: 'met' }] }) }) },
    { name: 'POST /assessments/{id}/responses/{code}/evidence', expected: writers(201, 403), request: () => ({ path: `/assessments/${draft}/responses/HS.1/evidence`, init: { method: 'POST', body: evidence() } }) },
    // The assessing verifier passes the policy and meets the command's own rule: the draft is incomplete.
    { name: 'POST /assessments/{id}/submit', expected: writers(422, 403), request: () => ({ path: `/assessments/${draft}/submit`, init: { method: 'POST' } }) },
  ];

  for (const testCase of cases) {
    describe(testCase.name, () => {
      for (const [who, status] of Object.entries(testCase.expected) as [Who, number][]) {
        it(`${status < 300 ? 'allows' : 'refuses'} the ${who} (${status})`, async () => {
          const { path, init = {} } = testCase.request();
          const response = await api(path, { ...init, headers: { ...((init.headers as Record<string, string>) ?? {}), ...headers.get(who) } });
          expect(response.status, await response.clone().text()).toBe(status);
        });
      }
    });
  }

  it('tells a verifier of the site’s own organisation why it may not assess, while it may still read', async () => {
    const ownVerifierOrg = await t.buildOrganisation({ kind: 'verifier' });
    const ownVerifier = await t.buildToken({ role: 'verifier', organisationId: ownVerifierOrg.id });
    await insertSite(t.db, { cooperativeOrganisationId: ownVerifierOrg.id, code: 'SELF' });
    sizeBefore = await journalSize(t.db);
    await expectRefusedUnchanged(await api('/sites/SELF/assessments', jsonRequest('POST', { periodStart: '2024-01-01', periodEnd: '2024-03-31' }, bearer(ownVerifier))), 403, 'assessment_not_independent');
    expect((await api('/sites/SELF/assessments', { headers: bearer(ownVerifier) })).status).toBe(200);
  });
});

describe('Assessment pages', () => {
  let session: { cookie: string; csrfToken: string };
  let id: number;

  beforeAll(async () => {
    const user = await t.buildUser({ role: 'verifier', organisationId: verifierOrg.id });
    session = await t.signIn(user.email, user.password);
  });

  const get = (path: string, as = session) => t.app.request(path, { headers: { cookie: as.cookie } });
  const post = (path: string, form: Record<string, string>, as = session) =>
    t.app.request(path, {
      method: 'POST',
      headers: { cookie: as.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: as.csrfToken, ...form }).toString(),
    });

  it('starts an assessment from the form, and refuses a period that ends before it starts', async () => {
    const form = await (await get('/sites/KAM/assessments/new')).text();
    expect(form).toContain('name="periodStart"');
    expect(form).toContain('<option value="2024.1" selected="">2024.1</option>');
    const before = await countAssessments();
    const wrong = await post('/sites/KAM/assessments/new', { periodStart: '2025-06-30', periodEnd: '2025-01-01', standardVersion: '2024.1' });
    expect(wrong.status).toBe(422);
    const html = await wrong.text();
    expect(html).toContain('There is a problem');
    expect(html).toContain('value="2025-06-30"');
    expect(await countAssessments()).toBe(before);
    const created = await post('/sites/KAM/assessments/new', { periodStart: '2025-01-01', periodEnd: '2025-06-30', standardVersion: '2024.1' });
    expect(created.status).toBe(303);
    id = Number(/\/assessments\/(\d+)$/.exec(created.headers.get('location') ?? '')![1]);
    expect(id).toBeGreaterThan(0);
  });

  it('shows each criterion of an area as a fieldset of four labelled radio buttons and a notes box, in the reader’s language', async () => {
    const response = await get(`/assessments/${id}/areas/health_safety`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<fieldset class="criterion" id="criterion-HS.1"');
    expect(html).toMatch(/<legend><span class="mono">HS.1<\/span> Requirement HS.1/);
    expect(html).toContain('<input type="radio" id="rating-HS.1" name="rating-HS.1" value="met"');
    expect(html).toContain('<label for="rating-HS.1">Met</label>');
    expect(html).toContain('<label for="rating-HS.1-not_applicable">Not applicable</label>');
    expect(html).toContain('<details><summary>Guidance for the verifier</summary><p>How to check HS.1</p></details>');
    expect(html).toContain('<textarea id="notes-HS.1" name="notes-HS.1"');
    expect(html).toContain('Save and continue');
    const french = await (await get(`/assessments/${id}/areas/health_safety?lang=fr`)).text();
    expect(french).toContain('<label for="rating-HS.1-partly_met">Partiellement satisfait</label>');
    expect(french).toContain('Exigence HS.1');
    expect(french).toContain('Enregistrer et continuer');
  });

  it('saves an area page and goes on to the next area; coming back shows what was saved', async () => {
    const response = await post(`/assessments/${id}/areas/health_safety`, {
      'rating-HS.1': 'met',
      'notes-HS.1': 'Covered pits checked',
      'rating-HS.2': 'partly_met',
      'notes-HS.2': '',
      'notes-HS.3': '',
      then: 'next',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/assessments/${id}/areas/child_rights`);
    expect(await countResponses(id)).toBe(2);
    const html = await (await get(`/assessments/${id}/areas/health_safety`)).text();
    expect(html).toMatch(/id="rating-HS.1" name="rating-HS.1" value="met" checked=""/);
    expect(html).toMatch(/id="rating-HS.2-partly_met" name="rating-HS.2" value="partly_met" checked=""/);
    expect(html).toContain('Covered pits checked</textarea>');
  });

  it('refuses notes without a rating, keeps what was typed and writes nothing', async () => {
    sizeBefore = await journalSize(t.db);
    const response = await post(`/assessments/${id}/areas/health_safety`, { 'rating-HS.1': 'not_met', 'notes-HS.3': 'Rope ladders worn', then: 'next' });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('<a href="#rating-HS.3">Choose a rating for HS.3, or clear its notes</a>');
    expect(html).toContain('Rope ladders worn</textarea>');
    expect(html).toMatch(/value="not_met" checked=""/);
    expect(await journalSize(t.db)).toBe(sizeBefore);
  });

  it('refuses a criterion that is not in the area with 422, writing nothing', async () => {
    sizeBefore = await journalSize(t.db);
    const response = await post(`/assessments/${id}/areas/health_safety`, { 'rating-HS.1': 'met', 'rating-XX.1': 'met' });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('XX.1');
    expect(await journalSize(t.db)).toBe(sizeBefore);
  });

  it('refuses a form without the page’s CSRF token', async () => {
    const response = await t.app.request(`/assessments/${id}/areas/health_safety`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'rating-HS.1=met',
    });
    expect(response.status).toBe(403);
  });

  it('shows the answers read-only to a cooperative of the site, and refuses its posts', async () => {
    const user = await t.buildUser({ role: 'cooperative', organisationId: site.cooperativeOrganisationId });
    const cooperative = await t.signIn(user.email, user.password);
    const html = await (await get(`/assessments/${id}/areas/health_safety`, cooperative)).text();
    expect(html).not.toContain('type="radio"');
    expect(html).toContain('Covered pits checked');
    expect((await post(`/assessments/${id}/areas/health_safety`, { 'rating-HS.1': 'not_met' }, cooperative)).status).toBe(403);
  });

  it('will not submit an incomplete assessment, then submits one whose areas are all saved', async () => {
    const review = await (await get(`/assessments/${id}/submit`)).text();
    expect(review).toContain('What happens when you submit');
    expect(review).toContain('no rating, note or evidence file can be changed afterwards');
    const refused = await post(`/assessments/${id}/submit`, {});
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('criteria are not rated yet');

    const areas = ['health_safety', 'child_rights', 'cooperative_governance', 'environment', 'legality_traceability'];
    for (const [index, area] of areas.entries()) {
      const codes = allCodes.filter((code) => code.startsWith({ health_safety: 'HS', child_rights: 'CR', cooperative_governance: 'CG', environment: 'EN', legality_traceability: 'LT' }[area]!));
      const response = await post(`/assessments/${id}/areas/${area}`, { ...Object.fromEntries(codes.map((code) => [`rating-${code}`, 'met'])), then: 'next' });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(index === areas.length - 1 ? `/assessments/${id}/submit` : `/assessments/${id}/areas/${areas[index + 1]}`);
    }
    const submitted = await post(`/assessments/${id}/submit`, {});
    expect(submitted.status).toBe(303);
    expect(submitted.headers.get('location')).toBe(`/assessments/${id}?submitted=1`);
    const overview = await (await get(`/assessments/${id}?submitted=1`)).text();
    expect(overview).toContain('The assessment is submitted');
    expect(overview).toContain('100.0%');
    expect(overview).toContain('How the scores are computed');
    const list = await (await get('/sites/KAM/assessments')).text();
    expect(list).toContain('<strong class="tag tag-green">Submitted</strong>');
  });
});
