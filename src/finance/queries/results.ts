import { asc, eq, inArray, or } from 'drizzle-orm';
import type { Localized } from '../../core/i18n/index.ts';
import type { Indicator, IndicatorValue } from '../../core/indicators.ts';
import type { Queryable } from '../../db/connect.ts';
import { financeGrantRestrictions } from '../grants-schema.ts';
import { financeResultIndicators, financeResults, financeResultTargets } from '../results-schema.ts';
import { financeActivities } from '../schema.ts';

/** A year of a result's indicator: its target, and its actual once the year has ended (null before, or when the indicator withholds it). */
export type ResultPeriod = { year: number; target: number; actual: number | null };

export type PublishedResultIndicator = {
  id: number;
  indicatorId: string;
  title: Localized;
  /** The Orebook indicator's formula, which says how the figure is computed. */
  formula: Localized | null;
  filters: Record<string, string>;
  selection: Record<string, string>;
  measure: number;
  ascending: boolean;
  baseline: { year: number; value: number };
  periods: ResultPeriod[];
};

export type PublishedResult = {
  id: number;
  activityId: number;
  /** When it or one of its targets was last recorded: the activity's record changed then. */
  recordedAt: Date;
  type: number; title: Localized; description: Localized | null; indicators: PublishedResultIndicator[];
};

/** Whether a value's dimensions match the selection (every selected dimension has the selected value). */
const matches = (value: IndicatorValue, selection: Record<string, string>) => Object.entries(selection).every(([key, wanted]) => value.dimensions[key] === wanted);

/** A figure as IATI writes it: at most four decimals, without the float's noise (0.1 + 0.2 is 0.3). */
export const resultNumber = (value: number) => Math.round(value * 10_000) / 10_000;

/**
 * The actual of a result's indicator for a calendar year: the indicator computed over the year with
 * the result's filters, summing the values whose dimensions match the selection. Null while the
 * year has not ended, when the indicator is not (or no longer) a public one the app computes, or
 * when no value matches and the indicator does not count a missing value as zero (a withheld count).
 */
export async function yearActual(
  db: Queryable,
  indicator: Indicator | undefined,
  query: { year: number; filters: Record<string, string>; selection: Record<string, string> },
  now: Date,
): Promise<number | null> {
  if (!indicator || indicator.visibility !== 'public') return null;
  const to = new Date(Date.UTC(query.year + 1, 0, 1));
  if (to > now) return null;
  const values = await indicator.compute(db, { period: { from: new Date(Date.UTC(query.year, 0, 1)), to }, filters: query.filters });
  const matching = values.filter((value) => matches(value, query.selection));
  if (matching.length === 0) return indicator.zeroWhenAbsent ? 0 : null;
  return resultNumber(matching.reduce((sum, value) => sum + value.value, 0));
}

/**
 * The results of the given activities (all when none is given), each with its indicators, their
 * baselines, and a period per year that has a target, with the year's actual computed from the
 * indicators the app has. Only public indicators are computed: a result never shows a person.
 */
export async function loadResults(db: Queryable, indicators: readonly Indicator[], now: Date, activityIds?: readonly number[]): Promise<Map<number, PublishedResult[]>> {
  const byActivity = new Map<number, PublishedResult[]>();
  if (activityIds && activityIds.length === 0) return byActivity;
  const results = await db
    .select()
    .from(financeResults)
    .where(activityIds ? inArray(financeResults.activityId, [...activityIds]) : undefined)
    .orderBy(asc(financeResults.id));
  if (results.length === 0) return byActivity;
  const rows = await db
    .select()
    .from(financeResultIndicators)
    .where(
      inArray(
        financeResultIndicators.resultId,
        results.map((result) => result.id),
      ),
    )
    .orderBy(asc(financeResultIndicators.id));
  const targets = rows.length
    ? await db
        .select()
        .from(financeResultTargets)
        .where(
          inArray(
            financeResultTargets.resultIndicatorId,
            rows.map((row) => row.id),
          ),
        )
        .orderBy(asc(financeResultTargets.year))
    : [];
  for (const result of results) {
    const published: PublishedResult = {
      id: result.id,
      activityId: result.activityId,
      recordedAt: result.createdAt,
      type: result.typeCode,
      title: { en: result.titleEn, fr: result.titleFr },
      description: result.descriptionEn ? { en: result.descriptionEn, fr: result.descriptionFr } : null,
      indicators: [],
    };
    for (const row of rows.filter((candidate) => candidate.resultId === result.id)) {
      const indicator = indicators.find((candidate) => candidate.id === row.indicatorId);
      const periods: ResultPeriod[] = [];
      for (const target of targets.filter((candidate) => candidate.resultIndicatorId === row.id)) {
        if (target.updatedAt > published.recordedAt) published.recordedAt = target.updatedAt;
        periods.push({ year: target.year, target: target.value, actual: await yearActual(db, indicator, { year: target.year, filters: row.filters, selection: row.selection }, now) });
      }
      published.indicators.push({
        id: row.id,
        indicatorId: row.indicatorId,
        title: { en: row.titleEn, fr: row.titleFr },
        formula: indicator && indicator.visibility === 'public' ? indicator.formula : null,
        filters: row.filters,
        selection: row.selection,
        measure: row.measureCode,
        ascending: row.ascending,
        baseline: { year: row.baselineYear, value: row.baselineValue },
        periods,
      });
    }
    byActivity.set(result.activityId, [...(byActivity.get(result.activityId) ?? []), published]);
  }
  return byActivity;
}

/** The activities a grant funds: those it is restricted to, directly or through their programme area. */
export async function activitiesFundedBy(db: Queryable, grantId: number): Promise<{ id: number; code: string }[]> {
  return db
    .selectDistinct({ id: financeActivities.id, code: financeActivities.code })
    .from(financeGrantRestrictions)
    .innerJoin(financeActivities, or(eq(financeActivities.id, financeGrantRestrictions.activityId), eq(financeActivities.areaId, financeGrantRestrictions.areaId)))
    .where(eq(financeGrantRestrictions.grantId, grantId))
    .orderBy(asc(financeActivities.code));
}
