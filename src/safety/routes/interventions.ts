import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../../core/auth/policies.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses as errors, jsonResponse as json, signedInSecurity } from '../../web/openapi.ts';
import { recordIntervention } from '../commands/record-intervention.ts';
import { listInterventions } from '../queries/figures.ts';
import { siteOrNotFound, siteResource } from '../site-access.ts';
import { SiteParams, Year } from './shared.ts';

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

/** Interventions of a site and their cost. */
export function registerInterventionsApi(api: OpenAPIHono<AppEnv>) {
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
      const row = await runCommand(db, actor, (ctx) => recordIntervention(ctx, { siteId: site.id, ...c.req.valid('json') }));
      const { id, kind, deliveredOn, quantity, costMinor, currency, peopleReached, description } = row;
      return c.json({ id, kind, deliveredOn, quantity, costMinor, currency, peopleReached, description }, 201);
    },
  );
}
