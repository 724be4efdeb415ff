import { and, eq } from 'drizzle-orm';
import { isIsoDate, isoDateOf } from '../core/calendar.ts';
import type { Params } from '../core/i18n/index.ts';
import type { Queryable } from '../db/connect.ts';
import { correctiveActionsOfSite, operatorGroups, pits } from '../sites/public.ts';
import type { SafetyErrorCode } from './messages/errors.ts';
import { ageGroups, incidentKinds, incidentSeverities, incidentStatuses, personSexes, type AgeGroup, type PersonSex, type IncidentKind, type IncidentSeverity, type IncidentStatus } from './schema.ts';

export const maxDescriptionLength = 2_000;
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
export type CheckedIncident = {
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
  people: { sex: PersonSex; ageGroup: AgeGroup; operatorGroupId: number | null; count: number }[];
  correctiveActionIds: number[];
};

const isOneOf = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);
/** Today at the site may be tomorrow in UTC: a day of grace keeps that from being "the future". */
const latestDate = (now: Date) => isoDateOf(new Date(now.getTime() + 86_400_000));

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
  if (kind === '') problem('kind', 'kind_missing');
  else if (!isOneOf(incidentKinds, kind)) problem('kind', 'kind_unknown', { kind, known: incidentKinds.join(', ') });
  const severity = facts.severity.trim();
  if (severity === '') problem('severity', 'severity_missing');
  else if (!isOneOf(incidentSeverities, severity)) problem('severity', 'severity_unknown', { severity, known: incidentSeverities.join(', ') });
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
    if (row.sex === '' || row.ageGroup === '') return problem('people', 'people_choice_missing', undefined, index);
    if (!isOneOf(personSexes, row.sex)) return problem('people', 'people_sex_unknown', { sex: row.sex }, index);
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
    const found = new Set((await correctiveActionsOfSite(db, site.id, correctiveActionIds)).map((a) => a.id));
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
