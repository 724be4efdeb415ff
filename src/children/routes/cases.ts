import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../../core/auth/policies.ts';
import { organisationOf } from '../../core/auth/roles.ts';
import { isoDateOf } from '../../core/calendar.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../../web/openapi.ts';
import { authorizeCaseRead, loadCaseDetail, nameKeyOf } from '../case-access.ts';
import { openCase } from '../commands/open-case.ts';
import { loadFollowUpSchedule } from '../follow-up.ts';
import { caseStages, listCases } from '../queries/cases.ts';
import { riskLevels } from '../schema.ts';
import { CaseDetailSchema, CaseParams, CaseSummarySchema, OpenCaseBody, presentDetail, presentSummary } from './case-schemas.ts';

const errors = errorResponses;
const json = jsonResponse;

/** The cases the caller's organisation manages: the list, opening one, and reading one. */
export function registerCasesApi(api: OpenAPIHono<AppEnv>) {
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
        caseOrganisationId: organisationOf(actor) ?? -1,
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
      const { site, ...body } = c.req.valid('json');
      const created = await runCommand(db, actor, (ctx) => openCase(ctx, { ...body, siteCode: site, caseOrganisationId: organisationOf(actor) ?? -1, nameKey: nameKeyOf(c) }));
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
      await authorizeCaseRead(db, c.get('actor'), id);
      return c.json(presentDetail(await loadCaseDetail(c, id)), 200);
    },
  );
}
