import { eq } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { activityEventPayload, checkActivity, replaceActivityLinks, type ActivityProps } from '../activity-input.ts';
import { financeError } from '../messages/errors.ts';
import { financeActivities } from '../schema.ts';

/** The secretariat updates an activity as a whole (its status as it moves on, its actual dates, its partners). */
export async function updateActivity(ctx: CommandContext, props: ActivityProps) {
  authorize(ctx.actor, 'finance.manage');
  const [existing] = await ctx.tx.select({ id: financeActivities.id }).from(financeActivities).where(eq(financeActivities.code, props.code));
  if (!existing) throw financeError('activity_not_found', 404, { code: props.code });
  const checked = await checkActivity(ctx, props);
  const [activity] = (await ctx.tx.update(financeActivities).set({ ...checked.row, updatedAt: ctx.now }).where(eq(financeActivities.id, existing.id)).returning()) as [typeof financeActivities.$inferSelect];
  await replaceActivityLinks(ctx, activity.id, checked);
  await appendEvent(ctx, { type: 'finance.activity_updated', subject: `activity:${activity.code}`, payload: activityEventPayload(activity.code, props) });
  return activity;
}
