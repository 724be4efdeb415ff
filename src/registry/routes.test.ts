import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, insertSignedStatement, openApprovedAccount } from '../../test/factories/registry.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { runCommand } from '../journal/commands.ts';
import { cancelUnits } from './commands/cancel-units.ts';
import { issueBatch } from './commands/issue-batch.ts';
import { retireCredits } from './commands/retire-credits.ts';
import { transferCredits } from './commands/transfer-credits.ts';
import { getIssuanceAccount } from './queries/accounts.ts';

let t: TestContext;
let site: string;
let prefixes: string[];

/** Two batches: the first sold whole to a buyer who retired 1,000 units of it, 100 units of the second cancelled. */
beforeAll(async () => {
  t = await createTestContext();
  await t.buildOrganisation({ kind: 'secretariat' });
  const buyer = await t.buildOrganisation({ kind: 'buyer', code: 'fairphone' });
  const account = await openApprovedAccount(t.db, buyer);
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
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/registry/batches', '/registry/totals', '/registry/retirements', '/registry/serials/{serial}']));
  });
});
