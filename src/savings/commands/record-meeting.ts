import { z } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { groupCodePattern, memberCodePattern } from '../codes.ts';
import { checkPastDate, parseProps } from '../command-input.ts';
import { allocateRepayment, flatInterestMinor, loanBalance, loanMonths } from '../ledger.ts';
import { cashInLoanFund } from '../loan-fund.ts';
import { findGroup, lockOpenCycle } from '../lookups.ts';
import { money, savingsError } from '../messages/errors.ts';
import { savingsLoans, savingsMeetingEntries, savingsMeetings, savingsMembers, savingsRepayments } from '../schema.ts';

const IsoDate = z.iso.date().openapi({ example: '2025-03-04' });
const MemberCode = z.string().regex(memberCodePattern).openapi({ example: 'KAM-VSLA-01-M07' });
const Minor = (description: string) => z.number().int().min(0).max(1_000_000_000).default(0).openapi({ description });

/**
 * One meeting of a savings group as its ledger records it: a row per member, then the loans made.
 * Plain JSON, so a web form, the API and a Kobo import all send the same thing. Members of the group
 * who are not listed are recorded absent, with nothing paid. Amounts are in minor units of the
 * cycle's currency (CDF centimes).
 */
export const meetingInputSchema = z
  .strictObject({
    groupCode: z.string().regex(groupCodePattern).openapi({ example: 'KAM-VSLA-01' }),
    cycle: z.number().int().min(1).max(999).openapi({ description: 'The cycle’s number in the group (1 for its first year)' }),
    meetingDate: IsoDate,
    members: z
      .array(
        z.strictObject({
          memberCode: MemberCode,
          present: z.boolean(),
          shares: z.number().int().min(0).max(10).default(0).openapi({ description: 'Shares bought at this meeting' }),
          socialFundMinor: Minor('Paid into the social fund'),
          repaymentMinor: Minor('Paid back on her loans (oldest first, interest first)'),
          fineMinor: Minor('Fines paid'),
        }),
      )
      .min(1)
      .max(60),
    loans: z
      .array(
        z.strictObject({
          memberCode: MemberCode,
          principalMinor: z.number().int().min(1).max(1_000_000_000),
          dueDate: IsoDate,
        }),
      )
      .max(60)
      .default([]),
  })
  .openapi('SavingsMeetingInput');

export type MeetingInput = z.input<typeof meetingInputSchema>;
export type RecordedMeeting = {
  meetingId: number;
  groupCode: string;
  cycle: number;
  meetingDate: string;
  membersPresent: number;
  membersListed: number;
  sharesBought: number;
  savingsMinor: number;
  socialFundMinor: number;
  finesMinor: number;
  repaymentsMinor: number;
  loansIssued: number;
  loansMinor: number;
  currency: string;
};

/**
 * Records a meeting: checks every rule first (the cycle is open and covers the date, each member
 * belongs to the group, shares within the cycle's maximum, repayments within what is owed, loans
 * within the cash in the loan fund), then writes the ledger rows, the loans and the repayments.
 * The journal gets the meeting's totals only: no member appears in the public record.
 */
export async function recordMeeting(ctx: CommandContext, props: MeetingInput): Promise<RecordedMeeting> {
  authorize(ctx.actor, 'savings.record');
  const input = parseProps(meetingInputSchema, props);
  checkPastDate(ctx, input.meetingDate);
  const group = await findGroup(ctx.tx, input.groupCode);
  const cycle = await lockOpenCycle(ctx, group, input.cycle);
  const currency = cycle.currency;
  if (input.meetingDate < cycle.startsOn || input.meetingDate > cycle.endsOn) {
    throw savingsError('meeting_outside_cycle', 422, { date: input.meetingDate, cycle: cycle.number, startsOn: cycle.startsOn, endsOn: cycle.endsOn });
  }
  const [existing] = await ctx.tx
    .select({ id: savingsMeetings.id })
    .from(savingsMeetings)
    .where(and(eq(savingsMeetings.cycleId, cycle.id), eq(savingsMeetings.heldOn, input.meetingDate)));
  if (existing) throw savingsError('meeting_already_recorded', 409, { group: group.code, date: input.meetingDate });

  const members = await ctx.tx.select().from(savingsMembers).where(eq(savingsMembers.groupId, group.id));
  const byCode = new Map(members.map((m) => [m.code, m]));
  const rows = new Map<string, (typeof input.members)[number]>();
  for (const row of input.members) {
    const member = byCode.get(row.memberCode);
    if (!member) throw savingsError('member_unknown', 422, { group: group.code, member: row.memberCode });
    if (rows.has(row.memberCode)) throw savingsError('member_listed_twice', 422, { member: row.memberCode });
    if (member.joinedOn > input.meetingDate) throw savingsError('meeting_before_joining', 422, { member: member.code, joinedOn: member.joinedOn, date: input.meetingDate });
    if (row.shares > cycle.maxSharesPerMeeting) throw savingsError('shares_above_maximum', 422, { member: row.memberCode, shares: row.shares, maximum: cycle.maxSharesPerMeeting });
    rows.set(row.memberCode, row);
  }
  for (const loan of input.loans) {
    if (!byCode.has(loan.memberCode)) throw savingsError('member_unknown', 422, { group: group.code, member: loan.memberCode });
    if (loan.dueDate <= input.meetingDate) throw savingsError('loan_invalid', 422);
  }

  // Outstanding loans of this cycle, to apply repayments to; the cycle lock keeps them still.
  const anyRepayment = [...rows.values()].some((row) => row.repaymentMinor > 0);
  const outstanding = !anyRepayment ? [] : await ctx.tx
    .select({ loanId: savingsLoans.id, memberId: savingsLoans.memberId, principalMinor: savingsLoans.principalMinor, interestMinor: savingsLoans.interestMinor, repaidMinor: savingsLoans.repaidMinor })
    .from(savingsLoans)
    .innerJoin(savingsMeetings, eq(savingsMeetings.id, savingsLoans.meetingId))
    .where(eq(savingsMeetings.cycleId, cycle.id));
  const repayments = [...rows.values()]
    .filter((row) => row.repaymentMinor > 0)
    .map((row) => {
      const member = byCode.get(row.memberCode)!;
      const loans = outstanding.filter((loan) => loan.memberId === member.id);
      const parts = allocateRepayment(loans, row.repaymentMinor);
      if (!parts) {
        const balance = loans.reduce((sum, loan) => sum + loanBalance(loan), 0);
        throw savingsError('repayment_above_balance', 422, (locale) => ({ member: row.memberCode, repayment: money(row.repaymentMinor, currency)(locale), balance: money(balance, currency)(locale) }));
      }
      return parts;
    })
    .flat();

  const totals = { present: 0, shares: 0, socialFund: 0, fines: 0, repayments: 0 };
  for (const row of rows.values()) {
    totals.present += row.present ? 1 : 0;
    totals.shares += row.shares;
    totals.socialFund += row.socialFundMinor;
    totals.fines += row.fineMinor;
    totals.repayments += row.repaymentMinor;
  }
  const loansMinor = input.loans.reduce((sum, loan) => sum + loan.principalMinor, 0);
  // A VSLA meeting collects savings, fines and repayments before it lends, so they can be lent the same day.
  const collected = totals.shares * cycle.sharePriceMinor + totals.fines + totals.repayments;
  const available = loansMinor > 0 ? (await cashInLoanFund(ctx.tx, cycle)) + collected : collected;
  if (loansMinor > available) throw savingsError('loan_above_fund', 422, (locale) => ({ requested: money(loansMinor, currency)(locale), available: money(available, currency)(locale) }));

  const [meeting] = await ctx.tx.insert(savingsMeetings).values({ cycleId: cycle.id, heldOn: input.meetingDate }).returning({ id: savingsMeetings.id });
  const meetingId = meeting!.id;
  const eligible = members.filter((m) => m.joinedOn <= input.meetingDate);
  await ctx.tx.insert(savingsMeetingEntries).values(
    eligible.map((member) => {
      const row = rows.get(member.code);
      return {
        meetingId,
        memberId: member.id,
        present: row?.present ?? false,
        shares: row?.shares ?? 0,
        socialFundMinor: row?.socialFundMinor ?? 0,
        fineMinor: row?.fineMinor ?? 0,
        repaymentMinor: row?.repaymentMinor ?? 0,
      };
    }),
  );
  if (repayments.length > 0) {
    await ctx.tx.insert(savingsRepayments).values(repayments.map((part) => ({ ...part, meetingId })));
    for (const part of repayments) {
      const loan = outstanding.find((l) => l.loanId === part.loanId)!;
      await ctx.tx.update(savingsLoans).set({ repaidMinor: loan.repaidMinor + part.amountMinor }).where(eq(savingsLoans.id, part.loanId));
    }
  }
  if (input.loans.length > 0) {
    await ctx.tx.insert(savingsLoans).values(
      input.loans.map((loan) => ({
        meetingId,
        memberId: byCode.get(loan.memberCode)!.id,
        principalMinor: loan.principalMinor,
        interestMinor: flatInterestMinor(loan.principalMinor, cycle.monthlyInterestBps, loanMonths(input.meetingDate, loan.dueDate)),
        dueOn: loan.dueDate,
      })),
    );
  }

  const recorded: RecordedMeeting = {
    meetingId,
    groupCode: group.code,
    cycle: cycle.number,
    meetingDate: input.meetingDate,
    membersPresent: totals.present,
    membersListed: eligible.length,
    sharesBought: totals.shares,
    savingsMinor: totals.shares * cycle.sharePriceMinor,
    socialFundMinor: totals.socialFund,
    finesMinor: totals.fines,
    repaymentsMinor: totals.repayments,
    loansIssued: input.loans.length,
    loansMinor,
    currency,
  };
  await appendEvent(ctx, { type: 'savings.meeting_recorded', subject: `savings_meeting:${meetingId}`, payload: { ...recorded } });
  return recorded;
}

