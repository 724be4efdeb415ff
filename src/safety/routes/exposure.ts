import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../../core/auth/policies.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses as errors, jsonResponse as json, signedInSecurity } from '../../web/openapi.ts';
import { recordHoursWorked } from '../commands/record-hours-worked.ts';
import { setWorkPattern } from '../commands/set-work-pattern.ts';
import { monthExposures, recordedHours, workPatterns } from '../queries/figures.ts';
import { monthsOfYear } from '../rates.ts';
import { siteOrNotFound, siteResource } from '../site-access.ts';
import { SiteParams, today, Year } from './shared.ts';

/** What the rates divide by: headcount and hours month by month, the hours recorded, and the work patterns behind the estimates. */
export function registerExposureApi(api: OpenAPIHono<AppEnv>) {
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
