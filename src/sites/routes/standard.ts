import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize, can } from '../../core/auth/policies.ts';
import type { Actor } from '../../core/auth/roles.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../../web/openapi.ts';
import { createStandardVersion, type StandardSource } from '../commands/standard/create-standard-version.ts';
import { publishStandardVersion } from '../commands/standard/publish-standard-version.ts';
import { updateDraftCriteria } from '../commands/standard/update-draft-criteria.ts';
import { standardError } from '../messages/standard.ts';
import { criteriaOf, findStandardVersion, latestPublishedVersion, listVersions, type StandardCriterion } from '../queries/standard.ts';
import { criterionLevels, standardAreas } from '../schema.ts';

const errors = errorResponses;
const json = jsonResponse;

const Criterion = z
  .object({
    code: z.string().max(10).openapi({ example: 'HS-01' }),
    area: z.enum(standardAreas),
    level: z.enum(criterionLevels).openapi({ description: '`baseline`: must be met for issuance; `progress`: scored improvement' }),
    textEn: z.string().max(2000),
    textFr: z.string().max(2000),
    guidanceEn: z.string().max(2000),
    guidanceFr: z.string().max(2000),
  })
  .strict()
  .openapi('StandardCriterion');

const Version = z
  .object({
    version: z.string(),
    status: z.enum(['draft', 'published']),
    publishedAt: z.string().nullable(),
    createdAt: z.string(),
    criteria: z.array(Criterion),
  })
  .openapi('StandardVersion');

const VersionSummary = z
  .object({ version: z.string(), status: z.enum(['draft', 'published']), publishedAt: z.string().nullable(), createdAt: z.string(), criteria: z.number().int() })
  .openapi('StandardVersionSummary');

const CreateBody = z.discriminatedUnion('from', [
  z.strictObject({ version: z.string().max(10), from: z.literal('default') }),
  z.strictObject({ version: z.string().max(10), from: z.literal('latest_published') }),
  z.strictObject({ version: z.string().max(10), from: z.literal('criteria'), criteria: z.array(Criterion).max(200) }),
]);
const CriteriaBody = z.strictObject({ criteria: z.array(Criterion).max(200) });
const VersionParams = z.object({ version: z.string().max(10) });

type VersionRow = { id: number; version: string; status: 'draft' | 'published'; publishedAt: Date | null; createdAt: Date };

const presentCriterion = (c: StandardCriterion) => ({ code: c.code, area: c.area, level: c.level, textEn: c.textEn, textFr: c.textFr, guidanceEn: c.guidanceEn, guidanceFr: c.guidanceFr });
const presentVersion = (v: VersionRow, criteria: StandardCriterion[]) => ({
  version: v.version,
  status: v.status,
  publishedAt: v.publishedAt?.toISOString() ?? null,
  createdAt: v.createdAt.toISOString(),
  criteria: criteria.map(presentCriterion),
});

/** Drafts are the secretariat's work in progress; published versions are for everyone. */
function authorizeVersionRead(actor: Actor, version: { status: 'draft' | 'published' }) {
  authorize(actor, version.status === 'published' ? 'standard.read' : 'standard.publish');
}

/** The standard: its latest published version for everyone, drafts and publishing for the secretariat. */
export function registerStandardApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/standard',
      tags: ['Standard'],
      summary: 'The latest published version of the standard, with its criteria',
      responses: { 200: json(Version), ...errors(404) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'standard.read');
      const db = c.get('deps').db;
      const latest = await latestPublishedVersion(db);
      if (!latest) throw standardError('standard_not_published', 404);
      return c.json(presentVersion(latest, await criteriaOf(db, latest.id)), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/standard/versions',
      tags: ['Standard'],
      summary: 'Versions of the standard, newest first (drafts only for the secretariat)',
      responses: { 200: json(z.object({ versions: z.array(VersionSummary) })) },
    }),
    async (c) => {
      const actor = c.get('actor');
      authorize(actor, 'standard.read');
      const rows = await listVersions(c.get('deps').db);
      const drafts = can(actor, 'standard.publish');
      const visible = rows.filter((v) => v.status === 'published' || drafts);
      return c.json(
        { versions: visible.map((v) => ({ version: v.version, status: v.status, publishedAt: v.publishedAt?.toISOString() ?? null, createdAt: v.createdAt.toISOString(), criteria: v.criteria })) },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/standard/versions/{version}',
      tags: ['Standard'],
      summary: 'One version of the standard with its criteria (a draft only for the secretariat)',
      request: { params: VersionParams },
      responses: { 200: json(Version), ...errors(401, 403, 404) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const { version } = c.req.valid('param');
      const row = await findStandardVersion(db, version);
      if (!row) throw standardError('standard_version_not_found', 404, { version });
      authorizeVersionRead(c.get('actor'), row);
      return c.json(presentVersion(row, await criteriaOf(db, row.id)), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/standard/versions',
      tags: ['Standard'],
      summary: 'Create a draft version: from the default standard, a copy of the latest published version, or a list of criteria',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: CreateBody } }, required: true } },
      responses: { 201: json(Version, 'Created'), ...errors(400, 401, 403, 409, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const body = c.req.valid('json');
      const source: StandardSource = body.from === 'criteria' ? { kind: 'criteria', criteria: body.criteria } : { kind: body.from };
      const db = c.get('deps').db;
      const created = await runCommand(db, actor, (ctx) => createStandardVersion(ctx, { version: body.version, source }));
      return c.json(presentVersion(created, await criteriaOf(db, created.id)), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/standard/versions/{version}/criteria',
      tags: ['Standard'],
      summary: 'Replace every criterion of a draft version (a published version never changes: 409)',
      security: signedInSecurity,
      request: { params: VersionParams, body: { content: { 'application/json': { schema: CriteriaBody } }, required: true } },
      responses: { 200: json(Version), ...errors(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      const { version } = c.req.valid('param');
      const updated = await runCommand(db, actor, (ctx) => updateDraftCriteria(ctx, { version, criteria: c.req.valid('json').criteria }));
      return c.json(presentVersion(updated, await criteriaOf(db, updated.id)), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/standard/versions/{version}/publish',
      tags: ['Standard'],
      summary: 'Publish a draft version; from then on it never changes (publishing twice: 409)',
      security: signedInSecurity,
      request: { params: VersionParams },
      responses: { 200: json(Version), ...errors(401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      const published = await runCommand(db, actor, (ctx) => publishStandardVersion(ctx, { version: c.req.valid('param').version }));
      return c.json(presentVersion(published, await criteriaOf(db, published.id)), 200);
    },
  );
}
