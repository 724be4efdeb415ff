import { eq } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { activityEventPayload, checkActivity, replaceActivityLinks, type ActivityProps } from '../activity-input.ts';
import { financeError } from '../messages/errors.ts';
import { financeActivities } from '../schema.ts';

const activityCodeFormat = /^[A-Z0-9][A-Z0-9-]{0,39}$/;

/** The secretariat records an activity of its programme, to be published to IATI. */
export async function createActivity(ctx: CommandContext, props: ActivityProps) {
  authorize(ctx.actor, 'finance.manage');
  if (!activityCodeFormat.test(props.code)) throw financeError('activity_code_invalid', 422, { code: props.code });
  const checked = await checkActivity(ctx, props);
  const [existing] = await ctx.tx.select({ id: financeActivities.id }).from(financeActivities).where(eq(financeActivities.code, props.code));
  if (existing) throw financeError('activity_exists', 409, { code: props.code });
  const [activity] = (await ctx.tx.insert(financeActivities).values({ code: props.code, ...checked.row, createdAt: ctx.now, updatedAt: ctx.now }).returning()) as [typeof financeActivities.$inferSelect];
  await replaceActivityLinks(ctx, activity.id, checked);
  await appendEvent(ctx, { type: 'finance.activity_created', subject: `activity:${activity.code}`, payload: activityEventPayload(activity.code, props) });
  return activity;
}
