import { problemsAfter as problemsOf } from '../../test/invariants.ts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, insertSignedStatement, openApprovedAccount } from '../../test/factories/registry.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import type { Transaction } from '../db/connect.ts';
import { appendEvent, runCommand } from '../journal/public.ts';
import { cancelUnits } from './commands/cancel-units.ts';
import { issueBatch } from './commands/issue-batch.ts';
import { retireCredits } from './commands/retire-credits.ts';
import { transferCredits } from './commands/transfer-credits.ts';
import { registryInvariants, replayRegistryEvents } from './invariants.ts';
import { getIssuanceAccount } from './queries/accounts.ts';

let t: TestContext;
let batchId: number;
let buyerAccount: number;
let issuanceAccount: number;
let statementId: number;

/**
 * One batch of 1,000 units: 300 sold to a buyer, who retired 100 of them; the top 100 units
 * cancelled. A consistent ledger, which each test then damages the way only direct database
 * access could, inside a transaction that is rolled back.
 */
beforeAll(async () => {
  t = await createTestContext();
  await t.buildOrganisation({ kind: 'secretariat' });
  const buyer = await t.buildOrganisation({ kind: 'buyer' });
  buyerAccount = (await openApprovedAccount(t.db, buyer)).id;
  statementId = (await insertSignedStatement(t, { responsibleKg: 10_000 })).statement.id;
  batchId = (await runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId, quantityKg: 1_000 }))).id;
  issuanceAccount = (await getIssuanceAccount(t.db))!.id;
  await runCommand(t.db, system, (ctx) => transferCredits(ctx, { fromAccountId: issuanceAccount, toAccountId: buyerAccount, quantityKg: 300 }));
  await runCommand(t.db, actorOf(buyer, 'buyer'), (ctx) =>
    retireCredits(ctx, { accountId: buyerAccount, quantityKg: 100, beneficiary: 'Buyer SA', claimPeriodStart: '2024-01-01', claimPeriodEnd: '2024-12-31', covers: 'total use' }),
  );
  await runCommand(t.db, system, (ctx) => cancelUnits(ctx, { batchId, quantityKg: 100, reason: 'issued twice' }));
});
afterAll(() => t?.close());

const problemsAfter = (change: (tx: Transaction) => Promise<void>) => problemsOf(t.db, registryInvariants, change);

/** Runs statements with the registry's guards switched off, as someone with direct database access could. */
async function tamper(tx: Transaction, ...statements: ReturnType<typeof sql>[]) {
  await tx.execute(sql`alter table credit_blocks disable trigger credit_blocks_guard`);
  await tx.execute(sql`alter table credit_retirements disable trigger credit_retirements_append_only`);
  for (const statement of statements) await tx.execute(statement);
}

describe('The registry’s invariants', () => {
  it('each has an id and a description, and all pass on a consistent ledger', async () => {
    for (const invariant of registryInvariants) expect(invariant.description.length).toBeGreaterThan(30);
    expect(await problemsAfter(async () => undefined)).toEqual({});
  });

  it('report units that vanished: a held block superseded without its pieces', async () => {
    const problems = await problemsAfter((tx) => tx.execute(sql`update credit_blocks set superseded_at = now() where account_id = ${buyerAccount} and state = 'held' and superseded_at is null`).then(() => undefined));
    expect(problems['registry.batch_balance']).toEqual([expect.stringMatching(/1000 units issued, but 600 held \+ 100 retired \+ 100 cancelled/)]);
    expect(problems['registry.blocks_tile_batches']).toEqual([expect.stringMatching(/units 101-300 are in no live block$/)]);
    expect(problems['registry.journal_replay']).toEqual([expect.stringMatching(/^held account \d+ batch \d+: the ledger has units nothing, the journal's events give 101-300$/)]);
  });

  it('report a unit in two live blocks', async () => {
    const problems = await problemsAfter((tx) =>
      tamper(
        tx,
        sql`alter table credit_blocks drop constraint credit_blocks_no_overlap`,
        sql`insert into credit_blocks (batch_id, first_unit, last_unit, state, account_id) values (${batchId}, 150, 160, 'held', ${issuanceAccount})`,
      ),
    );
    expect(problems['registry.batch_balance']).toHaveLength(1);
    expect(problems['registry.blocks_tile_batches']).toEqual([expect.stringMatching(/block 150-160 overlaps a block before it \(which ends at 300\)$/)]);
  });

  it('report a retired block that changed, and a piece that is not inside the block it was carved from', async () => {
    const problems = await problemsAfter((tx) =>
      tamper(
        tx,
        sql`alter table credit_blocks drop constraint credit_blocks_final_never_superseded`,
        sql`update credit_blocks set superseded_at = now() where state = 'retired'`,
        sql`update credit_blocks set parent_block_id = (select id from credit_blocks where state = 'cancelled') where state = 'held' and account_id = ${buyerAccount} and superseded_at is null`,
      ),
    );
    expect(problems['registry.final_blocks_unchanged']).toEqual([
      expect.stringMatching(/^retired block \d+ \(RMC-CO-CD-[A-Z]+-2024-0001-1-100\) was superseded/),
      expect.stringMatching(/carved from block \d+: its parent is still live/),
    ]);
  });

  it('report a retirement whose quantity is not that of its blocks', async () => {
    const problems = await problemsAfter((tx) => tamper(tx, sql`update credit_retirements set quantity_kg = 120`));
    expect(problems['registry.records_match_blocks']).toEqual([expect.stringMatching(/^retirement \d+ is of 120 units, but its blocks hold 100$/)]);
  });

  it('report draws on a statement that no batch or cancellation accounts for', async () => {
    const problems = await problemsAfter((tx) => tx.execute(sql`insert into verification_draws (statement_id, quantity_kg, reference) values (${statementId}, 50, 'by hand')`).then(() => undefined));
    expect(problems['registry.batches_within_verification']).toEqual([`statement ${statementId}: 1050 kg drawn from it, but its batches issued 1000`]);
  });

  it('report holdings that the journal does not explain: units moved to another account without an event', async () => {
    const problems = await problemsAfter((tx) => tamper(tx, sql`update credit_blocks set account_id = ${issuanceAccount} where account_id = ${buyerAccount} and state = 'held' and superseded_at is null`));
    expect(Object.keys(problems)).toEqual(['registry.journal_replay']);
    expect(problems['registry.journal_replay']).toHaveLength(2);
  });

  it('report an event that moves units its sender did not hold', async () => {
    const problems = await problemsAfter(async (tx) => {
      await runCommand(tx, system, (ctx) =>
        appendEvent(ctx, {
          type: 'registry.credits_transferred',
          subject: 'credit-transfer:0',
          payload: { from: { accountId: buyerAccount }, to: { accountId: issuanceAccount }, ranges: [{ batchId, firstUnit: 1, lastUnit: 10 }] },
        }),
      );
    });
    expect(problems['registry.journal_replay']).toEqual([expect.stringMatching(/moves units 1-10 of batch \d+, which account \d+ did not hold in one piece/)]);
  });
});

describe('Replaying registry events', () => {
  it('follows issues, transfers, retirements and cancellations range by range', () => {
    const range = (firstUnit: number, lastUnit: number) => ({ batchId: 7, firstUnit, lastUnit });
    const { holdings, problems } = replayRegistryEvents([
      { seq: 1, type: 'registry.account_opened', payload: { accountId: 2 } },
      { seq: 2, type: 'registry.batch_issued', payload: { batchId: 7, quantityKg: 100, to: { accountId: 1 }, ranges: [range(1, 100)] } },
      { seq: 3, type: 'registry.credits_transferred', payload: { from: { accountId: 1 }, to: { accountId: 2 }, ranges: [range(1, 30)] } },
      { seq: 4, type: 'registry.credits_retired', payload: { account: { accountId: 2 }, ranges: [range(11, 20)] } },
      { seq: 5, type: 'registry.units_cancelled', payload: { account: { accountId: 1 }, ranges: [range(91, 100)] } },
      { seq: 6, type: 'registry.transfer_reversed', payload: { from: { accountId: 2 }, to: { accountId: 1 }, ranges: [range(21, 30)] } },
      { seq: 7, type: 'registry.credits_retired', payload: { account: { accountId: 2 }, ranges: [range(15, 16)] } },
    ]);
    expect(Object.fromEntries(holdings)).toEqual({
      'held account 1 batch 7': [{ first: 21, last: 90 }],
      'held account 2 batch 7': [{ first: 1, last: 10 }],
      'retired account 2 batch 7': [{ first: 11, last: 20 }],
      'cancelled account 1 batch 7': [{ first: 91, last: 100 }],
    });
    expect(problems).toEqual(['event 7 moves units 15-16 of batch 7, which account 2 did not hold in one piece']);
  });
});
