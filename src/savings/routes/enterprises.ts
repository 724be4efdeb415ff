import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../../core/auth/policies.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses as errors, jsonResponse as json, signedInSecurity } from '../../web/openapi.ts';
import { enterpriseRevenueSchema, recordEnterpriseRevenue } from '../commands/record-enterprise-revenue.ts';
import { registerEnterprise, registerEnterpriseSchema } from '../commands/register-enterprise.ts';
import { listEnterprises } from '../queries/groups.ts';
import { enterpriseSectors } from '../schema.ts';
import { tags } from './openapi.ts';

const EnterpriseSchema = z
  .object({
    code: z.string(),
    ownerCode: z.string(),
    sector: z.enum(enterpriseSectors),
    startedOn: z.string(),
    closedOn: z.string().nullable(),
    financedByGroupLoan: z.boolean(),
    latestMonth: z.string().nullable(),
    latestRevenueMinor: z.number().int().nullable(),
    latestProfitMinor: z.number().int().nullable().openapi({ description: 'Profit of the latest month reported, where the owner gave it' }),
    jobsCreated: z.number().int().nullable().openapi({ description: 'Paid jobs besides the owner’s, as last reported' }),
  })
  .openapi('SavingsEnterprise');

/** Members' micro-enterprises and their monthly takings. */
export function registerSavingsEnterprisesApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({ method: 'get', path: '/savings/enterprises', tags, summary: 'Members’ micro-enterprises, by code', security: signedInSecurity, responses: { 200: json(z.object({ enterprises: z.array(EnterpriseSchema) })), ...errors(401, 403) } }),
    async (c) => {
      authorize(c.get('actor'), 'savings.read');
      const rows = await listEnterprises(c.get('deps').db);
      return c.json({ enterprises: rows.map(({ ownerSex: _sex, financingLoanId, ...e }) => ({ ...e, financedByGroupLoan: financingLoanId !== null })) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/savings/enterprises',
      tags,
      summary: 'Register a member’s micro-enterprise',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: registerEnterpriseSchema } }, required: true } },
      responses: { 201: json(z.object({ code: z.string() }), 'Enterprise registered'), ...errors(400, 401, 403, 422) },
    }),
    async (c) => {
      const enterprise = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => registerEnterprise(ctx, c.req.valid('json')));
      return c.json({ code: enterprise.code }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/savings/enterprises/revenues',
      tags,
      summary: 'Record an enterprise’s takings for a month (a newer report of the same month replaces it)',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: enterpriseRevenueSchema } }, required: true } },
      responses: { 201: json(z.object({ enterpriseCode: z.string(), month: z.string(), revenueMinor: z.number().int(), profitMinor: z.number().int().nullable(), jobsCreated: z.number().int().nullable() }), 'Revenue recorded'), ...errors(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      return c.json(await runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordEnterpriseRevenue(ctx, c.req.valid('json'))), 201);
    },
  );
}
