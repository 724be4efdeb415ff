import { asc, eq } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { checkPastDate, lockCaseToWrite, type ChildCase } from '../case-writes.ts';
import { loadFollowUpSchedule, remediationClosureProblem } from '../follow-up.ts';
import { assertChoice, childrenError, childrenErrors } from '../messages/errors.ts';
import { childCases, childVisits, closureReasons } from '../schema.ts';

export type ClosureReason = (typeof closureReasons)[number];

/**
 * Closes a case. As `remediated` only when the closure rule holds (the child was found not working
 * at the 3- and 6-month visits); the other reasons (turned 18, lost to follow-up, transferred)
 * close it without that claim. Only the admin and field users of the organisation that manages
 * the case close it.
 */
export async function closeCase(ctx: CommandContext, props: { caseId: number; closedOn: string; reason: ClosureReason }): Promise<ChildCase> {
  const found = await lockCaseToWrite(ctx, props.caseId);
  assertChoice(props.reason, closureReasons);
  checkPastDate(ctx, props.closedOn);
  if (props.closedOn < found.identifiedOn) throw childrenError('closure_before_identification', 422, { date: props.closedOn, identifiedOn: found.identifiedOn });
  if (props.reason === 'remediated') {
    const visits = await ctx.tx.select().from(childVisits).where(eq(childVisits.caseId, found.id)).orderBy(asc(childVisits.visitedOn));
    const problem = remediationClosureProblem(visits, await loadFollowUpSchedule(ctx.tx));
    if (problem) {
      throw childrenError('closure_rule_not_met', 422, (locale) => ({ problem: childrenErrors.t(locale, `closure_rule_${problem.reason}`, { months: problem.months }) }), problem);
    }
  }
  const [closed] = await ctx.tx.update(childCases).set({ closedOn: props.closedOn, closureReason: props.reason }).where(eq(childCases.id, found.id)).returning();
  await appendEvent(ctx, { type: 'children.case_closed', subject: `child_case:${found.id}`, payload: { case: found.id, reason: props.reason } });
  return closed!;
}
