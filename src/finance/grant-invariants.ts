import { sql } from 'drizzle-orm';
import type { Invariant } from '../core/invariants.ts';
import { rowsOf } from '../db/connect.ts';
import { findEntries } from '../journal/public.ts';
import { budgetLinesPayload } from './commands/revise-grant-budget.ts';

/** Lines as one comparable text (the journal's canonical JSON orders keys its own way). */
const linesText = (lines: JournalledBudget['lines']) => lines.map((line) => `${line.activity}|${line.category}|${line.year}|${line.amountMinor}`).join('\n');

type JournalledBudget = { grantId: number; version: number; lines: ReturnType<typeof budgetLinesPayload> };

/** What `orebook verify` checks of grants and spending. */
export const grantInvariants: readonly Invariant[] = [
  {
    id: 'finance.allocations_sum_to_amounts',
    description: 'Every expenditure’s allocations to its funding sources sum exactly to its amount',
    async check(db, problem) {
      const rows = rowsOf<{ reference: string; amount: string | number; allocated: string | number | null }>(
        await db.execute(sql`select e.reference, e.amount_minor as amount, sum(a.amount_minor) as allocated
          from finance_expenditures e left join finance_allocations a on a.expenditure_id = e.id
          group by e.id, e.reference, e.amount_minor having coalesce(sum(a.amount_minor), 0) <> e.amount_minor order by e.reference`),
      );
      for (const row of rows) problem(`expenditure ${row.reference} of ${row.amount} has allocations summing to ${row.allocated ?? 0}`);
    },
  },
  {
    id: 'finance.grant_receipts_within_total',
    description: 'No grant has received, or been committed, more than its total',
    async check(db, problem) {
      const rows = rowsOf<{ reference: string; type: number; total: string | number; recorded: string | number }>(
        await db.execute(sql`select g.reference, t.transaction_type as type, g.total_minor as total, sum(t.amount_minor) as recorded
          from finance_grants g join finance_grant_transactions t on t.grant_id = g.id
          group by g.id, g.reference, g.total_minor, t.transaction_type having sum(t.amount_minor) > g.total_minor order by g.reference`),
      );
      for (const row of rows) problem(`grant ${row.reference} has ${Number(row.type) === 1 ? 'receipts' : 'commitments'} of ${row.recorded}, beyond its total of ${row.total}`);
    },
  },
  {
    id: 'finance.budget_versions_unchanged',
    description: 'Every grant budget version holds exactly the lines its journal event recorded: versions are added, never edited',
    async check(db, problem) {
      const journalled = new Map<string, JournalledBudget>();
      for (const entry of await findEntries(db, { type: 'finance.grant_budget_revised' })) {
        const payload = (JSON.parse(Buffer.from(entry.bytes).toString('utf8')) as { payload: JournalledBudget }).payload;
        journalled.set(`${payload.grantId}:${payload.version}`, payload);
      }
      const rows = rowsOf<{ grant_id: number; version: number; activity: string | null; category: string | null; year: number | null; amount: string | number | null }>(
        await db.execute(sql`select v.grant_id, v.version, a.code as activity, l.cost_category as category, l.year, l.amount_minor as amount
          from finance_grant_budget_versions v
          left join finance_grant_budget_lines l on l.version_id = v.id
          left join finance_activities a on a.id = l.activity_id
          order by v.grant_id, v.version`),
      );
      const stored = new Map<string, { activity: string; costCategory: string; year: number; amountMinor: number }[]>();
      for (const row of rows) {
        const key = `${row.grant_id}:${row.version}`;
        const lines = stored.get(key) ?? [];
        if (row.activity !== null) lines.push({ activity: row.activity, costCategory: row.category!, year: Number(row.year), amountMinor: Number(row.amount) });
        stored.set(key, lines);
      }
      for (const [key, lines] of stored) {
        const recorded = journalled.get(key);
        const [grant, version] = key.split(':');
        if (!recorded) problem(`grant ${grant} budget version ${version} has no journal event`);
        else if (linesText(budgetLinesPayload(lines)) !== linesText(recorded.lines)) problem(`grant ${grant} budget version ${version} differs from the lines its journal event recorded`);
      }
      for (const key of journalled.keys()) if (!stored.has(key)) problem(`grant ${key.split(':')[0]} budget version ${key.split(':')[1]} is journalled but missing`);
    },
  },
];
