import { and, eq, sql } from 'drizzle-orm';
import type { z } from '@hono/zod-openapi';
import { isIsoDate, isoDateOf } from '../../core/calendar.ts';
import { coreError } from '../../core/errors.ts';
import { formatMoney } from '../../core/i18n/format.ts';
import type { Locale } from '../../core/i18n/index.ts';
import type { Queryable } from '../../db/connect.ts';
import type { CommandContext } from '../../journal/public.ts';
import { loanFundCashMinor, type LoanFundFlows } from '../ledger.ts';
import { savingsError } from '../messages/errors.ts';
import { savingsCycles, savingsGroups, savingsLoans, savingsMeetingEntries, savingsMeetings } from '../schema.ts';

export type SavingsGroup = typeof savingsGroups.$inferSelect;
export type SavingsCycle = typeof savingsCycles.$inferSelect;

/** Props checked against their schema by the command itself, so every caller (API, page, import, demo) meets the same rules. */
export function parseProps<S extends z.ZodType>(schema: S, props: unknown): z.output<S> {
  const result = schema.safeParse(props);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), code: issue.code, message: issue.message }));
  const fields = [...new Set(issues.map((issue) => issue.path || '(body)'))].join(', ');
  throw coreError('validation_failed', 400, { fields }, issues);
}

/** A date a field officer gives: a real calendar day, not after today. */
export function checkPastDate(ctx: CommandContext, date: string): void {
  if (!isIsoDate(date)) throw savingsError('date_invalid', 422, { date });
  if (date > isoDateOf(ctx.now)) throw savingsError('date_in_future', 422, { date });
}

export const money = (amountMinor: number, currency: string) => (locale: Locale) => formatMoney(locale, amountMinor, currency);

export async function findGroup(db: Queryable, code: string): Promise<SavingsGroup> {
  const [group] = await db.select().from(savingsGroups).where(eq(savingsGroups.code, code));
  if (!group) throw savingsError('group_not_found', 404, { group: code });
  return group;
}

/** The cycle, locked for the rest of the command: meetings and the share-out of one cycle never cross, so balances checked stay true. */
export async function lockOpenCycle(ctx: CommandContext, group: SavingsGroup, number: number): Promise<SavingsCycle> {
  const [cycle] = await ctx.tx
    .select()
    .from(savingsCycles)
    .where(and(eq(savingsCycles.groupId, group.id), eq(savingsCycles.number, number)))
    .for('update');
  if (!cycle) throw savingsError('cycle_not_found', 404, { group: group.code, cycle: number });
  if (cycle.status !== 'open') throw savingsError('cycle_shared_out', 409, { group: group.code, cycle: number });
  return cycle;
}

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
