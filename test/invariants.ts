import { TransactionRollbackError } from 'drizzle-orm';
import { runInvariants, type Invariant } from '../src/core/invariants.ts';
import type { Database, Transaction } from '../src/db/connect.ts';

/**
 * Runs `change` and then the given checks in one transaction that is rolled back, so each test
 * starts from the same consistent state. Returns the problems by check id.
 */
export async function problemsAfter(db: Database, invariants: readonly Invariant[], change: (tx: Transaction) => Promise<void>): Promise<Record<string, string[]>> {
  let problems: Record<string, string[]> = {};
  try {
    await db.transaction(async (tx) => {
      await change(tx);
      const results = await runInvariants(tx, invariants);
      problems = Object.fromEntries(results.filter((r) => r.problems.length > 0).map((r) => [r.id, r.problems]));
      tx.rollback();
    });
  } catch (error) {
    if (!(error instanceof TransactionRollbackError)) throw error;
  }
  return problems;
}
