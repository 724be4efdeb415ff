import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { stringify } from 'csv-stringify/sync';
import type { Context } from 'hono';
import { isoDateOf } from '../../core/calendar.ts';
import { authorize } from '../../core/auth/policies.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse } from '../../web/openapi.ts';
import { registryError } from '../messages/ledger.ts';
import { findBlockOfSerial, listBatches, listRetirements, registryTotals, type BatchFilter } from '../queries/ledger.ts';
import { blockStates } from '../schema.ts';
import { rangeSerials } from '../serials.ts';

const Kg = (description: string) => z.number().int().openapi({ description: `${description}, in kilograms of contained metal (1 credit = 1,000 kg)` });

const Totals = { issuedKg: Kg('issued'), heldKg: Kg('held in accounts'), retiredKg: Kg('retired against claims'), cancelledKg: Kg('cancelled as issued in error') };

const Batch = z
  .object({
    serialPrefix: z.string().openapi({ example: 'RMC-CO-CD-KAM-2025-0001' }),
    serials: z.string().openapi({ description: 'every serial of the batch, as a range', example: 'RMC-CO-CD-KAM-2025-0001-1-2500' }),
    mineral: z.string(),
    site: z.string(),
    country: z.string(),
    vintage: z.number().int(),
    period: z.object({ start: z.string(), end: z.string() }),
    verificationStatementId: z.number().int(),
    issuedAt: z.string(),
    ...Totals,
  })
  .openapi('CreditBatch');

const TotalsRow = z.object({ mineral: z.string(), vintage: z.number().int(), ...Totals }).openapi('CreditTotals');

const Range = z.object({ serials: z.string(), firstUnit: z.number().int(), lastUnit: z.number().int(), quantityKg: z.number().int() });

const Retirement = z
  .object({
    id: z.number().int(),
    quantityKg: Kg('retired'),
    beneficiary: z.string(),
    claimPeriod: z.object({ start: z.string(), end: z.string() }),
    covers: z.string(),
    footprintReference: z.string().nullable(),
    publicStatement: z.string(),
    retiredAt: z.string(),
    certificate: z.string().openapi({ description: 'the certificate’s public page, where anyone can check its signature', example: '/certificates/12' }),
    ranges: z.array(Range.extend({ mineral: z.string(), site: z.string(), vintage: z.number().int() })),
  })
  .openapi('CreditRetirement');

const SerialBlock = z
  .object({
    serial: z.string(),
    batch: Batch.omit({ issuedKg: true, heldKg: true, retiredKg: true, cancelledKg: true }),
    block: Range.extend({ state: z.enum(blockStates), since: z.string() }),
    retirement: z.object({ id: z.number().int(), beneficiary: z.string(), claimPeriod: z.object({ start: z.string(), end: z.string() }) }).nullable(),
    cancellation: z.object({ id: z.number().int(), reason: z.string() }).nullable(),
  })
  .openapi('CreditSerial');

const BatchQuery = z.object({
  site: z.string().regex(/^[A-Z]{3,6}$/).optional(),
  mineral: z.string().regex(/^[a-z]+$/).optional(),
  vintage: z.string().regex(/^\d{4}$/).optional(),
});

const range = (prefix: string, firstUnit: number, lastUnit: number) => ({ serials: rangeSerials(prefix, { first: firstUnit, last: lastUnit }), firstUnit, lastUnit, quantityKg: lastUnit - firstUnit + 1 });

const batchFilterOf = (query: z.infer<typeof BatchQuery>): BatchFilter => ({ siteCode: query.site, mineral: query.mineral, vintage: query.vintage === undefined ? undefined : Number(query.vintage) });

async function publicBatches(c: Context<AppEnv>, filter: BatchFilter) {
  const rows = await listBatches(c.get('deps').db, filter);
  return rows.map((b) => ({
    serialPrefix: b.serialPrefix,
    serials: rangeSerials(b.serialPrefix, { first: 1, last: b.issuedKg }),
    mineral: b.mineral,
    site: b.siteCode,
    country: b.country,
    vintage: b.vintage,
    period: { start: b.periodStart, end: b.periodEnd },
    verificationStatementId: b.statementId,
    issuedAt: b.issuedAt.toISOString(),
    issuedKg: b.issuedKg,
    heldKg: b.heldKg,
    retiredKg: b.retiredKg,
    cancelledKg: b.cancelledKg,
  }));
}

/** Retirements as the public sees them: the claim and its serials, never the account or its holder. */
async function publicRetirements(c: Context<AppEnv>) {
  const rows = await listRetirements(c.get('deps').db);
  return rows.map((r) => ({
    id: r.id,
    quantityKg: r.quantityKg,
    beneficiary: r.beneficiary,
    claimPeriod: { start: r.claimPeriodStart, end: r.claimPeriodEnd },
    covers: r.covers,
    footprintReference: r.footprintReference,
    publicStatement: r.publicStatement,
    retiredAt: r.createdAt.toISOString(),
    certificate: `/certificates/${r.id}`,
    ranges: r.ranges.map((b) => ({ ...range(b.serialPrefix, b.firstUnit, b.lastUnit), mineral: b.mineral, site: b.siteCode, vintage: b.vintage })),
  }));
}

// ---------------------------------------------------------------------------------------------
// CSV downloads: the same rows as the JSON lists, one line each.

type CsvValue = string | number | null;
type CsvColumn<Row> = [header: string, value: (row: Row) => CsvValue];

/**
 * A cell a spreadsheet will not run: text starting with = + - @ (or a tab or carriage return,
 * which some spreadsheets skip before one) is a formula to Excel, LibreOffice and Google Sheets,
 * so it gets a leading apostrophe, as OWASP advises against CSV injection. Beneficiaries, claims
 * and statements are typed by buyers; every text cell is treated alike.
 */
export function csvCell(value: CsvValue): CsvValue {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Kilograms as tonnes with three decimals and a dot, for a column beside the kilograms. */
export const tonnesCell = (kilograms: number) => `${Math.floor(kilograms / 1000)}.${String(kilograms % 1000).padStart(3, '0')}`;

const quantityColumns = <Row>(name: string, kg: (row: Row) => number): CsvColumn<Row>[] => [
  [`${name}_kg`, kg],
  [`${name}_t`, (row) => tonnesCell(kg(row))],
];

const totalsColumns = <Row extends { issuedKg: number; heldKg: number; retiredKg: number; cancelledKg: number }>(): CsvColumn<Row>[] => [
  ...quantityColumns<Row>('issued', (r) => r.issuedKg),
  ...quantityColumns<Row>('held', (r) => r.heldKg),
  ...quantityColumns<Row>('retired', (r) => r.retiredKg),
  ...quantityColumns<Row>('cancelled', (r) => r.cancelledKg),
];

/**
 * A CSV file (RFC 4180: CRLF line ends, a header row; UTF-8 with a byte-order mark so that
 * spreadsheets read accented names right) offered as a download named `registry-{name}-{date}.csv`.
 */
function csvDownload<Row>(c: Context<AppEnv>, name: string, columns: CsvColumn<Row>[], rows: Row[]) {
  const body = stringify([columns.map(([header]) => header), ...rows.map((row) => columns.map(([, value]) => csvCell(value(row))))], { bom: true, record_delimiter: 'windows' });
  return c.body(body, 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="registry-${name}-${isoDateOf(new Date())}.csv"`,
  });
}

const csvResponse = (description: string) => ({
  200: { description: `${description}: UTF-8 with a byte-order mark, CRLF line ends, a header row; quantities in kilograms and in tonnes (three decimals); text cells that a spreadsheet would run as a formula start with an apostrophe`, content: { 'text/csv': { schema: z.string() } } },
});

const batchColumns: CsvColumn<Awaited<ReturnType<typeof publicBatches>>[number]>[] = [
  ['serial_prefix', (b) => b.serialPrefix],
  ['serials', (b) => b.serials],
  ['mineral', (b) => b.mineral],
  ['site', (b) => b.site],
  ['country', (b) => b.country],
  ['vintage', (b) => b.vintage],
  ['period_start', (b) => b.period.start],
  ['period_end', (b) => b.period.end],
  ['verification_statement_id', (b) => b.verificationStatementId],
  ['issued_at', (b) => b.issuedAt],
  ...totalsColumns(),
];

const retirementColumns: CsvColumn<Awaited<ReturnType<typeof publicRetirements>>[number]>[] = [
  ['retirement_id', (r) => r.id],
  ['retired_at', (r) => r.retiredAt],
  ['beneficiary', (r) => r.beneficiary],
  ['claim_period_start', (r) => r.claimPeriod.start],
  ['claim_period_end', (r) => r.claimPeriod.end],
  ['covers', (r) => r.covers],
  ['footprint_reference', (r) => r.footprintReference],
  ['public_statement', (r) => r.publicStatement],
  ...quantityColumns<Awaited<ReturnType<typeof publicRetirements>>[number]>('quantity', (r) => r.quantityKg),
  ['serials', (r) => r.ranges.map((b) => b.serials).join(' ')],
  ['certificate', (r) => r.certificate],
];

const totalsRowColumns: CsvColumn<Awaited<ReturnType<typeof registryTotals>>[number]>[] = [['mineral', (t) => t.mineral], ['vintage', (t) => t.vintage], ...totalsColumns()];

/**
 * The public registry, read-only: batches, totals, retirements and serial look-ups, as JSON and
 * the lists as CSV. Anonymous and free of personal data; who holds a held block is not
 * published, only its state.
 */
export function registerPublicRegistryApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/registry/batches',
      tags: ['Registry'],
      summary: 'Batches of credits issued, with where their units are (public)',
      request: { query: BatchQuery },
      responses: { 200: jsonResponse(z.object({ batches: z.array(Batch) })), ...errorResponses(400) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'registry.read.public');
      return c.json({ batches: await publicBatches(c, batchFilterOf(c.req.valid('query'))) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/registry/batches.csv',
      tags: ['Registry'],
      summary: 'Batches of credits issued, as CSV, with the same filters (public)',
      request: { query: BatchQuery },
      responses: { ...csvResponse('One line per batch'), ...errorResponses(400) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'registry.read.public');
      return csvDownload(c, 'batches', batchColumns, await publicBatches(c, batchFilterOf(c.req.valid('query'))));
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/registry/totals',
      tags: ['Registry'],
      summary: 'Units issued, held, retired and cancelled, per mineral and vintage (public)',
      responses: { 200: jsonResponse(z.object({ totals: z.array(TotalsRow) })) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'registry.read.public');
      return c.json({ totals: await registryTotals(c.get('deps').db) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/registry/totals.csv',
      tags: ['Registry'],
      summary: 'Units issued, held, retired and cancelled, per mineral and vintage, as CSV (public)',
      responses: csvResponse('One line per mineral and vintage'),
    }),
    async (c) => {
      authorize(c.get('actor'), 'registry.read.public');
      return csvDownload(c, 'totals', totalsRowColumns, await registryTotals(c.get('deps').db));
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/registry/retirements',
      tags: ['Registry'],
      summary: 'Retirements, newest first: beneficiary, claim and the serials retired (public)',
      responses: { 200: jsonResponse(z.object({ retirements: z.array(Retirement) })) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'registry.read.public');
      return c.json({ retirements: await publicRetirements(c) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/registry/retirements.csv',
      tags: ['Registry'],
      summary: 'Retirements, newest first, as CSV; the serial ranges of one retirement are separated by spaces (public)',
      responses: csvResponse('One line per retirement'),
    }),
    async (c) => {
      authorize(c.get('actor'), 'registry.read.public');
      return csvDownload(c, 'retirements', retirementColumns, await publicRetirements(c));
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/registry/serials/{serial}',
      tags: ['Registry'],
      summary: 'The block that holds a serial (or a range of serials within one block), and its state (public)',
      request: { params: z.object({ serial: z.string().max(80).openapi({ example: 'RMC-CO-CD-KAM-2025-0001-17' }) }) },
      responses: { 200: jsonResponse(SerialBlock), ...errorResponses(404) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'registry.read.public');
      const { serial } = c.req.valid('param');
      const found = await findBlockOfSerial(c.get('deps').db, serial);
      if (!found) throw registryError('serial_not_found', 404, { serial }, { serial });
      const { batch, block, retirement, cancellation } = found;
      return c.json(
        {
          serial,
          batch: {
            serialPrefix: batch.serialPrefix,
            serials: rangeSerials(batch.serialPrefix, { first: 1, last: batch.quantityKg }),
            mineral: batch.mineral,
            site: batch.siteCode,
            country: batch.country,
            vintage: batch.vintage,
            period: { start: batch.periodStart, end: batch.periodEnd },
            verificationStatementId: batch.statementId,
            issuedAt: batch.issuedAt.toISOString(),
          },
          block: { ...range(batch.serialPrefix, block.firstUnit, block.lastUnit), state: block.state, since: block.createdAt.toISOString() },
          retirement: retirement ? { id: retirement.id, beneficiary: retirement.beneficiary, claimPeriod: { start: retirement.claimPeriodStart, end: retirement.claimPeriodEnd } } : null,
          cancellation: cancellation ? { id: cancellation.id, reason: cancellation.reason } : null,
        },
        200,
      );
    },
  );
}
