import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../../core/auth/policies.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../../web/openapi.ts';
import { dryRunLedgerImport, importLedger } from '../commands/import-ledger.ts';
import { mapLedgerAccount } from '../commands/map-ledger-account.ts';
import { costCategories } from '../grants-schema.ts';
import { ledgerAccountMappings, type LedgerPlan } from '../ledger/plan.ts';

const UploadedFile = z.custom<File>((value) => value instanceof File, 'a file').openapi({ type: 'string', format: 'binary' });
const ImportForm = z.object({
  file: UploadedFile,
  currency: z.string().max(3).openapi({ description: 'the currency of postings that name none (the books’ currency)', example: 'USD' }),
  dateOrder: z.enum(['dmy', 'mdy']).openapi({ description: 'how the file writes dates: dmy (31/12/2025) or mdy (12/31/2025); ISO dates and spreadsheet dates read either way' }),
});
const Problem = z.object({ row: z.number().int(), code: z.string(), message: z.string() });
const PlanAnswer = z.object({
  dryRun: z.boolean(),
  fileSha256: z.string(),
  format: z.enum(['csv', 'xlsx']),
  shape: z.enum(['flat', 'grouped']).openapi({ description: 'flat: the account in a column; grouped: each account on a row of its own, its postings below' }),
  postings: z.number().int(),
  toImport: z.number().int().openapi({ description: 'new postings on spending accounts: the expenditures an import records' }),
  alreadyImported: z.number().int(),
  notSpending: z.number().int(),
  unmappedAccounts: z.array(z.object({ account: z.string(), name: z.string(), postings: z.number().int(), totals: z.record(z.string(), z.number().int()) })),
  problems: z.array(Problem),
});
const Mapping = z.object({
  account: z.string(),
  name: z.string(),
  treatment: z.enum(['spending', 'not_spending']),
  activity: z.string().nullable(),
  category: z.enum(costCategories).nullable(),
  grant: z.string().nullable(),
});
const MappingBody = z.strictObject({
  name: z.string().max(200).optional(),
  treatment: z.enum(['spending', 'not_spending']),
  activity: z.string().max(40).optional(),
  category: z.string().max(40).optional(),
  grant: z.string().max(60).nullable().optional().openapi({ description: 'the reference of the grant its spending is charged to; none: unrestricted funds' }),
});

/** A plan as the API gives it: counts, unmapped accounts and problems in the reader's language; never a payee's name. */
function presentPlan(plan: LedgerPlan, dryRun: boolean, locale: Locale) {
  return {
    dryRun,
    fileSha256: plan.sha256,
    format: plan.format,
    shape: plan.shape,
    postings: plan.postings,
    toImport: plan.toImport.length,
    alreadyImported: plan.alreadyImported.length,
    notSpending: plan.notSpending.length,
    unmappedAccounts: plan.unmappedAccounts,
    problems: plan.problems.map((p) => ({ row: p.row, code: p.code, message: p.message[locale] })),
  };
}

/** The general-ledger import: the secretariat maps its accounts, dry-runs an export and imports it. */
export function registerLedgerApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: 'post',
      path: '/finance/ledger/import',
      tags: ['Finance'],
      summary: 'Import a general-ledger export (CSV or XLSX from Xero, QuickBooks, Sage, Odoo…), all or nothing; `dry_run=true` only reports (secretariat)',
      description:
        'Every new posting on an account mapped as spending becomes an expenditure on its activity and cost category, charged to its grant or to unrestricted funds. A dry run lists the unmapped accounts (with their totals) and every posting that cannot be taken, with its row and reason. Without `dry_run=true` the file is imported only when none is left (else 422 `ledger_has_problems`, the problems in `details`); postings imported before are skipped, so importing the same or an overlapping export again adds only what is new.',
      security: signedInSecurity,
      request: { query: z.object({ dry_run: z.enum(['true', 'false']).optional() }), body: { content: { 'multipart/form-data': { schema: ImportForm } }, required: true } },
      responses: { 200: jsonResponse(PlanAnswer, 'What the import would do'), 201: jsonResponse(PlanAnswer.extend({ importId: z.number().int() }), 'Imported'), ...errorResponses(400, 401, 403, 413, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      const { file, currency, dateOrder } = c.req.valid('form');
      const content = Buffer.from(await file.arrayBuffer());
      if (c.req.valid('query').dry_run === 'true') return c.json(presentPlan(await dryRunLedgerImport(db, actor, { content, currency, dateOrder }), true, c.get('locale')), 200);
      const result = await runCommand(db, actor, (ctx) => importLedger(ctx, { filename: file.name, content, currency, dateOrder }));
      return c.json({ ...presentPlan(result.plan, false, c.get('locale')), importId: result.import.id }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/finance/ledger/accounts',
      tags: ['Finance'],
      summary: 'How each account of the books imports: spending on an activity and cost category (and grant), or not spending (secretariat)',
      security: signedInSecurity,
      responses: { 200: jsonResponse(z.array(Mapping)), ...errorResponses(401, 403) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'finance.manage');
      const rows = await ledgerAccountMappings(c.get('deps').db);
      return c.json(
        rows.map((row) => ({ account: row.code, name: row.name, treatment: row.treatment, activity: row.activityCode, category: row.costCategory as (typeof costCategories)[number] | null, grant: row.grantReference })),
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/finance/ledger/accounts/{account}',
      tags: ['Finance'],
      summary: 'Say how an account of the books imports (secretariat); a new mapping applies to imports to come',
      security: signedInSecurity,
      request: { params: z.object({ account: z.string().max(60) }), body: { content: { 'application/json': { schema: MappingBody } }, required: true } },
      responses: { 200: jsonResponse(z.object({ account: z.string(), treatment: z.enum(['spending', 'not_spending']) })), ...errorResponses(400, 401, 403, 422) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const mapping = body.treatment === 'not_spending' ? { treatment: 'not_spending' as const } : { treatment: 'spending' as const, activity: body.activity ?? '', category: body.category ?? '', grant: body.grant ?? null };
      const row = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => mapLedgerAccount(ctx, { account: c.req.valid('param').account, ...(body.name !== undefined && { name: body.name }), mapping }));
      return c.json({ account: row.code, treatment: row.treatment }, 200);
    },
  );
}
