import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, insertSignedStatement, openApprovedAccount } from '../../test/factories/registry.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import type { Actor } from '../core/auth/roles.ts';
import { runInvariants } from '../core/invariants.ts';
import { rowsOf } from '../db/connect.ts';
import { type JournalEvent, journalSize, listEntries, runCommand } from '../journal/public.ts';
import { remainingIssuableKg } from '../sites/public.ts';
import { approveAccount } from './commands/approve-account.ts';
import { cancelUnits } from './commands/cancel-units.ts';
import { issueBatch } from './commands/issue-batch.ts';
import { openAccount, openIssuanceAccount, type OpenAccountProps } from './commands/open-account.ts';
import { retireCredits, type RetireCreditsProps } from './commands/retire-credits.ts';
import type { UnitSelection } from './commands/ledger.ts';
import { reverseTransfer } from './commands/reverse-transfer.ts';
import { suspendAccount } from './commands/suspend-account.ts';
import { transferCredits } from './commands/transfer-credits.ts';
import { registryInvariants } from './invariants.ts';
import { accountBalance, getIssuanceAccount, listAccounts } from './queries/accounts.ts';
import { batchTotals, findBlockOfSerial, holdings, listBatches, listRetirements, registryTotals } from './queries/ledger.ts';
import { creditAccounts, creditBlocks } from './schema.ts';
import { expectCommandRefusal } from '../../test/expect.ts';

let t: TestContext;
let buyer: { id: number; code: string };
let maker: { id: number; code: string };
let buyerActor: Actor;
let makerActor: Actor;
let statementId: number;
let site: { id: number; code: string };

beforeAll(async () => {
  t = await createTestContext();
  await t.buildOrganisation({ kind: 'secretariat', code: 'fca' });
  buyer = await t.buildOrganisation({ kind: 'buyer', code: 'fairphone' });
  maker = await t.buildOrganisation({ kind: 'buyer', code: 'cellmaker' });
  buyerActor = actorOf(buyer, 'buyer');
  makerActor = actorOf(maker, 'buyer');
  const signed = await insertSignedStatement(t, { responsibleKg: 50_000, periodStart: '2025-01-01', periodEnd: '2025-06-30' });
  statementId = signed.statement.id;
  site = signed.site;
});
afterAll(() => t?.close());

const issue = (quantityKg: number, id = statementId) => runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId: id, quantityKg }));
const transfer = (actor: Actor, props: Parameters<typeof transferCredits>[1]) => runCommand(t.db, actor, (ctx) => transferCredits(ctx, props));
const claim = { beneficiary: 'Fairphone B.V.', claimPeriodStart: '2025-01-01', claimPeriodEnd: '2025-12-31', covers: 'total use', footprintReference: 'FP-2025', publicStatement: 'Our 2025 cobalt use is covered.' };
const retire = (actor: Actor, props: Partial<RetireCreditsProps> & { accountId: number } & UnitSelection) => runCommand(t.db, actor, (ctx) => retireCredits(ctx, { ...claim, ...props }));
const issuanceAccountId = async () => (await getIssuanceAccount(t.db))!.id;
const ranges = async (accountId: number) => (await holdings(t.db, accountId)).map((h) => h.serials);

/** What a refused command must leave exactly as it was. */
async function ledgerState() {
  const [row] = rowsOf<Record<string, number>>(
    await t.db.execute(sql`select
      (select count(*) from credit_blocks)::int as blocks,
      (select count(*) from credit_blocks where superseded_at is null)::int as live,
      (select count(*) from credit_transfers)::int as transfers,
      (select count(*) from credit_retirements)::int as retirements,
      (select count(*) from credit_cancellations)::int as cancellations,
      (select count(*) from credit_batches)::int as batches,
      (select count(*) from credit_accounts)::int as accounts,
      (select count(*) from verification_draws)::int as draws`),
  );
  return { ...row!, journal: await journalSize(t.db) };
}

/** Expects the command to be refused with this code and status, in English and French, having changed nothing. */
const expectRefused = (run: () => Promise<unknown>, code: string, status: number) => expectCommandRefusal(run, code, status, { unchanged: ledgerState });

async function lastEvent(): Promise<JournalEvent> {
  const size = await journalSize(t.db);
  const [entry] = await listEntries(t.db, size - 1, 1);
  return JSON.parse(entry!.bytes.toString('utf8')) as JournalEvent;
}

const kyc: OpenAccountProps = { name: 'Credits', legalName: 'Cellmaker GmbH', country: 'DE', registrationNumber: 'HRB 12345', contactEmail: 'Anna.Schmidt@cellmaker.example' };

describe('Registry accounts', () => {
  it('an organisation opens a holding account that waits for approval; the journal carries a commitment, never the KYC contact', async () => {
    const account = await runCommand(t.db, makerActor, (ctx) => openAccount(ctx, kyc));
    expect(account).toMatchObject({ organisationId: maker.id, kind: 'holding', status: 'pending', legalName: 'Cellmaker GmbH', contactEmail: 'anna.schmidt@cellmaker.example' });
    const event = await lastEvent();
    expect(event).toMatchObject({ type: 'registry.account_opened', subject: `credit-account:${account.id}`, payload: { accountId: account.id, organisation: 'cellmaker', kind: 'holding', status: 'pending', country: 'DE' } });
    expect(String((event.payload as { kyc: string }).kyc)).toMatch(/^sha256:[0-9a-f]{64}$/);
    const bytes = JSON.stringify(event);
    for (const secret of ['anna', 'HRB 12345', 'Cellmaker GmbH']) expect(bytes.toLowerCase()).not.toContain(secret.toLowerCase());
  });

  it('refuses missing or malformed KYC details, naming the fields', async () => {
    const error = await expectRefused(() => runCommand(t.db, makerActor, (ctx) => openAccount(ctx, { ...kyc, legalName: ' ', country: 'Germany', contactEmail: 'nobody' })), 'account_details_invalid', 422);
    expect(error.details).toEqual({ fields: ['legalName', 'country', 'contactEmail'] });
  });

  it('lets only an admin open an account for another organisation', async () => {
    await expectRefused(() => runCommand(t.db, makerActor, (ctx) => openAccount(ctx, { ...kyc, organisationId: buyer.id })), 'forbidden', 403);
    await expectRefused(() => runCommand(t.db, system, (ctx) => openAccount(ctx, kyc)), 'account_organisation_required', 422);
    const opened = await runCommand(t.db, system, (ctx) => openAccount(ctx, { ...kyc, organisationId: buyer.id }));
    expect(opened.organisationId).toBe(buyer.id);
  });

  it('an admin approves a pending account once, suspends it, and approves it again to reinstate it', async () => {
    const account = await runCommand(t.db, makerActor, (ctx) => openAccount(ctx, kyc));
    const approved = await runCommand(t.db, system, (ctx) => approveAccount(ctx, { accountId: account.id }));
    expect(approved).toMatchObject({ status: 'approved', suspendedAt: null });
    expect(await lastEvent()).toMatchObject({ type: 'registry.account_approved', payload: { accountId: account.id, organisation: 'cellmaker', previousStatus: 'pending' } });
    await expectRefused(() => runCommand(t.db, system, (ctx) => approveAccount(ctx, { accountId: account.id })), 'account_already_approved', 409);
    const suspended = await runCommand(t.db, system, (ctx) => suspendAccount(ctx, { accountId: account.id }));
    expect(suspended.status).toBe('suspended');
    await expectRefused(() => runCommand(t.db, system, (ctx) => suspendAccount(ctx, { accountId: account.id })), 'account_already_suspended', 409);
    expect((await runCommand(t.db, system, (ctx) => approveAccount(ctx, { accountId: account.id }))).status).toBe('approved');
    await expectRefused(() => runCommand(t.db, system, (ctx) => approveAccount(ctx, { accountId: 999_999 })), 'account_not_found', 404);
  });
});

describe('Issuing batches', () => {
  it('opens the issuance account for the secretariat on the first issuance, approved, and refuses to open a second', async () => {
    expect(await getIssuanceAccount(t.db)).toBeUndefined();
    const batch = await issue(2_000);
    const issuance = await getIssuanceAccount(t.db);
    expect(issuance).toMatchObject({ kind: 'issuance', status: 'approved', organisationCode: 'fca' });
    expect(await lastEvent()).toMatchObject({ payload: { batchId: batch.id, to: { accountId: issuance!.id, organisation: 'fca', opened: true } } });
    await expectRefused(() => runCommand(t.db, system, (ctx) => openIssuanceAccount(ctx)), 'issuance_account_exists', 409);
    await expectRefused(() => runCommand(t.db, system, (ctx) => suspendAccount(ctx, { accountId: issuance!.id })), 'issuance_account_cannot_be_suspended', 422);
    expect((await listAccounts(t.db))[0]!.kind).toBe('issuance');
  });

  it('issues units 1..quantity as one block in the issuance account, named RMC-CO-{country}-{SITE}-{VINTAGE}-{BATCH}, and draws them from the statement', async () => {
    const before = (await remainingIssuableKg(t.db, statementId))!;
    const batch = await issue(3_500);
    expect(batch).toMatchObject({ mineral: 'cobalt', siteId: site.id, siteCode: site.code, country: 'CD', vintage: 2025, batchNumber: 2, periodStart: '2025-01-01', periodEnd: '2025-06-30', quantityKg: 3_500 });
    expect(batch.serialPrefix).toBe(`RMC-CO-CD-${site.code}-2025-0002`);
    expect(await remainingIssuableKg(t.db, statementId)).toBe(before - 3_500);
    expect(await batchTotals(t.db, batch.id)).toEqual({ issuedKg: 3_500, heldKg: 3_500, retiredKg: 0, cancelledKg: 0 });
    const event = await lastEvent();
    expect(event).toMatchObject({
      type: 'registry.batch_issued',
      subject: `credit-batch:${batch.serialPrefix}`,
      payload: {
        batchId: batch.id,
        serialPrefix: batch.serialPrefix,
        mineral: 'cobalt',
        site: site.code,
        vintage: 2025,
        statementId,
        quantityKg: 3_500,
        statementRemainingKg: before - 3_500,
        to: { accountId: await issuanceAccountId(), opened: false },
        ranges: [{ batchId: batch.id, firstUnit: 1, lastUnit: 3_500, serials: `${batch.serialPrefix}-1-3500` }],
      },
    });
  });

  it('numbers batches per mineral, site and vintage, and takes the vintage from the year the period ends', async () => {
    const { statement } = await insertSignedStatement(t, { responsibleKg: 900, mineral: 'copper', periodStart: '2023-07-01', periodEnd: '2024-06-30', site });
    const batch = await issue(900, statement.id);
    expect(batch.serialPrefix).toBe(`RMC-CU-CD-${site.code}-2024-0001`);
  });

  it('refuses a bad quantity, an unknown statement, and more than the statement still allows', async () => {
    await expectRefused(() => issue(0), 'quantity_invalid', 422);
    await expectRefused(() => issue(1.5), 'quantity_invalid', 422);
    await expectRefused(() => issue(10, 999_999), 'verification_not_found', 404);
    const remaining = (await remainingIssuableKg(t.db, statementId))!;
    const error = await expectRefused(() => issue(remaining + 1), 'exceeds_issuable_quantity', 422);
    expect(error.details).toEqual({ remainingKg: remaining });
  });
});

let buyerAccount: number;
let makerAccount: number;
let prefixes: string[];

describe('Transfers', () => {
  beforeAll(async () => {
    buyerAccount = (await openApprovedAccount(t.db, buyer)).id;
    makerAccount = (await openApprovedAccount(t.db, maker)).id;
    prefixes = (await listBatches(t.db, { mineral: 'cobalt' })).map((b) => b.serialPrefix);
  });

  it('by quantity: takes the oldest batch first, by first unit, and splits the last block exactly', async () => {
    const issuance = await issuanceAccountId();
    const moved = await transfer(system, { fromAccountId: issuance, toAccountId: buyerAccount, quantityKg: 2_500 });
    expect(moved.ranges.map((r) => r.serials)).toEqual([`${prefixes[0]}-1-2000`, `${prefixes[1]}-1-500`]);
    expect(await ranges(buyerAccount)).toEqual([`${prefixes[0]}-1-2000`, `${prefixes[1]}-1-500`]);
    expect(await ranges(issuance)).toEqual([`${prefixes[1]}-501-3500`, (await listBatches(t.db, { mineral: 'copper' }))[0]!.serialPrefix + '-1-900']);
    expect(await lastEvent()).toMatchObject({
      type: 'registry.credits_transferred',
      subject: `credit-transfer:${moved.id}`,
      payload: { transferId: moved.id, from: { accountId: issuance, organisation: 'fca' }, to: { accountId: buyerAccount, organisation: 'fairphone' }, quantityKg: 2_500 },
    });
    expect(await accountBalance(t.db, buyerAccount)).toEqual({ heldKg: 2_500, retiredKg: 0 });
  });

  it('by named ranges: each range inside one held block, split in up to three pieces', async () => {
    const batchId = (await listBatches(t.db, { mineral: 'cobalt' }))[0]!.id;
    const moved = await transfer(buyerActor, { fromAccountId: buyerAccount, toAccountId: makerAccount, blocks: [{ batchId, firstUnit: 101, lastUnit: 200 }, { batchId, firstUnit: 301, lastUnit: 350 }] });
    expect(moved.quantityKg).toBe(150);
    expect(await ranges(makerAccount)).toEqual([`${prefixes[0]}-101-200`, `${prefixes[0]}-301-350`]);
    expect(await ranges(buyerAccount)).toEqual([`${prefixes[0]}-1-100`, `${prefixes[0]}-201-300`, `${prefixes[0]}-351-2000`, `${prefixes[1]}-1-500`]);
    const [superseded] = rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from credit_blocks where superseded_at is not null and batch_id = ${batchId}`));
    expect(superseded!.n).toBeGreaterThanOrEqual(2);
  });

  it('refuses more than held, with what is held', async () => {
    const error = await expectRefused(() => transfer(makerActor, { fromAccountId: makerAccount, toAccountId: buyerAccount, quantityKg: 151 }), 'insufficient_credits', 422);
    expect(error.details).toEqual({ accountId: makerAccount, heldKg: 150, requestedKg: 151 });
  });

  it('refuses a range not held in one block of the source, a serial that does not exist, and overlapping or malformed ranges', async () => {
    const batchId = (await listBatches(t.db, { mineral: 'cobalt' }))[0]!.id;
    await expectRefused(() => transfer(makerActor, { fromAccountId: makerAccount, toAccountId: buyerAccount, blocks: [{ batchId, firstUnit: 150, lastUnit: 310 }] }), 'range_not_held', 422);
    await expectRefused(() => transfer(makerActor, { fromAccountId: makerAccount, toAccountId: buyerAccount, blocks: [{ batchId, firstUnit: 1, lastUnit: 1 }] }), 'range_not_held', 422);
    await expectRefused(() => transfer(makerActor, { fromAccountId: makerAccount, toAccountId: buyerAccount, blocks: [{ batchId: 999_999, firstUnit: 1, lastUnit: 1 }] }), 'range_not_held', 422);
    await expectRefused(() => transfer(makerActor, { fromAccountId: makerAccount, toAccountId: buyerAccount, blocks: [{ batchId, firstUnit: 1_000_000, lastUnit: 1_000_001 }] }), 'range_not_held', 422);
    await expectRefused(
      () => transfer(makerActor, { fromAccountId: makerAccount, toAccountId: buyerAccount, blocks: [{ batchId, firstUnit: 101, lastUnit: 150 }, { batchId, firstUnit: 150, lastUnit: 160 }] }),
      'ranges_invalid',
      422,
    );
    await expectRefused(() => transfer(makerActor, { fromAccountId: makerAccount, toAccountId: buyerAccount, blocks: [{ batchId, firstUnit: 0, lastUnit: 3 }] }), 'ranges_invalid', 422);
    await expectRefused(() => transfer(makerActor, { fromAccountId: makerAccount, toAccountId: buyerAccount, blocks: [] }), 'ranges_invalid', 422);
    await expectRefused(() => transfer(makerActor, { fromAccountId: makerAccount, toAccountId: buyerAccount, quantityKg: -5 }), 'quantity_invalid', 422);
  });

  it('refuses a transfer to or from an account that is pending or suspended, or to the same account', async () => {
    const pending = await runCommand(t.db, makerActor, (ctx) => openAccount(ctx, kyc));
    await expectRefused(() => transfer(buyerActor, { fromAccountId: buyerAccount, toAccountId: pending.id, quantityKg: 1 }), 'account_not_approved', 422);
    await expectRefused(() => transfer(buyerActor, { fromAccountId: buyerAccount, toAccountId: buyerAccount, quantityKg: 1 }), 'same_account', 422);
    await expectRefused(() => transfer(buyerActor, { fromAccountId: buyerAccount, toAccountId: 999_999, quantityKg: 1 }), 'account_not_found', 404);
    await runCommand(t.db, system, (ctx) => suspendAccount(ctx, { accountId: makerAccount }));
    await expectRefused(() => transfer(buyerActor, { fromAccountId: buyerAccount, toAccountId: makerAccount, quantityKg: 1 }), 'account_suspended', 422);
    await expectRefused(() => transfer(makerActor, { fromAccountId: makerAccount, toAccountId: buyerAccount, quantityKg: 1 }), 'account_suspended', 422);
    await expectRefused(() => retire(makerActor, { accountId: makerAccount, quantityKg: 1 }), 'account_suspended', 422);
    await runCommand(t.db, system, (ctx) => approveAccount(ctx, { accountId: makerAccount }));
  });

  it('lets only the holder (or an admin) send from an account, and only an admin from the issuance account', async () => {
    await expectRefused(() => transfer(makerActor, { fromAccountId: buyerAccount, toAccountId: makerAccount, quantityKg: 1 }), 'not_account_holder', 403);
    const issuance = await issuanceAccountId();
    const fieldOfficer = actorOf({ id: (await getIssuanceAccount(t.db))!.organisationId, code: 'fca' }, 'field');
    await expectRefused(() => transfer(fieldOfficer, { fromAccountId: issuance, toAccountId: makerAccount, quantityKg: 1 }), 'issuance_account_admin_only', 403);
  });

  it('the database refuses overlapping live blocks of a batch, and any change to a block but superseding a held one', async () => {
    const [block] = await t.db.select().from(creditBlocks).where(sql`${creditBlocks.accountId} = ${makerAccount} and ${creditBlocks.supersededAt} is null`).limit(1);
    const values = { batchId: block!.batchId, firstUnit: block!.firstUnit, lastUnit: block!.firstUnit, state: 'held' as const, accountId: buyerAccount };
    await expect(t.db.insert(creditBlocks).values(values)).rejects.toThrow();
    await expect(t.db.update(creditBlocks).set({ accountId: buyerAccount }).where(eq(creditBlocks.id, block!.id))).rejects.toThrow();
    await expect(t.db.update(creditBlocks).set({ lastUnit: block!.lastUnit + 1 }).where(eq(creditBlocks.id, block!.id))).rejects.toThrow();
    await expect(t.db.delete(creditBlocks).where(eq(creditBlocks.id, block!.id))).rejects.toThrow();
    await expect(t.db.insert(creditBlocks).values({ ...values, firstUnit: 10, lastUnit: 9 })).rejects.toThrow();
    await expect(t.db.insert(creditBlocks).values({ ...values, firstUnit: 1_000_000, lastUnit: 1_000_000 })).rejects.toThrow();
    await expect(t.db.delete(creditAccounts).where(eq(creditAccounts.id, makerAccount))).rejects.toThrow();
  });
});

describe('Reversing a transfer', () => {
  it('moves exactly the same units back with a new transfer that points at the original, once', async () => {
    const original = await transfer(buyerActor, { fromAccountId: buyerAccount, toAccountId: makerAccount, quantityKg: 60 });
    expect(original.ranges.map((r) => r.serials)).toEqual([`${prefixes[0]}-1-60`]);
    await expectRefused(() => runCommand(t.db, system, (ctx) => reverseTransfer(ctx, { transferId: original.id, reason: ' ' })), 'reason_required', 422);
    const reversal = await runCommand(t.db, system, (ctx) => reverseTransfer(ctx, { transferId: original.id, reason: 'Sent to the wrong account' }));
    expect(reversal).toMatchObject({ fromAccountId: makerAccount, toAccountId: buyerAccount, quantityKg: 60, reversesTransferId: original.id, reason: 'Sent to the wrong account' });
    expect(reversal.ranges.map((r) => r.serials)).toEqual([`${prefixes[0]}-1-60`]);
    expect((await ranges(buyerAccount))[0]).toBe(`${prefixes[0]}-1-60`);
    expect(await lastEvent()).toMatchObject({
      type: 'registry.transfer_reversed',
      payload: { transferId: reversal.id, reversesTransferId: original.id, from: { accountId: makerAccount }, to: { accountId: buyerAccount }, quantityKg: 60 },
    });
    const again = await expectRefused(() => runCommand(t.db, system, (ctx) => reverseTransfer(ctx, { transferId: original.id, reason: 'again' })), 'transfer_already_reversed', 409);
    expect(again.details).toEqual({ transferId: original.id, reversalId: reversal.id });
    await expectRefused(() => runCommand(t.db, system, (ctx) => reverseTransfer(ctx, { transferId: reversal.id, reason: 'undo the undo' })), 'transfer_is_reversal', 409);
    await expectRefused(() => runCommand(t.db, system, (ctx) => reverseTransfer(ctx, { transferId: 999_999, reason: 'x' })), 'transfer_not_found', 404);
  });

  it('is refused when the receiver no longer holds every unit it received', async () => {
    const original = await transfer(buyerActor, { fromAccountId: buyerAccount, toAccountId: makerAccount, quantityKg: 40 });
    // The 60 units given back by the reversal above come first again.
    expect(original.ranges.map((r) => r.serials)).toEqual([`${prefixes[0]}-1-40`]);
    await retire(makerActor, { accountId: makerAccount, quantityKg: 10, beneficiary: 'Cellmaker GmbH' });
    const error = await expectRefused(() => runCommand(t.db, system, (ctx) => reverseTransfer(ctx, { transferId: original.id, reason: 'wrong account' })), 'transfer_not_reversible', 409);
    expect(error.details).toEqual({ transferId: original.id, missingKg: 10 });
  });
});

describe('Retiring credits', () => {
  it('retires first in, first out against a public claim; the units become retired blocks, and the event carries the serials and the claim', async () => {
    const retirement = await retire(buyerActor, { accountId: buyerAccount, quantityKg: 150 });
    expect(retirement).toMatchObject({ accountId: buyerAccount, quantityKg: 150, ...claim });
    // Blocks are never merged: units that came back by another path stay separate blocks.
    expect(retirement.ranges.map((r) => r.serials)).toEqual([`${prefixes[0]}-41-60`, `${prefixes[0]}-61-100`, `${prefixes[0]}-201-290`]);
    expect(await lastEvent()).toMatchObject({
      type: 'registry.credits_retired',
      subject: `credit-retirement:${retirement.id}`,
      payload: {
        retirementId: retirement.id,
        account: { accountId: buyerAccount, organisation: 'fairphone' },
        quantityKg: 150,
        beneficiary: 'Fairphone B.V.',
        claimPeriod: { start: '2025-01-01', end: '2025-12-31' },
        covers: 'total use',
        footprintReference: 'FP-2025',
        publicStatement: 'Our 2025 cobalt use is covered.',
        ranges: retirement.ranges,
      },
    });
    expect((await accountBalance(t.db, buyerAccount)).retiredKg).toBe(150);
    const [listed] = await listRetirements(t.db, { accountId: buyerAccount });
    expect(listed).toMatchObject({ id: retirement.id, organisationCode: 'fairphone', beneficiary: 'Fairphone B.V.' });
    expect(listed!.ranges.map((r) => r.serials)).toEqual([`${prefixes[0]}-41-60`, `${prefixes[0]}-61-100`, `${prefixes[0]}-201-290`]);
  });

  it('retires named ranges', async () => {
    const batchId = (await listBatches(t.db, { mineral: 'cobalt' }))[1]!.id;
    const retirement = await retire(buyerActor, { accountId: buyerAccount, blocks: [{ batchId, firstUnit: 451, lastUnit: 500 }] });
    expect(retirement.ranges.map((r) => r.serials)).toEqual([`${prefixes[1]}-451-500`]);
  });

  it('refuses a claim without beneficiary, with a wrong period or without what it covers, and more than held', async () => {
    await expectRefused(() => retire(buyerActor, { accountId: buyerAccount, quantityKg: 1, beneficiary: '  ' }), 'beneficiary_required', 422);
    await expectRefused(() => retire(buyerActor, { accountId: buyerAccount, quantityKg: 1, claimPeriodStart: '2025-12-31', claimPeriodEnd: '2025-01-01' }), 'claim_period_invalid', 422);
    await expectRefused(() => retire(buyerActor, { accountId: buyerAccount, quantityKg: 1, claimPeriodEnd: '2025-02-30' }), 'claim_period_invalid', 422);
    await expectRefused(() => retire(buyerActor, { accountId: buyerAccount, quantityKg: 1, covers: '' }), 'covers_required', 422);
    await expectRefused(() => retire(buyerActor, { accountId: buyerAccount, quantityKg: 1, publicStatement: 'x'.repeat(2001) }), 'claim_text_too_long', 422);
    const held = (await accountBalance(t.db, buyerAccount)).heldKg;
    const error = await expectRefused(() => retire(buyerActor, { accountId: buyerAccount, quantityKg: held + 1 }), 'insufficient_credits', 422);
    expect(error.details).toEqual({ accountId: buyerAccount, heldKg: held, requestedKg: held + 1 });
    await expectRefused(() => retire(makerActor, { accountId: buyerAccount, quantityKg: 1 }), 'not_account_holder', 403);
  });

  it('retired units never move again: transfers take only held units, and the database refuses to change a retired block', async () => {
    const moved = await transfer(buyerActor, { fromAccountId: buyerAccount, toAccountId: makerAccount, quantityKg: 10 });
    expect(moved.ranges.map((r) => r.serials)).toEqual([`${prefixes[0]}-291-300`]);
    const [retired] = await t.db.select().from(creditBlocks).where(eq(creditBlocks.state, 'retired')).limit(1);
    await expect(t.db.update(creditBlocks).set({ supersededAt: new Date() }).where(eq(creditBlocks.id, retired!.id))).rejects.toThrow();
    await expect(t.db.execute(sql`update credit_retirements set beneficiary = 'Someone else'`)).rejects.toThrow();
    await expect(t.db.execute(sql`delete from credit_retirements`)).rejects.toThrow();
  });
});

describe('Cancelling units', () => {
  it('cancels the highest units still in the issuance account and gives the quantity back to the statement', async () => {
    const batch = (await listBatches(t.db, { mineral: 'cobalt' }))[1]!;
    const before = (await remainingIssuableKg(t.db, statementId))!;
    const cancellation = await runCommand(t.db, system, (ctx) => cancelUnits(ctx, { batchId: batch.id, quantityKg: 1_000, reason: 'Issued twice by mistake' }));
    expect(cancellation.ranges.map((r) => r.serials)).toEqual([`${batch.serialPrefix}-2501-3500`]);
    expect(await remainingIssuableKg(t.db, statementId)).toBe(before + 1_000);
    expect(await batchTotals(t.db, batch.id)).toEqual({ issuedKg: 3_500, heldKg: 2_450, retiredKg: 50, cancelledKg: 1_000 });
    expect(await lastEvent()).toMatchObject({
      type: 'registry.units_cancelled',
      payload: { cancellationId: cancellation.id, batchId: batch.id, quantityKg: 1_000, reason: 'Issued twice by mistake', statementId, statementRemainingKg: before + 1_000, ranges: cancellation.ranges },
    });
  });

  it('refuses more than is left in the issuance account, an unknown batch, and a cancellation without reason', async () => {
    const batch = (await listBatches(t.db, { mineral: 'cobalt' }))[1]!;
    const error = await expectRefused(() => runCommand(t.db, system, (ctx) => cancelUnits(ctx, { batchId: batch.id, quantityKg: 2_001, reason: 'error' })), 'exceeds_cancellable', 422);
    expect(error.details).toEqual({ batchId: batch.id, cancellableKg: 2_000 });
    await expectRefused(() => runCommand(t.db, system, (ctx) => cancelUnits(ctx, { batchId: 999_999, quantityKg: 1, reason: 'error' })), 'batch_not_found', 404);
    await expectRefused(() => runCommand(t.db, system, (ctx) => cancelUnits(ctx, { batchId: batch.id, quantityKg: 1, reason: '' })), 'reason_required', 422);
    await expectRefused(() => runCommand(t.db, system, (ctx) => cancelUnits(ctx, { batchId: batch.id, quantityKg: 0, reason: 'error' })), 'quantity_invalid', 422);
  });
});

describe('Registry queries', () => {
  it('finds the live block that holds a serial, and nothing for a serial that was never issued', async () => {
    const held = await findBlockOfSerial(t.db, `${prefixes[1]}-100`);
    expect(held).toMatchObject({ block: { firstUnit: 1, lastUnit: 450, state: 'held', accountId: buyerAccount }, account: { organisationCode: 'fairphone' }, serials: `${prefixes[1]}-1-450` });
    const retired = await findBlockOfSerial(t.db, `${prefixes[0]}-250`);
    expect(retired).toMatchObject({ block: { state: 'retired', firstUnit: 201, lastUnit: 290 } });
    expect(retired!.block.retirementId).not.toBeNull();
    expect((await findBlockOfSerial(t.db, `${prefixes[1]}-3000`))!.block.state).toBe('cancelled');
    expect(await findBlockOfSerial(t.db, `${prefixes[1]}-2-20`)).toMatchObject({ serials: `${prefixes[1]}-1-450` });
    expect(await findBlockOfSerial(t.db, `${prefixes[1]}-3501`)).toBeNull();
    expect(await findBlockOfSerial(t.db, `${prefixes[1]}-400-460`)).toBeNull();
    expect(await findBlockOfSerial(t.db, `RMC-CO-CD-${site.code}-2019-0001-1`)).toBeNull();
    expect(await findBlockOfSerial(t.db, 'not a serial')).toBeNull();
  });

  it('totals per mineral and vintage, and batches filtered by site, mineral and vintage', async () => {
    expect(await registryTotals(t.db)).toEqual([
      { mineral: 'cobalt', vintage: 2025, issuedKg: 5_500, heldKg: 4_290, retiredKg: 210, cancelledKg: 1_000 },
      { mineral: 'copper', vintage: 2024, issuedKg: 900, heldKg: 900, retiredKg: 0, cancelledKg: 0 },
    ]);
    expect((await listBatches(t.db, { siteCode: site.code, vintage: 2024 })).map((b) => b.serialPrefix)).toEqual([`RMC-CU-CD-${site.code}-2024-0001`]);
    expect(await listBatches(t.db, { siteCode: 'NONE' })).toEqual([]);
  });

  it('every registry invariant holds after all of the above', async () => {
    const results = await runInvariants(t.db, registryInvariants);
    expect(results.filter((r) => r.problems.length > 0)).toEqual([]);
    expect(results.map((r) => r.id)).toEqual([
      'registry.batch_balance',
      'registry.blocks_tile_batches',
      'registry.final_blocks_unchanged',
      'registry.records_match_blocks',
      'registry.batches_within_verification',
      'registry.journal_replay',
    ]);
  });
});
