import { sql } from 'drizzle-orm';
import type { Invariant } from '../core/invariants.ts';
import { rowsOf } from '../db/connect.ts';

/** The savings module's checks for `orebook verify`. Problems name groups and loans by code or number, never a member's name. */
export const savingsInvariants: Invariant[] = [
  {
    id: 'savings.loan_repaid_matches_repayments',
    description: 'What each loan shows as repaid is the sum of its repayments, and never more than it owes',
    async check(db, problem) {
      const rows = rowsOf<{ id: number; repaid: number | string; applied: number | string; owed: number | string }>(
        await db.execute(sql`
          select l.id, l.repaid_minor as repaid, coalesce(sum(r.amount_minor), 0) as applied, l.principal_minor + l.interest_minor as owed
          from savings_loans l left join savings_repayments r on r.loan_id = l.id
          group by l.id having l.repaid_minor <> coalesce(sum(r.amount_minor), 0) or l.repaid_minor > l.principal_minor + l.interest_minor`),
      );
      for (const row of rows) problem(`loan ${row.id} shows ${row.repaid} repaid, its repayments add up to ${row.applied}, it owes ${row.owed}`);
    },
  },
  {
    id: 'savings.repayments_match_ledger',
    description: 'The repayments written in each meeting’s ledger rows add up to the repayments applied to loans at that meeting',
    async check(db, problem) {
      const rows = rowsOf<{ id: number; ledger: number | string; applied: number | string }>(
        await db.execute(sql`
          select m.id,
                 (select coalesce(sum(e.repayment_minor), 0) from savings_meeting_entries e where e.meeting_id = m.id) as ledger,
                 (select coalesce(sum(r.amount_minor), 0) from savings_repayments r where r.meeting_id = m.id) as applied
          from savings_meetings m`),
      );
      for (const row of rows) if (Number(row.ledger) !== Number(row.applied)) problem(`meeting ${row.id}: the ledger shows ${row.ledger} repaid, the loans received ${row.applied}`);
    },
  },
  {
    id: 'savings.shares_within_maximum',
    description: 'No member bought more shares at a meeting than her cycle allows, and every meeting is inside its cycle',
    async check(db, problem) {
      const rows = rowsOf<{ code: string; cycle: number; held_on: string; problem: string }>(
        await db.execute(sql`
          select g.code, c.number as cycle, m.held_on::text as held_on,
                 case when m.held_on not between c.starts_on and c.ends_on then 'outside the cycle' else 'shares above the maximum' end as problem
          from savings_meetings m join savings_cycles c on c.id = m.cycle_id join savings_groups g on g.id = c.group_id
          where m.held_on not between c.starts_on and c.ends_on
             or exists (select 1 from savings_meeting_entries e where e.meeting_id = m.id and e.shares > c.max_shares_per_meeting)`),
      );
      for (const row of rows) problem(`${row.code} cycle ${row.cycle}, meeting of ${row.held_on}: ${row.problem}`);
    },
  },
  {
    id: 'savings.share_out_exact',
    description: 'Each share-out pays out exactly its fund, to the shares each member bought in the cycle',
    async check(db, problem) {
      const rows = rowsOf<{ code: string; cycle: number; fund: number | string; paid: number | string; shares: number | string; bought: number | string }>(
        await db.execute(sql`
          select g.code, c.number as cycle, s.fund_minor as fund, s.total_shares as shares,
                 (select coalesce(sum(p.payout_minor), 0) from savings_payouts p where p.share_out_id = s.id) as paid,
                 (select coalesce(sum(e.shares), 0) from savings_meeting_entries e join savings_meetings m on m.id = e.meeting_id where m.cycle_id = c.id) as bought
          from savings_share_outs s join savings_cycles c on c.id = s.cycle_id join savings_groups g on g.id = c.group_id`),
      );
      for (const row of rows) {
        if (Number(row.fund) !== Number(row.paid)) problem(`${row.code} cycle ${row.cycle}: the share-out pays ${row.paid} of a fund of ${row.fund}`);
        if (Number(row.shares) !== Number(row.bought)) problem(`${row.code} cycle ${row.cycle}: the share-out counts ${row.shares} shares, the ledger ${row.bought}`);
      }
    },
  },
];
