import { asc, desc, eq, sql } from 'drizzle-orm';
import { organisations } from '../../accounts/public.ts';
import { rowsOf, type Queryable } from '../../db/connect.ts';
import { loanBalance } from '../ledger.ts';
import {
  savingsCycles,
  savingsEnterpriseRevenues,
  savingsEnterprises,
  savingsGroups,
  savingsLoans,
  savingsMeetingEntries,
  savingsMeetings,
  savingsMembers,
  savingsPayouts,
  savingsShareOuts,
} from '../schema.ts';

const num = (value: unknown) => Number(value ?? 0);

/** Groups with their size and current cycle, for the staff's list (no member names). */
export async function listGroups(db: Queryable) {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select g.code, g.name, g.community, g.formed_on::text as formed_on, o.code as facilitator,
             (select count(*) from savings_members m where m.group_id = g.id) as members,
             (select count(*) from savings_members m where m.group_id = g.id and m.sex = 'female') as women,
             c.number as cycle, c.status as cycle_status, c.starts_on::text as cycle_starts_on, c.ends_on::text as cycle_ends_on,
             (select count(*) from savings_meetings sm where sm.cycle_id = c.id) as meetings,
             (select max(sm.held_on)::text from savings_meetings sm where sm.cycle_id = c.id) as last_meeting,
             coalesce((select sum(e.shares) from savings_meetings sm join savings_meeting_entries e on e.meeting_id = sm.id where sm.cycle_id = c.id), 0) * coalesce(c.share_price_minor, 0) as savings_minor
      from savings_groups g
      join organisations o on o.id = g.facilitator_organisation_id
      left join lateral (select * from savings_cycles sc where sc.group_id = g.id order by sc.number desc limit 1) c on true
      order by g.code`),
  );
  return rows.map((r) => ({
    code: String(r.code),
    name: String(r.name),
    community: String(r.community),
    formedOn: String(r.formed_on).slice(0, 10),
    facilitator: String(r.facilitator),
    members: num(r.members),
    women: num(r.women),
    currentCycle: r.cycle === null ? null : num(r.cycle),
    cycleStatus: r.cycle_status === null ? null : (String(r.cycle_status) as 'open' | 'shared_out'),
    cycleStartsOn: r.cycle_starts_on === null ? null : String(r.cycle_starts_on).slice(0, 10),
    cycleEndsOn: r.cycle_ends_on === null ? null : String(r.cycle_ends_on).slice(0, 10),
    meetings: num(r.meetings),
    lastMeeting: r.last_meeting === null ? null : String(r.last_meeting).slice(0, 10),
    savingsMinor: num(r.savings_minor),
  }));
}

export type GroupSummary = Awaited<ReturnType<typeof listGroups>>[number];

/** A group with its members (names included: restricted readers only) and its cycles. */
export async function getGroup(db: Queryable, code: string) {
  const [group] = await db
    .select({ id: savingsGroups.id, code: savingsGroups.code, name: savingsGroups.name, community: savingsGroups.community, formedOn: savingsGroups.formedOn, facilitator: organisations.code })
    .from(savingsGroups)
    .innerJoin(organisations, eq(organisations.id, savingsGroups.facilitatorOrganisationId))
    .where(eq(savingsGroups.code, code));
  if (!group) return null;
  const members = await db
    .select({ id: savingsMembers.id, code: savingsMembers.code, name: savingsMembers.name, sex: savingsMembers.sex, committeeRole: savingsMembers.committeeRole, joinedOn: savingsMembers.joinedOn })
    .from(savingsMembers)
    .where(eq(savingsMembers.groupId, group.id))
    .orderBy(asc(savingsMembers.code));
  const cycles = await db.select().from(savingsCycles).where(eq(savingsCycles.groupId, group.id)).orderBy(desc(savingsCycles.number));
  return { ...group, members, cycles };
}

export type GroupDetail = NonNullable<Awaited<ReturnType<typeof getGroup>>>;

/**
 * A cycle's ledger: its meetings with their totals, each member's position (shares, savings,
 * what she owes), its loans, and the share-out when there has been one.
 */
export async function getCycle(db: Queryable, groupCode: string, number: number) {
  const group = await getGroup(db, groupCode);
  const cycle = group?.cycles.find((c) => c.number === number);
  if (!group || !cycle) return null;
  const meetings = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select m.id, m.held_on::text as held_on,
             count(*) filter (where e.present) as present, count(e.member_id) as expected,
             coalesce(sum(e.shares), 0) as shares, coalesce(sum(e.social_fund_minor), 0) as social_fund,
             coalesce(sum(e.fine_minor), 0) as fines, coalesce(sum(e.repayment_minor), 0) as repayments,
             (select coalesce(sum(l.principal_minor), 0) from savings_loans l where l.meeting_id = m.id) as lent
      from savings_meetings m left join savings_meeting_entries e on e.meeting_id = m.id
      where m.cycle_id = ${cycle.id}
      group by m.id order by m.held_on`),
  ).map((r) => ({
    id: num(r.id),
    heldOn: String(r.held_on).slice(0, 10),
    present: num(r.present),
    expected: num(r.expected),
    shares: num(r.shares),
    socialFundMinor: num(r.social_fund),
    finesMinor: num(r.fines),
    repaymentsMinor: num(r.repayments),
    loansMinor: num(r.lent),
  }));
  const loans = await db
    .select({
      id: savingsLoans.id,
      memberId: savingsLoans.memberId,
      memberCode: savingsMembers.code,
      issuedOn: savingsMeetings.heldOn,
      principalMinor: savingsLoans.principalMinor,
      interestMinor: savingsLoans.interestMinor,
      repaidMinor: savingsLoans.repaidMinor,
      dueOn: savingsLoans.dueOn,
    })
    .from(savingsLoans)
    .innerJoin(savingsMeetings, eq(savingsMeetings.id, savingsLoans.meetingId))
    .innerJoin(savingsMembers, eq(savingsMembers.id, savingsLoans.memberId))
    .where(eq(savingsMeetings.cycleId, cycle.id))
    .orderBy(asc(savingsLoans.id));
  const sharesByMember = await db
    .select({ memberId: savingsMeetingEntries.memberId, shares: sql<number>`sum(${savingsMeetingEntries.shares})::int`, attended: sql<number>`count(*) filter (where ${savingsMeetingEntries.present})::int` })
    .from(savingsMeetingEntries)
    .innerJoin(savingsMeetings, eq(savingsMeetings.id, savingsMeetingEntries.meetingId))
    .where(eq(savingsMeetings.cycleId, cycle.id))
    .groupBy(savingsMeetingEntries.memberId);
  const [shareOut] = await db.select().from(savingsShareOuts).where(eq(savingsShareOuts.cycleId, cycle.id));
  const payouts = shareOut ? await db.select().from(savingsPayouts).where(eq(savingsPayouts.shareOutId, shareOut.id)) : [];
  const positions = group.members.map((member) => {
    const held = sharesByMember.find((s) => s.memberId === member.id);
    const owed = loans.filter((l) => l.memberId === member.id).reduce((sum, l) => sum + loanBalance({ loanId: l.id, ...l }), 0);
    const payout = payouts.find((p) => p.memberId === member.id);
    return {
      memberId: member.id,
      memberCode: member.code,
      name: member.name,
      sex: member.sex,
      shares: num(held?.shares),
      attended: num(held?.attended),
      savingsMinor: num(held?.shares) * cycle.sharePriceMinor,
      owedMinor: owed,
      payoutMinor: payout ? payout.payoutMinor : null,
    };
  });
  return { group, cycle, meetings, loans: loans.map((l) => ({ ...l, balanceMinor: loanBalance({ loanId: l.id, ...l }) })), positions, shareOut: shareOut ?? null };
}

export type CycleDetail = NonNullable<Awaited<ReturnType<typeof getCycle>>>;

/** Enterprises with their latest reported month's takings. Owners are shown by member code. */
export async function listEnterprises(db: Queryable) {
  const rows = await db
    .select({
      code: savingsEnterprises.code,
      ownerCode: savingsMembers.code,
      ownerSex: savingsMembers.sex,
      sector: savingsEnterprises.sector,
      startedOn: savingsEnterprises.startedOn,
      closedOn: savingsEnterprises.closedOn,
      financingLoanId: savingsEnterprises.financingLoanId,
      latestMonth: sql<string | null>`(select max(r.month) from ${savingsEnterpriseRevenues} r where r.enterprise_id = ${savingsEnterprises.id})`,
      latestRevenueMinor: sql<number | null>`(select r.revenue_minor from ${savingsEnterpriseRevenues} r where r.enterprise_id = ${savingsEnterprises.id} order by r.month desc limit 1)`,
      latestProfitMinor: sql<number | null>`(select r.profit_minor from ${savingsEnterpriseRevenues} r where r.enterprise_id = ${savingsEnterprises.id} order by r.month desc limit 1)`,
      jobsCreated: savingsEnterprises.jobsCreated,
    })
    .from(savingsEnterprises)
    .innerJoin(savingsMembers, eq(savingsMembers.id, savingsEnterprises.ownerMemberId))
    .orderBy(asc(savingsEnterprises.code));
  return rows.map((r) => ({ ...r, latestRevenueMinor: r.latestRevenueMinor === null ? null : Number(r.latestRevenueMinor), latestProfitMinor: r.latestProfitMinor === null ? null : Number(r.latestProfitMinor) }));
}

export type EnterpriseSummary = Awaited<ReturnType<typeof listEnterprises>>[number];
