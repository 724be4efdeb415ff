import { desc, eq } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { activityByCode, checkCostCategory, cleanText, grantFundsActivity, lockGrant } from '../grant-rules.ts';
import { financeGrantBudgetLines, financeGrantBudgetVersions, type CostCategory } from '../grants-schema.ts';
import { grantError } from '../messages/grant-errors.ts';

/** A budget line: an activity (its code), a cost category and a calendar year, in the grant's currency. */
export type BudgetLineProps = { activity: string; category: string; year: number; amountMinor: number };

export type ReviseGrantBudgetProps = {
  grantId: number;
  /** Why this version exists: "budget as signed", "reallocation agreed with the donor on ...". */
  reason: string;
  /** The whole budget of the new version (a revision restates every line). */
  lines: readonly BudgetLineProps[];
};

/**
 * The secretariat sets a grant's budget as a new version: the first as signed, each revision a
 * further version with its reason. Earlier versions stay as they were; the current budget is the
 * latest. Every line's activity is one the grant funds, its year inside the grant's period, and
 * the lines together never exceed the grant's total.
 */
export async function reviseGrantBudget(ctx: CommandContext, props: ReviseGrantBudgetProps) {
  authorize(ctx.actor, 'finance.manage');
  const reason = cleanText(props.reason, 500);
  if (reason === null) throw grantError('budget_reason_required', 422);
  if (props.lines.length === 0 || props.lines.length > 500) throw grantError('budget_lines_required', 422);
  const grant = await lockGrant(ctx, props.grantId);
  const firstYear = Number(grant.periodStart.slice(0, 4));
  const lastYear = Number(grant.periodEnd.slice(0, 4));

  const seen = new Set<string>();
  const lines: { activityId: number; activity: string; costCategory: CostCategory; year: number; amountMinor: number }[] = [];
  for (const line of props.lines) {
    const costCategory = checkCostCategory(line.category);
    if (!Number.isInteger(line.year) || line.year < firstYear || line.year > lastYear) {
      throw grantError('budget_year_outside_period', 422, { year: String(line.year), start: grant.periodStart, end: grant.periodEnd });
    }
    if (!Number.isSafeInteger(line.amountMinor) || line.amountMinor < 0) throw grantError('amount_invalid', 422);
    const key = `${line.activity}|${costCategory}|${line.year}`;
    if (seen.has(key)) throw grantError('budget_line_duplicate', 422, { activity: line.activity, category: costCategory, year: String(line.year) });
    seen.add(key);
    const activity = await activityByCode(ctx.tx, line.activity);
    if (!(await grantFundsActivity(ctx.tx, grant.id, activity))) throw grantError('budget_activity_not_funded', 422, { activity: line.activity });
    lines.push({ activityId: activity.id, activity: activity.code, costCategory, year: line.year, amountMinor: line.amountMinor });
  }
  const budgetMinor = lines.reduce((sum, line) => sum + line.amountMinor, 0);
  if (budgetMinor > grant.totalMinor) throw grantError('budget_beyond_total', 422, { budget: String(budgetMinor), total: String(grant.totalMinor) });

  const [latest] = await ctx.tx.select({ version: financeGrantBudgetVersions.version }).from(financeGrantBudgetVersions).where(eq(financeGrantBudgetVersions.grantId, grant.id)).orderBy(desc(financeGrantBudgetVersions.version)).limit(1);
  const [version] = (await ctx.tx
    .insert(financeGrantBudgetVersions)
    .values({ grantId: grant.id, version: (latest?.version ?? 0) + 1, reason, createdAt: ctx.now })
    .returning()) as [typeof financeGrantBudgetVersions.$inferSelect];
  await ctx.tx.insert(financeGrantBudgetLines).values(lines.map(({ activity: _code, ...line }) => ({ versionId: version.id, ...line })));
  await appendEvent(ctx, {
    type: 'finance.grant_budget_revised',
    subject: `grant:${grant.id}`,
    payload: { grantId: grant.id, version: version.version, reason, currency: grant.currency, budgetMinor, lines: budgetLinesPayload(lines) },
  });
  return { ...version, budgetMinor };
}

/** A version's lines as the journal records them, in one canonical order, so `orebook verify` can compare them with what the database holds. */
export function budgetLinesPayload(lines: readonly { activity: string; costCategory: string; year: number; amountMinor: number }[]) {
  return lines
    .map((line) => ({ activity: line.activity, category: line.costCategory, year: line.year, amountMinor: line.amountMinor }))
    .sort((a, b) => a.activity.localeCompare(b.activity) || a.category.localeCompare(b.category) || a.year - b.year);
}
