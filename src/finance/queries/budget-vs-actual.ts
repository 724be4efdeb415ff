import { desc, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/connect.ts';
import { financeAllocations, financeExpenditures, financeGrantBudgetLines, financeGrantBudgetVersions, type CostCategory } from '../grants-schema.ts';
import { financeActivities } from '../schema.ts';

export type LineKey = { activity: string; category: CostCategory; year: number };
/** A line of budget against actual, in the grant's currency. */
export type BudgetLineComparison = LineKey & {
  budgetMinor: number;
  actualMinor: number;
  /** Budget less actual: negative when overspent. */
  varianceMinor: number;
  /** Actual over budget (null for a line with no budget); 1 is all of it. */
  shareSpent: number | null;
  /** How much of the line's time has passed: the part of its year inside the grant's period, elapsed on `asOf`. */
  shareElapsed: number;
  /** Spending beyond the budget line is allowed, and shown. */
  overspent: boolean;
};
export type BudgetAgainstActual = {
  version: number | null;
  lines: BudgetLineComparison[];
  total: Omit<BudgetLineComparison, keyof LineKey>;
};

const dayMs = 86_400_000;
const dayNumber = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`) / dayMs;

/** The share of [start, end] (whole days, both included) that has passed at the end of `asOf`, from 0 to 1. */
export function shareOfPeriodElapsed(start: string, end: string, asOf: string): number {
  const days = dayNumber(end) - dayNumber(start) + 1;
  const passed = dayNumber(asOf) - dayNumber(start) + 1;
  return Math.min(1, Math.max(0, passed / days));
}

function compare(budgetMinor: number, actualMinor: number, shareElapsed: number) {
  return { budgetMinor, actualMinor, varianceMinor: budgetMinor - actualMinor, shareSpent: budgetMinor > 0 ? actualMinor / budgetMinor : null, shareElapsed, overspent: actualMinor > budgetMinor };
}

/**
 * Budget against actual from a budget's lines and the spending charged to the grant: one row per
 * line of the budget and per (activity, category, year) charged without a line (budget 0, so
 * overspent), in activity, category and year order; and the grant's total against its whole period.
 */
export function compareBudgetToActual(
  period: { start: string; end: string },
  budget: readonly (LineKey & { amountMinor: number })[],
  actuals: readonly (LineKey & { amountMinor: number })[],
  asOf: string,
): Omit<BudgetAgainstActual, 'version'> {
  const keyOf = (line: LineKey) => `${line.activity}|${line.category}|${line.year}`;
  const rows = new Map<string, LineKey & { budgetMinor: number; actualMinor: number }>();
  for (const line of budget) rows.set(keyOf(line), { activity: line.activity, category: line.category, year: line.year, budgetMinor: line.amountMinor, actualMinor: 0 });
  for (const actual of actuals) {
    const row = rows.get(keyOf(actual)) ?? { activity: actual.activity, category: actual.category, year: actual.year, budgetMinor: 0, actualMinor: 0 };
    row.actualMinor += actual.amountMinor;
    rows.set(keyOf(actual), row);
  }
  const lines = [...rows.values()]
    .sort((a, b) => a.activity.localeCompare(b.activity) || a.category.localeCompare(b.category) || a.year - b.year)
    .map((row) => {
      const yearStart = `${row.year}-01-01` > period.start ? `${row.year}-01-01` : period.start;
      const yearEnd = `${row.year}-12-31` < period.end ? `${row.year}-12-31` : period.end;
      return { activity: row.activity, category: row.category, year: row.year, ...compare(row.budgetMinor, row.actualMinor, shareOfPeriodElapsed(yearStart, yearEnd, asOf)) };
    });
  const budgetMinor = lines.reduce((sum, line) => sum + line.budgetMinor, 0);
  const actualMinor = lines.reduce((sum, line) => sum + line.actualMinor, 0);
  return { lines, total: compare(budgetMinor, actualMinor, shareOfPeriodElapsed(period.start, period.end, asOf)) };
}

/** The current budget version's lines of a grant (none before its first budget). */
export async function currentBudget(db: Queryable, grantId: number) {
  const [version] = await db.select().from(financeGrantBudgetVersions).where(eq(financeGrantBudgetVersions.grantId, grantId)).orderBy(desc(financeGrantBudgetVersions.version)).limit(1);
  if (!version) return { version: null, lines: [] };
  const lines = await db
    .select({ activity: financeActivities.code, category: financeGrantBudgetLines.costCategory, year: financeGrantBudgetLines.year, amountMinor: financeGrantBudgetLines.amountMinor })
    .from(financeGrantBudgetLines)
    .innerJoin(financeActivities, eq(financeActivities.id, financeGrantBudgetLines.activityId))
    .where(eq(financeGrantBudgetLines.versionId, version.id));
  return { version: version.version, lines: lines.map((line) => ({ ...line, category: line.category as CostCategory })) };
}

/** What has been charged to a grant, in its currency, by activity, cost category and year of spending. */
export async function grantActuals(db: Queryable, grantId: number) {
  const year = sql<number>`extract(year from ${financeExpenditures.spentOn})::int`;
  const rows = await db
    .select({ activity: financeActivities.code, category: financeExpenditures.costCategory, year, amountMinor: sql<string | number>`sum(${financeAllocations.grantAmountMinor})` })
    .from(financeAllocations)
    .innerJoin(financeExpenditures, eq(financeExpenditures.id, financeAllocations.expenditureId))
    .innerJoin(financeActivities, eq(financeActivities.id, financeExpenditures.activityId))
    .where(eq(financeAllocations.grantId, grantId))
    .groupBy(financeActivities.code, financeExpenditures.costCategory, year);
  return rows.map((row) => ({ activity: row.activity, category: row.category as CostCategory, year: Number(row.year), amountMinor: Number(row.amountMinor) }));
}

/** A grant's current budget against what has been charged to it, as of a day. */
export async function budgetAgainstActual(db: Queryable, grant: { id: number; periodStart: string; periodEnd: string }, asOf: string): Promise<BudgetAgainstActual> {
  const budget = await currentBudget(db, grant.id);
  const actuals = await grantActuals(db, grant.id);
  return { version: budget.version, ...compareBudgetToActual({ start: grant.periodStart, end: grant.periodEnd }, budget.lines, actuals, asOf) };
}
