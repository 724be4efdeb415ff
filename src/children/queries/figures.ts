import { and, eq, gte, inArray, isNull, lte, or } from 'drizzle-orm';
import type { Queryable } from '../../db/connect.ts';
import { sites } from '../../sites/public.ts';
import { childActivities, childCases, childSupports, childVisits, closureReasons } from '../schema.ts';
import { latestVisit } from './cases.ts';

/** ILO age groups for child labour statistics: under the general minimum age, the light-work band, and 15–17. */
export const ageGroups = ['5_11', '12_14', '15_17'] as const;
export type AgeGroup = (typeof ageGroups)[number];

export function ageGroupOf(age: number): AgeGroup {
  if (age <= 11) return '5_11';
  if (age <= 14) return '12_14';
  return '15_17';
}

/**
 * The exact figures of a calendar year, before any suppression. Never shown to the public as they
 * are: `suppressFigures` turns them into what may be published.
 */
export type ChildrenFigures = {
  year: number;
  identified: { total: number; ageGroup: Record<AgeGroup, number>; sex: Record<'female' | 'male', number>; activity: Record<string, number>; site: Record<string, number> };
  caseload: number;
  receivingSupport: number;
  followedUp: number;
  notInChildLabour: number;
  closed: { total: number; reason: Record<string, number> };
  /** Sum of days from identification to closure over the cases closed as remediated in the year. */
  daysToRemediatedClosure: number;
};

const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/**
 * Computes a year's figures (ICI / ECLT conventions, see docs/indicators.md):
 * identified = cases identified in the year; caseload = cases open at some time in the year;
 * receiving support = caseload with a support started by the year's end; followed up = caseload
 * with a visit by the year's end; not in child labour = followed up whose latest visit by the
 * year's end found them in school or training; closed = cases closed in the year.
 */
export async function childrenFigures(db: Queryable, year: number): Promise<ChildrenFigures> {
  const start = `${year}-01-01`;
  const end = `${year}-12-31`;
  const cases = await db
    .select({
      id: childCases.id,
      siteCode: sites.code,
      sex: childCases.sex,
      age: childCases.ageAtIdentification,
      activity: childCases.activity,
      identifiedOn: childCases.identifiedOn,
      closedOn: childCases.closedOn,
      closureReason: childCases.closureReason,
    })
    .from(childCases)
    .innerJoin(sites, eq(sites.id, childCases.siteId))
    .where(and(lte(childCases.identifiedOn, end), or(isNull(childCases.closedOn), gte(childCases.closedOn, start))));
  const ids = cases.map((c) => c.id);
  const supports = ids.length === 0 ? [] : await db.select({ caseId: childSupports.caseId, startedOn: childSupports.startedOn }).from(childSupports).where(inArray(childSupports.caseId, ids));
  const visits = ids.length === 0 ? [] : await db.select().from(childVisits).where(and(inArray(childVisits.caseId, ids), lte(childVisits.visitedOn, end)));

  const figures: ChildrenFigures = {
    year,
    identified: { total: 0, ageGroup: zeros(ageGroups), sex: zeros(['female', 'male']), activity: zeros(childActivities), site: {} },
    caseload: cases.length,
    receivingSupport: 0,
    followedUp: 0,
    notInChildLabour: 0,
    closed: { total: 0, reason: zeros(closureReasons) },
    daysToRemediatedClosure: 0,
  };
  for (const c of cases) {
    if (c.identifiedOn >= start) {
      figures.identified.total += 1;
      figures.identified.ageGroup[ageGroupOf(c.age)] += 1;
      figures.identified.sex[c.sex] += 1;
      figures.identified.activity[c.activity] = (figures.identified.activity[c.activity] ?? 0) + 1;
      figures.identified.site[c.siteCode] = (figures.identified.site[c.siteCode] ?? 0) + 1;
    }
    if (supports.some((s) => s.caseId === c.id && s.startedOn <= end)) figures.receivingSupport += 1;
    const latest = latestVisit(visits.filter((v) => v.caseId === c.id));
    if (latest) {
      figures.followedUp += 1;
      if (latest.outcome === 'in_school_or_training') figures.notInChildLabour += 1;
    }
    if (c.closedOn && c.closedOn <= end && c.closureReason) {
      figures.closed.total += 1;
      figures.closed.reason[c.closureReason] = (figures.closed.reason[c.closureReason] ?? 0) + 1;
      if (c.closureReason === 'remediated') figures.daysToRemediatedClosure += daysBetween(c.identifiedOn, c.closedOn);
    }
  }
  return figures;
}
