import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../../core/auth/policies.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses as errors, jsonResponse as json, signedInSecurity } from '../../web/openapi.ts';
import { correctIncident } from '../commands/correct-incident.ts';
import { recordIncident } from '../commands/record-incident.ts';
import type { IncidentFacts } from '../incident-rules.ts';
import { safetyError } from '../messages/errors.ts';
import { findIncident, listIncidents, type IncidentDetail } from '../queries/incidents.ts';
import { incidentKinds, incidentSeverities, incidentStatuses } from '../schema.ts';
import { siteOrNotFound, siteResource } from '../site-access.ts';
import { SiteParams, Year } from './shared.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const IncidentParams = z.object({ code: z.string().max(6), id: z.coerce.number().int().positive() });

const People = z
  .object({
    sex: z.string().max(10).openapi({ example: 'female', description: 'female, male or unknown (where nobody could say)' }),
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

/** Incidents of a site: the list, one entry with its history, recording and correcting. */
export function registerIncidentsApi(api: OpenAPIHono<AppEnv>) {
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
      const { reason, ...body } = c.req.valid('json');
      const corrected = await runCommand(db, actor, (ctx) => correctIncident(ctx, { siteId: site.id, correctsId: id, reason, ...body }));
      return c.json(presentIncident((await findIncident(db, { siteId: site.id, id: corrected.id }))!, site.code), 201);
    },
  );
}
