import { and, eq, inArray } from 'drizzle-orm';
import { isIsoDate } from '../../core/calendar.ts';
import type { Params } from '../../core/i18n/index.ts';
import type { Queryable } from '../../db/connect.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { correctiveActions, operatorGroups, pits, sexes } from '../../sites/public.ts';
import { safetyError, type SafetyErrorCode } from '../messages/errors.ts';
import {
  ageGroups,
  incidentKinds,
  incidentSeverities,
  incidentStatuses,
  safetyIncidentActions,
  safetyIncidentPeople,
  safetyIncidents,
  type AgeGroup,
  type IncidentKind,
  type IncidentSeverity,
  type IncidentStatus,
} from '../schema.ts';
import { lockSafetySite } from './site-lock.ts';

export type Incident = typeof safetyIncidents.$inferSelect;

export const maxDescriptionLength = 2_000;
export const maxReasonLength = 500;
export const maxPeopleRows = 50;

/** People affected, as a field officer counts them: how many of one sex, age group and operator group. */
export type PeopleCount = { sex: string; ageGroup: string; operatorGroup?: string | null; count: number };

/** An incident as the forms and the API give it, before it is checked. */
export type IncidentFacts = {
  /** `YYYY-MM-DD`, local date at the site. */
  occurredOn: string;
  /** `HH:MM`, local time at the site, when known. */
  occurredTime?: string | null;
  /** The pit's code at the site, or none when the incident was not at a pit. */
  pit?: string | null;
  kind: string;
  severity: string;
  status?: string;
  description: string;
  immediateAction?: string;
  rootCause?: string;
  people: PeopleCount[];
  /** Ids of the site's corrective actions the incident led to. */
  correctiveActionIds?: number[];
};

export type IncidentField = 'occurredOn' | 'occurredTime' | 'pit' | 'kind' | 'severity' | 'status' | 'description' | 'immediateAction' | 'rootCause' | 'people' | 'correctiveActionIds' | 'reason';
export type IncidentProblem = { field: IncidentField; code: SafetyErrorCode; params?: Params; row?: number };

/** Checked facts, ready to store: pit and groups resolved to ids. */
type CheckedIncident = {
  occurredOn: string;
  occurredTime: string | null;
  pitId: number | null;
  pitCode: string | null;
  kind: IncidentKind;
  severity: IncidentSeverity;
  status: IncidentStatus;
  description: string;
  immediateAction: string;
  rootCause: string;
  people: { sex: (typeof sexes)[number]; ageGroup: AgeGroup; operatorGroupId: number | null; count: number }[];
  correctiveActionIds: number[];
};

const isOneOf = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);
/** Today at the site may be tomorrow in UTC: a day of grace keeps that from being "the future". */
const latestDate = (now: Date) => new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);

/**
 * Every rule an incident must meet at a site, with what breaks each: the lists of kinds,
 * severities and statuses, a real past date, the site's own pits, operator groups and corrective
 * actions, counts of people from 0 to 1,000, and someone affected by an injury or a death.
 */
export async function checkIncident(
  db: Queryable,
  site: { id: number; code: string },
  facts: IncidentFacts,
  now: Date,
): Promise<{ problems: IncidentProblem[]; checked: CheckedIncident }> {
  const problems: IncidentProblem[] = [];
  const problem = (field: IncidentField, code: SafetyErrorCode, params?: Params, row?: number) => problems.push({ field, code, ...(params && { params }), ...(row !== undefined && { row }) });

  const occurredOn = facts.occurredOn.trim();
  if (!isIsoDate(occurredOn) || occurredOn < '2000-01-01') problem('occurredOn', 'date_invalid', { date: occurredOn });
  else if (occurredOn > latestDate(now)) problem('occurredOn', 'date_in_future', { date: occurredOn });
  const occurredTime = facts.occurredTime?.trim() || null;
  if (occurredTime !== null && !/^([01]\d|2[0-3]):[0-5]\d$/.test(occurredTime)) problem('occurredTime', 'time_invalid', { time: occurredTime });

  const kind = facts.kind.trim();
  if (!isOneOf(incidentKinds, kind)) problem('kind', 'kind_unknown', { kind, known: incidentKinds.join(', ') });
  const severity = facts.severity.trim();
  if (!isOneOf(incidentSeverities, severity)) problem('severity', 'severity_unknown', { severity, known: incidentSeverities.join(', ') });
  const status = (facts.status ?? 'reported').trim();
  if (!isOneOf(incidentStatuses, status)) problem('status', 'status_unknown', { status, known: incidentStatuses.join(', ') });

  const description = facts.description.trim();
  if (description === '') problem('description', 'description_missing');
  const texts = { description, immediateAction: (facts.immediateAction ?? '').trim(), rootCause: (facts.rootCause ?? '').trim() };
  for (const [field, value] of Object.entries(texts) as [IncidentField, string][]) {
    if (value.length > maxDescriptionLength) problem(field, 'text_too_long', { max: maxDescriptionLength });
  }

  const pitCode = facts.pit?.trim() || null;
  let pitId: number | null = null;
  if (pitCode !== null) {
    const [pit] = await db.select({ id: pits.id }).from(pits).where(and(eq(pits.siteId, site.id), eq(pits.code, pitCode)));
    if (pit) pitId = pit.id;
    else problem('pit', 'pit_not_found', { site: site.code, pit: pitCode });
  }

  const groups = new Map((await db.select({ id: operatorGroups.id, code: operatorGroups.code }).from(operatorGroups).where(eq(operatorGroups.siteId, site.id))).map((g) => [g.code, g.id]));
  const people: CheckedIncident['people'] = [];
  const seen = new Set<string>();
  if (facts.people.length > maxPeopleRows) problem('people', 'text_too_long', { max: maxPeopleRows });
  facts.people.slice(0, maxPeopleRows).forEach((row, index) => {
    const group = row.operatorGroup?.trim() || null;
    if (!Number.isSafeInteger(row.count) || row.count < 0 || row.count > 1_000) return problem('people', 'count_invalid', { value: String(row.count) }, index);
    if (!isOneOf(sexes, row.sex)) return problem('people', 'people_sex_unknown', { sex: row.sex }, index);
    if (!isOneOf(ageGroups, row.ageGroup)) return problem('people', 'people_age_unknown', { age: row.ageGroup, known: ageGroups.join(', ') }, index);
    if (group !== null && !groups.has(group)) return problem('people', 'people_group_unknown', { site: site.code, group }, index);
    const key = `${row.sex}|${row.ageGroup}|${group ?? ''}`;
    if (seen.has(key)) return problem('people', 'people_duplicate', undefined, index);
    seen.add(key);
    if (row.count > 0) people.push({ sex: row.sex, ageGroup: row.ageGroup, operatorGroupId: group === null ? null : groups.get(group)!, count: row.count });
  });
  if (isOneOf(incidentSeverities, severity) && severity !== 'near_miss' && people.length === 0 && !problems.some((p) => p.field === 'people')) problem('people', 'people_missing');

  const correctiveActionIds = [...new Set(facts.correctiveActionIds ?? [])];
  if (correctiveActionIds.length > 0) {
    const found = new Set(
      (
        await db
          .select({ id: correctiveActions.id })
          .from(correctiveActions)
          .where(and(eq(correctiveActions.siteId, site.id), inArray(correctiveActions.id, correctiveActionIds.filter(Number.isSafeInteger))))
      ).map((a) => a.id),
    );
    for (const id of correctiveActionIds) if (!found.has(id)) problem('correctiveActionIds', 'corrective_action_not_of_site', { id, site: site.code });
  }

  return {
    problems,
    checked: {
      occurredOn,
      occurredTime,
      pitId,
      pitCode,
      kind: kind as IncidentKind,
      severity: severity as IncidentSeverity,
      status: status as IncidentStatus,
      ...texts,
      people,
      correctiveActionIds,
    },
  };
}

async function checkedOrRefused(ctx: CommandContext, site: { id: number; code: string }, facts: IncidentFacts) {
  const { problems, checked } = await checkIncident(ctx.tx, site, facts, ctx.now);
  const first = problems[0];
  if (first) throw safetyError(first.code, 422, first.params, problems.map(({ field, code, row }) => ({ field, code, ...(row !== undefined && { row }) })));
  return checked;
}

async function insertIncident(ctx: CommandContext, siteId: number, checked: CheckedIncident, correction?: { correctsId: number; reason: string }) {
  const [row] = await ctx.tx
    .insert(safetyIncidents)
    .values({
      siteId,
      pitId: checked.pitId,
      occurredOn: checked.occurredOn,
      occurredTime: checked.occurredTime,
      kind: checked.kind,
      severity: checked.severity,
      status: checked.status,
      description: checked.description,
      immediateAction: checked.immediateAction,
      rootCause: checked.rootCause,
      correctsId: correction?.correctsId ?? null,
      correctionReason: correction?.reason ?? null,
      recordedByOrganisationId: 'orgId' in ctx.actor ? ctx.actor.orgId : null,
    })
    .returning();
  if (checked.people.length > 0) await ctx.tx.insert(safetyIncidentPeople).values(checked.people.map((p) => ({ ...p, incidentId: row!.id })));
  if (checked.correctiveActionIds.length > 0) {
    await ctx.tx.insert(safetyIncidentActions).values(checked.correctiveActionIds.map((correctiveActionId) => ({ incidentId: row!.id, correctiveActionId })));
  }
  return row!;
}

/** What the public journal says of an incident: its class, place and day, and how many people; never a description or a person. */
const incidentFacts = (siteCode: string, row: Incident, checked: CheckedIncident) => ({
  id: row.id,
  site: siteCode,
  pit: checked.pitCode,
  occurredOn: row.occurredOn,
  kind: row.kind,
  severity: row.severity,
  status: row.status,
  peopleAffected: checked.people.reduce((sum, p) => sum + p.count, 0),
  correctiveActions: checked.correctiveActionIds,
});

/** Records an incident at a site. */
export async function recordIncident(ctx: CommandContext, props: IncidentFacts & { siteId: number }): Promise<Incident> {
  const site = await lockSafetySite(ctx, props.siteId);
  const checked = await checkedOrRefused(ctx, site, props);
  const row = await insertIncident(ctx, site.id, checked);
  await appendEvent(ctx, { type: 'safety.incident_recorded', subject: `safety_incident:${row.id}`, payload: incidentFacts(site.code, row, checked) });
  return row;
}

/**
 * Corrects an incident with a new entry that supersedes it, the old one kept as it was: a status
 * change, a root cause found later, a figure entered wrongly. Only the newest entry of a chain can
 * be corrected; `withdrawn` takes an incident recorded in error out of every figure.
 */
export async function correctIncident(ctx: CommandContext, props: IncidentFacts & { siteId: number; correctsId: number; reason: string }): Promise<Incident> {
  const site = await lockSafetySite(ctx, props.siteId);
  const [original] = await ctx.tx.select().from(safetyIncidents).where(eq(safetyIncidents.id, props.correctsId));
  if (!original || original.siteId !== site.id) throw safetyError('incident_not_found', 404, { site: site.code, id: props.correctsId });
  const [newer] = await ctx.tx.select({ id: safetyIncidents.id }).from(safetyIncidents).where(eq(safetyIncidents.correctsId, original.id));
  if (newer) throw safetyError('already_corrected', 409, { id: original.id, by: newer.id }, { correctedBy: newer.id });
  const reason = props.reason.trim();
  if (reason === '') throw safetyError('correction_reason_missing', 422, undefined, [{ field: 'reason', code: 'correction_reason_missing' }]);
  if (reason.length > maxReasonLength) throw safetyError('text_too_long', 422, { max: maxReasonLength }, [{ field: 'reason', code: 'text_too_long' }]);
  const checked = await checkedOrRefused(ctx, site, props);
  const row = await insertIncident(ctx, site.id, checked, { correctsId: original.id, reason });
  await appendEvent(ctx, {
    type: 'safety.incident_corrected',
    subject: `safety_incident:${row.id}`,
    payload: { ...incidentFacts(site.code, row, checked), corrects: original.id, previousSeverity: original.severity, previousStatus: original.status },
  });
  return row;
}
