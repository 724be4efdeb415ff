import { and, asc, desc, eq, gte, lte, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/connect.ts';
import { headcountTotals, operatorGroups } from '../../sites/public.ts';
import { changeOf, defaultWorkPattern, exposureOf, lastDayOfMonth, monthsOfYear, ratesOf, recordableCount, type Change, type Exposure, type MonthExposure, type Rates, type SeverityCounts } from '../rates.ts';
import {
  ageGroups,
  personSexes,
  incidentKinds,
  incidentSeverities,
  interventionKinds,
  safetyHoursWorked,
  safetyIncidentPeople,
  safetyIncidents,
  safetyInterventions,
  safetySiteSettings,
  type IncidentKind,
  type IncidentSeverity,
} from '../schema.ts';
import { countsInFigures } from './incidents.ts';

const zeroBySeverity = (): SeverityCounts => Object.fromEntries(incidentSeverities.map((s) => [s, 0])) as SeverityCounts;
const zeroByKind = () => Object.fromEntries(incidentKinds.map((k) => [k, 0])) as Record<IncidentKind, number>;

/** Incidents that count (latest entry of each chain, not withdrawn), by month, severity and kind, for days [from, to]. */
export async function incidentCounts(db: Queryable, props: { siteId: number; from: string; to: string }) {
  const rows = await db
    .select({
      month: sql<string>`to_char(${safetyIncidents.occurredOn}, 'YYYY-MM')`,
      severity: safetyIncidents.severity,
      kind: safetyIncidents.kind,
      incidents: sql<number>`count(*)::int`,
    })
    .from(safetyIncidents)
    .where(and(eq(safetyIncidents.siteId, props.siteId), gte(safetyIncidents.occurredOn, props.from), lte(safetyIncidents.occurredOn, props.to), countsInFigures))
    .groupBy(sql`1`, safetyIncidents.severity, safetyIncidents.kind)
    .orderBy(sql`1`);
  return rows.map((r) => ({ ...r, incidents: Number(r.incidents) }));
}

/** People affected by the incidents that count, by severity, sex, age group and operator group. */
export async function peopleAffectedCounts(db: Queryable, props: { siteId: number; from: string; to: string }) {
  const rows = await db
    .select({
      severity: safetyIncidents.severity,
      sex: safetyIncidentPeople.sex,
      ageGroup: safetyIncidentPeople.ageGroup,
      operatorGroup: operatorGroups.code,
      people: sql<number>`sum(${safetyIncidentPeople.count})::int`,
    })
    .from(safetyIncidentPeople)
    .innerJoin(safetyIncidents, eq(safetyIncidents.id, safetyIncidentPeople.incidentId))
    .leftJoin(operatorGroups, eq(operatorGroups.id, safetyIncidentPeople.operatorGroupId))
    .where(and(eq(safetyIncidents.siteId, props.siteId), gte(safetyIncidents.occurredOn, props.from), lte(safetyIncidents.occurredOn, props.to), countsInFigures))
    .groupBy(safetyIncidents.severity, safetyIncidentPeople.sex, safetyIncidentPeople.ageGroup, operatorGroups.code);
  return rows.map((r) => ({ ...r, people: Number(r.people) }));
}

/** The work pattern in force in each month: the latest setting whose first month is on or before it. */
export async function workPatterns(db: Queryable, siteId: number) {
  return db.select().from(safetySiteSettings).where(eq(safetySiteSettings.siteId, siteId)).orderBy(asc(safetySiteSettings.effectiveFrom), asc(safetySiteSettings.id));
}

/** Recorded hours of a site, every entry, newest first; the first of each month is the one that counts. */
export async function recordedHours(db: Queryable, siteId: number) {
  return db.select().from(safetyHoursWorked).where(eq(safetyHoursWorked.siteId, siteId)).orderBy(desc(safetyHoursWorked.month), desc(safetyHoursWorked.id));
}

/**
 * Each month's exposure: the headcount on its last day (today for the month under way), its
 * recorded hours if any, and the work pattern in force for the estimate.
 */
export async function monthExposures(db: Queryable, props: { siteId: number; months: string[]; today: string }): Promise<MonthExposure[]> {
  const [patterns, hours] = await Promise.all([workPatterns(db, props.siteId), recordedHours(db, props.siteId)]);
  const latestHours = new Map<string, number>();
  for (const entry of hours) if (!latestHours.has(entry.month)) latestHours.set(entry.month, entry.hours);
  return Promise.all(
    props.months.map(async (month) => {
      const end = lastDayOfMonth(month);
      const on = end < props.today ? end : props.today;
      const { total } = await headcountTotals(db, { siteId: props.siteId, on });
      const inForce = patterns.filter((p) => p.effectiveFrom <= month).at(-1);
      return {
        month,
        headcount: total,
        recordedHours: latestHours.get(month) ?? null,
        pattern: inForce ? { shiftMinutes: inForce.shiftMinutes, daysWorkedPerMonth: inForce.daysWorkedPerMonth } : defaultWorkPattern,
        patternIsDefault: !inForce,
      };
    }),
  );
}

export type SeverityRates = Record<IncidentSeverity | 'recordable', Rates>;

/** Rates of every severity, and of all recordable incidents, over one exposure. */
export function severityRates(counts: SeverityCounts, exposure: Exposure): SeverityRates {
  const rates = Object.fromEntries(incidentSeverities.map((s) => [s, ratesOf(counts[s], exposure)])) as Record<IncidentSeverity, Rates>;
  return { ...rates, recordable: ratesOf(recordableCount(counts), exposure) };
}

/** Interventions of a site delivered in [from, to], per kind and currency. */
export async function interventionTotals(db: Queryable, props: { siteId: number; from: string; to: string }) {
  const rows = await db
    .select({
      kind: safetyInterventions.kind,
      currency: safetyInterventions.currency,
      interventions: sql<number>`count(*)::int`,
      quantity: sql<number>`sum(${safetyInterventions.quantity})::bigint`,
      costMinor: sql<number>`sum(${safetyInterventions.costMinor})::bigint`,
      peopleReached: sql<number>`sum(${safetyInterventions.peopleReached})::bigint`,
    })
    .from(safetyInterventions)
    .where(and(eq(safetyInterventions.siteId, props.siteId), gte(safetyInterventions.deliveredOn, props.from), lte(safetyInterventions.deliveredOn, props.to)))
    .groupBy(safetyInterventions.kind, safetyInterventions.currency);
  const order = (kind: string) => (interventionKinds as readonly string[]).indexOf(kind);
  return rows
    .map((r) => ({ kind: r.kind, currency: r.currency, interventions: Number(r.interventions), quantity: Number(r.quantity), costMinor: Number(r.costMinor), peopleReached: Number(r.peopleReached) }))
    .sort((a, b) => order(a.kind) - order(b.kind) || a.currency.localeCompare(b.currency));
}

/** The interventions of a site, newest first. */
export async function listInterventions(db: Queryable, props: { siteId: number; from?: string; to?: string }) {
  return db
    .select()
    .from(safetyInterventions)
    .where(and(eq(safetyInterventions.siteId, props.siteId), props.from ? gte(safetyInterventions.deliveredOn, props.from) : undefined, props.to ? lte(safetyInterventions.deliveredOn, props.to) : undefined))
    .orderBy(desc(safetyInterventions.deliveredOn), desc(safetyInterventions.id));
}

export type YearFigures = {
  year: number;
  months: string[];
  bySeverity: SeverityCounts;
  byKind: Record<IncidentKind, number>;
  byMonth: { month: string; bySeverity: SeverityCounts }[];
  peopleBySeverity: SeverityCounts;
  exposure: Exposure;
  rates: SeverityRates;
};

/** One year of a site's figures, counting the months of the year that have started by `today`. */
export async function yearFigures(db: Queryable, props: { siteId: number; year: number; today: string }): Promise<YearFigures> {
  const allMonths = Array.from({ length: 12 }, (_, i) => `${props.year}-${String(i + 1).padStart(2, '0')}`);
  const months = monthsOfYear(props.year, props.today);
  const range = { siteId: props.siteId, from: `${props.year}-01-01`, to: `${props.year}-12-31` };
  const [counts, people, exposures] = await Promise.all([incidentCounts(db, range), peopleAffectedCounts(db, range), monthExposures(db, { siteId: props.siteId, months, today: props.today })]);
  const bySeverity = zeroBySeverity();
  const byKind = zeroByKind();
  const byMonth = allMonths.map((month) => ({ month, bySeverity: zeroBySeverity() }));
  for (const row of counts) {
    bySeverity[row.severity] += row.incidents;
    byKind[row.kind] += row.incidents;
    byMonth.find((m) => m.month === row.month)!.bySeverity[row.severity] += row.incidents;
  }
  const peopleBySeverity = zeroBySeverity();
  for (const row of people) peopleBySeverity[row.severity] += row.people;
  const exposure = exposureOf(exposures);
  return { year: props.year, months, bySeverity, byKind, byMonth, peopleBySeverity, exposure, rates: severityRates(bySeverity, exposure) };
}

/** Year-on-year change of incident counts by severity, and of all recordable incidents. */
export function yearOnYear(current: YearFigures, previous: YearFigures): Record<IncidentSeverity | 'recordable', Change> {
  const changes = Object.fromEntries(incidentSeverities.map((s) => [s, changeOf(current.bySeverity[s], previous.bySeverity[s])])) as Record<IncidentSeverity, Change>;
  return { ...changes, recordable: changeOf(recordableCount(current.bySeverity), recordableCount(previous.bySeverity)) };
}

/** Years of a site with at least one incident that counts, newest first. */
export async function incidentYears(db: Queryable, siteId: number): Promise<number[]> {
  const rows = await db
    .select({ year: sql<number>`extract(year from ${safetyIncidents.occurredOn})::int` })
    .from(safetyIncidents)
    .where(and(eq(safetyIncidents.siteId, siteId), countsInFigures))
    .groupBy(sql`1`)
    .orderBy(sql`1 desc`);
  return rows.map((r) => Number(r.year));
}

/**
 * People affected for the public side: totals by sex, by age group and by operator group over the
 * year, never crossed with one another or with a date. A count from 1 to 4 is shown as "fewer than
 * 5" (null with `suppressed`), so no one is singled out in a small community.
 */
export async function publicPeopleAffected(db: Queryable, props: { siteId: number; year: number }) {
  const rows = await peopleAffectedCounts(db, { siteId: props.siteId, from: `${props.year}-01-01`, to: `${props.year}-12-31` });
  const total = (pick: (row: (typeof rows)[number]) => string | null, keys: readonly string[]) =>
    keys.map((key) => {
      const people = rows.filter((row) => (pick(row) ?? 'none') === key).reduce((sum, row) => sum + row.people, 0);
      return { key, ...suppressSmall(people) };
    });
  const groups = [...new Set(rows.map((r) => r.operatorGroup ?? 'none'))].sort();
  return { bySex: total((r) => r.sex, personSexes), byAgeGroup: total((r) => r.ageGroup, ageGroups), byOperatorGroup: total((r) => r.operatorGroup, groups) };
}

/** A count of people as it may be published: exact at 0 and from 5 on, "fewer than 5" otherwise. */
export function suppressSmall(people: number): { people: number | null; suppressed: boolean } {
  return people > 0 && people < 5 ? { people: null, suppressed: true } : { people, suppressed: false };
}
