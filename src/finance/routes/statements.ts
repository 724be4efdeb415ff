import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { authorize } from '../../core/auth/policies.ts';
import { isoDateOf } from '../../core/calendar.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse } from '../../web/openapi.ts';
import { financeStatement, statementPeriodOf, type FinanceStatement } from '../queries/statements.ts';
import { statementCsv, statementXlsx } from '../statement-files.ts';

const Minor = (description: string) => z.number().int().openapi({ description: `${description}, in minor units (cents)` });
const Localized = z.object({ en: z.string(), fr: z.string() });

const StatementQuery = z.object({
  year: z.string().max(12).optional().openapi({ description: 'a calendar year, not after the current one (instead of from and to)', example: '2024' }),
  from: z.string().max(12).optional().openapi({ description: 'the first day of the period (YYYY-MM-DD)', example: '2024-01-01' }),
  to: z.string().max(12).optional().openapi({ description: 'the last day of the period, included (YYYY-MM-DD)', example: '2024-12-31' }),
});

const ComparisonFields = {
  budgetMinor: Minor('budget'),
  actualMinor: Minor('charged'),
  varianceMinor: Minor('budget less actual (negative when overspent)'),
  shareSpent: z.number().nullable(),
  shareElapsed: z.number(),
  overspent: z.boolean(),
};

const StatementSchema = z
  .object({
    period: z.object({ from: z.string(), to: z.string() }),
    currency: z.string().openapi({ description: 'the reporting currency every figure but those of a grant’s own currency is in' }),
    income: z.object({
      totalMinor: Minor('all income of the period'),
      lines: z.array(z.object({ source: z.enum(['member_contributions', 'grants', 'registry_fees']), donor: z.string().nullable().openapi({ description: 'the donor organisation, for grant receipts' }), amountMinor: Minor('received') })),
    }),
    expenditure: z.object({
      totalMinor: Minor('all spending of the period'),
      byArea: z.array(z.object({ area: z.string(), label: Localized, amountMinor: Minor('spent') })),
      byCategory: z.array(z.object({ category: z.string(), amountMinor: Minor('spent') })),
      restrictedMinor: Minor('charged to grants'),
      unrestrictedMinor: Minor('charged to unrestricted funds'),
    }),
    balances: z.object({
      restricted: z.array(
        z.object({
          grantId: z.number().int(),
          reference: z.string(),
          donor: z.string(),
          currency: z.string(),
          receivedMinor: Minor('received up to the period’s end, in the grant’s currency'),
          chargedMinor: Minor('charged up to the period’s end, in the grant’s currency'),
          balanceMinor: Minor('unspent, in the grant’s currency'),
          balanceReportingMinor: Minor('unspent, in the reporting currency'),
        }),
      ),
      restrictedMinor: Minor('unspent grant money at the period’s end'),
      unrestrictedMinor: Minor('unrestricted funds at the period’s end'),
    }),
    creditFlows: z.object({
      salesMinor: Minor('credit sales paid'),
      premiumMinor: Minor('premium owed to the site funds'),
      feeMinor: Minor('registry fee kept by the alliance'),
      unsplitMinor: Minor('sales recorded neither as premium nor fee'),
      premiumBookedMinor: Minor('premium the site funds booked'),
      reconciliation: z.array(
        z.object({
          currency: z.string(),
          salesMinor: z.number().int(),
          premiumMinor: z.number().int(),
          feeMinor: z.number().int(),
          premiumBookedMinor: z.number().int(),
          splitMatches: z.boolean().openapi({ description: 'sales = premium + fee' }),
          bookedMatches: z.boolean().openapi({ description: 'premium owed = premium booked by the funds' }),
        }),
      ),
      reconciled: z.boolean(),
    }),
    budgetAgainstActual: z.array(
      z.object({
        grantId: z.number().int(),
        reference: z.string(),
        donor: z.string(),
        currency: z.string(),
        version: z.number().int().nullable(),
        lines: z.array(z.object({ activity: z.string(), category: z.string(), year: z.number().int(), ...ComparisonFields })),
        total: z.object(ComparisonFields),
      }),
    ),
    ratesUsed: z.array(z.object({ id: z.number().int(), currency: z.string(), rateOn: z.string(), unitsPerUsdMicro: z.number().int().openapi({ description: 'units of the currency one US dollar buys, in millionths' }), source: z.string() })),
  })
  .openapi('FinanceStatement');

const description =
  'The alliance’s statement for a year (`year`) or a period (`from`–`to`, both days included): income by source, expenditure by programme area and by cost category, restricted and unrestricted balances at the period’s end, credit flows reconciled with the registry and the site funds, and budget against actual per grant. Every amount is converted to the reporting currency with the rates of its own day (listed in `ratesUsed`), rounded to the minor unit half away from zero; a missing rate is a 422 `rate_missing`. Aggregate only: no payee is named. Public.';

async function statementOf(c: Context<AppEnv>, query: z.infer<typeof StatementQuery>): Promise<FinanceStatement> {
  authorize(c.get('actor'), 'finance.read.public');
  return financeStatement(c.get('deps').db, statementPeriodOf(query, isoDateOf(new Date())));
}

const fileName = (statement: FinanceStatement, extension: string) => {
  const { from, to } = statement.period;
  const name = from.endsWith('-01-01') && to.endsWith('-12-31') && from.slice(0, 4) === to.slice(0, 4) ? from.slice(0, 4) : `${from}_${to}`;
  return `attachment; filename="finance-statement-${name}.${extension}"`;
};
const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The finance statements, public: JSON, CSV and XLSX of the same figures. */
export function registerStatementsApi(api: OpenAPIHono<AppEnv>): void {
  api.openapi(
    createRoute({ method: 'get', path: '/finance/statements', tags: ['Finance'], summary: 'The finance statement of a year or period (public)', description, request: { query: StatementQuery }, responses: { 200: jsonResponse(StatementSchema), ...errorResponses(400, 422) } }),
    async (c) => c.json(await statementOf(c, c.req.valid('query')), 200),
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/finance/statements.csv',
      tags: ['Finance'],
      summary: 'The finance statement as CSV (public)',
      description: 'The same statement and query as `/finance/statements`, one line per figure: columns section, item, detail, currency, amount_minor, amount (a decimal with a dot). UTF-8 with a byte-order mark, CRLF line ends.',
      request: { query: StatementQuery },
      responses: { 200: { description: 'The statement', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses(400, 422) },
    }),
    async (c) => {
      const statement = await statementOf(c, c.req.valid('query'));
      return c.body(statementCsv(statement), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': fileName(statement, 'csv') });
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/finance/statements.xlsx',
      tags: ['Finance'],
      summary: 'The finance statement as an XLSX workbook (public)',
      description: 'The lines of the CSV in a sheet “Statement”, amounts as numbers.',
      request: { query: StatementQuery },
      responses: { 200: { description: 'The statement', content: { [xlsxType]: { schema: z.string().openapi({ format: 'binary' }) } } }, ...errorResponses(400, 422) },
    }),
    async (c) => {
      const statement = await statementOf(c, c.req.valid('query'));
      return c.body(await statementXlsx(statement), 200, { 'content-type': xlsxType, 'content-disposition': fileName(statement, 'xlsx') });
    },
  );
}
