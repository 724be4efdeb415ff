import { isIsoDate } from '../../core/calendar.ts';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Queryable } from '../../db/connect.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../../web/openapi.ts';
import { addOperatorGroup } from '../commands/sites/add-operator-group.ts';
import { addPits } from '../commands/sites/add-pits.ts';
import { degreesToE6, type OperatorGroup, operatorGroupCodePattern, type Pit, pitCodePattern, siteCodePattern, type SiteQualification } from '../site-records.ts';
import { recordQualification } from '../commands/sites/record-qualification.ts';
import { createSite } from '../commands/sites/create-site.ts';
import { updatePit } from '../commands/sites/update-pit.ts';
import { siteError } from '../messages/sites.ts';
import { findSiteByCode, type SiteWithDetails } from '../queries/sites.ts';
import { qualificationLevels, siteStatuses } from '../schema.ts';

const errors = errorResponses;
const json = jsonResponse;

/** A calendar date written YYYY-MM-DD that exists (no 30 February). */
export const IsoDate = z
  .string()
  .refine(isIsoDate, 'a real date written YYYY-MM-DD')
  .openapi({ type: 'string', format: 'date', example: '2024-03-01' });

export const SiteParams = z.object({ code: z.string().openapi({ example: 'KAM', description: 'The site’s public code' }) });

const Qualification = z
  .object({ level: z.enum(qualificationLevels), qualifiedOn: z.string(), nextReviewOn: z.string().nullable(), decidedBy: z.string() })
  .openapi('SiteQualification');

const Site = z
  .object({
    code: z.string(),
    name: z.string(),
    province: z.string(),
    town: z.string(),
    latitude: z.number().openapi({ description: 'Decimal degrees, WGS 84' }),
    longitude: z.number().openapi({ description: 'Decimal degrees, WGS 84' }),
    concessionHolder: z.string(),
    cooperative: z.object({ code: z.string(), name: z.string() }),
    status: z.enum(siteStatuses),
    qualification: Qualification.nullable(),
  })
  .openapi('Site');

const PitSchema = z.object({ code: z.string(), covered: z.boolean(), active: z.boolean() }).openapi('Pit');
const OperatorGroupSchema = z.object({ code: z.string(), labelEn: z.string(), labelFr: z.string() }).openapi('OperatorGroup');

const text = (max: number) => z.string().trim().min(1).max(max);

const SiteBody = z.strictObject({
  code: z.string().regex(siteCodePattern, '3 to 6 capital letters, e.g. KAM'),
  name: text(200),
  province: text(100),
  town: text(100),
  latitude: z.number().min(-90).max(90).openapi({ description: 'Decimal degrees, WGS 84 (south negative); kept to the millionth', example: -10.7167 }),
  longitude: z.number().min(-180).max(180).openapi({ description: 'Decimal degrees, WGS 84 (east positive); kept to the millionth', example: 25.4722 }),
  concessionHolder: text(200),
  cooperative: z.string().min(1).max(32).openapi({ description: 'Code of the operating cooperative’s organisation (kind cooperative)', example: 'cmds' }),
});

const QualificationBody = z.strictObject({ level: z.enum(qualificationLevels), qualifiedOn: IsoDate, decidedBy: text(200) });

const PitsBody = z.strictObject({
  pits: z
    .array(z.strictObject({ code: z.string().regex(pitCodePattern, '1 to 20 capital letters, digits and hyphens'), covered: z.boolean() }))
    .min(1)
    .max(1000),
});

const PitParams = SiteParams.extend({ pitCode: z.string().openapi({ example: 'P-001' }) });
const PitPatch = z.strictObject({ covered: z.boolean().optional(), active: z.boolean().optional() }).refine((body) => body.covered !== undefined || body.active !== undefined, 'give covered, active or both');

const OperatorGroupBody = z.strictObject({
  code: z.string().regex(operatorGroupCodePattern, 'lower-case letters and underscores, 2 to 40'),
  labelEn: text(100),
  labelFr: text(100),
});

export const presentQualification = (q: SiteQualification | null) =>
  q ? { level: q.level, qualifiedOn: q.qualifiedOn, nextReviewOn: q.nextReviewOn, decidedBy: q.decidedBy } : null;

export const presentSite = (site: SiteWithDetails) => ({
  code: site.code,
  name: site.name,
  province: site.province,
  town: site.town,
  latitude: site.latitudeE6 / 1_000_000,
  longitude: site.longitudeE6 / 1_000_000,
  concessionHolder: site.concessionHolder,
  cooperative: { code: site.cooperative.code, name: site.cooperative.name },
  status: site.status,
  qualification: presentQualification(site.qualification),
});

const presentPit = (pit: Pit) => ({ code: pit.code, covered: pit.covered, active: pit.active });
const presentGroup = (group: OperatorGroup) => ({ code: group.code, labelEn: group.labelEn, labelFr: group.labelFr });

/** The site a URL names, or a 404 that says which code was not found. */
export async function requireSite(db: Queryable, code: string): Promise<SiteWithDetails> {
  const site = await findSiteByCode(db, code);
  if (!site) throw siteError('site_not_found', 404, { code });
  return site;
}

/** Site administration (secretariat): sites, national qualification, pits and operator groups. */
export function registerSitesAdminApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: 'post',
      path: '/sites',
      tags: ['Sites'],
      summary: 'Create a site operated by a cooperative, with the eight default operator groups (secretariat)',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: SiteBody } }, required: true } },
      responses: { 201: json(Site, 'Created'), ...errors(400, 401, 403, 409, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const { latitude, longitude, ...body } = c.req.valid('json');
      const db = c.get('deps').db;
      await runCommand(db, actor, (ctx) => createSite(ctx, { ...body, latitudeE6: degreesToE6(latitude), longitudeE6: degreesToE6(longitude) }));
      return c.json(presentSite(await requireSite(db, body.code)), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/sites/{code}/qualifications',
      tags: ['Sites'],
      summary: 'Record a national qualification decision; the next review is 12 months later for green, 6 for yellow, none for red or blue',
      security: signedInSecurity,
      request: { params: SiteParams, body: { content: { 'application/json': { schema: QualificationBody } }, required: true } },
      responses: { 201: json(Qualification, 'Created'), ...errors(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const qualification = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordQualification(ctx, { site: c.req.valid('param').code, ...c.req.valid('json') }));
      return c.json(presentQualification(qualification)!, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/sites/{code}/pits',
      tags: ['Sites'],
      summary: 'Add pits to the site’s census; a code already used, or repeated, refuses the whole list (409)',
      security: signedInSecurity,
      request: { params: SiteParams, body: { content: { 'application/json': { schema: PitsBody } }, required: true } },
      responses: { 201: json(z.object({ pits: z.array(PitSchema) }), 'Created'), ...errors(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const added = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => addPits(ctx, { site: c.req.valid('param').code, pits: c.req.valid('json').pits }));
      return c.json({ pits: added.map(presentPit) }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'patch',
      path: '/sites/{code}/pits/{pitCode}',
      tags: ['Sites'],
      summary: 'Mark a pit covered or uncovered, active or inactive',
      security: signedInSecurity,
      request: { params: PitParams, body: { content: { 'application/json': { schema: PitPatch } }, required: true } },
      responses: { 200: json(PitSchema), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const { code, pitCode } = c.req.valid('param');
      const pit = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => updatePit(ctx, { site: code, pitCode, ...c.req.valid('json') }));
      return c.json(presentPit(pit), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/sites/{code}/operator-groups',
      tags: ['Sites'],
      summary: 'Add an operator group to the site (beyond the eight defaults)',
      security: signedInSecurity,
      request: { params: SiteParams, body: { content: { 'application/json': { schema: OperatorGroupBody } }, required: true } },
      responses: { 201: json(OperatorGroupSchema, 'Created'), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const group = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => addOperatorGroup(ctx, { site: c.req.valid('param').code, ...c.req.valid('json') }));
      return c.json(presentGroup(group), 201);
    },
  );
}
