import { Validator } from '@seriousme/openapi-schema-validator';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, insertSignedStatement, openApprovedAccount } from '../../test/factories/registry.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import type { Actor } from '../core/auth/roles.ts';
import { runCommand } from '../journal/public.ts';
import { cancelUnits } from './commands/cancel-units.ts';
import { issueBatch } from './commands/issue-batch.ts';
import { retireCredits } from './commands/retire-credits.ts';
import { transferCredits } from './commands/transfer-credits.ts';
import { getIssuanceAccount } from './queries/accounts.ts';

let t: TestContext;
let site: string;
let prefixes: string[];
let buyerAccountId: number;
let buyerActor: Actor;

/** Two batches: the first sold whole to a buyer who retired 1,000 units of it, 100 units of the second cancelled. */
beforeAll(async () => {
  t = await createTestContext();
  await t.buildOrganisation({ kind: 'secretariat' });
  const buyer = await t.buildOrganisation({ kind: 'buyer', code: 'fairphone' });
  const account = await openApprovedAccount(t.db, buyer);
  buyerAccountId = account.id;
  buyerActor = actorOf(buyer, 'buyer');
  const signed = await insertSignedStatement(t, { responsibleKg: 5_000, periodStart: '2023-01-01', periodEnd: '2023-12-31' });
  site = signed.site.code;
  const first = await runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId: signed.statement.id, quantityKg: 2_500 }));
  const second = await runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId: signed.statement.id, quantityKg: 500 }));
  prefixes = [first.serialPrefix, second.serialPrefix];
  const issuance = (await getIssuanceAccount(t.db))!.id;
  await runCommand(t.db, system, (ctx) => transferCredits(ctx, { fromAccountId: issuance, toAccountId: account.id, quantityKg: 2_500 }));
  await runCommand(t.db, actorOf(buyer, 'buyer'), (ctx) =>
    retireCredits(ctx, { accountId: account.id, quantityKg: 1_000, beneficiary: 'Fairphone B.V.', claimPeriodStart: '2023-01-01', claimPeriodEnd: '2023-12-31', covers: 'total use', publicStatement: 'All our 2023 cobalt.' }),
  );
  await runCommand(t.db, system, (ctx) => cancelUnits(ctx, { batchId: second.id, quantityKg: 100, reason: 'Issued from a draft figure' }));
});
afterAll(() => t?.close());

const get = (path: string, headers: Record<string, string> = {}) => t.app.request(`/api/v1${path}`, { headers });

describe('The public registry API', () => {
  it('lists batches with where their units are, to anyone, filtered by site, mineral and vintage', async () => {
    const response = await get('/registry/batches');
    expect(response.status).toBe(200);
    const { batches } = (await response.json()) as { batches: Record<string, unknown>[] };
    expect(batches).toEqual([
      expect.objectContaining({ serialPrefix: prefixes[0], serials: `${prefixes[0]}-1-2500`, mineral: 'cobalt', site, country: 'CD', vintage: 2023, period: { start: '2023-01-01', end: '2023-12-31' }, issuedKg: 2_500, heldKg: 1_500, retiredKg: 1_000, cancelledKg: 0 }),
      expect.objectContaining({ serialPrefix: prefixes[1], issuedKg: 500, heldKg: 400, retiredKg: 0, cancelledKg: 100 }),
    ]);
    expect((await (await get(`/registry/batches?site=${site}&mineral=cobalt&vintage=2023`)).json()) as unknown).toMatchObject({ batches: [{}, {}] });
    expect(await (await get('/registry/batches?vintage=2024')).json()).toEqual({ batches: [] });
    expect((await get('/registry/batches?vintage=last')).status).toBe(400);
  });

  it('gives the totals per mineral and vintage', async () => {
    expect(await (await get('/registry/totals')).json()).toEqual({ totals: [{ mineral: 'cobalt', vintage: 2023, issuedKg: 3_000, heldKg: 1_900, retiredKg: 1_000, cancelledKg: 100 }] });
  });

  it('lists retirements with their beneficiary, claim and serials, and nothing personal', async () => {
    const response = await get('/registry/retirements');
    const body = (await response.json()) as { retirements: unknown[] };
    expect(body.retirements).toEqual([
      {
        id: expect.any(Number),
        quantityKg: 1_000,
        beneficiary: 'Fairphone B.V.',
        claimPeriod: { start: '2023-01-01', end: '2023-12-31' },
        covers: 'total use',
        footprintReference: null,
        publicStatement: 'All our 2023 cobalt.',
        retiredAt: expect.any(String),
        certificate: `/certificates/${(body.retirements[0] as { id: number }).id}`,
        ranges: [{ serials: `${prefixes[0]}-1-1000`, firstUnit: 1, lastUnit: 1_000, quantityKg: 1_000, mineral: 'cobalt', site, vintage: 2023 }],
      },
    ]);
    const text = JSON.stringify(body);
    for (const personal of ['contact@', 'RCS ']) expect(text).not.toContain(personal);
  });

  it('finds the block that holds a serial and says its state, never who holds it', async () => {
    const held = (await (await get(`/registry/serials/${prefixes[0]}-2000`)).json()) as Record<string, unknown>;
    expect(held).toMatchObject({ serial: `${prefixes[0]}-2000`, batch: { serialPrefix: prefixes[0], vintage: 2023 }, block: { serials: `${prefixes[0]}-1001-2500`, state: 'held', quantityKg: 1_500 }, retirement: null, cancellation: null });
    expect(JSON.stringify(held)).not.toContain('fairphone');
    expect(await (await get(`/registry/serials/${prefixes[0]}-10-20`)).json()).toMatchObject({ block: { state: 'retired' }, retirement: { beneficiary: 'Fairphone B.V.', claimPeriod: { start: '2023-01-01', end: '2023-12-31' } } });
    expect(await (await get(`/registry/serials/${prefixes[1]}-500`)).json()).toMatchObject({ block: { serials: `${prefixes[1]}-401-500`, state: 'cancelled' }, cancellation: { reason: 'Issued from a draft figure' } });
  });

  it('answers 404 serial_not_found, in the reader’s language, for a serial that was never issued', async () => {
    for (const serial of [`${prefixes[0]}-2501`, `${prefixes[0]}-900-1100`, 'RMC-CO-CD-XXX-2023-0001-1', 'nonsense']) {
      const response = await get(`/registry/serials/${serial}`, { 'accept-language': 'fr' });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: { code: 'serial_not_found', message: `Il n’existe pas de crédit portant le numéro de série ${serial}.`, details: { serial } } });
    }
  });

  it('is described in a valid OpenAPI document', async () => {
    const document = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/registry/batches', '/registry/totals', '/registry/retirements', '/registry/serials/{serial}', '/registry/batches.csv', '/registry/retirements.csv', '/registry/totals.csv']),
    );
    const csv = document.paths['/registry/batches.csv']!.get as { responses: Record<string, { content: Record<string, unknown> }>; parameters: { name: string }[] };
    expect(Object.keys(csv.responses['200']!.content)).toEqual(['text/csv']);
    expect(csv.parameters.map((p) => p.name)).toEqual(['site', 'mineral', 'vintage']);
  });
});

type CsvRow = Record<string, string>;

/** Downloads a CSV and reads it back as records keyed by the header row, checking how it is served. */
async function downloadCsv(path: string): Promise<CsvRow[]> {
  const response = await get(path);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="registry-[a-z]+-\d{4}-\d{2}-\d{2}\.csv"$/);
  const bytes = Buffer.from(await response.arrayBuffer());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expect(bytes.toString('utf8')).toContain('\r\n');
  return parse(bytes, { bom: true, columns: true }) as CsvRow[];
}

const kgAndTonnes = (row: CsvRow, name: string) => {
  expect(row[`${name}_t`]).toBe((Number(row[`${name}_kg`]) / 1000).toFixed(3));
  return Number(row[`${name}_kg`]);
};

describe('The public registry’s CSV downloads', () => {
  it('gives the batches with the same figures and filters as the JSON list', async () => {
    for (const query of ['', `?site=${site}&mineral=cobalt&vintage=2023`, '?vintage=2024']) {
      const { batches } = (await (await get(`/registry/batches${query}`)).json()) as { batches: { serialPrefix: string; serials: string; site: string; vintage: number; period: { start: string; end: string }; verificationStatementId: number; issuedAt: string; issuedKg: number; heldKg: number; retiredKg: number; cancelledKg: number }[] };
      const rows = await downloadCsv(`/registry/batches.csv${query}`);
      expect(rows.map((row) => ({
        serialPrefix: row.serial_prefix,
        serials: row.serials,
        site: row.site,
        vintage: Number(row.vintage),
        period: { start: row.period_start, end: row.period_end },
        verificationStatementId: Number(row.verification_statement_id),
        issuedAt: row.issued_at,
        issuedKg: kgAndTonnes(row, 'issued'),
        heldKg: kgAndTonnes(row, 'held'),
        retiredKg: kgAndTonnes(row, 'retired'),
        cancelledKg: kgAndTonnes(row, 'cancelled'),
      }))).toEqual(batches.map((b) => ({ serialPrefix: b.serialPrefix, serials: b.serials, site: b.site, vintage: b.vintage, period: b.period, verificationStatementId: b.verificationStatementId, issuedAt: b.issuedAt, issuedKg: b.issuedKg, heldKg: b.heldKg, retiredKg: b.retiredKg, cancelledKg: b.cancelledKg })));
    }
    expect((await get('/registry/batches.csv?vintage=last')).status).toBe(400);
  });

  it('gives the totals with the same figures as the JSON', async () => {
    const { totals } = (await (await get('/registry/totals')).json()) as { totals: unknown[] };
    const rows = await downloadCsv('/registry/totals.csv');
    expect(rows.map((row) => ({ mineral: row.mineral, vintage: Number(row.vintage), issuedKg: kgAndTonnes(row, 'issued'), heldKg: kgAndTonnes(row, 'held'), retiredKg: kgAndTonnes(row, 'retired'), cancelledKg: kgAndTonnes(row, 'cancelled') }))).toEqual(totals);
    expect(rows[0]).toMatchObject({ issued_kg: '3000', issued_t: '3.000', cancelled_t: '0.100' });
  });

  it('gives the retirements with their claims and serials, and defuses text a spreadsheet would run as a formula', async () => {
    await runCommand(t.db, buyerActor, (ctx) =>
      retireCredits(ctx, {
        accountId: buyerAccountId,
        quantityKg: 250,
        beneficiary: '=HYPERLINK("https://evil.example","Fairphone")',
        claimPeriodStart: '2024-01-01',
        claimPeriodEnd: '2024-12-31',
        covers: '+cmd|calc',
        footprintReference: '-FP-1',
        publicStatement: '@SUM(A1:A9) Société générale – 2024',
      }),
    );
    const { retirements } = (await (await get('/registry/retirements')).json()) as { retirements: { id: number; quantityKg: number; beneficiary: string; claimPeriod: { start: string; end: string }; covers: string; footprintReference: string | null; publicStatement: string; retiredAt: string; certificate: string; ranges: { serials: string }[] }[] };
    const rows = await downloadCsv('/registry/retirements.csv');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({
      retirement_id: String(retirements[0]!.id),
      retired_at: retirements[0]!.retiredAt,
      beneficiary: `'=HYPERLINK("https://evil.example","Fairphone")`,
      claim_period_start: '2024-01-01',
      claim_period_end: '2024-12-31',
      covers: "'+cmd|calc",
      footprint_reference: "'-FP-1",
      public_statement: "'@SUM(A1:A9) Société générale – 2024",
      quantity_kg: '250',
      quantity_t: '0.250',
      serials: `${prefixes[0]}-1001-1250`,
      certificate: `/certificates/${retirements[0]!.id}`,
    });
    // The JSON keeps the claim exactly as it was made.
    expect(retirements[0]).toMatchObject({ beneficiary: '=HYPERLINK("https://evil.example","Fairphone")', covers: '+cmd|calc', publicStatement: '@SUM(A1:A9) Société générale – 2024' });
    expect(rows.map((row) => ({ id: Number(row.retirement_id), quantityKg: kgAndTonnes(row, 'quantity'), claimPeriod: { start: row.claim_period_start, end: row.claim_period_end }, serials: row.serials }))).toEqual(
      retirements.map((r) => ({ id: r.id, quantityKg: r.quantityKg, claimPeriod: r.claimPeriod, serials: r.ranges.map((range) => range.serials).join(' ') })),
    );
    expect(rows[1]).toMatchObject({ beneficiary: 'Fairphone B.V.', covers: 'total use', footprint_reference: '', public_statement: 'All our 2023 cobalt.' });
  });

  it('never carries a KYC contact or registration number', async () => {
    for (const path of ['/registry/batches.csv', '/registry/totals.csv', '/registry/retirements.csv']) {
      const text = await (await get(path)).text();
      for (const personal of ['contact@', 'RCS ']) expect(text).not.toContain(personal);
    }
  });
});
