import { authorize } from '../../core/auth/policies.ts';
import type { Indicator } from '../../core/indicators.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { activityForResults, checkResult, type ResultProps } from '../result-input.ts';
import { financeResultIndicators, financeResults } from '../results-schema.ts';

/**
 * The secretariat defines a result of an activity (IATI output, outcome or impact) with the
 * indicators it is measured by and their baselines. `indicators` are the ones the app computes
 * (every module's), against which each indicator id is checked: only public ones are accepted,
 * since the activity file publishes the result.
 */
export async function defineResult(ctx: CommandContext, props: ResultProps, indicators: readonly Indicator[]) {
  authorize(ctx.actor, 'finance.manage');
  const checked = checkResult(props, indicators);
  const activity = await activityForResults(ctx.tx, props.activity);
  const [result] = (await ctx.tx
    .insert(financeResults)
    .values({ activityId: activity.id, ...checked.row, createdAt: ctx.now })
    .returning()) as [typeof financeResults.$inferSelect];
  const rows = await ctx.tx
    .insert(financeResultIndicators)
    .values(checked.indicators.map((indicator) => ({ resultId: result.id, ...indicator })))
    .returning();
  await appendEvent(ctx, {
    type: 'finance.result_defined',
    subject: `result:${result.id}`,
    payload: {
      resultId: result.id,
      activity: activity.code,
      iatiResultType: result.typeCode,
      titleEn: result.titleEn,
      indicators: rows.map((row) => ({ id: row.id, indicator: row.indicatorId, filters: row.filters, selection: row.selection, measure: row.measureCode, ascending: row.ascending, baselineYear: row.baselineYear, baselineValue: row.baselineValue })),
    },
  });
  return { ...result, activity: activity.code, indicators: rows };
}
