import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, insertSignedStatement, openApprovedAccount } from '../../test/factories/registry.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import type { Actor } from '../core/auth/roles.ts';
import { runInvariants } from '../core/invariants.ts';
import { runCommand } from '../journal/public.ts';
import { issueBatch } from './commands/issue-batch.ts';
import type { UnitSelection } from './commands/ledger.ts';
import { retireCredits } from './commands/retire-credits.ts';
import { transferCredits } from './commands/transfer-credits.ts';
import { registryInvariants } from './invariants.ts';
import { accountBalance, getIssuanceAccount } from './queries/accounts.ts';
import { batchTotals, findBlockOfSerial, holdings } from './queries/ledger.ts';

const billion = 1_000_000_000;

let t: TestContext;
let actor: Actor;
let large: { batchId: number; prefix: string; accountId: number };
let small: { batchId: number; prefix: string; accountId: number };

/** A batch of 10^9 units and one of 10^3, issued from one statement, each sold whole to its own account. */
beforeAll(async () => {
  t = await createTestContext();
  await t.buildOrganisation({ kind: 'secretariat' });
  const buyer = await t.buildOrganisation({ kind: 'buyer' });
  actor = actorOf(buyer, 'buyer');
  const { statement } = await insertSignedStatement(t, { responsibleKg: billion + 1_000 });
  const issuance = async (quantityKg: number, accountId: number) => {
    const batch = await runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId: statement.id, quantityKg }));
    const from = (await getIssuanceAccount(t.db))!.id;
    await runCommand(t.db, system, (ctx) => transferCredits(ctx, { fromAccountId: from, toAccountId: accountId, blocks: [{ batchId: batch.id, firstUnit: 1, lastUnit: quantityKg }] }));
    return { batchId: batch.id, prefix: batch.serialPrefix, accountId };
  };
  large = await issuance(billion, (await openApprovedAccount(t.db, buyer, 'Large')).id);
  small = await issuance(1_000, (await openApprovedAccount(t.db, buyer, 'Small')).id);
});
afterAll(() => t?.close());

const claim = { beneficiary: 'Buyer SA', claimPeriodStart: '2024-01-01', claimPeriodEnd: '2024-12-31', covers: 'total use' };
const retire = (props: { accountId: number } & UnitSelection) => runCommand(t.db, actor, (ctx) => retireCredits(ctx, { ...claim, ...props }));

describe('A batch of 10^9 units', () => {
  it('retires units from the middle of it by splitting one block in three, and finds any serial in it', async () => {
    const retirement = await retire({ accountId: large.accountId, blocks: [{ batchId: large.batchId, firstUnit: 500_000_001, lastUnit: 500_002_500 }] });
    expect(retirement.ranges.map((r) => r.serials)).toEqual([`${large.prefix}-500000001-500002500`]);
    expect(await batchTotals(t.db, large.batchId)).toEqual({ issuedKg: billion, heldKg: billion - 2_500, retiredKg: 2_500, cancelledKg: 0 });
    expect(await findBlockOfSerial(t.db, `${large.prefix}-999999999`)).toMatchObject({ block: { firstUnit: 500_002_501, lastUnit: billion, state: 'held' } });
    expect(await findBlockOfSerial(t.db, `${large.prefix}-500001000`)).toMatchObject({ block: { state: 'retired' } });
    expect(await findBlockOfSerial(t.db, `${large.prefix}-1000000001`)).toBeNull();
  });

  it('does the same work for it as for a batch of 10^3 units: blocks, never units', async () => {
    // Speed itself is measured in bench/, not asserted here; what makes it independent of the
    // batch size is that each retirement touches the same blocks whatever the units.
    for (let round = 0; round < 15; round++) {
      await retire({ accountId: large.accountId, quantityKg: 25 });
      await retire({ accountId: small.accountId, quantityKg: 25 });
    }
    const blocksOf = async (batchId: number) => ((await holdings(t.db, batchId === large.batchId ? large.accountId : small.accountId)).filter((b) => b.batchId === batchId)).length;
    expect(await blocksOf(large.batchId)).toBe(await blocksOf(small.batchId) + 1);
    expect(await accountBalance(t.db, small.accountId)).toEqual({ heldKg: 1_000 - 15 * 25, retiredKg: 15 * 25 });
    const results = await runInvariants(t.db, registryInvariants);
    expect(results.filter((r) => r.problems.length > 0)).toEqual([]);
  });
});
