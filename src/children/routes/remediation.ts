import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../../web/openapi.ts';
import { loadCaseDetail } from '../case-access.ts';
import { addSupport } from '../commands/add-support.ts';
import { closeCase } from '../commands/close-case.ts';
import { recordVisit } from '../commands/record-visit.ts';
import { CaseDetailSchema, CaseParams, CloseBody, presentDetail, SupportBody, VisitBody } from './case-schemas.ts';

const errors = errorResponses;
const json = jsonResponse;

/** A case's remediation: the supports of its plan, the follow-up visits, and its closure. */
export function registerRemediationApi(api: OpenAPIHono<AppEnv>) {
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
      await runCommand(db, actor, (ctx) => closeCase(ctx, { caseId: id, ...c.req.valid('json') }));
      return c.json(presentDetail(await loadCaseDetail(c, id)), 200);
    },
  );
}
