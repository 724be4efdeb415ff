import { and, eq } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { resultError } from '../messages/results-errors.ts';
import { activityForResults, activitySpan } from '../result-input.ts';
import { financeResultIndicators, financeResults, financeResultTargets } from '../results-schema.ts';

export type SetResultTargetProps = { activity: string; resultIndicator: number; year: number; value: number };

/** The secretariat sets (or changes) the target of a result's indicator for a calendar year of the activity. */
export async function setResultTarget(ctx: CommandContext, props: SetResultTargetProps) {
  authorize(ctx.actor, 'finance.manage');
  const activity = await activityForResults(ctx.tx, props.activity);
  const id = props.resultIndicator;
  const [owned] = Number.isInteger(id) && id > 0 && id <= 2_147_483_647
    ? await ctx.tx
        .select({ id: financeResultIndicators.id, resultId: financeResultIndicators.resultId })
        .from(financeResultIndicators)
        .innerJoin(financeResults, eq(financeResults.id, financeResultIndicators.resultId))
        .where(and(eq(financeResultIndicators.id, id), eq(financeResults.activityId, activity.id)))
    : [];
  if (!owned) throw resultError('result_indicator_not_found', 404, { code: activity.code, id: String(id).slice(0, 12) });
  const span = activitySpan(activity);
  const year = props.year;
  const lastYear = span.end ? Number(span.end.slice(0, 4)) : 2100;
  if (!Number.isInteger(year) || year < Number(span.start.slice(0, 4)) || year > lastYear) {
    throw resultError('target_year_outside_activity', 422, { year: String(year).slice(0, 12), start: span.start, end: span.end ?? '…' });
  }
  if (typeof props.value !== 'number' || !Number.isFinite(props.value)) throw resultError('target_value_invalid', 422);
  const [before] = await ctx.tx
    .select({ value: financeResultTargets.value })
    .from(financeResultTargets)
    .where(and(eq(financeResultTargets.resultIndicatorId, owned.id), eq(financeResultTargets.year, year)));
  await ctx.tx
    .insert(financeResultTargets)
    .values({ resultIndicatorId: owned.id, year, value: props.value, updatedAt: ctx.now })
    .onConflictDoUpdate({ target: [financeResultTargets.resultIndicatorId, financeResultTargets.year], set: { value: props.value, updatedAt: ctx.now } });
  await appendEvent(ctx, {
    type: 'finance.result_target_set',
    subject: `result:${owned.resultId}`,
    payload: { resultId: owned.resultId, resultIndicatorId: owned.id, activity: activity.code, year, value: props.value, previous: before?.value ?? null },
  });
  return { resultIndicatorId: owned.id, year, value: props.value };
}
