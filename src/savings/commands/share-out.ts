import { z } from '@hono/zod-openapi';
import { asc, eq, sql } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { groupCodePattern } from '../codes.ts';
import { checkPastDate, parseProps } from '../command-input.ts';
import { loanBalance, shareOut, type Payout } from '../ledger.ts';
import { cashInLoanFund } from '../loan-fund.ts';
import { findGroup, lockOpenCycle } from '../lookups.ts';
import { money, savingsError } from '../messages/errors.ts';
import { savingsCycles, savingsLoans, savingsMeetingEntries, savingsMeetings, savingsMembers, savingsPayouts, savingsShareOuts } from '../schema.ts';

export const shareOutSchema = z
  .strictObject({ groupCode: z.string().regex(groupCodePattern), cycle: z.number().int().min(1).max(999), heldOn: z.iso.date() })
  .openapi('ShareOutSavingsCycle');

export type ShareOutProps = z.input<typeof shareOutSchema>;
export type ShareOutResult = { shareOutId: number; groupCode: string; cycle: number; fundMinor: number; totalShares: number; currency: string; payouts: Payout[] };

/**
 * Ends a cycle: once every loan is repaid, the whole loan fund (savings, interest and fines) goes
 * back to the members in proportion to the shares each bought, by `shareOut`'s largest-remainder
 * rule. The social fund is not shared: it carries over to the next cycle. The journal gets the
 * fund and the number of shares, not what each member received.
 */
export async function shareOutCycle(ctx: CommandContext, props: ShareOutProps): Promise<ShareOutResult> {
  authorize(ctx.actor, 'savings.record');
  const input = parseProps(shareOutSchema, props);
  checkPastDate(ctx, input.heldOn);
  const group = await findGroup(ctx.tx, input.groupCode);
  const cycle = await lockOpenCycle(ctx, group, input.cycle);
  const [last] = await ctx.tx.select({ heldOn: sql<string | null>`max(${savingsMeetings.heldOn})` }).from(savingsMeetings).where(eq(savingsMeetings.cycleId, cycle.id));
  if (last?.heldOn && input.heldOn < last.heldOn) throw savingsError('share_out_before_last_meeting', 422, { date: input.heldOn, lastMeeting: last.heldOn });
  const loans = await ctx.tx
    .select({ loanId: savingsLoans.id, principalMinor: savingsLoans.principalMinor, interestMinor: savingsLoans.interestMinor, repaidMinor: savingsLoans.repaidMinor })
    .from(savingsLoans)
    .innerJoin(savingsMeetings, eq(savingsMeetings.id, savingsLoans.meetingId))
    .where(eq(savingsMeetings.cycleId, cycle.id));
  const unpaid = loans.filter((loan) => loanBalance(loan) > 0);
  if (unpaid.length > 0) {
    const balance = unpaid.reduce((sum, loan) => sum + loanBalance(loan), 0);
    throw savingsError('loans_outstanding', 409, (locale) => ({ count: unpaid.length, balance: money(balance, cycle.currency)(locale) }));
  }
  const holdings = await ctx.tx
    .select({ memberId: savingsMembers.id, memberCode: savingsMembers.code, shares: sql<number>`coalesce(sum(${savingsMeetingEntries.shares}), 0)::int` })
    .from(savingsMembers)
    .innerJoin(savingsMeetingEntries, eq(savingsMeetingEntries.memberId, savingsMembers.id))
    .innerJoin(savingsMeetings, eq(savingsMeetings.id, savingsMeetingEntries.meetingId))
    .where(eq(savingsMeetings.cycleId, cycle.id))
    .groupBy(savingsMembers.id, savingsMembers.code)
    .orderBy(asc(savingsMembers.code));
  const totalShares = holdings.reduce((sum, h) => sum + Number(h.shares), 0);
  if (totalShares === 0) throw savingsError('no_shares', 422);
  const fundMinor = await cashInLoanFund(ctx.tx, cycle);
  const payouts = shareOut(
    fundMinor,
    holdings.map((h) => ({ memberCode: h.memberCode, shares: Number(h.shares) })),
  );
  const [row] = await ctx.tx.insert(savingsShareOuts).values({ cycleId: cycle.id, heldOn: input.heldOn, totalShares, fundMinor }).returning({ id: savingsShareOuts.id });
  const idOf = new Map(holdings.map((h) => [h.memberCode, h.memberId]));
  await ctx.tx.insert(savingsPayouts).values(payouts.map((p) => ({ shareOutId: row!.id, memberId: idOf.get(p.memberCode)!, shares: p.shares, payoutMinor: p.payoutMinor })));
  await ctx.tx.update(savingsCycles).set({ status: 'shared_out' }).where(eq(savingsCycles.id, cycle.id));
  await appendEvent(ctx, {
    type: 'savings.cycle_shared_out',
    subject: `savings_cycle:${cycle.id}`,
    payload: { group: group.code, cycle: cycle.number, heldOn: input.heldOn, fundMinor, totalShares, currency: cycle.currency, members: payouts.length },
  });
  return { shareOutId: row!.id, groupCode: group.code, cycle: cycle.number, fundMinor, totalShares, currency: cycle.currency, payouts };
}
