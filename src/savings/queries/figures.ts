import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../db/connect.ts';
import {
  annualisedReturnOnSavings,
  attendanceRate,
  loanFundUtilisation,
  memberCount,
  portfolioAtRisk30,
  savingsPerMemberMinor,
  shareOfWomen,
  type Attendance,
  type GroupSnapshot,
} from '../metrics.ts';

/** A reporting window: meetings from `from` to `to` (inclusive ISO dates); stock figures are taken on `to`. */
export type ReportingWindow = { from: string; to: string };

const num = (value: unknown) => Number(value ?? 0);

/**
 * Each group's state on `asOf`, in its current cycle: the latest cycle that started on or before that
 * day, counting only the meetings held by then. Groups with no meeting in `since`..`asOf` are left
 * out: a group that did not meet in the period is not active in it (SAVIX counts active groups).
 */
export async function groupSnapshots(db: Queryable, window: ReportingWindow, filter: { groupCode?: string } = {}): Promise<GroupSnapshot[]> {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      with current_cycle as (
        select distinct on (c.group_id) c.*
        from savings_cycles c
        where c.starts_on <= ${window.to}
        order by c.group_id, c.starts_on desc
      ),
      meetings as (
        select m.* from savings_meetings m join current_cycle c on c.id = m.cycle_id where m.held_on <= ${window.to}
      ),
      flows as (
        select m.cycle_id,
               sum(e.shares)::bigint as shares,
               sum(e.fine_minor)::bigint as fines
        from meetings m join savings_meeting_entries e on e.meeting_id = m.id
        group by m.cycle_id
      ),
      repaid as (
        select l.id as loan_id, coalesce(sum(r.amount_minor), 0)::bigint as amount, coalesce(sum(r.interest_minor), 0)::bigint as interest
        from savings_loans l
        join meetings lm on lm.id = l.meeting_id
        left join savings_repayments r on r.loan_id = l.id and r.meeting_id in (select id from meetings)
        group by l.id
      ),
      loans as (
        select lm.cycle_id,
               sum(l.principal_minor)::bigint as lent,
               sum(rp.amount)::bigint as repaid,
               sum(rp.interest)::bigint as interest,
               sum(l.principal_minor - (rp.amount - rp.interest))::bigint as outstanding,
               sum(case when l.due_on < (${window.to}::date - 30) then l.principal_minor - (rp.amount - rp.interest) else 0 end)::bigint as at_risk
        from savings_loans l join meetings lm on lm.id = l.meeting_id join repaid rp on rp.loan_id = l.id
        group by lm.cycle_id
      )
      select g.code as group_code,
             c.share_price_minor,
             (least(${window.to}::date, coalesce(so.held_on, ${window.to}::date)) - c.starts_on + 1) as cycle_days,
             (select count(*) from savings_members sm where sm.group_id = g.id and sm.joined_on <= ${window.to}) as members,
             (select count(*) from savings_members sm where sm.group_id = g.id and sm.joined_on <= ${window.to} and sm.sex = 'female') as women,
             coalesce(f.shares, 0) as shares, coalesce(f.fines, 0) as fines,
             coalesce(l.lent, 0) as lent, coalesce(l.repaid, 0) as repaid, coalesce(l.interest, 0) as interest,
             coalesce(l.outstanding, 0) as outstanding, coalesce(l.at_risk, 0) as at_risk
      from savings_groups g
      join current_cycle c on c.group_id = g.id
      left join flows f on f.cycle_id = c.id
      left join loans l on l.cycle_id = c.id
      left join savings_share_outs so on so.cycle_id = c.id and so.held_on <= ${window.to}
      where exists (select 1 from meetings m where m.cycle_id = c.id and m.held_on >= ${window.from})
        ${filter.groupCode ? sql`and g.code = ${filter.groupCode}` : sql``}
      order by g.code`),
  );
  return rows.map((r) => {
    const savingsMinor = num(r.shares) * num(r.share_price_minor);
    return {
      groupCode: String(r.group_code),
      members: num(r.members),
      women: num(r.women),
      savingsMinor,
      loansOutstandingMinor: num(r.outstanding),
      atRiskMinor: num(r.at_risk),
      cashInLoanFundMinor: savingsMinor + num(r.fines) + num(r.repaid) - num(r.lent),
      incomeMinor: num(r.interest) + num(r.fines),
      cycleDays: Math.max(1, num(r.cycle_days)),
    };
  });
}

/** Attendance of every meeting held in the window. */
export async function meetingAttendance(db: Queryable, window: ReportingWindow): Promise<Attendance[]> {
  const rows = rowsOf<{ present: unknown; expected: unknown }>(
    await db.execute(sql`
      select count(*) filter (where e.present) as present, count(*) as expected
      from savings_meetings m join savings_meeting_entries e on e.meeting_id = m.id
      where m.held_on between ${window.from} and ${window.to}
      group by m.id`),
  );
  return rows.map((r) => ({ present: num(r.present), expected: num(r.expected) }));
}

/** Enterprises running on the day: started by then and not closed. */
export async function activeEnterprises(db: Queryable, on: string): Promise<{ total: number; financedByGroupLoan: number; womenOwned: number; jobsCreated: number }> {
  const [row] = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select count(*) as total,
             count(*) filter (where e.financing_loan_id is not null) as financed,
             count(*) filter (where m.sex = 'female') as women,
             coalesce(sum(e.jobs_created), 0) as jobs
      from savings_enterprises e join savings_members m on m.id = e.owner_member_id
      where e.started_on <= ${on} and (e.closed_on is null or e.closed_on > ${on})`),
  );
  return { total: num(row?.total), financedByGroupLoan: num(row?.financed), womenOwned: num(row?.women), jobsCreated: num(row?.jobs) };
}

/** Savings, loans and social fund per month of the window, all groups together, for the dashboard's chart. */
export async function monthlyFlows(db: Queryable, window: ReportingWindow): Promise<{ month: string; savingsMinor: number; loansMinor: number; socialFundMinor: number }[]> {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      with months as (
        select to_char(m.held_on, 'YYYY-MM') as month, sum(e.shares * c.share_price_minor)::bigint as savings, sum(e.social_fund_minor)::bigint as social
        from savings_meetings m join savings_cycles c on c.id = m.cycle_id join savings_meeting_entries e on e.meeting_id = m.id
        where m.held_on between ${window.from} and ${window.to}
        group by 1
      ), lent as (
        select to_char(m.held_on, 'YYYY-MM') as month, sum(l.principal_minor)::bigint as loans
        from savings_meetings m join savings_loans l on l.meeting_id = m.id
        where m.held_on between ${window.from} and ${window.to}
        group by 1
      )
      select months.month, months.savings, months.social, coalesce(lent.loans, 0) as loans
      from months left join lent on lent.month = months.month order by months.month`),
  );
  return rows.map((r) => ({ month: String(r.month), savingsMinor: num(r.savings), loansMinor: num(r.loans), socialFundMinor: num(r.social) }));
}

/** Share-outs held in the window: how many, and what they paid back. */
export async function shareOutsIn(db: Queryable, window: ReportingWindow): Promise<{ count: number; paidOutMinor: number }> {
  const [row] = rowsOf<Record<string, unknown>>(
    await db.execute(sql`select count(*) as n, coalesce(sum(fund_minor), 0) as paid from savings_share_outs where held_on between ${window.from} and ${window.to}`),
  );
  return { count: num(row?.n), paidOutMinor: num(row?.paid) };
}

export type SavingsFigures = Awaited<ReturnType<typeof savingsFigures>>;

/** Every figure of the window, aggregates only: what the dashboard and the public summary show. */
export async function savingsFigures(db: Queryable, window: ReportingWindow) {
  const [snapshots, attendance, enterprises, months, shareOuts] = await Promise.all([
    groupSnapshots(db, window),
    meetingAttendance(db, window),
    activeEnterprises(db, window.to),
    monthlyFlows(db, window),
    shareOutsIn(db, window),
  ]);
  return {
    from: window.from,
    to: window.to,
    currency: 'CDF',
    groups: snapshots.length,
    members: memberCount(snapshots),
    shareOfWomen: shareOfWomen(snapshots),
    savingsMinor: snapshots.reduce((t, s) => t + s.savingsMinor, 0),
    savingsPerMemberMinor: savingsPerMemberMinor(snapshots),
    loansOutstandingMinor: snapshots.reduce((t, s) => t + s.loansOutstandingMinor, 0),
    loanFundUtilisation: loanFundUtilisation(snapshots),
    portfolioAtRisk30: portfolioAtRisk30(snapshots),
    annualisedReturnOnSavings: annualisedReturnOnSavings(snapshots),
    meetings: attendance.length,
    attendanceRate: attendanceRate(attendance),
    socialFundMinor: months.reduce((t, m) => t + m.socialFundMinor, 0),
    shareOuts,
    enterprisesActive: enterprises.total,
    enterprisesFinancedByGroupLoan: enterprises.financedByGroupLoan,
    enterprisesWomenOwned: enterprises.womenOwned,
    enterpriseJobsCreated: enterprises.jobsCreated,
    months,
  };
}

/** The calendar year as a reporting window, stock figures taken on 31 December or today, whichever is earlier. */
export function yearWindow(year: number, today: string): ReportingWindow {
  const end = `${year}-12-31`;
  return { from: `${year}-01-01`, to: end < today ? end : today };
}
