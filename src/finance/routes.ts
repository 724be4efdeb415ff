import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../core/auth/policies.ts';
import { runCommand } from '../journal/public.ts';
import type { AppEnv } from '../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../web/openapi.ts';
import { createActivity } from './commands/create-activity.ts';
import { createProgrammeArea } from './commands/create-programme-area.ts';
import { updateActivity } from './commands/update-activity.ts';
import { updateProgrammeArea } from './commands/update-programme-area.ts';
import { iatiIdentifier } from './iati/reporting-org.ts';
import { listPublishedActivities } from './queries/activities.ts';
import { listProgrammeAreas } from './queries/areas.ts';

const areaCodeParams = z.object({ code: z.string().max(40).openapi({ example: 'child_labour' }) });
const activityCodeParams = z.object({ code: z.string().max(40).openapi({ example: 'CREDIT-DIGITAL' }) });

const AreaBody = z.strictObject({
  labelEn: z.string().max(200),
  labelFr: z.string().max(200),
  sectors: z
    .array(z.strictObject({ code: z.string().max(5).openapi({ description: 'OECD DAC 5-digit sector code (IATI Sector codelist)', example: '16070' }), percentage: z.number().int().min(1).max(100) }))
    .max(10)
    .openapi({ description: 'the sectors the area’s work is reported under; the percentages sum to 100' }),
});

const date = z.iso.date();
const ActivityBody = z.strictObject({
  area: z.string().max(40).openapi({ description: 'the programme area’s code', example: 'credit_mechanism' }),
  titleEn: z.string().max(200),
  titleFr: z.string().max(200),
  descriptionEn: z.string().max(4000),
  descriptionFr: z.string().max(4000),
  plannedStart: date,
  plannedEnd: date.nullable().optional(),
  actualStart: date.nullable().optional(),
  actualEnd: date.nullable().optional(),
  status: z.number().int().openapi({ description: 'IATI ActivityStatus: 1 pipeline, 2 implementation, 3 finalisation, 4 closed, 5 cancelled, 6 suspended', example: 2 }),
  sites: z.array(z.string().max(6)).max(50).openapi({ description: 'codes of the sites where it happens', example: ['KAM'] }),
  participants: z
    .array(
      z.strictObject({
        role: z.number().int().openapi({ description: 'IATI OrganisationRole: 1 funding, 2 accountable, 3 extending, 4 implementing', example: 1 }),
        organisation: z.string().max(32).optional().openapi({ description: 'an Orebook organisation’s code' }),
        name: z.string().max(200).optional().openapi({ description: 'or the name of an organisation Orebook does not know' }),
        iatiRef: z.string().max(100).optional().openapi({ description: 'its IATI organisation identifier', example: 'XM-DAC-41114' }),
      }),
    )
    .max(20),
});

const SectorSchema = z.object({ code: z.string().openapi({ description: 'OECD DAC 5-digit sector code' }), percentage: z.number().int() });
const PublicAreasSchema = z.array(z.object({ code: z.string(), label: z.string().openapi({ description: 'in the reader’s language' }), sectors: z.array(SectorSchema) })).openapi('ProgrammeAreas');
const PublicActivitiesSchema = z
  .array(
    z.object({
      code: z.string(),
      iatiIdentifier: z.string(),
      area: z.string(),
      title: z.string().openapi({ description: 'in the reader’s language' }),
      description: z.string(),
      status: z.number().int().openapi({ description: 'IATI ActivityStatus code' }),
      plannedStart: z.string(),
      plannedEnd: z.string().nullable(),
      actualStart: z.string().nullable(),
      actualEnd: z.string().nullable(),
      sites: z.array(z.string()),
      participants: z.array(z.object({ role: z.number().int().openapi({ description: 'IATI OrganisationRole code' }), name: z.string(), iatiRef: z.string().nullable() })),
      sectors: z.array(SectorSchema),
    }),
  )
  .openapi('Activities');

const AreaAnswer = jsonResponse(z.object({ code: z.string(), labelEn: z.string(), labelFr: z.string() }));
const ActivityAnswer = jsonResponse(z.object({ code: z.string(), iatiIdentifier: z.string(), status: z.number().int() }));

/** The secretariat's API for programme areas and activities; what they publish is the IATI activity file (pages). */
export function registerFinanceApi(api: OpenAPIHono<AppEnv>): void {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/finance/areas',
      tags: ['Finance'],
      summary: 'The alliance’s programme areas with their OECD DAC sectors (public)',
      responses: { 200: jsonResponse(PublicAreasSchema) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'finance.read.public');
      const locale = c.get('locale');
      const areas = await listProgrammeAreas(c.get('deps').db);
      return c.json(areas.map((area) => ({ code: area.code, label: locale === 'fr' ? area.labelFr : area.labelEn, sectors: area.sectors })), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/finance/activities',
      tags: ['Finance'],
      summary: 'The alliance’s activities, as its IATI activity file publishes them (public)',
      responses: { 200: jsonResponse(PublicActivitiesSchema) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'finance.read.public');
      const fr = c.get('locale') === 'fr';
      const activities = await listPublishedActivities(c.get('deps').db);
      return c.json(
        activities.map((activity) => ({
          code: activity.code,
          iatiIdentifier: iatiIdentifier(activity.code),
          area: activity.areaCode,
          title: fr ? activity.titleFr : activity.titleEn,
          description: fr ? activity.descriptionFr : activity.descriptionEn,
          status: activity.statusCode,
          plannedStart: activity.plannedStart,
          plannedEnd: activity.plannedEnd,
          actualStart: activity.actualStart,
          actualEnd: activity.actualEnd,
          sites: activity.siteCodes,
          participants: activity.participants.map((participant) => ({ role: participant.roleCode, name: participant.name, iatiRef: participant.iatiRef })),
          sectors: activity.sectors,
        })),
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/finance/areas/{code}',
      tags: ['Finance'],
      summary: 'Add a programme area of the alliance with its EN/FR names and OECD DAC sectors (secretariat)',
      security: signedInSecurity,
      request: { params: areaCodeParams, body: { content: { 'application/json': { schema: AreaBody } }, required: true } },
      responses: { 201: AreaAnswer, ...errorResponses(400, 401, 403, 409, 422) },
    }),
    async (c) => {
      const area = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => createProgrammeArea(ctx, { code: c.req.valid('param').code, ...c.req.valid('json') }));
      return c.json({ code: area.code, labelEn: area.labelEn, labelFr: area.labelFr }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/finance/areas/{code}',
      tags: ['Finance'],
      summary: 'Rename a programme area or change its DAC sectors (secretariat)',
      security: signedInSecurity,
      request: { params: areaCodeParams, body: { content: { 'application/json': { schema: AreaBody } }, required: true } },
      responses: { 200: AreaAnswer, ...errorResponses(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const area = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => updateProgrammeArea(ctx, { code: c.req.valid('param').code, ...c.req.valid('json') }));
      return c.json({ code: area.code, labelEn: area.labelEn, labelFr: area.labelFr }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/finance/activities/{code}',
      tags: ['Finance'],
      summary: 'Record an activity of the alliance’s programme, published to IATI (secretariat)',
      security: signedInSecurity,
      request: { params: activityCodeParams, body: { content: { 'application/json': { schema: ActivityBody } }, required: true } },
      responses: { 201: ActivityAnswer, ...errorResponses(400, 401, 403, 409, 422) },
    }),
    async (c) => {
      const activity = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => createActivity(ctx, { code: c.req.valid('param').code, ...c.req.valid('json') }));
      return c.json({ code: activity.code, iatiIdentifier: iatiIdentifier(activity.code), status: activity.statusCode }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/finance/activities/{code}',
      tags: ['Finance'],
      summary: 'Update an activity as a whole: status, dates, sites, participating organisations (secretariat)',
      security: signedInSecurity,
      request: { params: activityCodeParams, body: { content: { 'application/json': { schema: ActivityBody } }, required: true } },
      responses: { 200: ActivityAnswer, ...errorResponses(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const activity = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => updateActivity(ctx, { code: c.req.valid('param').code, ...c.req.valid('json') }));
      return c.json({ code: activity.code, iatiIdentifier: iatiIdentifier(activity.code), status: activity.statusCode }, 200);
    },
  );
}
