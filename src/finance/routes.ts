import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { runCommand } from '../journal/public.ts';
import type { AppEnv } from '../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../web/openapi.ts';
import { createActivity } from './commands/create-activity.ts';
import { createProgrammeArea } from './commands/create-programme-area.ts';
import { updateActivity } from './commands/update-activity.ts';
import { updateProgrammeArea } from './commands/update-programme-area.ts';
import { iatiIdentifier } from './iati/reporting-org.ts';

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

const AreaAnswer = jsonResponse(z.object({ code: z.string(), labelEn: z.string(), labelFr: z.string() }));
const ActivityAnswer = jsonResponse(z.object({ code: z.string(), iatiIdentifier: z.string(), status: z.number().int() }));

/** The secretariat's API for programme areas and activities; what they publish is the IATI activity file (pages). */
export function registerFinanceApi(api: OpenAPIHono<AppEnv>): void {
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
