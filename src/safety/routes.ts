import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../core/auth/policies.ts';
import type { Database } from '../db/connect.ts';
import { runCommand } from '../journal/public.ts';
import type { AppEnv } from '../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../web/openapi.ts';
import { recordHoursWorked, setWorkPattern } from './commands/exposure.ts';
import { correctIncident, recordIncident, type IncidentFacts } from './commands/incidents.ts';
import { recordIntervention } from './commands/interventions.ts';
import { safetyError } from './messages/errors.ts';
import { monthsOfYear, type Exposure, type Rates } from './rates.ts';
import { listInterventions, monthExposures, recordedHours, workPatterns, type YearFigures } from './queries/figures.ts';
import { findIncident, listIncidents, type IncidentDetail } from './queries/incidents.ts';
import { safetySite, safetySites, siteSafetySummary, type SiteSafetySummary } from './queries/summary.ts';
import { incidentKinds, incidentSeverities, incidentStatuses } from './schema.ts';

const errors = errorResponses;
const json = jsonResponse;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const Year = z.coerce.number().int().min(2000).max(2100);
const SiteParams = z.object({ code: z.string().max(6) });
const IncidentParams = z.object({ code: z.string().max(6), id: z.coerce.number().int().positive() });

const People = z
  .object({
    sex: z.string().max(10).openapi({ example: 'female', description: 'female or male' }),
    ageGroup: z.string().max(10).openapi({ example: '18_24', description: 'under_18, 18_24, 25_54, 55_plus or unknown' }),
    operatorGroup: z.string().max(40).nullable().optional().openapi({ example: 'washers', description: 'An operator group code of the site; none for someone outside the groups' }),
    count: z.number().openapi({ description: 'How many people of this sex, age group and operator group; a whole number from 0 to 1,000' }),
  })
  .openapi('SafetyPeopleCount');

const IncidentBody = z
  .strictObject({
    occurredOn: z.string().max(10).openapi({ example: '2025-02-10', description: 'Local date at the site, YYYY-MM-DD; not in the future' }),
    occurredTime: z.string().max(5).nullable().optional().openapi({ example: '09:30', description: 'Local time at the site, HH:MM' }),
    pit: z.string().max(20).nullable().optional().openapi({ example: 'P012', description: 'A pit code of the site' }),
    kind: z.string().max(40).openapi({ example: 'flooding', description: incidentKinds.join(', ') }),
    severity: z.string().max(40).openapi({ example: 'serious_lost_time', description: incidentSeverities.join(', ') }),
    status: z.string().max(40).optional().openapi({ example: 'reported', description: `${incidentStatuses.join(', ')}; reported when left out` }),
    description: z.string().max(2000),
    immediateAction: z.string().max(2000).optional(),
    rootCause: z.string().max(2000).optional(),
    people: z.array(People).max(50).default([]),
    correctiveActionIds: z.array(z.number().int()).max(50).optional().openapi({ description: 'Ids of the site’s corrective actions the incident led to' }),
  })
  .openapi('SafetyIncidentInput');

const CorrectionBody = IncidentBody.extend({ reason: z.string().max(500) }).openapi('SafetyIncidentCorrectionInput');

const Incident = z
  .object({
    id: z.number().int(),
    site: z.string(),
    occurredOn: z.string(),
    occurredTime: z.string().nullable(),
    pit: z.string().nullable(),
    kind: z.string(),
    severity: z.string(),
    status: z.string(),
    description: z.string(),
    immediateAction: z.string(),
    rootCause: z.string(),
    people: z.array(z.object({ sex: z.string(), ageGroup: z.string(), operatorGroup: z.string().nullable(), count: z.number().int() })),
    correctiveActions: z.array(z.object({ id: z.number().int(), title: z.string(), status: z.string(), dueOn: z.string() })),
    correctsId: z.number().int().nullable(),
    correctionReason: z.string().nullable(),
    correctedById: z.number().int().nullable(),
    counts: z.boolean().openapi({ description: 'No later entry supersedes it and it is not withdrawn: figures count it' }),
    history: z.array(z.object({ id: z.number().int(), severity: z.string(), status: z.string(), correctionReason: z.string().nullable(), recordedAt: z.string() })),
    recordedAt: z.string(),
  })
  .openapi('SafetyIncident');

const IncidentListItem = z
  .object({
    id: z.number().int(),
    occurredOn: z.string(),
    occurredTime: z.string().nullable(),
    pit: z.string().nullable(),
    kind: z.string(),
    severity: z.string(),
    status: z.string(),
    peopleAffected: z.number().int(),
    correctsId: z.number().int().nullable(),
    correctedById: z.number().int().nullable(),
  })
  .openapi('SafetyIncidentListItem');

const RateSchema = z
  .object({
    count: z.number().int(),
    per1000Workers: z.number().nullable(),
    per200kHours: z.number().nullable(),
    per1mHours: z.number().nullable(),
    estimated: z.boolean().openapi({ description: 'True when the hours behind the hours-based rates are (partly) estimated' }),
  })
  .openapi('SafetyRates');
const severityKeys = [...incidentSeverities, 'recordable'] as const;
const BySeverity = z.object(Object.fromEntries(incidentSeverities.map((s) => [s, z.number().int()])) as Record<(typeof incidentSeverities)[number], z.ZodNumber>);
const ExposureSchema = z
  .object({
    months: z.number().int(),
    averageHeadcount: z.number(),
    hoursWorked: z.number(),
    recordedHours: z.number(),
    estimatedHours: z.number(),
    estimated: z.boolean().openapi({ description: 'True when at least one month’s hours are estimated (workers × days worked × shift length)' }),
    estimatedMonths: z.array(z.string()),
  })
  .openapi('SafetyExposure');
const Change = z.object({ current: z.number().int(), previous: z.number().int(), difference: z.number().int(), percent: z.number().nullable() });
const Suppressible = z.object({ key: z.string(), people: z.number().int().nullable(), suppressed: z.boolean().openapi({ description: 'From 1 to 4 people: published as “fewer than 5”' }) });

const SiteSummary = z
  .object({
    site: z.object({ code: z.string(), name: z.string() }),
    year: z.number().int(),
    incidents: z.object({
      bySeverity: BySeverity,
      byKind: z.record(z.string(), z.number().int()),
      byMonth: z.array(z.object({ month: z.string(), bySeverity: BySeverity })),
    }),
    peopleAffected: z.object({ bySeverity: BySeverity, bySex: z.array(Suppressible), byAgeGroup: z.array(Suppressible), byOperatorGroup: z.array(Suppressible) }),
    exposure: ExposureSchema,
    rates: z.object(Object.fromEntries(severityKeys.map((s) => [s, RateSchema])) as Record<(typeof severityKeys)[number], typeof RateSchema>),
    previousYear: z.object({ year: z.number().int(), bySeverity: BySeverity, rates: z.object({ recordable: RateSchema }) }),
    yearOnYear: z.object(Object.fromEntries(severityKeys.map((s) => [s, Change])) as Record<(typeof severityKeys)[number], typeof Change>),
    interventions: z.array(z.object({ kind: z.string(), currency: z.string(), interventions: z.number().int(), quantity: z.number().int(), costMinor: z.number().int(), peopleReached: z.number().int() })),
  })
  .openapi('SafetySiteSummary');

const Intervention = z
  .object({ id: z.number().int(), kind: z.string(), deliveredOn: z.string(), quantity: z.number().int(), costMinor: z.number().int(), currency: z.string(), peopleReached: z.number().int(), description: z.string() })
  .openapi('SafetyIntervention');
const InterventionBody = z
  .strictObject({
    kind: z.string().max(40).openapi({ example: 'rain_covers', description: 'covered_pits, rain_covers, timbering, protective_equipment, training or safety_captains' }),
    deliveredOn: z.string().max(10).openapi({ example: '2024-03-15' }),
    quantity: z.number().openapi({ description: 'Whole units of the kind: pits, covers, kits, sessions, captains' }),
    costMinor: z.number().openapi({ description: 'Cost in minor units of the currency (cents)' }),
    currency: z.string().max(3).openapi({ example: 'USD' }),
    peopleReached: z.number(),
    description: z.string().max(1000).optional(),
  })
  .openapi('SafetyInterventionInput');

/** Two decimals: enough for a rate, and the same figure on every page and report. */
const round2 = (value: number | null) => (value === null ? null : Math.round(value * 100) / 100);
const presentRates = (rates: Rates) => ({ ...rates, per1000Workers: round2(rates.per1000Workers), per200kHours: round2(rates.per200kHours), per1mHours: round2(rates.per1mHours) });
const presentExposure = (e: Exposure) => ({
  months: e.months,
  averageHeadcount: round2(e.averageHeadcount)!,
  hoursWorked: Math.round(e.hoursWorked),
  recordedHours: e.recordedHours,
  estimatedHours: Math.round(e.estimatedHours),
  estimated: e.estimated,
  estimatedMonths: e.estimatedMonths,
});
const presentYearRates = (figures: YearFigures) => Object.fromEntries(Object.entries(figures.rates).map(([k, r]) => [k, presentRates(r)])) as Record<(typeof severityKeys)[number], ReturnType<typeof presentRates>>;

export function presentSummary(summary: SiteSafetySummary): z.infer<typeof SiteSummary> {
  const { current, previous } = summary;
  return {
    site: summary.site,
    year: current.year,
    incidents: { bySeverity: current.bySeverity, byKind: current.byKind, byMonth: current.byMonth },
    peopleAffected: { bySeverity: current.peopleBySeverity, ...summary.peopleAffected },
    exposure: presentExposure(current.exposure),
    rates: presentYearRates(current),
    previousYear: { year: previous.year, bySeverity: previous.bySeverity, rates: { recordable: presentRates(previous.rates.recordable) } },
    yearOnYear: Object.fromEntries(Object.entries(summary.yearOnYear).map(([k, c]) => [k, { ...c, percent: round2(c.percent) }])) as z.infer<typeof SiteSummary>['yearOnYear'],
    interventions: summary.interventions,
  };
}

function presentIncident(detail: IncidentDetail, siteCode: string): z.infer<typeof Incident> {
  return {
    id: detail.id,
    site: siteCode,
    occurredOn: detail.occurredOn,
    occurredTime: detail.occurredTime,
    pit: detail.pit,
    kind: detail.kind,
    severity: detail.severity,
    status: detail.status,
    description: detail.description,
    immediateAction: detail.immediateAction,
    rootCause: detail.rootCause,
    people: detail.people.map((p) => ({ sex: p.sex, ageGroup: p.ageGroup, operatorGroup: p.operatorGroup, count: p.count })),
    correctiveActions: detail.correctiveActions,
    correctsId: detail.correctsId,
    correctionReason: detail.correctionReason,
    correctedById: detail.correctedById,
    counts: detail.correctedById === null && detail.status !== 'withdrawn',
    history: detail.history.map((h) => ({ id: h.id, severity: h.severity, status: h.status, correctionReason: h.correctionReason, recordedAt: h.createdAt.toISOString() })),
    recordedAt: detail.createdAt.toISOString(),
  };
}

export async function siteOrNotFound(db: Database, code: string) {
  const site = await safetySite(db, code);
  if (!site) throw safetyError('site_not_found', 404, { site: code });
  return site;
}

export const siteResource = (site: { cooperativeOrganisationId: number }) => ({ siteCooperativeOrgId: site.cooperativeOrganisationId });
const today = () => new Date().toISOString().slice(0, 10);

/** Safety at the sites: the public summary, and incidents, interventions, hours and work patterns for the roles that work on them. */
export function registerSafetyApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/safety/summary',
      tags: ['Safety'],
      summary: 'Public safety figures of a year: counts and rates only, per site',
      description:
        'Incidents by severity, kind and month; people affected by severity, and by sex, age group and operator group over the year with counts of 1 to 4 shown as “fewer than 5”; rates per 1,000 workers and per 200,000 and 1,000,000 hours (flagged `estimated` when hours are estimated); the year before and the change; interventions and their cost. No description, no person.',
      request: { query: z.object({ year: Year.optional(), site: z.string().max(6).optional() }) },
      responses: { 200: json(z.object({ year: z.number().int(), sites: z.array(SiteSummary) })), ...errors(400, 404) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'safety.read.public');
      const db = c.get('deps').db;
      const query = c.req.valid('query');
      const year = query.year ?? new Date().getUTCFullYear();
      const sites = await safetySites(db, query.site);
      if (query.site && sites.length === 0) throw safetyError('site_not_found', 404, { site: query.site });
      const summaries = await Promise.all(sites.map((site) => siteSafetySummary(db, { site, year, today: today() })));
      return c.json({ year, sites: summaries.map(presentSummary) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/safety/sites/{code}/incidents',
      tags: ['Safety'],
      summary: 'Incidents of a site, newest first (latest entry of each; `history=true` for every entry)',
      security: signedInSecurity,
      request: {
        params: SiteParams,
        query: z.object({
          year: Year.optional(),
          from: isoDate.optional(),
          to: isoDate.optional(),
          kind: z.enum(incidentKinds).optional(),
          severity: z.enum(incidentSeverities).optional(),
          status: z.enum(incidentStatuses).optional(),
          pit: z.string().max(20).optional(),
          history: z.enum(['true', 'false']).optional(),
        }),
      },
      responses: { 200: json(z.object({ site: z.string(), incidents: z.array(IncidentListItem) })), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const site = await siteOrNotFound(db, c.req.valid('param').code);
      authorize(c.get('actor'), 'safety.read', siteResource(site));
      const { year, history, ...filter } = c.req.valid('query');
      const range = year ? { from: `${year}-01-01`, to: `${year}-12-31` } : {};
      const rows = await listIncidents(db, { siteId: site.id, ...range, ...filter, history: history === 'true' });
      return c.json({ site: site.code, incidents: rows.map(({ id, occurredOn, occurredTime, pit, kind, severity, status, peopleAffected, correctsId, correctedById }) => ({ id, occurredOn, occurredTime, pit, kind, severity, status, peopleAffected, correctsId, correctedById })) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/safety/sites/{code}/incidents',
      tags: ['Safety'],
      summary: 'Record an incident (field officers, the secretariat, the site’s cooperative)',
      description: 'Refused with 422 and every problem in `details` for a kind, severity or status outside the lists, a pit or operator group the site does not have, a count below 0, or a date in the future; nothing is written.',
      security: signedInSecurity,
      request: { params: SiteParams, body: { content: { 'application/json': { schema: IncidentBody } }, required: true } },
      responses: { 201: json(Incident, 'Recorded'), ...errors(400, 401, 403, 404, 413, 415, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      const site = await siteOrNotFound(db, c.req.valid('param').code);
      authorize(actor, 'safety.record', siteResource(site));
      const body: IncidentFacts = c.req.valid('json');
      const recorded = await runCommand(db, actor, (ctx) => recordIncident(ctx, { siteId: site.id, ...body }));
      return c.json(presentIncident((await findIncident(db, { siteId: site.id, id: recorded.id }))!, site.code), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/safety/sites/{code}/incidents/{id}',
      tags: ['Safety'],
      summary: 'One incident entry, with the people affected (counts), its corrective actions and its corrections',
      security: signedInSecurity,
      request: { params: IncidentParams },
      responses: { 200: json(Incident), ...errors(401, 403, 404) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const { code, id } = c.req.valid('param');
      const site = await siteOrNotFound(db, code);
      authorize(c.get('actor'), 'safety.read', siteResource(site));
      const detail = await findIncident(db, { siteId: site.id, id });
      if (!detail) throw safetyError('incident_not_found', 404, { site: site.code, id });
      return c.json(presentIncident(detail, site.code), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/safety/sites/{code}/incidents/{id}/corrections',
      tags: ['Safety'],
      summary: 'Correct an incident with a new entry that supersedes it (status changes too)',
      description: 'The whole incident as it should now read, and why. Only the newest entry of a chain can be corrected (409 `already_corrected`). Status `withdrawn` takes an incident recorded in error out of every figure.',
      security: signedInSecurity,
      request: { params: IncidentParams, body: { content: { 'application/json': { schema: CorrectionBody } }, required: true } },
      responses: { 201: json(Incident, 'Corrected'), ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      const { code, id } = c.req.valid('param');
      const site = await siteOrNotFound(db, code);
      authorize(actor, 'safety.record', siteResource(site));
      const { reason, ...body } = c.req.valid('json');
      const corrected = await runCommand(db, actor, (ctx) => correctIncident(ctx, { siteId: site.id, correctsId: id, reason, ...body }));
      return c.json(presentIncident((await findIncident(db, { siteId: site.id, id: corrected.id }))!, site.code), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/safety/sites/{code}/interventions',
      tags: ['Safety'],
      summary: 'Interventions of a site, newest first',
      security: signedInSecurity,
      request: { params: SiteParams, query: z.object({ year: Year.optional() }) },
      responses: { 200: json(z.object({ site: z.string(), interventions: z.array(Intervention) })), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const site = await siteOrNotFound(db, c.req.valid('param').code);
      authorize(c.get('actor'), 'safety.read', siteResource(site));
      const year = c.req.valid('query').year;
      const rows = await listInterventions(db, { siteId: site.id, ...(year && { from: `${year}-01-01`, to: `${year}-12-31` }) });
      return c.json({ site: site.code, interventions: rows.map(({ id, kind, deliveredOn, quantity, costMinor, currency, peopleReached, description }) => ({ id, kind, deliveredOn, quantity, costMinor, currency, peopleReached, description })) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/safety/sites/{code}/interventions',
      tags: ['Safety'],
      summary: 'Record an intervention and its cost',
      security: signedInSecurity,
      request: { params: SiteParams, body: { content: { 'application/json': { schema: InterventionBody } }, required: true } },
      responses: { 201: json(Intervention, 'Recorded'), ...errors(400, 401, 403, 404, 413, 415, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      const site = await siteOrNotFound(db, c.req.valid('param').code);
      authorize(actor, 'safety.record', siteResource(site));
      const row = await runCommand(db, actor, (ctx) => recordIntervention(ctx, { siteId: site.id, ...c.req.valid('json') }));
      const { id, kind, deliveredOn, quantity, costMinor, currency, peopleReached, description } = row;
      return c.json({ id, kind, deliveredOn, quantity, costMinor, currency, peopleReached, description }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/safety/sites/{code}/exposure',
      tags: ['Safety'],
      summary: 'Headcount and hours worked month by month (recorded or estimated), and the site’s work patterns',
      security: signedInSecurity,
      request: { params: SiteParams, query: z.object({ year: Year.optional() }) },
      responses: {
        200: json(
          z.object({
            site: z.string(),
            year: z.number().int(),
            workPatterns: z.array(z.object({ effectiveFrom: z.string(), shiftMinutes: z.number().int(), daysWorkedPerMonth: z.number().int() })),
            months: z.array(z.object({ month: z.string(), headcount: z.number().int(), recordedHours: z.number().int().nullable(), shiftMinutes: z.number().int(), daysWorkedPerMonth: z.number().int(), defaultPattern: z.boolean() })),
          }),
        ),
        ...errors(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const site = await siteOrNotFound(db, c.req.valid('param').code);
      authorize(c.get('actor'), 'safety.read', siteResource(site));
      const year = c.req.valid('query').year ?? new Date().getUTCFullYear();
      const [patterns, months] = await Promise.all([workPatterns(db, site.id), monthExposures(db, { siteId: site.id, months: monthsOfYear(year, today()), today: today() })]);
      return c.json(
        {
          site: site.code,
          year,
          workPatterns: patterns.map(({ effectiveFrom, shiftMinutes, daysWorkedPerMonth }) => ({ effectiveFrom, shiftMinutes, daysWorkedPerMonth })),
          months: months.map((m) => ({ month: m.month, headcount: m.headcount, recordedHours: m.recordedHours, ...m.pattern, defaultPattern: m.patternIsDefault })),
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/safety/sites/{code}/work-patterns',
      tags: ['Safety'],
      summary: 'Set the shift length and days worked per month from a month on (for estimating hours)',
      security: signedInSecurity,
      request: {
        params: SiteParams,
        body: { content: { 'application/json': { schema: z.strictObject({ effectiveFrom: z.string().max(7).openapi({ example: '2024-01' }), shiftMinutes: z.number(), daysWorkedPerMonth: z.number() }) } }, required: true },
      },
      responses: { 201: json(z.object({ effectiveFrom: z.string(), shiftMinutes: z.number().int(), daysWorkedPerMonth: z.number().int() }), 'Set'), ...errors(400, 401, 403, 404, 415, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      const site = await siteOrNotFound(db, c.req.valid('param').code);
      authorize(actor, 'safety.record', siteResource(site));
      const row = await runCommand(db, actor, (ctx) => setWorkPattern(ctx, { siteId: site.id, ...c.req.valid('json') }));
      return c.json({ effectiveFrom: row.effectiveFrom, shiftMinutes: row.shiftMinutes, daysWorkedPerMonth: row.daysWorkedPerMonth }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/safety/sites/{code}/hours',
      tags: ['Safety'],
      summary: 'Record the hours worked in a month (a later entry for the month replaces it)',
      security: signedInSecurity,
      request: { params: SiteParams, body: { content: { 'application/json': { schema: z.strictObject({ month: z.string().max(7).openapi({ example: '2025-03' }), hours: z.number() }) } }, required: true } },
      responses: { 201: json(z.object({ month: z.string(), hours: z.number().int() }), 'Recorded'), ...errors(400, 401, 403, 404, 415, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      const site = await siteOrNotFound(db, c.req.valid('param').code);
      authorize(actor, 'safety.record', siteResource(site));
      const row = await runCommand(db, actor, (ctx) => recordHoursWorked(ctx, { siteId: site.id, ...c.req.valid('json') }));
      return c.json({ month: row.month, hours: row.hours }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/safety/sites/{code}/hours',
      tags: ['Safety'],
      summary: 'Every hours entry of a site, newest first (the first of each month counts)',
      security: signedInSecurity,
      request: { params: SiteParams },
      responses: { 200: json(z.object({ site: z.string(), entries: z.array(z.object({ month: z.string(), hours: z.number().int(), recordedAt: z.string() })) })), ...errors(401, 403, 404) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const site = await siteOrNotFound(db, c.req.valid('param').code);
      authorize(c.get('actor'), 'safety.read', siteResource(site));
      const entries = await recordedHours(db, site.id);
      return c.json({ site: site.code, entries: entries.map((e) => ({ month: e.month, hours: e.hours, recordedAt: e.createdAt.toISOString() })) }, 200);
    },
  );
}
