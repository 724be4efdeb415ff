import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../../core/auth/policies.ts';
import { notFound } from '../../core/errors.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { validationHook } from '../../web/errors.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../../web/openapi.ts';
import { closeCorrectiveAction } from '../commands/corrective-actions/close-corrective-action.ts';
import { costCurrencies, type CostCurrency } from '../corrective-action-records.ts';
import { raiseCorrectiveAction } from '../commands/corrective-actions/raise-corrective-action.ts';
import { updateCorrectiveActionStatus } from '../commands/corrective-actions/update-corrective-action-status.ts';
import { findSiteByCode } from '../queries/assessments.ts';
import { findCorrectiveAction, isOverdue, listCorrectiveActions, type CorrectiveActionRow } from '../queries/corrective-actions.ts';
import { correctiveActionStatuses } from '../schema.ts';

const errors = errorResponses;
const json = jsonResponse;

const dateOnly = z.iso.date().openapi({ example: '2025-06-30' });
const SiteParams = z.object({ code: z.string().openapi({ example: 'KAM' }) });
const IdParams = z.object({ id: z.coerce.number().int().positive() });
const currencies = Object.keys(costCurrencies) as [CostCurrency, ...CostCurrency[]];

const CorrectiveAction = z
  .object({
    id: z.number().int(),
    site: z.string(),
    assessmentId: z.number().int().nullable(),
    criterionCode: z.string().nullable(),
    title: z.string(),
    owner: z.string(),
    dueOn: z.string(),
    costEstimateMinor: z.number().int().openapi({ description: 'In minor units of the currency (cents, centimes)' }),
    currency: z.string(),
    status: z.enum(correctiveActionStatuses),
    overdue: z.boolean(),
    closedOn: z.string().nullable(),
    closureNote: z.string().nullable(),
    closureEvidence: z.object({ fileId: z.number().int(), filename: z.string(), sha256: z.string(), url: z.string() }).nullable(),
    createdAt: z.string(),
  })
  .openapi('CorrectiveAction');

const RaiseBody = z.strictObject({
  title: z.string().trim().min(1).max(200),
  owner: z.string().trim().min(1).max(200),
  dueOn: dateOnly,
  costEstimate: z
    .string()
    .trim()
    .min(1)
    .max(32)
    .openapi({ description: 'In the currency’s major unit, as a decimal string: "1250.50"', example: '1250.50' }),
  currency: z.enum(currencies),
  assessmentId: z.number().int().positive().optional(),
  criterionCode: z.string().min(1).max(40).optional(),
});
const StatusBody = z.strictObject({ status: z.literal('in_progress') });
const CloseJson = z.strictObject({ closureNote: z.string().trim().min(1).max(5000), closedOn: dateOnly });
const CloseForm = z.object({
  closureNote: z.string().trim().min(1).max(5000),
  closedOn: dateOnly,
  evidence: z.instanceof(File).optional().openapi({ type: 'string', format: 'binary' }),
});

export function presentCorrectiveAction(action: CorrectiveActionRow, today = new Date()): z.infer<typeof CorrectiveAction> {
  return {
    id: action.id,
    site: action.siteCode,
    assessmentId: action.assessmentId,
    criterionCode: action.criterionCode,
    title: action.title,
    owner: action.owner,
    dueOn: action.dueOn,
    costEstimateMinor: action.costEstimateMinor,
    currency: action.currency,
    status: action.status,
    overdue: isOverdue(action, today),
    closedOn: action.closedOn,
    closureNote: action.closureNote,
    closureEvidence: action.closureEvidence && {
      fileId: action.closureEvidence.id,
      filename: action.closureEvidence.filename,
      sha256: action.closureEvidence.sha256,
      url: `/api/v1/files/${action.closureEvidence.id}`,
    },
    createdAt: action.createdAt.toISOString(),
  };
}

/** Corrective actions: raised from findings or on their own, started, closed with evidence. */
export function registerCorrectiveActionsApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: 'post',
      path: '/sites/{code}/corrective-actions',
      tags: ['Corrective actions'],
      summary: 'Raise a corrective action at a site, from a finding of a submitted assessment or on its own',
      security: signedInSecurity,
      request: { params: SiteParams, body: { content: { 'application/json': { schema: RaiseBody } }, required: true } },
      responses: { 201: json(CorrectiveAction, 'Raised'), ...errors(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const raised = await runCommand(db, c.get('actor'), (ctx) => raiseCorrectiveAction(ctx, { site: c.req.valid('param').code, ...c.req.valid('json') }));
      return c.json(presentCorrectiveAction((await findCorrectiveAction(db, raised.id))!), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/sites/{code}/corrective-actions',
      tags: ['Corrective actions'],
      summary: 'Corrective actions of a site: those still to do first, earliest due first',
      security: signedInSecurity,
      request: { params: SiteParams, query: z.object({ status: z.enum(correctiveActionStatuses).optional() }) },
      responses: { 200: json(z.object({ correctiveActions: z.array(CorrectiveAction) })), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const site = await findSiteByCode(db, c.req.valid('param').code);
      authorize(c.get('actor'), 'corrective_action.manage', { siteCooperativeOrgId: site?.cooperativeOrganisationId ?? -1 });
      if (!site) throw notFound();
      const rows = await listCorrectiveActions(db, { siteId: site.id, status: c.req.valid('query').status });
      return c.json({ correctiveActions: rows.map((row) => presentCorrectiveAction(row)) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/corrective-actions/{id}/status',
      tags: ['Corrective actions'],
      summary: 'Record that work on an open corrective action has started',
      security: signedInSecurity,
      request: { params: IdParams, body: { content: { 'application/json': { schema: StatusBody } }, required: true } },
      responses: { 200: json(CorrectiveAction), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const { id } = c.req.valid('param');
      await runCommand(db, c.get('actor'), (ctx) => updateCorrectiveActionStatus(ctx, { correctiveActionId: id, status: c.req.valid('json').status }));
      return c.json(presentCorrectiveAction((await findCorrectiveAction(db, id))!), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/corrective-actions/{id}/close',
      tags: ['Corrective actions'],
      summary: 'Close a corrective action with a note, the day it was closed and optionally an evidence file',
      security: signedInSecurity,
      request: {
        params: IdParams,
        body: { content: { 'application/json': { schema: CloseJson }, 'multipart/form-data': { schema: CloseForm } } },
      },
      responses: { 200: json(CorrectiveAction), ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const { id } = c.req.valid('param');
      // The body is optional for the router so that either media type may carry it; one of them must.
      const isForm = /^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(c.req.header('content-type') ?? '');
      const parsed: { success: boolean; data?: { closureNote: string; closedOn: string; evidence?: File } } = isForm ? CloseForm.safeParse(c.req.valid('form')) : CloseJson.safeParse(c.req.valid('json'));
      validationHook(parsed);
      const body = parsed.data!;
      const file = body.evidence && (body.evidence.size > 0 || body.evidence.name) ? body.evidence : undefined;
      const evidence = file ? { filename: file.name || 'evidence', contentType: file.type, content: Buffer.from(await file.arrayBuffer()) } : undefined;
      await runCommand(db, c.get('actor'), (ctx) => closeCorrectiveAction(ctx, { correctiveActionId: id, closureNote: body.closureNote, closedOn: body.closedOn, evidence }));
      return c.json(presentCorrectiveAction((await findCorrectiveAction(db, id))!), 200);
    },
  );
}
