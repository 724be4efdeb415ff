import { eq } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { assessmentError } from '../../messages/assessments.ts';
import { correctiveActions } from '../../schema.ts';
import { type CorrectiveAction, lockCorrectiveAction } from '../../corrective-action-records.ts';

/** Records that work on an open corrective action has started (open → in progress). */
export async function updateCorrectiveActionStatus(ctx: CommandContext, props: { correctiveActionId: number; status: 'in_progress' }): Promise<CorrectiveAction> {
  const action = await lockCorrectiveAction(ctx, props.correctiveActionId);
  if (action.status !== 'open') throw assessmentError('corrective_action_status_invalid', 409, { from: action.status, to: props.status });
  const [updated] = await ctx.tx.update(correctiveActions).set({ status: props.status }).where(eq(correctiveActions.id, action.id)).returning();
  await appendEvent(ctx, {
    type: 'sites.corrective_action_updated',
    subject: `corrective_action:${action.id}`,
    payload: { correctiveActionId: action.id, from: action.status, to: props.status },
  });
  return updated!;
}
