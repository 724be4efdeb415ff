import { sql } from 'drizzle-orm';
import type { Invariant } from '../core/invariants.ts';
import { rowsOf } from '../db/connect.ts';
import { grantInvariants } from './grant-invariants.ts';
import { membersInvariants } from './members-invariants.ts';

/** What `orebook verify` checks of the finance records: those the IATI files publish, and members' contributions. */
export const financeInvariants: readonly Invariant[] = [
  {
    id: 'finance.area_sectors_sum_to_100',
    description: 'Every programme area has DAC sectors whose percentages sum to 100 (IATI sector percentages)',
    async check(db, problem) {
      const rows = rowsOf<{ code: string; total: string | number | null }>(
        await db.execute(sql`select a.code, sum(s.percentage) as total
          from finance_programme_areas a left join finance_area_sectors s on s.area_id = a.id
          group by a.code having coalesce(sum(s.percentage), 0) <> 100 order by a.code`),
      );
      for (const row of rows) problem(`programme area ${row.code} has sector percentages summing to ${row.total ?? 0}, not 100`);
    },
  },
  {
    id: 'finance.activities_have_participants',
    description: 'Every activity has at least one participating organisation (IATI requires one)',
    async check(db, problem) {
      const rows = rowsOf<{ code: string }>(
        await db.execute(sql`select a.code from finance_activities a
          where not exists (select 1 from finance_participating_orgs p where p.activity_id = a.id) order by a.code`),
      );
      for (const row of rows) problem(`activity ${row.code} has no participating organisation`);
    },
  },
  ...grantInvariants,
  ...membersInvariants,
];
