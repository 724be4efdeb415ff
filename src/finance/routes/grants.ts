import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize, can } from '../../core/auth/policies.ts';
import { organisationOf, type Actor } from '../../core/auth/roles.ts';
import { isoDateOf } from '../../core/calendar.ts';
import type { Queryable } from '../../db/connect.ts';
import { findFile } from '../../files/public.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../../web/openapi.ts';
import { createGrant } from '../commands/create-grant.ts';
import { recordExpenditure } from '../commands/record-expenditure.ts';
import { recordGrantMoney } from '../commands/record-grant-receipt.ts';
import { recordPartnerCommitment } from '../commands/record-partner-commitment.ts';
import { reviseGrantBudget } from '../commands/revise-grant-budget.ts';
import { costCategories } from '../grants-schema.ts';
import { grantError } from '../messages/grant-errors.ts';
import { budgetAgainstActual } from '../queries/budget-vs-actual.ts';
import { expenditureReceipt, listSpending, type SpendingRow } from '../queries/expenditures.ts';
import { findGrant, listGrants } from '../queries/grants.ts';

const date = z.iso.date();
const Minor = (description: string) => z.number().int().openapi({ description: `${description}, in minor units (cents)` });
const idParams = z.object({ id: z.coerce.number().int().positive().openapi({ example: 1 }) });
const Category = z.enum(costCategories);

const GrantBody = z.strictObject({
  donor: z.string().max(32).openapi({ description: 'the donor organisation’s code (an organisation of kind donor)', example: 'eprm' }),
  reference: z.string().max(60).openapi({ description: 'the agreement’s reference, unique per donor', example: 'EPRM-2024-017' }),
  title: z.string().max(200),
  purpose: z.string().max(2000),
  currency: z.string().max(3).openapi({ example: 'EUR' }),
  totalMinor: Minor('the grant’s total'),
  signedOn: date,
  periodStart: date,
  periodEnd: date,
  activities: z.array(z.string().max(40)).max(50).openapi({ description: 'codes of the activities it is restricted to' }),
  areas: z.array(z.string().max(40)).max(50).openapi({ description: 'codes of the programme areas whose activities it may fund' }),
  reportsDue: z.array(z.strictObject({ dueOn: date, description: z.string().max(200) })).max(50),
});
const BudgetBody = z.strictObject({
  reason: z.string().max(500).openapi({ description: 'why this version is made', example: 'Budget as signed' }),
  lines: z.array(z.strictObject({ activity: z.string().max(40), category: Category, year: z.number().int(), amountMinor: Minor('the line’s budget') })).max(500),
});
const MoneyBody = z.strictObject({
  kind: z.enum(['commitment', 'receipt']).openapi({ description: 'commitment: IATI incoming commitment (11); receipt: incoming funds (1)' }),
  amountMinor: Minor('the amount, in the grant’s currency'),
  valueOn: date,
  reference: z.string().max(100).openapi({ description: 'the bank’s or donor’s reference; the same one twice is refused' }),
});
const SpendingBody = z.strictObject({
  kind: z.enum(['expenditure', 'disbursement']).openapi({ description: 'expenditure: IATI type 4; disbursement to an implementing partner: type 3' }),
  reference: z.string().max(100).openapi({ description: 'the voucher reference; the same one twice is refused' }),
  spentOn: date,
  amountMinor: Minor('the amount'),
  currency: z.string().max(3),
  activity: z.string().max(40),
  category: Category,
  payee: z.union([z.strictObject({ organisation: z.string().max(32) }), z.strictObject({ individual: z.string().max(200).openapi({ description: 'a person’s name: kept for the secretariat, never shown elsewhere' }) })]),
  description: z.string().max(500),
  partnerCommitment: z.string().max(100).optional().openapi({ description: 'the reference of the outgoing commitment a disbursement pays' }),
  allocations: z
    .array(z.strictObject({ grantId: z.number().int().positive().nullable().openapi({ description: 'a grant, or null for the unrestricted funds' }), amountMinor: Minor('the share') }))
    .max(20)
    .openapi({ description: 'the funding sources, their shares summing to the amount' }),
});
const CommitmentBody = z.strictObject({
  reference: z.string().max(100),
  partner: z.string().max(32).openapi({ description: 'the partner organisation’s code' }),
  activity: z.string().max(40),
  amountMinor: Minor('the contract’s amount'),
  currency: z.string().max(3),
  signedOn: date,
  description: z.string().max(500),
});

const GrantSummarySchema = z.object({
  id: z.number().int(),
  donor: z.string(),
  donorName: z.string(),
  reference: z.string(),
  title: z.string(),
  currency: z.string(),
  totalMinor: Minor('the total'),
  receivedMinor: Minor('received so far'),
  spentMinor: Minor('charged to the grant so far, in its currency'),
  periodStart: z.string(),
  periodEnd: z.string(),
});
const ComparisonFields = {
  budgetMinor: Minor('budget'),
  actualMinor: Minor('charged'),
  varianceMinor: Minor('budget less actual (negative when overspent)'),
  shareSpent: z.number().nullable().openapi({ description: 'actual over budget (1 = all of it); null with no budget' }),
  shareElapsed: z.number().openapi({ description: 'share of the line’s time (its year within the grant period) elapsed' }),
  overspent: z.boolean(),
};
const BudgetAgainstActualSchema = z
  .object({
    version: z.number().int().nullable().openapi({ description: 'the current budget version' }),
    asOf: z.string(),
    lines: z.array(z.object({ activity: z.string(), category: z.string(), year: z.number().int(), ...ComparisonFields })),
    total: z.object(ComparisonFields),
  })
  .openapi('GrantBudgetAgainstActual');
const SpendingSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['expenditure', 'disbursement']),
  reference: z.string(),
  spentOn: z.string(),
  amountMinor: Minor('the amount'),
  currency: z.string(),
  activity: z.string(),
  category: z.string(),
  payee: z.string().openapi({ description: 'the organisation paid, or “individual”' }),
  payeeIndividualName: z.string().optional().openapi({ description: 'the secretariat’s admins only' }),
  receiptUrl: z.string().nullable().optional().openapi({ description: 'the secretariat’s admins only' }),
  description: z.string(),
  allocations: z.array(z.object({ grantId: z.number().int().nullable(), grantReference: z.string().nullable(), amountMinor: Minor('the share'), grantAmountMinor: Minor('the share in the grant’s currency').nullable() })),
});
const GrantDetailSchema = GrantSummarySchema.extend({
  purpose: z.string(),
  signedOn: z.string(),
  activities: z.array(z.string()),
  areas: z.array(z.string()),
  reportsDue: z.array(z.object({ dueOn: z.string(), description: z.string() })),
  budgetVersions: z.array(z.object({ version: z.number().int(), reason: z.string(), createdAt: z.string(), lines: z.array(z.object({ activity: z.string(), category: z.string(), year: z.number().int(), amountMinor: Minor('budget') })) })),
  commitments: z.array(z.object({ amountMinor: Minor('committed'), valueOn: z.string(), reference: z.string() })),
  receipts: z.array(z.object({ amountMinor: Minor('received'), valueOn: z.string(), reference: z.string() })),
  budgetAgainstActual: BudgetAgainstActualSchema,
  spending: z.array(SpendingSchema),
}).openapi('Grant');

/** A spending row as the reader may see it: a person is "individual" unless the reader is the secretariat's admin. */
export function presentSpending(row: SpendingRow) {
  return { ...row, payee: row.payeeOrganisation ?? 'individual', payeeOrganisation: undefined, receiptFileId: undefined, ...(row.receiptFileId !== undefined ? { receiptUrl: row.receiptFileId === null ? null : `/api/v1/finance/expenditures/${row.id}/receipt` } : {}) };
}

/** The grant, if the actor may read it: a 404 for the secretariat when there is none, a 403 for anyone else (who learns nothing of other donors' grants). */
export async function readableGrant(db: Queryable, actor: Actor, id: number) {
  const grant = await findGrant(db, id);
  authorize(actor, 'finance.grant.read', { donorOrgId: grant?.donorOrganisationId ?? -1 });
  if (!grant) throw grantError('grant_not_found', 404, { id: String(id) });
  return grant;
}

/** The grants an actor may list: all for the secretariat, a donor's own for its member users. */
export async function readableGrants(db: Queryable, actor: Actor) {
  const own = organisationOf(actor) ?? -1;
  authorize(actor, 'finance.grant.read', { donorOrgId: own });
  return listGrants(db, actor.role === 'admin' ? {} : { donorOrgId: own });
}

const summaryOf = (grant: { id: number; donorCode: string; donorName: string; reference: string; title: string; currency: string; totalMinor: number; periodStart: string; periodEnd: string }, receivedMinor: number, spentMinor: number) => ({
  id: grant.id,
  donor: grant.donorCode,
  donorName: grant.donorName,
  reference: grant.reference,
  title: grant.title,
  currency: grant.currency,
  totalMinor: grant.totalMinor,
  receivedMinor,
  spentMinor,
  periodStart: grant.periodStart,
  periodEnd: grant.periodEnd,
});

/** Grants, their budgets and money, and spending: the secretariat records; a donor's member users read their own grants. */
export function registerGrantsApi(api: OpenAPIHono<AppEnv>): void {
  api.openapi(
    createRoute({ method: 'get', path: '/finance/grants', tags: ['Finance'], summary: 'Grants: all for the secretariat, a donor’s own for its users', security: signedInSecurity, responses: { 200: jsonResponse(z.array(GrantSummarySchema)), ...errorResponses(401, 403) } }),
    async (c) => {
      const grants = await readableGrants(c.get('deps').db, c.get('actor'));
      return c.json(grants.map((grant) => summaryOf(grant, grant.receivedMinor, grant.spentMinor)), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/finance/grants',
      tags: ['Finance'],
      summary: 'Record a grant agreement signed with a donor (secretariat)',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: GrantBody } }, required: true } },
      responses: { 201: jsonResponse(z.object({ id: z.number().int(), reference: z.string() })), ...errorResponses(400, 401, 403, 409, 422) },
    }),
    async (c) => {
      const grant = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => createGrant(ctx, c.req.valid('json')));
      return c.json({ id: grant.id, reference: grant.reference }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/finance/grants/{id}',
      tags: ['Finance'],
      summary: 'A grant with its budget versions, money received, spending charged and budget against actual (secretariat, or the donor’s users)',
      security: signedInSecurity,
      request: { params: idParams },
      responses: { 200: jsonResponse(GrantDetailSchema), ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const grant = await readableGrant(db, c.get('actor'), c.req.valid('param').id);
      const asOf = isoDateOf(new Date());
      const comparison = await budgetAgainstActual(db, grant, asOf);
      const spending = await listSpending(db, { grantId: grant.id, withPersonalData: can(c.get('actor'), 'finance.restricted.read') });
      const money = (rows: { amountMinor: number; valueOn: string; reference: string }[]) => rows.map(({ amountMinor, valueOn, reference }) => ({ amountMinor, valueOn, reference }));
      return c.json(
        {
          ...summaryOf(grant, grant.receipts.reduce((sum, r) => sum + r.amountMinor, 0), comparison.total.actualMinor),
          purpose: grant.purpose,
          signedOn: grant.signedOn,
          activities: grant.activities,
          areas: grant.areas,
          reportsDue: grant.reports,
          budgetVersions: grant.versions.map((version) => ({ ...version, createdAt: version.createdAt.toISOString() })),
          commitments: money(grant.commitments),
          receipts: money(grant.receipts),
          budgetAgainstActual: { ...comparison, asOf },
          spending: spending.map(presentSpending),
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/finance/grants/{id}/budget-against-actual',
      tags: ['Finance'],
      summary: 'A grant’s current budget against what is charged to it, per line: variance, share spent against share of time elapsed, overspent lines',
      security: signedInSecurity,
      request: { params: idParams },
      responses: { 200: jsonResponse(BudgetAgainstActualSchema), ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const grant = await readableGrant(db, c.get('actor'), c.req.valid('param').id);
      const asOf = isoDateOf(new Date());
      return c.json({ ...(await budgetAgainstActual(db, grant, asOf)), asOf }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/finance/grants/{id}/budget',
      tags: ['Finance'],
      summary: 'Set a grant’s budget as a new version with its reason; earlier versions are kept unchanged (secretariat)',
      security: signedInSecurity,
      request: { params: idParams, body: { content: { 'application/json': { schema: BudgetBody } }, required: true } },
      responses: { 201: jsonResponse(z.object({ version: z.number().int(), budgetMinor: Minor('the version’s total') })), ...errorResponses(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const version = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => reviseGrantBudget(ctx, { grantId: c.req.valid('param').id, ...c.req.valid('json') }));
      return c.json({ version: version.version, budgetMinor: version.budgetMinor }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/finance/grants/{id}/money',
      tags: ['Finance'],
      summary: 'Record a donor’s commitment or a tranche received; receipts never exceed the grant’s total (secretariat)',
      security: signedInSecurity,
      request: { params: idParams, body: { content: { 'application/json': { schema: MoneyBody } }, required: true } },
      responses: { 201: jsonResponse(z.object({ id: z.number().int() })), ...errorResponses(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const recorded = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordGrantMoney(ctx, { grantId: c.req.valid('param').id, ...c.req.valid('json') }));
      return c.json({ id: recorded.id }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/finance/expenditures',
      tags: ['Finance'],
      summary: 'Spending, latest first, with individual payees and receipts (secretariat)',
      security: signedInSecurity,
      responses: { 200: jsonResponse(z.array(SpendingSchema)), ...errorResponses(401, 403) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'finance.restricted.read');
      return c.json((await listSpending(c.get('deps').db, { withPersonalData: true })).map(presentSpending), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/finance/expenditures',
      tags: ['Finance'],
      summary: 'Record spending or a disbursement to a partner, charged to grants or unrestricted funds whose shares sum to the amount (secretariat; receipts are uploaded on the page)',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: SpendingBody } }, required: true } },
      responses: { 201: jsonResponse(z.object({ id: z.number().int(), reference: z.string() })), ...errorResponses(400, 401, 403, 409, 422) },
    }),
    async (c) => {
      const expenditure = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordExpenditure(ctx, c.req.valid('json')));
      return c.json({ id: expenditure.id, reference: expenditure.reference }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/finance/expenditures/{id}/receipt',
      tags: ['Finance'],
      summary: 'Download a spending’s receipt (secretariat’s admins only)',
      security: signedInSecurity,
      request: { params: idParams },
      responses: { 200: { description: 'The receipt', content: { 'application/octet-stream': { schema: z.string() } } }, ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'finance.restricted.read');
      const db = c.get('deps').db;
      const receipt = await expenditureReceipt(db, c.req.valid('param').id);
      const file = receipt?.receiptFileId ? await findFile(db, receipt.receiptFileId) : undefined;
      if (!file) throw grantError('receipt_not_found', 404, { id: String(c.req.valid('param').id) });
      return c.body(new Uint8Array(file.content), 200, {
        'Content-Type': file.contentType,
        'Content-Disposition': `attachment; filename="${file.filename.replace(/[^\w.-]/g, '_')}"`,
        'X-Content-Type-Options': 'nosniff',
      }) as never;
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/finance/partner-commitments',
      tags: ['Finance'],
      summary: 'Record an outgoing commitment: a contract with an implementing partner (secretariat)',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: CommitmentBody } }, required: true } },
      responses: { 201: jsonResponse(z.object({ id: z.number().int(), reference: z.string() })), ...errorResponses(400, 401, 403, 409, 422) },
    }),
    async (c) => {
      const commitment = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordPartnerCommitment(ctx, c.req.valid('json')));
      return c.json({ id: commitment.id, reference: commitment.reference }, 201);
    },
  );
}
