import { and, asc, count, eq, gte, inArray, isNull, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import { isoDateOf } from '../../core/calendar.ts';
import type { Queryable } from '../../db/connect.ts';
import { files } from '../../files/public.ts';
import { correctiveActions, correctiveActionStatuses, sites, standardCriteria } from '../schema.ts';

export type CorrectiveActionStatus = (typeof correctiveActionStatuses)[number];

const correctiveActionColumns = {
  action: correctiveActions,
  siteCode: sites.code,
  siteCooperativeOrgId: sites.cooperativeOrganisationId,
  criterionCode: standardCriteria.code,
  closureEvidence: { id: files.id, filename: files.filename, sha256: files.sha256 },
};

type Row = { action: typeof correctiveActions.$inferSelect; siteCode: string; siteCooperativeOrgId: number; criterionCode: string | null; closureEvidence: { id: number; filename: string; sha256: Buffer } | null };

const present = (row: Row) => ({
  ...row.action,
  siteCode: row.siteCode,
  siteCooperativeOrgId: row.siteCooperativeOrgId,
  criterionCode: row.criterionCode,
  closureEvidence: row.closureEvidence ? { ...row.closureEvidence, sha256: row.closureEvidence.sha256.toString('hex') } : null,
});

export type CorrectiveActionRow = ReturnType<typeof present>;

function selectCorrectiveActions(db: Queryable, where: SQL | undefined) {
  return db
    .select(correctiveActionColumns)
    .from(correctiveActions)
    .innerJoin(sites, eq(sites.id, correctiveActions.siteId))
    .leftJoin(standardCriteria, eq(standardCriteria.id, correctiveActions.criterionId))
    .leftJoin(files, eq(files.id, correctiveActions.closureEvidenceFileId))
    .where(where);
}

export async function findCorrectiveAction(db: Queryable, id: number) {
  const [row] = await selectCorrectiveActions(db, eq(correctiveActions.id, id));
  return row ? present(row) : undefined;
}

/** A site's corrective actions: those still to do first, earliest due first; closed ones last. */
export async function listCorrectiveActions(db: Queryable, filter: { siteId: number; status?: CorrectiveActionStatus }) {
  const rows = await selectCorrectiveActions(
    db,
    and(eq(correctiveActions.siteId, filter.siteId), filter.status ? eq(correctiveActions.status, filter.status) : undefined),
  ).orderBy(sql`case when ${correctiveActions.status} = 'closed' then 1 else 0 end`, asc(correctiveActions.dueOn), asc(correctiveActions.id));
  return rows.map(present);
}

/** Whether an action is overdue on a day: not closed and due before that day. */
export const isOverdue = (action: { status: CorrectiveActionStatus; dueOn: string }, today: Date | string) => action.status !== 'closed' && action.dueOn < isoDateOf(today);

/** Actions of a site not closed and due before `today`, earliest due first. */
export async function overdueCorrectiveActions(db: Queryable, siteId: number, today: Date | string) {
  const rows = await selectCorrectiveActions(
    db,
    and(eq(correctiveActions.siteId, siteId), ne(correctiveActions.status, 'closed'), lt(correctiveActions.dueOn, isoDateOf(today))),
  ).orderBy(asc(correctiveActions.dueOn), asc(correctiveActions.id));
  return rows.map(present);
}

/**
 * Counts for the programme's indicators, over all sites or one, for a period [from, to) of days:
 * - `closed`: actions closed on a day in the period; `closedOnTime`: of those, closed on or before their due date;
 * - `open`: actions raised before the period ended and not closed by its end (open or in progress);
 * - `overdue`: of the open ones, those due before the period ended.
 * Without `to`, the period runs to now: `open` and `overdue` are as of today.
 */
export async function correctiveActionCounts(db: Queryable, options: { siteId?: number; from?: Date | string; to?: Date | string; today?: Date | string } = {}) {
  const site = options.siteId === undefined ? undefined : eq(correctiveActions.siteId, options.siteId);
  const from = options.from === undefined ? undefined : isoDateOf(options.from);
  const to = options.to === undefined ? undefined : isoDateOf(options.to);
  const end = to ?? isoDateOf(options.today ?? new Date());
  const closedInPeriod = and(site, eq(correctiveActions.status, 'closed'), from ? gte(correctiveActions.closedOn, from) : undefined, to ? lt(correctiveActions.closedOn, to) : undefined);
  const openAtEnd = to
    ? and(site, lt(sql`(${correctiveActions.createdAt} at time zone 'UTC')::date`, to), or(isNull(correctiveActions.closedOn), gte(correctiveActions.closedOn, to)))
    : and(site, ne(correctiveActions.status, 'closed'));
  const [closed] = await db
    .select({ all: count(), onTime: sql<number>`count(*) filter (where ${lte(correctiveActions.closedOn, correctiveActions.dueOn)})` })
    .from(correctiveActions)
    .where(closedInPeriod);
  const [open] = await db
    .select({ all: count(), overdue: sql<number>`count(*) filter (where ${lt(correctiveActions.dueOn, end)})` })
    .from(correctiveActions)
    .where(openAtEnd);
  return { open: Number(open!.all), closed: Number(closed!.all), closedOnTime: Number(closed!.onTime), overdue: Number(open!.overdue) };
}

/** A site's corrective actions, in the order they were raised: all of them, or those with these ids (what another module links to). */
export async function correctiveActionsOfSite(db: Queryable, siteId: number, ids?: readonly number[]): Promise<{ id: number; title: string; status: CorrectiveActionStatus; dueOn: string }[]> {
  const wanted = ids?.filter(Number.isSafeInteger);
  if (wanted && wanted.length === 0) return [];
  return db
    .select({ id: correctiveActions.id, title: correctiveActions.title, status: correctiveActions.status, dueOn: correctiveActions.dueOn })
    .from(correctiveActions)
    .where(and(eq(correctiveActions.siteId, siteId), wanted ? inArray(correctiveActions.id, wanted) : undefined))
    .orderBy(asc(correctiveActions.id));
}
