import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, insertSignedStatement, openApprovedAccount } from '../../test/factories/registry.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { AppError } from '../core/errors.ts';
import { runInvariants } from '../core/invariants.ts';
import { runCommand } from '../journal/public.ts';
import { issueBatch } from './commands/issue-batch.ts';
import { retireCredits } from './commands/retire-credits.ts';
import { transferCredits } from './commands/transfer-credits.ts';
import { registryInvariants } from './invariants.ts';
import { accountBalance, getIssuanceAccount } from './queries/accounts.ts';
import { listRetirements } from './queries/ledger.ts';
import { mergeRanges } from './serials.ts';

let t: TestContext;

beforeAll(async () => {
  t = await createTestContext();
  await t.buildOrganisation({ kind: 'secretariat' });
});
afterAll(() => t?.close());

/** Runs the commands all at once and sorts what happened. */
async function together<T>(commands: (() => Promise<T>)[]) {
  const outcomes = await Promise.allSettled(commands.map((command) => command()));
  const succeeded = outcomes.filter((o): o is PromiseFulfilledResult<Awaited<T>> => o.status === 'fulfilled').map((o) => o.value);
  const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as unknown);
  return { succeeded, failed };
}

async function expectInvariantsHold() {
  const results = await runInvariants(t.db, registryInvariants);
  expect(results.filter((r) => r.problems.length > 0)).toEqual([]);
}

describe('Concurrent registry commands', () => {
  it('twenty retirements that together exceed a holding: those that fit succeed, the rest fail cleanly, and no unit is retired twice', async () => {
    const buyer = await t.buildOrganisation({ kind: 'buyer' });
    const account = await openApprovedAccount(t.db, buyer);
    const { statement } = await insertSignedStatement(t, { responsibleKg: 5_000 });
    await runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId: statement.id, quantityKg: 1_000 }));
    await runCommand(t.db, system, async (ctx) => transferCredits(ctx, { fromAccountId: (await getIssuanceAccount(ctx.tx))!.id, toAccountId: account.id, quantityKg: 1_000 }));

    const { succeeded, failed } = await together(
      Array.from({ length: 20 }, (_, i) => () =>
        runCommand(t.db, actorOf(buyer, 'buyer'), (ctx) =>
          retireCredits(ctx, { accountId: account.id, quantityKg: 70, beneficiary: `Beneficiary ${i}`, claimPeriodStart: '2024-01-01', claimPeriodEnd: '2024-12-31', covers: 'total use' }),
        ),
      ),
    );
    expect(succeeded).toHaveLength(14);
    expect(failed).toHaveLength(6);
    for (const error of failed) {
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'insufficient_credits', status: 422, details: { heldKg: 20, requestedKg: 70 } });
    }
    expect(await accountBalance(t.db, account.id)).toEqual({ heldKg: 20, retiredKg: 980 });
    const retired = (await listRetirements(t.db, { accountId: account.id })).flatMap((r) => r.ranges.map((range) => ({ first: range.firstUnit, last: range.lastUnit })));
    const distinct = mergeRanges(retired).reduce((sum, r) => sum + r.last - r.first + 1, 0);
    expect(distinct).toBe(980);
    await expectInvariantsHold();
  });

  it('concurrent transfers out of one account and issuances from one statement queue: none overdraws, batch numbers stay unique', async () => {
    const { statement } = await insertSignedStatement(t, { responsibleKg: 4_000 });
    const issued = await together(Array.from({ length: 6 }, () => () => runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId: statement.id, quantityKg: 1_000 }))));
    expect(issued.succeeded).toHaveLength(4);
    expect(issued.failed.map((e) => (e as AppError).code)).toEqual(['exceeds_issuable_quantity', 'exceeds_issuable_quantity']);
    expect(issued.succeeded.map((b) => b.batchNumber).sort()).toEqual([1, 2, 3, 4]);

    const issuance = (await getIssuanceAccount(t.db))!.id;
    const before = (await accountBalance(t.db, issuance)).heldKg;
    const receivers = await Promise.all(Array.from({ length: 4 }, async () => (await openApprovedAccount(t.db, await t.buildOrganisation({ kind: 'buyer' }))).id));
    const moved = await together(
      Array.from({ length: 12 }, (_, i) => () => runCommand(t.db, system, (ctx) => transferCredits(ctx, { fromAccountId: issuance, toAccountId: receivers[i % 4]!, quantityKg: Math.ceil(before / 10) }))),
    );
    expect(moved.succeeded).toHaveLength(Math.floor(before / Math.ceil(before / 10)));
    expect(moved.failed.every((e) => (e as AppError).code === 'insufficient_credits')).toBe(true);
    await expectInvariantsHold();
  });
});
