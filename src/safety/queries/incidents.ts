import { and, asc, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Queryable } from '../../db/connect.ts';
import { correctiveActionsOfSite, operatorGroups, pits } from '../../sites/public.ts';
import { safetyIncidentActions, safetyIncidentPeople, safetyIncidents, type IncidentKind, type IncidentSeverity, type IncidentStatus } from '../schema.ts';

const newer = alias(safetyIncidents, 'newer');

/** An incident no later entry supersedes and not withdrawn: the ones figures count. */
export const countsInFigures = sql`not exists (select 1 from ${safetyIncidents} as superseding where superseding.corrects_id = ${safetyIncidents.id}) and ${safetyIncidents.status} <> 'withdrawn'`;

export type IncidentFilter = {
  siteId: number;
  from?: string;
  to?: string;
  kind?: IncidentKind;
  severity?: IncidentSeverity;
  status?: IncidentStatus;
  pit?: string;
  /** With superseded entries too (the full record); by default only the latest of each chain. */
  history?: boolean;
};

/** Incidents of a site, newest first, with how many people each affected. Descriptions are restricted: the caller asks `safety.read`. */
export async function listIncidents(db: Queryable, filter: IncidentFilter) {
  const conditions: (SQL | undefined)[] = [eq(safetyIncidents.siteId, filter.siteId)];
  if (filter.from) conditions.push(gte(safetyIncidents.occurredOn, filter.from));
  if (filter.to) conditions.push(lte(safetyIncidents.occurredOn, filter.to));
  if (filter.kind) conditions.push(eq(safetyIncidents.kind, filter.kind));
  if (filter.severity) conditions.push(eq(safetyIncidents.severity, filter.severity));
  if (filter.status) conditions.push(eq(safetyIncidents.status, filter.status));
  if (filter.pit) conditions.push(eq(pits.code, filter.pit));
  if (!filter.history) conditions.push(sql`${newer.id} is null`);
  return db
    .select({
      id: safetyIncidents.id,
      occurredOn: safetyIncidents.occurredOn,
      occurredTime: safetyIncidents.occurredTime,
      pit: pits.code,
      kind: safetyIncidents.kind,
      severity: safetyIncidents.severity,
      status: safetyIncidents.status,
      description: safetyIncidents.description,
      correctsId: safetyIncidents.correctsId,
      correctedById: newer.id,
      peopleAffected: sql<number>`coalesce((select sum(p.count) from ${safetyIncidentPeople} p where p.incident_id = ${safetyIncidents.id}), 0)::int`,
      createdAt: safetyIncidents.createdAt,
    })
    .from(safetyIncidents)
    .leftJoin(pits, eq(pits.id, safetyIncidents.pitId))
    .leftJoin(newer, eq(newer.correctsId, safetyIncidents.id))
    .where(and(...conditions))
    .orderBy(desc(safetyIncidents.occurredOn), desc(safetyIncidents.occurredTime), desc(safetyIncidents.id));
}

export type IncidentListRow = Awaited<ReturnType<typeof listIncidents>>[number];

/** One entry of a site's incidents with the people it affected, the corrective actions it led to, and its chain of corrections. */
export async function findIncident(db: Queryable, props: { siteId: number; id: number }) {
  const [row] = await db
    .select({ incident: safetyIncidents, pit: pits.code, correctedById: newer.id })
    .from(safetyIncidents)
    .leftJoin(pits, eq(pits.id, safetyIncidents.pitId))
    .leftJoin(newer, eq(newer.correctsId, safetyIncidents.id))
    .where(and(eq(safetyIncidents.siteId, props.siteId), eq(safetyIncidents.id, props.id)));
  if (!row) return undefined;
  const people = await db
    .select({ sex: safetyIncidentPeople.sex, ageGroup: safetyIncidentPeople.ageGroup, operatorGroup: operatorGroups.code, groupLabelEn: operatorGroups.labelEn, groupLabelFr: operatorGroups.labelFr, count: safetyIncidentPeople.count })
    .from(safetyIncidentPeople)
    .leftJoin(operatorGroups, eq(operatorGroups.id, safetyIncidentPeople.operatorGroupId))
    .where(eq(safetyIncidentPeople.incidentId, props.id))
    .orderBy(asc(safetyIncidentPeople.id));
  const linked = await db.select({ id: safetyIncidentActions.correctiveActionId }).from(safetyIncidentActions).where(eq(safetyIncidentActions.incidentId, props.id));
  const actions = await correctiveActionsOfSite(db, props.siteId, linked.map((link) => link.id));
  return { ...row.incident, pit: row.pit, correctedById: row.correctedById, people, correctiveActions: actions, history: await chainOf(db, props.siteId, props.id) };
}

export type IncidentDetail = NonNullable<Awaited<ReturnType<typeof findIncident>>>;

/** Every entry of the chain an incident belongs to, oldest first: what was recorded, and each correction. */
async function chainOf(db: Queryable, siteId: number, id: number) {
  const rows = await db
    .select({ id: safetyIncidents.id, correctsId: safetyIncidents.correctsId, severity: safetyIncidents.severity, status: safetyIncidents.status, correctionReason: safetyIncidents.correctionReason, createdAt: safetyIncidents.createdAt })
    .from(safetyIncidents)
    .where(eq(safetyIncidents.siteId, siteId))
    .orderBy(asc(safetyIncidents.id));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const correctedBy = new Map(rows.filter((r) => r.correctsId !== null).map((r) => [r.correctsId!, r.id]));
  let first = id;
  while (byId.get(first)?.correctsId != null) first = byId.get(first)!.correctsId!;
  const chain = [];
  for (let current: number | undefined = first; current !== undefined; current = correctedBy.get(current)) chain.push(byId.get(current)!);
  return chain;
}

/** The corrective actions of a site an incident may be linked to. */
export async function linkableCorrectiveActions(db: Queryable, siteId: number) {
  return (await correctiveActionsOfSite(db, siteId)).map(({ id, title, status }) => ({ id, title, status }));
}
