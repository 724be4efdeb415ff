import { and, eq } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { checkPastDate, lockCaseToWrite } from '../case-writes.ts';
import { loadFollowUpSchedule, scheduledVisits, type VisitOutcome } from '../follow-up.ts';
import { assertChoice, childrenError } from '../messages/errors.ts';
import { childVisits, visitOutcomes } from '../schema.ts';

export type ChildVisit = typeof childVisits.$inferSelect;

export type RecordVisitProps = {
  caseId: number;
  visitedOn: string;
  outcome: VisitOutcome;
  /** The scheduled visit this is (months after the plan started), or null for a visit outside the schedule. */
  dueMonths: number | null;
};

/**
 * Records a follow-up visit: what the field officer found, on the day, for a scheduled point or
 * outside the schedule. Only the admin and field users of the organisation that manages the case
 * record one.
 */
export async function recordVisit(ctx: CommandContext, props: RecordVisitProps): Promise<ChildVisit> {
  const found = await lockCaseToWrite(ctx, props.caseId);
  assertChoice(props.outcome, visitOutcomes);
  checkPastDate(ctx, props.visitedOn);
  if (props.visitedOn < found.identifiedOn) throw childrenError('visit_before_identification', 422, { date: props.visitedOn, identifiedOn: found.identifiedOn });
  if (props.dueMonths !== null) {
    if (found.planStartedOn === null) throw childrenError('visit_needs_plan', 422);
    const schedule = scheduledVisits({ planStartedOn: found.planStartedOn, identifiedOn: found.identifiedOn, ageAtIdentification: found.ageAtIdentification }, await loadFollowUpSchedule(ctx.tx));
    if (!schedule.some((visit) => visit.dueMonths === props.dueMonths)) {
      throw childrenError('visit_not_scheduled', 422, { months: props.dueMonths, schedule: schedule.map((visit) => visit.dueMonths).join(', ') });
    }
    const [already] = await ctx.tx
      .select({ visitedOn: childVisits.visitedOn })
      .from(childVisits)
      .where(and(eq(childVisits.caseId, found.id), eq(childVisits.dueMonths, props.dueMonths)));
    if (already) throw childrenError('scheduled_visit_recorded', 409, { months: props.dueMonths, date: already.visitedOn });
  }
  const [visit] = await ctx.tx
    .insert(childVisits)
    .values({ caseId: found.id, dueMonths: props.dueMonths, visitedOn: props.visitedOn, outcome: props.outcome, recordedByUserId: ctx.actor.kind === 'user' ? ctx.actor.userId : null })
    .returning();
  // What a visit found stays on the case-management side; the journal only knows that a visit took place.
  await appendEvent(ctx, { type: 'children.visit_recorded', subject: `child_case:${found.id}`, payload: { case: found.id, dueMonths: props.dueMonths } });
  return visit!;
}
