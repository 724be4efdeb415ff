import { eq } from 'drizzle-orm';
import { isoDateOf } from '../../../core/calendar.ts';
import { maxFileBytes, storeFile } from '../../../files/public.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { assessmentError } from '../../messages/assessments.ts';
import { correctiveActions } from '../../schema.ts';
import { type CorrectiveAction, lockCorrectiveAction } from '../../corrective-action-records.ts';

/**
 * Closes a corrective action (open or in progress) with a note, the day it was closed and,
 * optionally, a file that shows the work done. A closed action stays closed.
 */
export async function closeCorrectiveAction(
  ctx: CommandContext,
  props: { correctiveActionId: number; closureNote: string; closedOn: string; evidence?: { filename: string; contentType: string; content: Buffer } },
): Promise<CorrectiveAction> {
  const action = await lockCorrectiveAction(ctx, props.correctiveActionId);
  if (props.closedOn > isoDateOf(ctx.now)) throw assessmentError('closed_on_in_future', 422);
  if (props.closedOn < isoDateOf(action.createdAt)) throw assessmentError('closed_on_before_raised', 422, { raisedOn: isoDateOf(action.createdAt) });
  if (props.evidence && props.evidence.content.length > maxFileBytes) throw assessmentError('evidence_too_large', 413, { limit: maxFileBytes });
  if (props.evidence && props.evidence.content.length === 0) throw assessmentError('evidence_empty', 422);
  const file = props.evidence ? await storeFile(ctx, props.evidence) : null;
  const [closed] = await ctx.tx
    .update(correctiveActions)
    .set({ status: 'closed', closedOn: props.closedOn, closureNote: props.closureNote, closureEvidenceFileId: file?.id ?? null })
    .where(eq(correctiveActions.id, action.id))
    .returning();
  await appendEvent(ctx, {
    type: 'sites.corrective_action_closed',
    subject: `corrective_action:${action.id}`,
    payload: { correctiveActionId: action.id, closedOn: props.closedOn, onTime: props.closedOn <= action.dueOn, evidenceSha256: file?.sha256 ?? null },
  });
  return closed!;
}
