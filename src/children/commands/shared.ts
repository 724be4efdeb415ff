import { eq, sql } from 'drizzle-orm';
import { findOrganisation } from '../../accounts/public.ts';
import { authorize } from '../../core/auth/policies.ts';
import type { Actor } from '../../core/auth/roles.ts';
import { coreError } from '../../core/errors.ts';
import { isIsoDate, isoDateOf } from '../../core/calendar.ts';
import type { Queryable } from '../../db/connect.ts';
import type { CommandContext } from '../../journal/public.ts';
import { childrenError } from '../messages/errors.ts';
import { childCases } from '../schema.ts';

export type ChildCase = typeof childCases.$inferSelect;

/** Organisations that may manage cases and provide supports: partners accredited for case management, and the secretariat's own field team. */
const caseManagementKinds = new Set(['partner', 'secretariat']);

export async function isCaseManagementOrganisation(db: Queryable, organisationId: number): Promise<{ code: string } | null> {
  const organisation = await findOrganisation(db, { id: organisationId });
  return organisation && caseManagementKinds.has(organisation.kind) ? { code: organisation.code } : null;
}

/**
 * Referrals name a child's age, sex and site before any case exists: only the admin and field users
 * of an organisation that may manage cases read them (a cooperative's field officer does not).
 */
export async function assertReadsReferrals(db: Queryable, actor: Actor): Promise<void> {
  authorize(actor, 'children.case.list');
  if (!('orgId' in actor) || actor.orgId === null || !(await isCaseManagementOrganisation(db, actor.orgId))) throw coreError('forbidden', 403);
}

/** A date a field officer gives: a real calendar day, not after today. */
export function checkPastDate(ctx: CommandContext, date: string): void {
  if (!isIsoDate(date)) throw childrenError('date_invalid', 422, { date });
  if (date > isoDateOf(ctx.now)) throw childrenError('date_in_future', 422, { date });
}

/** The case, locked for the rest of the command (so two visits or a visit and a closure never cross), and still open. */
export async function lockOpenCase(ctx: CommandContext, caseId: number): Promise<ChildCase> {
  const [found] = await ctx.tx.select().from(childCases).where(eq(childCases.id, caseId)).for('update');
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
