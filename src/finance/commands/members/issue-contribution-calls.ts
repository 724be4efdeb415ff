import { and, asc, eq, lte, sql } from 'drizzle-orm';
import { organisations } from '../../../accounts/public.ts';
import { authorize } from '../../../core/auth/policies.ts';
import { isIsoDate, isoDateOf } from '../../../core/calendar.ts';
import { databaseErrorCode } from '../../../core/errors.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { contributionAmount, contributionBasis, type ContributionBasis, type ContributionRate } from '../../contribution-rule.ts';
import { isContributionYear, isPastDate } from '../../membership-input.ts';
import { membersError } from '../../messages/members-errors.ts';
import { financeContributionCalls, financeContributionRates, financeMemberships } from '../../schema.ts';

export type IssueContributionCallsProps = {
  year: number;
  /** The day the calls are sent (YYYY-MM-DD), not after today; today when left out. */
  issuedOn?: string;
  /** The day they are to be paid by; a call unpaid after it is in arrears. */
  dueOn: string;
  /** One member's organisation code; every member due a call for the year when left out. */
  organisation?: string;
};

/** A call as issued, with the code of the member organisation it was sent to. */
export type ContributionCall = typeof financeContributionCalls.$inferSelect & { basis: ContributionBasis; organisation: string };

/** A call's number, which its invoice carries: `MC-{year}-{n}`, counting the year's calls from 1. */
const callNumber = (year: number, n: number) => `MC-${year}-${String(n).padStart(4, '0')}`;

/**
 * The secretariat calls the year's contributions: of one member, or of every active member that
 * had joined by the end of the year and has no call for it yet. Each call's amount is computed from
 * the member's rule and the year's rates of its category, and stored with that computation
 * (`basis`). One event lists the calls issued.
 *
 * Refused, nothing written: a missing rate for a member's category (422 `rate_missing`), a member
 * already called for the year (409 `call_exists`), a member that is not active or had not joined
 * (422), and nobody left to call (409 `calls_nothing_to_issue`).
 */
export async function issueContributionCalls(ctx: CommandContext, props: IssueContributionCallsProps): Promise<ContributionCall[]> {
  authorize(ctx.actor, 'finance.manage');
  if (!isContributionYear(props.year)) throw membersError('call_year_invalid', 422, { year: props.year });
  const today = isoDateOf(ctx.now);
  const issuedOn = props.issuedOn ?? today;
  if (!isPastDate(issuedOn, today) || !isIsoDate(props.dueOn) || props.dueOn < issuedOn) throw membersError('call_dates_invalid', 422);
  // Issuing for a year takes the year's rates under lock: two issuers of one year wait in turn, so numbers and calls never collide.
  const rates = new Map<string, ContributionRate>(
    (await ctx.tx.select().from(financeContributionRates).where(eq(financeContributionRates.year, props.year)).for('update')).map((rate) => [rate.category, rate]),
  );
  const yearEnd = `${props.year}-12-31`;
  const members = await ctx.tx
    .select({ membership: financeMemberships, code: organisations.code, name: organisations.name, called: sql<boolean>`exists (select 1 from ${financeContributionCalls} c where c.membership_id = ${financeMemberships.id} and c.year = ${props.year})` })
    .from(financeMemberships)
    .innerJoin(organisations, eq(organisations.id, financeMemberships.organisationId))
    .where(props.organisation === undefined ? and(eq(financeMemberships.status, 'active'), lte(financeMemberships.memberSince, yearEnd)) : eq(organisations.code, props.organisation))
    .orderBy(asc(organisations.name));
  if (props.organisation !== undefined) {
    const [member] = members;
    if (!member) throw membersError('membership_not_found', 404, { organisation: props.organisation });
    if (member.called) throw membersError('call_exists', 409, { organisation: member.name, year: props.year });
    if (member.membership.status !== 'active' || member.membership.memberSince > yearEnd) throw membersError('member_not_callable', 422, { organisation: member.name, year: props.year });
  }
  const toCall = members.filter((member) => !member.called);
  if (toCall.length === 0) throw membersError('calls_nothing_to_issue', 409, { year: props.year });
  const [{ issued }] = (await ctx.tx.select({ issued: sql<number>`count(*)`.mapWith(Number) }).from(financeContributionCalls).where(eq(financeContributionCalls.year, props.year))) as [{ issued: number }];
  const calls: ContributionCall[] = [];
  for (const [index, member] of toCall.entries()) {
    const rate = rates.get(member.membership.category);
    if (!rate) throw membersError('rate_missing', 422, { category: member.membership.category, year: props.year });
    const basis = contributionBasis(member.membership, rate);
    try {
      const [call] = await ctx.tx
        .insert(financeContributionCalls)
        .values({ number: callNumber(props.year, issued + index + 1), membershipId: member.membership.id, year: props.year, currency: basis.currency, amountMinor: contributionAmount(basis), basis, issuedOn, dueOn: props.dueOn, createdAt: ctx.now })
        .returning();
      calls.push({ ...(call as typeof financeContributionCalls.$inferSelect), basis, organisation: member.code });
    } catch (error) {
      if (databaseErrorCode(error) === '23505') throw membersError('call_exists', 409, { organisation: member.name, year: props.year });
      throw error;
    }
  }
  await appendEvent(ctx, {
    type: 'finance.contribution_calls_issued',
    subject: `contribution-calls:${props.year}`,
    payload: {
      year: props.year,
      issuedOn,
      dueOn: props.dueOn,
      calls: calls.map((call) => ({ number: call.number, organisation: call.organisation, amountMinor: call.amountMinor, currency: call.currency, basis: call.basis })),
    },
  });
  return calls;
}
