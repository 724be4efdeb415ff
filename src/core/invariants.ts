import type { Queryable } from '../db/connect.ts';

/**
 * A check that `orebook verify` runs. Each module registers its own (issued = held + retired +
 * cancelled, and so on). A check reports each problem it finds in words a person can act on.
 */
export type Invariant = {
  id: string;
  description: string;
  check(db: Queryable, problem: (message: string) => void): Promise<void>;
};

export type InvariantResult = { id: string; description: string; problems: string[] };

export async function runInvariants(db: Queryable, invariants: readonly Invariant[]): Promise<InvariantResult[]> {
  const results: InvariantResult[] = [];
  for (const invariant of invariants) {
    const problems: string[] = [];
    try {
      await invariant.check(db, (message) => problems.push(message));
    } catch (error) {
      problems.push(`the check itself failed: ${(error as Error).message}`);
    }
    results.push({ id: invariant.id, description: invariant.description, problems });
  }
  return results;
}
