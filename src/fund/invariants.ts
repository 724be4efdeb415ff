import { sql } from 'drizzle-orm';
import type { Invariant } from '../core/invariants.ts';
import { rowsOf } from '../db/connect.ts';
import { balanceMismatches } from './queries/ledger.ts';

/** What `orebook verify` checks of the site funds' ledgers. */
export const fundInvariants: readonly Invariant[] = [
  {
    id: 'fund.balance_is_sum_of_entries',
    description: 'Every fund ledger account’s balance equals the sum of its entries',
    async check(db, problem) {
      for (const row of await balanceMismatches(db)) problem(`fund ledger account ${row.account_id} shows ${row.balance} but its entries sum to ${row.entries}`);
    },
  },
  {
    id: 'fund.transactions_balance',
    description: 'Every fund transaction’s entries sum to zero, in its currency, and their debits make its amount',
    async check(db, problem) {
      const rows = rowsOf<{ id: number; amount: string | number; total: string | number | null; debits: string | number | null; wrong_currency: string | number }>(
        await db.execute(sql`select t.id, t.amount_minor as amount, sum(e.amount_minor) as total, sum(greatest(e.amount_minor, 0)) as debits,
            count(*) filter (where a.currency <> t.currency or a.fund_id <> t.fund_id) as wrong_currency
          from fund_transactions t left join fund_entries e on e.transaction_id = t.id left join fund_ledger_accounts a on a.id = e.account_id
          group by t.id, t.amount_minor
          having coalesce(sum(e.amount_minor), 1) <> 0 or coalesce(sum(greatest(e.amount_minor, 0)), 0) <> t.amount_minor
            or count(*) filter (where a.currency <> t.currency or a.fund_id <> t.fund_id) > 0`),
      );
      for (const row of rows) problem(`fund transaction ${row.id} (amount ${row.amount}) has entries summing to ${row.total ?? 'nothing'} with debits ${row.debits ?? 0}${Number(row.wrong_currency) > 0 ? ', some on another fund’s or currency’s account' : ''}`);
    },
  },
  {
    id: 'fund.projects_within_approval',
    description: 'What each project was committed equals its approval, and it never received more than that',
    async check(db, problem) {
      const rows = rowsOf<{ id: number; status: string; approved: string | number | null; committed: string | number; disbursed: string | number }>(
        await db.execute(sql`select p.id, p.status, p.approved_minor as approved,
            coalesce(sum(t.amount_minor) filter (where t.kind = 'commitment'), 0) as committed,
            coalesce(sum(t.amount_minor) filter (where t.kind = 'disbursement'), 0) as disbursed
          from fund_proposals p left join fund_transactions t on t.proposal_id = p.id
          group by p.id, p.status, p.approved_minor`),
      );
      for (const row of rows) {
        const approved = row.approved === null ? 0 : Number(row.approved);
        if (Number(row.committed) !== approved) problem(`fund project ${row.id} (${row.status}) was committed ${row.committed} for an approval of ${approved}`);
        if (Number(row.disbursed) > approved) problem(`fund project ${row.id} received ${row.disbursed}, more than its approval of ${approved}`);
      }
    },
  },
  {
    id: 'fund.premium_booked_as_owed',
    description: 'Every booked premium is exactly the premium the registry recorded, in its currency, into the fund of its site',
    async check(db, problem) {
      const rows = rowsOf<{ id: number; premium_id: number }>(
        await db.execute(sql`select t.id, t.credit_premium_id as premium_id from fund_transactions t
          join credit_premiums p on p.id = t.credit_premium_id join funds f on f.id = t.fund_id
          where t.amount_minor <> p.premium_minor or t.currency <> p.currency or f.site_id <> p.site_id`),
      );
      for (const row of rows) problem(`fund transaction ${row.id} books credit premium ${row.premium_id} with another amount, currency or site than the registry recorded`);
    },
  },
];
