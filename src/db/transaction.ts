import type { Database, Transaction } from './connect.ts';

// serialization_failure and deadlock_detected: PostgreSQL asks the client to run the transaction again.
const RETRYABLE = new Set(['40001', '40P01']);

function sqlState(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The SQLSTATE of a database error (looking through drizzle's wrapping), if any. */
export function databaseErrorCode(error: unknown): string | undefined {
  return sqlState(error);
}

/** Runs fn in one transaction, again from the start when PostgreSQL reports a serialization failure or deadlock. */
export async function withTransaction<T>(db: Database, fn: (tx: Transaction) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(fn);
    } catch (error) {
      const code = sqlState(error);
      if (!code || !RETRYABLE.has(code) || attempt >= attempts) throw error;
    }
  }
}
