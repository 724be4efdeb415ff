import { eq, sql } from 'drizzle-orm';
import { authorize } from '../core/auth/policies.ts';
import { isIsoDate, isoDateOf } from '../core/calendar.ts';
import type { CommandContext } from '../journal/public.ts';
import { childrenError } from './messages/errors.ts';
import { childCases } from './schema.ts';

/*
 * What the commands that write a case share: the case locked and its writer checked, the dates a
 * field officer gives, and the next case code of a site.
 */

export type ChildCase = typeof childCases.$inferSelect;

/** A date a field officer gives: a real calendar day, not after today. */
export function checkPastDate(ctx: CommandContext, date: string): void {
  if (!isIsoDate(date)) throw childrenError('date_invalid', 422, { date });
  if (date > isoDateOf(ctx.now)) throw childrenError('date_in_future', 422, { date });
}

/**
 * The case, locked for the rest of the command (so two visits or a visit and a closure never cross),
 * written only by the admin and field users of the organisation that manages it, and still open.
 * A case that does not exist is refused like one of another organisation (403): the answer does
 * not tell whether a case number exists.
 */
export async function lockCaseToWrite(ctx: CommandContext, caseId: number): Promise<ChildCase> {
  const [found] = Number.isSafeInteger(caseId) && caseId > 0 ? await ctx.tx.select().from(childCases).where(eq(childCases.id, caseId)).for('update') : [];
  authorize(ctx.actor, 'children.case.write', { caseOrgId: found?.caseOrganisationId ?? -1 });
  if (!found) throw childrenError('case_not_found', 404);
  if (found.closedOn) throw childrenError('case_closed', 409, { date: found.closedOn });
  return found;
}

/** The next code of a site's sequence (`KAM-C-0001`); an advisory lock keeps two new cases from taking one number. */
export async function nextCaseCode(ctx: CommandContext, siteId: number, siteCode: string): Promise<string> {
  await ctx.tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`child_case_code:${siteId}`}))`);
  const [row] = await ctx.tx
    .select({ n: sql<number>`count(*)::int` })
    .from(childCases)
    .where(eq(childCases.siteId, siteId));
  return `${siteCode}-C-${String(Number(row?.n ?? 0) + 1).padStart(4, '0')}`;
}
