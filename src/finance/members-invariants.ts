import { sql } from 'drizzle-orm';
import type { Invariant } from '../core/invariants.ts';
import { rowsOf } from '../db/connect.ts';
import { contributionAmount, type ContributionBasis } from './contribution-rule.ts';

type CallRow = { number: string; year: number; currency: string; amount_minor: string | number; basis: ContributionBasis | string; rate_currency: string | null; fixed: string | number | null; per_tonne: string | number | null; floor: string | number | null; cap: string | number | null };

/** What `orebook verify` checks of members' contributions: no call paid beyond its amount, and every call's amount the computation of its rule. */
export const membersInvariants: readonly Invariant[] = [
  {
    id: 'finance.payments_within_call',
    description: 'The payments of a contribution call never add up to more than the call, and are in its currency',
    async check(db, problem) {
      const rows = rowsOf<{ number: string; amount: string | number; paid: string | number; currencies: number }>(
        await db.execute(sql`select c.number, c.amount_minor as amount, sum(p.amount_minor) as paid, count(*) filter (where p.currency <> c.currency) as currencies
          from finance_contribution_calls c join finance_contribution_payments p on p.call_id = c.id
          group by c.id, c.number, c.amount_minor
          having sum(p.amount_minor) > c.amount_minor or count(*) filter (where p.currency <> c.currency) > 0 order by c.number`),
      );
      for (const row of rows) {
        if (Number(row.paid) > Number(row.amount)) problem(`contribution call ${row.number} is paid ${row.paid}, more than its ${row.amount}`);
        if (Number(row.currencies) > 0) problem(`contribution call ${row.number} has payments in another currency than its own`);
      }
    },
  },
  {
    id: 'finance.call_amount_is_its_rule',
    description: 'Every contribution call’s amount is what its rule gives from the rates and declared use it records, and those are the year’s rates of its category',
    async check(db, problem) {
      const rows = rowsOf<CallRow>(
        await db.execute(sql`select c.number, c.year, c.currency, c.amount_minor, c.basis, r.currency as rate_currency, r.fixed_amount_minor as fixed, r.per_tonne_minor as per_tonne, r.floor_minor as floor, r.cap_minor as cap
          from finance_contribution_calls c
          left join finance_contribution_rates r on r.year = c.year and r.category = c.basis->>'category'
          order by c.number`),
      );
      for (const row of rows) {
        const basis = (typeof row.basis === 'string' ? JSON.parse(row.basis) : row.basis) as ContributionBasis;
        if (contributionAmount(basis) !== Number(row.amount_minor)) problem(`contribution call ${row.number} asks ${row.amount_minor}, but its rule gives ${contributionAmount(basis)}`);
        if (basis.year !== Number(row.year) || basis.currency !== row.currency) problem(`contribution call ${row.number} records a basis of another year or currency than its own`);
        const rateMatches =
          row.rate_currency === basis.currency &&
          (basis.rule === 'category_fixed'
            ? Number(row.fixed) === basis.fixedAmountMinor
            : Number(row.per_tonne) === basis.perTonneMinor && Number(row.floor) === basis.floorMinor && Number(row.cap) === basis.capMinor);
        if (!rateMatches) problem(`contribution call ${row.number} was computed from rates that are not the ${basis.category} rates of ${basis.year}`);
      }
    },
  },
];
