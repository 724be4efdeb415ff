import { eq, sql } from 'drizzle-orm';
import type { Queryable } from '../db/connect.ts';
import { loanFundCashMinor, type LoanFundFlows } from './ledger.ts';
import type { SavingsCycle } from './lookups.ts';
import { savingsLoans, savingsMeetingEntries, savingsMeetings } from './schema.ts';

/** Everything that went through the cycle's loan fund so far. */
export async function loanFundFlows(db: Queryable, cycle: SavingsCycle): Promise<LoanFundFlows> {
  const [entries] = await db
    .select({
      shares: sql<number>`coalesce(sum(${savingsMeetingEntries.shares}), 0)::bigint`,
      fines: sql<number>`coalesce(sum(${savingsMeetingEntries.fineMinor}), 0)::bigint`,
      repaid: sql<number>`coalesce(sum(${savingsMeetingEntries.repaymentMinor}), 0)::bigint`,
    })
    .from(savingsMeetingEntries)
    .innerJoin(savingsMeetings, eq(savingsMeetings.id, savingsMeetingEntries.meetingId))
    .where(eq(savingsMeetings.cycleId, cycle.id));
  const [loans] = await db
    .select({ lent: sql<number>`coalesce(sum(${savingsLoans.principalMinor}), 0)::bigint` })
    .from(savingsLoans)
    .innerJoin(savingsMeetings, eq(savingsMeetings.id, savingsLoans.meetingId))
    .where(eq(savingsMeetings.cycleId, cycle.id));
  return {
    savingsMinor: Number(entries?.shares ?? 0) * cycle.sharePriceMinor,
    finesMinor: Number(entries?.fines ?? 0),
    repaidMinor: Number(entries?.repaid ?? 0),
    lentMinor: Number(loans?.lent ?? 0),
  };
}

export const cashInLoanFund = async (db: Queryable, cycle: SavingsCycle) => loanFundCashMinor(await loanFundFlows(db, cycle));
