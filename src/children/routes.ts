import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { authorize } from '../core/auth/policies.ts';
import type { Actor } from '../core/auth/roles.ts';
import { isoDateOf } from '../core/calendar.ts';
import { notFound } from '../core/errors.ts';
import type { Database } from '../db/connect.ts';
import { runCommand } from '../journal/public.ts';
import type { AppEnv } from '../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../web/openapi.ts';
import { addSupport, supportCurrencies } from './commands/add-support.ts';
import { closeCase } from './commands/close-case.ts';
import { confirmReferral, openCase } from './commands/open-case.ts';
import { recordVisit } from './commands/record-visit.ts';
import { loadFollowUpSchedule } from './follow-up.ts';

import { caseOrganisationOf, caseStages, getCase, listCases, type CaseDetail, type CaseSummary } from './queries/cases.ts';
import { publicChildrenSummary } from './queries/summary.ts';
import { listNewReferrals } from './referrals.ts';
import { childActivities, closureReasons, householdHeads, identificationSources, riskLevels, supportKinds, visitOutcomes } from './schema.ts';
import { sexes } from '../sites/public.ts';
import { assertReadsReferrals } from './commands/shared.ts';

const errors = errorResponses;
const json = jsonResponse;

const IsoDate = z.iso.date().openapi({ example: '2025-03-31' });
const CaseParams = z.object({ id: z.coerce.number().int().positive().openapi({ description: 'The case’s internal number' }) });

/** The organisation the actor works for; cases are always managed by the actor's own organisation. */
export const actorOrganisationId = (actor: Actor): number => ('orgId' in actor && actor.orgId !== null ? actor.orgId : -1);

/** The name key until the server passes one in its dependencies (see name-key.ts). */
/** The key that seals children's names, as the server loaded it (outside the database). */
export const nameKeyOf = (c: Context<AppEnv>) => c.get('deps').childNameKey;

const Circumstances = {
  activity: z.enum(childActivities),
  community: z.string().trim().min(1).max(200).openapi({ description: 'Community or neighbourhood where the child lives' }),
  householdHead: z.enum(householdHeads),
  householdSize: z.number().int().min(1).max(50),
  riskLevel: z.enum(riskLevels),
  name: z.string().trim().max(200).nullable().optional().openapi({ description: 'Optional; stored only encrypted, with a key kept outside the database' }),
};

const OpenCaseBody = z
  .strictObject({
    site: z.string().min(1).max(10).openapi({ example: 'KAM' }),
    sex: z.enum(sexes),
    ageAtIdentification: z.number().int().min(0).max(120).openapi({ description: 'Whole years; 18 or over is refused' }),
    identifiedOn: IsoDate,
    identifiedBy: z.enum(identificationSources),
    ...Circumstances,
  })
  .openapi('OpenChildCase');
const ConfirmBody = z.strictObject(Circumstances).openapi('ConfirmChildReferral');
const SupportBody = z
  .strictObject({
    kind: z.enum(supportKinds),
    provider: z.string().min(1).max(60).openapi({ description: 'Code of an accredited case-management organisation', example: 'kolwezi-care' }),
    startedOn: IsoDate,
    endedOn: IsoDate.nullable().optional(),
    costMinor: z.number().int().min(0).openapi({ description: 'In minor units of the currency (cents)' }),
    currency: z.enum(Object.keys(supportCurrencies) as ['USD', 'CDF']),
  })
  .openapi('AddChildSupport');
const VisitBody = z
  .strictObject({
    visitedOn: IsoDate,
    outcome: z.enum(visitOutcomes),
    dueMonths: z.number().int().min(1).max(240).nullable().openapi({ description: 'The scheduled visit (3, 6, 18 … months after the plan starts), or null for a visit outside the schedule' }),
  })
  .openapi('RecordChildVisit');
const CloseBody = z.strictObject({ closedOn: IsoDate, reason: z.enum(closureReasons) }).openapi('CloseChildCase');

const Due = z.object({ dueMonths: z.number().int(), dueOn: z.string() });
const Visit = z.object({ id: z.number().int(), dueMonths: z.number().int().nullable(), visitedOn: z.string(), outcome: z.enum(visitOutcomes) });
const CaseSummarySchema = z
  .object({
    id: z.number().int(),
    code: z.string().openapi({ description: 'Pseudonymous case code, for the case-management side only', example: 'XYZ-C-0042' }),
    site: z.string(),
    caseOrganisation: z.string(),
    sex: z.enum(sexes),
    ageAtIdentification: z.number().int(),
    activity: z.enum(childActivities),
    riskLevel: z.enum(riskLevels),
    identifiedOn: z.string(),
    planStartedOn: z.string().nullable(),
    stage: z.enum(caseStages),
    latestVisit: Visit.nullable(),
    nextVisit: Due.nullable(),
    overdueVisits: z.array(Due),
    closedOn: z.string().nullable(),
    closureReason: z.enum(closureReasons).nullable(),
  })
  .openapi('ChildCaseSummary');
const CaseDetailSchema = CaseSummarySchema.extend({
  referred: z.boolean(),
  community: z.string(),
  householdHead: z.enum(householdHeads),
  householdSize: z.number().int(),
  identifiedBy: z.enum(identificationSources),
  name: z.object({ recorded: z.boolean(), value: z.string().nullable().openapi({ description: 'Null when none is recorded or this server lacks the key' }) }),
  supports: z.array(
    z.object({ id: z.number().int(), kind: z.enum(supportKinds), provider: z.string(), startedOn: z.string(), endedOn: z.string().nullable(), costMinor: z.number().int(), currency: z.string() }),
  ),
  visits: z.array(Visit),
  schedule: z.array(Due.extend({ visited: z.boolean() })),
}).openapi('ChildCase');

const presentVisit = (v: { id: number; dueMonths: number | null; visitedOn: string; outcome: (typeof visitOutcomes)[number] }) => ({ id: v.id, dueMonths: v.dueMonths, visitedOn: v.visitedOn, outcome: v.outcome });

function presentSummary(c: CaseSummary): z.infer<typeof CaseSummarySchema> {
  return {
    id: c.id,
    code: c.code,
    site: c.siteCode,
    caseOrganisation: c.caseOrganisationCode,
    sex: c.sex,
    ageAtIdentification: c.ageAtIdentification,
    activity: c.activity,
    riskLevel: c.riskLevel,
    identifiedOn: c.identifiedOn,
    planStartedOn: c.planStartedOn,
    stage: c.stage,
    latestVisit: c.latestVisit && presentVisit(c.latestVisit),
    nextVisit: c.nextVisit,
    overdueVisits: c.overdue,
    closedOn: c.closedOn,
    closureReason: c.closureReason,
  };
}

function presentDetail(c: CaseDetail): z.infer<typeof CaseDetailSchema> {
  return {
    id: c.id,
    code: c.code,
    site: c.siteCode,
    caseOrganisation: c.caseOrganisationCode,
    sex: c.sex,
    ageAtIdentification: c.ageAtIdentification,
    activity: c.activity,
    riskLevel: c.riskLevel,
    identifiedOn: c.identifiedOn,
    planStartedOn: c.planStartedOn,
    stage: c.stage,
    latestVisit: c.visits.length > 0 ? presentVisit(c.visits.at(-1)!) : null,
    nextVisit: c.schedule.find((d) => !d.visit && !c.closedOn) ?? null,
    overdueVisits: c.overdue,
    closedOn: c.closedOn,
    closureReason: c.closureReason,
    referred: c.referralId !== null,
    community: c.community,
    householdHead: c.householdHead,
    householdSize: c.householdSize,
    identifiedBy: c.identifiedBy,
    name: c.name,
    supports: c.supports.map((s) => ({ id: s.id, kind: s.kind, provider: s.providerCode, startedOn: s.startedOn, endedOn: s.endedOn, costMinor: s.costMinor, currency: s.currency })),
    visits: c.visits.map(presentVisit),
    schedule: c.schedule.map((d) => ({ dueMonths: d.dueMonths, dueOn: d.dueOn, visited: d.visit !== null })),
  };
}

/** Loads a case for a reader or writer the policy admits (404 for a case that does not exist, 403 for one of another organisation). */
export async function authorizedCase(db: Database, actor: Actor, caseId: number, access: 'read' | 'write') {
  const caseOrgId = (await caseOrganisationOf(db, caseId)) ?? -1;
  authorize(actor, access === 'read' ? 'children.case.read' : 'children.case.write', { caseOrgId });
  if (caseOrgId === -1) throw notFound();
}

export async function loadCaseDetail(c: Context<AppEnv>, caseId: number) {
  const db = c.get('deps').db;
  const detail = await getCase(db, { caseId, schedule: await loadFollowUpSchedule(db), today: isoDateOf(new Date()), nameKey: nameKeyOf(c) });
  if (!detail) throw notFound();
  return detail;
}

const PublicCount = z.union([z.object({ value: z.number().int() }), z.object({ suppressed: z.enum(['fewer_than_5', 'secondary']) })]).openapi('ChildrenPublicCount', {
  description: '{"value": n}, or {"suppressed": "fewer_than_5"} for a count under 5, or {"suppressed": "secondary"} for a count that would reveal one by subtraction',
});
const Breakdown = z.record(z.string(), PublicCount);
const SummarySchema = z
  .object({
    year: z.number().int(),
    threshold: z.number().int(),
    identified: z.object({ total: PublicCount, byAgeGroup: Breakdown, bySex: Breakdown, byActivity: Breakdown, bySite: Breakdown }),
    caseload: PublicCount,
    receivingSupport: z.object({ count: PublicCount, sharePercent: z.number().nullable() }),
    followedUp: PublicCount,
    notInChildLabour: z.object({ count: PublicCount, sharePercent: z.number().nullable() }),
    closed: z.object({ total: PublicCount, byReason: Breakdown }),
    averageDaysToRemediatedClosure: PublicCount,
  })
  .openapi('ChildrenSummary');

export const YearQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional().openapi({ description: 'Calendar year; the current one by default' }) });

/** Child-labour remediation: the public aggregate, and the case-management API for the organisation that manages each case. */
export function registerChildrenApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/children/summary',
      tags: ['Children'],
      summary: 'Public figures of a year (ICI / ECLT conventions): aggregates only, any count under 5 suppressed',
      request: { query: YearQuery },
      responses: { 200: json(SummarySchema), ...errors(400) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'children.read.public');
      const year = c.req.valid('query').year ?? new Date().getUTCFullYear();
      return c.json(await publicChildrenSummary(c.get('deps').db, year), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/children/referrals',
      tags: ['Children'],
      summary: 'Worker-register referrals of under-18s waiting to be confirmed as cases',
      security: signedInSecurity,
      responses: {
        200: json(z.object({ referrals: z.array(z.object({ code: z.string(), site: z.string(), sex: z.enum(sexes), ageYears: z.number().int(), group: z.string().nullable(), referredOn: z.string() })) })),
        ...errors(401, 403),
      },
    }),
    async (c) => {
      await assertReadsReferrals(c.get('deps').db, c.get('actor'));
      const rows = await listNewReferrals(c.get('deps').db);
      return c.json({ referrals: rows.map((r) => ({ code: r.code, site: r.siteCode, sex: r.sex, ageYears: r.ageYears, group: r.groupCode, referredOn: r.referredOn })) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/children/referrals/{code}/confirm',
      tags: ['Children'],
      summary: 'Confirm a referral as a case managed by the caller’s organisation (once per referral)',
      security: signedInSecurity,
      request: { params: z.object({ code: z.string().max(40) }), body: { content: { 'application/json': { schema: ConfirmBody } }, required: true } },
      responses: { 201: json(CaseDetailSchema, 'Case opened'), ...errors(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      authorize(actor, 'children.case.write', { caseOrgId: actorOrganisationId(actor) });
      const created = await runCommand(db, actor, (ctx) =>
        confirmReferral(ctx, { ...c.req.valid('json'), referralCode: c.req.valid('param').code, caseOrganisationId: actorOrganisationId(actor), nameKey: nameKeyOf(c) }),
      );
      return c.json(presentDetail(await loadCaseDetail(c, created.id)), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/children/cases',
      tags: ['Children'],
      summary: 'The cases the caller’s organisation manages, with their stage and visits due',
      security: signedInSecurity,
      request: {
        query: z.object({
          stage: z.enum(caseStages).optional(),
          site: z.string().max(10).optional(),
          risk: z.enum(riskLevels).optional(),
          overdue: z.enum(['true', 'false']).optional().openapi({ description: 'Only cases with an overdue visit' }),
        }),
      },
      responses: { 200: json(z.object({ cases: z.array(CaseSummarySchema) })), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const actor = c.get('actor');
      authorize(actor, 'children.case.list');
      const db = c.get('deps').db;
      const query = c.req.valid('query');
      const rows = await listCases(db, {
        caseOrganisationId: actorOrganisationId(actor),
        schedule: await loadFollowUpSchedule(db),
        today: isoDateOf(new Date()),
        filters: { stage: query.stage, site: query.site, risk: query.risk, overdue: query.overdue === 'true' },
      });
      return c.json({ cases: rows.map(presentSummary) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/children/cases',
      tags: ['Children'],
      summary: 'Open a case for a child identified at a site, managed by the caller’s organisation',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: OpenCaseBody } }, required: true } },
      responses: { 201: json(CaseDetailSchema, 'Case opened'), ...errors(400, 401, 403, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      authorize(actor, 'children.case.write', { caseOrgId: actorOrganisationId(actor) });
      const { site, ...body } = c.req.valid('json');
      const created = await runCommand(db, actor, (ctx) => openCase(ctx, { ...body, siteCode: site, caseOrganisationId: actorOrganisationId(actor), nameKey: nameKeyOf(c) }));
      return c.json(presentDetail(await loadCaseDetail(c, created.id)), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/children/cases/{id}',
      tags: ['Children'],
      summary: 'One case with its plan, visits and schedule (the managing organisation’s admin and field users only)',
      security: signedInSecurity,
      request: { params: CaseParams },
      responses: { 200: json(CaseDetailSchema), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const { id } = c.req.valid('param');
      await authorizedCase(db, c.get('actor'), id, 'read');
      return c.json(presentDetail(await loadCaseDetail(c, id)), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/children/cases/{id}/supports',
      tags: ['Children'],
      summary: 'Add a support to the case’s remediation plan; the first one starts the plan',
      security: signedInSecurity,
      request: { params: CaseParams, body: { content: { 'application/json': { schema: SupportBody } }, required: true } },
      responses: { 201: json(CaseDetailSchema, 'Support added'), ...errors(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      const { id } = c.req.valid('param');
      await authorizedCase(db, actor, id, 'write');
      await runCommand(db, actor, (ctx) => addSupport(ctx, { caseId: id, ...c.req.valid('json') }));
      return c.json(presentDetail(await loadCaseDetail(c, id)), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/children/cases/{id}/visits',
      tags: ['Children'],
      summary: 'Record a follow-up visit: in school or training, working, or not found',
      security: signedInSecurity,
      request: { params: CaseParams, body: { content: { 'application/json': { schema: VisitBody } }, required: true } },
      responses: { 201: json(CaseDetailSchema, 'Visit recorded'), ...errors(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      const { id } = c.req.valid('param');
      await authorizedCase(db, actor, id, 'write');
      await runCommand(db, actor, (ctx) => recordVisit(ctx, { caseId: id, ...c.req.valid('json') }));
      return c.json(presentDetail(await loadCaseDetail(c, id)), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/children/cases/{id}/close',
      tags: ['Children'],
      summary: 'Close a case; as remediated only when the child was not working at the 3- and 6-month visits',
      security: signedInSecurity,
      request: { params: CaseParams, body: { content: { 'application/json': { schema: CloseBody } }, required: true } },
      responses: { 200: json(CaseDetailSchema), ...errors(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      const { id } = c.req.valid('param');
      await authorizedCase(db, actor, id, 'write');
      await runCommand(db, actor, (ctx) => closeCase(ctx, { caseId: id, ...c.req.valid('json') }));
      return c.json(presentDetail(await loadCaseDetail(c, id)), 200);
    },
  );
}

