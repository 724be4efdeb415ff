import { sql } from 'drizzle-orm';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, insertSignedStatement, openApprovedAccount } from '../../test/factories/registry.ts';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import { rowsOf } from '../db/connect.ts';
import { journalSize, latestCheckpoint, runCommand } from '../journal/public.ts';
import { remainingIssuableKg } from '../sites/public.ts';
import { openAccount } from './commands/open-account.ts';
import { suspendAccount } from './commands/suspend-account.ts';
import { getIssuanceAccount } from './queries/accounts.ts';
import { batchTotals, holdings } from './queries/ledger.ts';

let t: TestContext;
let buyer: { id: number; code: string };
let maker: { id: number; code: string };
let statementId: number;
let buyerAccount: number;
let makerAccount: number;
let issuance: number;
const tokens: Record<'admin' | 'buyer' | 'maker', string> = { admin: '', buyer: '', maker: '' };

beforeAll(async () => {
  t = await createTestContext();
  const secretariat = await t.buildOrganisation({ kind: 'secretariat', code: 'fca' });
  buyer = await t.buildOrganisation({ kind: 'buyer', code: 'fairphone' });
  maker = await t.buildOrganisation({ kind: 'buyer', code: 'cellmaker' });
  tokens.admin = (await t.buildToken({ role: 'admin', organisationId: secretariat.id })).token;
  tokens.buyer = (await t.buildToken({ role: 'buyer', organisationId: buyer.id })).token;
  tokens.maker = (await t.buildToken({ role: 'buyer', organisationId: maker.id })).token;
  statementId = (await insertSignedStatement(t, { responsibleKg: 10_000, periodStart: '2023-01-01', periodEnd: '2023-12-31' })).statement.id;
  buyerAccount = (await openApprovedAccount(t.db, buyer)).id;
  makerAccount = (await openApprovedAccount(t.db, maker)).id;
});
afterAll(() => t?.close());

type Body = Record<string, unknown> & { error?: { code: string; message: string; details?: unknown } };
const post = async (path: string, who: keyof typeof tokens, body: unknown, locale = 'en') => {
  const response = await t.app.request(`/api/v1${path}`, jsonRequest('POST', body, { authorization: `Bearer ${tokens[who]}`, 'accept-language': locale }));
  return { status: response.status, body: (await response.json()) as Body };
};

/** What a refused request must leave as it was: every ledger table and the journal. */
async function ledgerState() {
  const [row] = rowsOf<Record<string, number>>(
    await t.db.execute(sql`select
      (select count(*) from credit_blocks)::int as blocks,
      (select count(*) from credit_transfers)::int as transfers,
      (select count(*) from credit_retirements)::int as retirements,
      (select count(*) from credit_cancellations)::int as cancellations,
      (select count(*) from credit_batches)::int as batches`),
  );
  return { ...row!, journal: await journalSize(t.db) };
}

/** Expects a 4xx with this code and a French message, and nothing changed. */
async function expectRefused(path: string, who: keyof typeof tokens, body: unknown, status: number, code: string) {
  const before = await ledgerState();
  const response = await post(path, who, body, 'fr');
  expect({ status: response.status, code: response.body.error?.code }).toEqual({ status, code });
  expect(response.body.error!.message.length).toBeGreaterThan(10);
  expect(await ledgerState()).toEqual(before);
  return response.body.error!;
}

const claim = { beneficiary: 'Fairphone B.V.', claimPeriodStart: '2023-01-01', claimPeriodEnd: '2023-12-31', covers: 'total use', footprintReference: 'FP-2023', publicStatement: 'Our 2023 cobalt use is covered.' };
let prefix: string;
let batchId: number;

describe('Issuing batches', () => {
  it('the secretariat issues a batch from a signed statement into the issuance account', async () => {
    const { status, body } = await post('/registry/batches', 'admin', { statementId, quantityKg: 6_000 });
    expect(status).toBe(201);
    expect(body).toMatchObject({ mineral: 'cobalt', country: 'CD', vintage: 2023, period: { start: '2023-01-01', end: '2023-12-31' }, verificationStatementId: statementId, quantityKg: 6_000 });
    prefix = body.serialPrefix as string;
    batchId = body.id as number;
    expect(body.serials).toBe(`${prefix}-1-6000`);
    issuance = (await getIssuanceAccount(t.db))!.id;
    expect((await holdings(t.db, issuance)).map((h) => h.serials)).toEqual([`${prefix}-1-6000`]);
    expect(await remainingIssuableKg(t.db, statementId)).toBe(4_000);
  });

  it('refuses more than the statement allows, an unknown statement, a bad quantity, and a buyer', async () => {
    const error = await expectRefused('/registry/batches', 'admin', { statementId, quantityKg: 4_001 }, 422, 'exceeds_issuable_quantity');
    expect(error.details).toEqual({ remainingKg: 4_000 });
    await expectRefused('/registry/batches', 'admin', { statementId: 987_654, quantityKg: 10 }, 404, 'verification_not_found');
    await expectRefused('/registry/batches', 'admin', { statementId, quantityKg: 1.5 }, 422, 'quantity_invalid');
    await expectRefused('/registry/batches', 'admin', { statementId, quantityKg: 0 }, 422, 'quantity_invalid');
    await expectRefused('/registry/batches', 'admin', { statementId, quantityKg: '10' }, 400, 'validation_failed');
    await expectRefused('/registry/batches', 'buyer', { statementId, quantityKg: 10 }, 403, 'forbidden');
  });
});

describe('Transfers', () => {
  it('the secretariat sells from the issuance account by quantity, first in, first out', async () => {
    const { status, body } = await post('/registry/transfers', 'admin', { fromAccountId: issuance, toAccountId: buyerAccount, quantityKg: 3_000 });
    expect(status).toBe(201);
    expect(body).toMatchObject({ fromAccountId: issuance, toAccountId: buyerAccount, quantityKg: 3_000, reversesTransferId: null, ranges: [{ batchId, firstUnit: 1, lastUnit: 3_000, quantityKg: 3_000, serials: `${prefix}-1-3000` }] });
  });

  it('a holder transfers named serial ranges, split exactly', async () => {
    const { status, body } = await post('/registry/transfers', 'buyer', { fromAccountId: buyerAccount, toAccountId: makerAccount, blocks: [{ batchId, firstUnit: 2_001, lastUnit: 2_100 }] });
    expect(status).toBe(201);
    expect(body).toMatchObject({ quantityKg: 100, ranges: [{ serials: `${prefix}-2001-2100` }] });
    expect((await holdings(t.db, buyerAccount)).map((h) => h.serials)).toEqual([`${prefix}-1-2000`, `${prefix}-2101-3000`]);
  });

  it('refuses more than held, naming what is held, in the reader’s language', async () => {
    const error = await expectRefused('/registry/transfers', 'maker', { fromAccountId: makerAccount, toAccountId: buyerAccount, quantityKg: 101 }, 422, 'insufficient_credits');
    expect(error.message).toBe(`Le compte ${makerAccount} détient 0,100 t ; il ne peut pas en céder 0,101 t.`);
    expect(error.details).toEqual({ accountId: makerAccount, heldKg: 100, requestedKg: 101 });
  });

  it('refuses a serial range that is not held or does not exist', async () => {
    await expectRefused('/registry/transfers', 'maker', { fromAccountId: makerAccount, toAccountId: buyerAccount, blocks: [{ batchId, firstUnit: 1, lastUnit: 10 }] }, 422, 'range_not_held');
    await expectRefused('/registry/transfers', 'maker', { fromAccountId: makerAccount, toAccountId: buyerAccount, blocks: [{ batchId, firstUnit: 9_000, lastUnit: 9_001 }] }, 422, 'range_not_held');
    await expectRefused('/registry/transfers', 'maker', { fromAccountId: makerAccount, toAccountId: buyerAccount, blocks: [{ batchId: 987_654, firstUnit: 1, lastUnit: 1 }] }, 422, 'range_not_held');
    await expectRefused('/registry/transfers', 'maker', { fromAccountId: makerAccount, toAccountId: buyerAccount, blocks: [] }, 422, 'ranges_invalid');
  });

  it('refuses an unapproved or suspended account, the same account, an unknown account, and both a quantity and ranges', async () => {
    const pending = await runCommand(t.db, actorOf(maker, 'buyer'), (ctx) => openAccount(ctx, { name: 'New', legalName: 'Cellmaker GmbH', country: 'DE', registrationNumber: 'HRB 1', contactEmail: 'a@cellmaker.example' }));
    await expectRefused('/registry/transfers', 'buyer', { fromAccountId: buyerAccount, toAccountId: pending.id, quantityKg: 1 }, 422, 'account_not_approved');
    await expectRefused('/registry/transfers', 'buyer', { fromAccountId: buyerAccount, toAccountId: buyerAccount, quantityKg: 1 }, 422, 'same_account');
    await expectRefused('/registry/transfers', 'buyer', { fromAccountId: buyerAccount, toAccountId: 987_654, quantityKg: 1 }, 404, 'account_not_found');
    await expectRefused('/registry/transfers', 'buyer', { fromAccountId: buyerAccount, toAccountId: makerAccount, quantityKg: 1, blocks: [{ batchId, firstUnit: 1, lastUnit: 1 }] }, 400, 'validation_failed');
    const suspended = await openApprovedAccount(t.db, maker, 'Suspended');
    await runCommand(t.db, system, (ctx) => suspendAccount(ctx, { accountId: suspended.id }));
    await expectRefused('/registry/transfers', 'buyer', { fromAccountId: buyerAccount, toAccountId: suspended.id, quantityKg: 1 }, 422, 'account_suspended');
  });

  it('refuses sending from another organisation’s account, and from the issuance account to anyone but the secretariat', async () => {
    await expectRefused('/registry/transfers', 'maker', { fromAccountId: buyerAccount, toAccountId: makerAccount, quantityKg: 1 }, 403, 'not_account_holder');
    await expectRefused('/registry/transfers', 'buyer', { fromAccountId: issuance, toAccountId: buyerAccount, quantityKg: 1 }, 403, 'issuance_account_admin_only');
  });
});

describe('Reversing a transfer', () => {
  it('the secretariat moves the same units back with a new transfer that points at the original, once', async () => {
    const original = await post('/registry/transfers', 'buyer', { fromAccountId: buyerAccount, toAccountId: makerAccount, quantityKg: 50 });
    const id = original.body.id as number;
    await expectRefused(`/registry/transfers/${id}/reversal`, 'admin', { reason: '  ' }, 422, 'reason_required');
    await expectRefused(`/registry/transfers/${id}/reversal`, 'buyer', { reason: 'Wrong account' }, 403, 'forbidden');
    const { status, body } = await post(`/registry/transfers/${id}/reversal`, 'admin', { reason: 'Wrong account' });
    expect(status).toBe(201);
    expect(body).toMatchObject({ fromAccountId: makerAccount, toAccountId: buyerAccount, quantityKg: 50, reversesTransferId: id, reason: 'Wrong account', ranges: [{ serials: `${prefix}-1-50` }] });
    await expectRefused(`/registry/transfers/${id}/reversal`, 'admin', { reason: 'Again' }, 409, 'transfer_already_reversed');
    await expectRefused(`/registry/transfers/${body.id as number}/reversal`, 'admin', { reason: 'Back' }, 409, 'transfer_is_reversal');
    await expectRefused('/registry/transfers/987654/reversal', 'admin', { reason: 'Nothing' }, 404, 'transfer_not_found');
  });
});

describe('Retirements', () => {
  it('a holder retires 2.5 t and gets the serials and where its certificate is; a checkpoint covers the retirement', async () => {
    const { status, body } = await post('/registry/retirements', 'buyer', { accountId: buyerAccount, quantityKg: 2_500, ...claim });
    expect(status).toBe(201);
    const id = body.id as number;
    expect(body).toMatchObject({
      accountId: buyerAccount,
      quantityKg: 2_500,
      beneficiary: 'Fairphone B.V.',
      claimPeriod: { start: '2023-01-01', end: '2023-12-31' },
      covers: 'total use',
      footprintReference: 'FP-2023',
      publicStatement: 'Our 2023 cobalt use is covered.',
      // The reversed units came back as their own block: blocks are never merged.
      serials: [`${prefix}-1-50`, `${prefix}-51-2000`, `${prefix}-2101-2600`],
      ranges: [{ serials: `${prefix}-1-50`, quantityKg: 50 }, { serials: `${prefix}-51-2000`, quantityKg: 1_950 }, { serials: `${prefix}-2101-2600`, quantityKg: 500 }],
      certificateUrl: `/certificates/${id}`,
      certificateApiUrl: `/api/v1/certificates/${id}`,
    });
    expect((await latestCheckpoint(t.db))!.treeSize).toBe(await journalSize(t.db));
    expect(await batchTotals(t.db, batchId)).toMatchObject({ retiredKg: 2_500 });
  });

  it('retires named ranges too', async () => {
    const { status, body } = await post('/registry/retirements', 'buyer', { accountId: buyerAccount, blocks: [{ batchId, firstUnit: 2_990, lastUnit: 3_000 }], ...claim, footprintReference: null });
    expect(status).toBe(201);
    expect(body).toMatchObject({ quantityKg: 11, serials: [`${prefix}-2990-3000`], footprintReference: null });
  });

  it('refuses a claim without beneficiary, period or cover, and says what is missing', async () => {
    await expectRefused('/registry/retirements', 'buyer', { accountId: buyerAccount, quantityKg: 10, ...claim, beneficiary: ' ' }, 422, 'beneficiary_required');
    const { beneficiary, ...withoutBeneficiary } = claim;
    void beneficiary;
    await expectRefused('/registry/retirements', 'buyer', { accountId: buyerAccount, quantityKg: 10, ...withoutBeneficiary }, 400, 'validation_failed');
    await expectRefused('/registry/retirements', 'buyer', { accountId: buyerAccount, quantityKg: 10, ...claim, claimPeriodEnd: '2022-12-31' }, 422, 'claim_period_invalid');
    await expectRefused('/registry/retirements', 'buyer', { accountId: buyerAccount, quantityKg: 10, ...claim, covers: '' }, 422, 'covers_required');
  });

  it('refuses more than held, another organisation’s account, and a suspended account', async () => {
    const held = (await holdings(t.db, buyerAccount)).reduce((sum, h) => sum + h.quantityKg, 0);
    const error = await expectRefused('/registry/retirements', 'buyer', { accountId: buyerAccount, quantityKg: held + 1, ...claim }, 422, 'insufficient_credits');
    expect(error.details).toMatchObject({ heldKg: held, requestedKg: held + 1 });
    await expectRefused('/registry/retirements', 'maker', { accountId: buyerAccount, quantityKg: 1, ...claim }, 403, 'not_account_holder');
    await expectRefused('/registry/retirements', 'buyer', { accountId: 987_654, quantityKg: 1, ...claim }, 404, 'account_not_found');
    await runCommand(t.db, system, (ctx) => suspendAccount(ctx, { accountId: makerAccount }));
    await expectRefused('/registry/retirements', 'maker', { accountId: makerAccount, quantityKg: 1, ...claim }, 422, 'account_suspended');
  });
});

describe('Cancellations', () => {
  it('the secretariat cancels the highest units still in the issuance account and gives them back to the statement', async () => {
    const { status, body } = await post('/registry/cancellations', 'admin', { batchId, quantityKg: 1_000, reason: 'Issued from a draft figure' });
    expect(status).toBe(201);
    expect(body).toMatchObject({ batchId, quantityKg: 1_000, reason: 'Issued from a draft figure', ranges: [{ serials: `${prefix}-5001-6000` }] });
    expect(await remainingIssuableKg(t.db, statementId)).toBe(5_000);
  });

  it('refuses more than is left in the issuance account, no reason, an unknown batch, and a buyer', async () => {
    const error = await expectRefused('/registry/cancellations', 'admin', { batchId, quantityKg: 2_001, reason: 'Too much' }, 422, 'exceeds_cancellable');
    expect(error.details).toEqual({ batchId, cancellableKg: 2_000 });
    await expectRefused('/registry/cancellations', 'admin', { batchId, quantityKg: 1, reason: '' }, 422, 'reason_required');
    await expectRefused('/registry/cancellations', 'admin', { batchId: 987_654, quantityKg: 1, reason: 'x' }, 404, 'batch_not_found');
    await expectRefused('/registry/cancellations', 'buyer', { batchId, quantityKg: 1, reason: 'x' }, 403, 'forbidden');
  });
});

describe('OpenAPI', () => {
  it('describes the operations in a valid document, for signed-in callers', async () => {
    const document = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    expect((await new Validator().validate(document)).errors ?? []).toEqual([]);
    for (const path of ['/registry/batches', '/registry/transfers', '/registry/transfers/{id}/reversal', '/registry/retirements', '/registry/cancellations']) {
      expect(document.paths[path]?.post?.security?.length, path).toBeGreaterThan(0);
    }
  });
});
