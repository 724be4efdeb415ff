import { sql } from 'drizzle-orm';
import type { Invariant } from '../core/invariants.ts';
import { rowsOf } from '../db/connect.ts';
import { remediationClosureProblem, type VisitOutcome } from './follow-up.ts';
import { loadFollowUpSchedule } from './follow-up.ts';

/** The children module's checks for `orebook verify`. Problems name cases by internal number only: verify output may be shared. */
export const childrenInvariants: Invariant[] = [
  {
    id: 'children.closed_remediated_rule',
    description: 'Every case closed as remediated had the child found not working at its 3- and 6-month visits',
    async check(db, problem) {
      const schedule = await loadFollowUpSchedule(db);
      const rows = rowsOf<{ id: number; visits: { dueMonths: number | null; outcome: VisitOutcome }[] | string }>(
        await db.execute(sql`
          select c.id, coalesce(json_agg(json_build_object('dueMonths', v.due_months, 'outcome', v.outcome)) filter (where v.id is not null), '[]') as visits
          from child_cases c left join child_visits v on v.case_id = c.id and v.visited_on <= c.closed_on
          where c.closure_reason = 'remediated' group by c.id`),
      );
      for (const row of rows) {
        const visits = typeof row.visits === 'string' ? (JSON.parse(row.visits) as { dueMonths: number | null; outcome: VisitOutcome }[]) : row.visits;
        const failure = remediationClosureProblem(visits, schedule);
        if (failure) problem(`case ${row.id} is closed as remediated but its ${failure.months}-month visit ${failure.reason === 'missing_visit' ? 'is missing' : `recorded ${failure.reason}`}`);
      }
    },
  },
  {
    id: 'children.dates_after_identification',
    description: 'No visit, support, plan start or closure of a case is dated before the child was identified',
    async check(db, problem) {
      const rows = rowsOf<{ id: number; what: string }>(
        await db.execute(sql`
          select c.id, 'a visit' as what from child_cases c join child_visits v on v.case_id = c.id where v.visited_on < c.identified_on
          union all select c.id, 'a support' from child_cases c join child_supports s on s.case_id = c.id where s.started_on < c.identified_on
          union all select c.id, 'the plan start' from child_cases c where c.plan_started_on < c.identified_on
          union all select c.id, 'the closure' from child_cases c where c.closed_on < c.identified_on`),
      );
      for (const row of rows) problem(`case ${row.id}: ${row.what} is dated before the child was identified`);
    },
  },
  {
    id: 'children.plan_start_is_first_support',
    description: 'A case’s plan starts on the day of its earliest support',
    async check(db, problem) {
      const rows = rowsOf<{ id: number }>(
        await db.execute(sql`
          select c.id from child_cases c left join (select case_id, min(started_on) as first from child_supports group by case_id) s on s.case_id = c.id
          where c.plan_started_on is distinct from s.first`),
      );
      for (const row of rows) problem(`case ${row.id}: its plan start is not the start of its earliest support`);
    },
  },
  {
    id: 'children.minor_at_identification',
    description: 'Every case is of a child under 18 at identification, and every referral becomes at most one case',
    async check(db, problem) {
      const rows = rowsOf<{ id: number }>(await db.execute(sql`select id from child_cases where age_at_identification > 17 or age_at_identification < 0`));
      for (const row of rows) problem(`case ${row.id} is of a person 18 or over`);
    },
  },
];
