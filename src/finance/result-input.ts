import { eq } from 'drizzle-orm';
import type { Indicator } from '../core/indicators.ts';
import type { Queryable } from '../db/connect.ts';
import { notXmlCharacter } from './activity-input.ts';
import { resultError } from './messages/results-errors.ts';
import { indicatorMeasureCodes, resultTypeCodes } from './results-schema.ts';
import { financeActivities } from './schema.ts';

/** An indicator of a result, as the secretariat defines it. */
export type ResultIndicatorProps = {
  /** The Orebook indicator it is computed by, e.g. `safety.incidents_by_kind`: a public one. */
  indicator: string;
  titleEn: string;
  titleFr: string;
  /** The filters passed to the indicator (keys among its `filters`), e.g. {"site":"KAM"}. */
  filters?: Record<string, string>;
  /** The dimension values summed (keys among its `disaggregations`), e.g. {"severity":"fatal"}; none: every value. */
  selection?: Record<string, string>;
  /** IATI IndicatorMeasure: 1 unit, 2 percentage. */
  measure: number;
  /** Whether more is better. */
  ascending: boolean;
  baselineYear: number;
  baselineValue: number;
};

export type ResultProps = {
  activity: string;
  /** IATI ResultType: 1 output, 2 outcome, 3 impact, 9 other. */
  type: number;
  titleEn: string;
  titleFr: string;
  descriptionEn?: string;
  descriptionFr?: string;
  indicators: ResultIndicatorProps[];
};

/** The activity of that code, else a 404 (it is the address of the result). */
export async function activityForResults(db: Queryable, code: string) {
  // An activity's code (finance_activities_code_format): anything else names none, and is not sent to the database.
  const [activity] = !/^[A-Z0-9][A-Z0-9-]{0,39}$/.test(String(code))
    ? []
    : await db
    .select({ id: financeActivities.id, code: financeActivities.code, plannedStart: financeActivities.plannedStart, plannedEnd: financeActivities.plannedEnd, actualStart: financeActivities.actualStart, actualEnd: financeActivities.actualEnd })
    .from(financeActivities)
    .where(eq(financeActivities.code, String(code)));
  if (!activity) throw resultError('activity_not_found', 404, { code: String(code).slice(0, 40) });
  return activity;
}

/** The first and last day of an activity, planned or actual, whichever is wider (last: null while it has no end). */
export function activitySpan(activity: { plannedStart: string; plannedEnd: string | null; actualStart: string | null; actualEnd: string | null }) {
  const start = [activity.plannedStart, activity.actualStart].filter((d): d is string => d !== null).sort()[0]!;
  const ends = [activity.plannedEnd, activity.actualEnd].filter((d): d is string => d !== null).sort();
  return { start, end: ends.at(-1) ?? null };
}

function text(value: string | undefined, max: number, required: boolean): string {
  const trimmed = (typeof value === 'string' ? value : '').trim();
  if ((required && !trimmed) || trimmed.length > max) throw resultError('result_text_required', 422);
  if (notXmlCharacter.test(trimmed)) throw resultError('text_characters', 422);
  return trimmed;
}

function keyValues(value: Record<string, string> | undefined, allowed: readonly string[], code: 'indicator_filter_invalid' | 'indicator_selection_invalid', indicator: string): Record<string, string> {
  const entries = Object.entries(value ?? {});
  for (const [key, item] of entries) {
    if (!allowed.includes(key) || typeof item !== 'string' || !/^[A-Za-z0-9_.:-]{1,60}$/.test(item)) throw resultError(code, 422, { indicator, key: key.slice(0, 40), allowed: allowed.join(', ') || '—' });
  }
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

/** Checks an indicator of a result against the indicators the app computes; answers the row to write (but its result). */
export function checkResultIndicator(props: ResultIndicatorProps, indicators: readonly Indicator[]) {
  const id = typeof props.indicator === 'string' ? props.indicator.slice(0, 80) : '';
  const indicator = indicators.find((candidate) => candidate.id === id);
  if (!indicator) throw resultError('indicator_unknown', 422, { indicator: id });
  if (indicator.visibility !== 'public') throw resultError('indicator_restricted', 422, { indicator: id });
  const titleEn = (props.titleEn ?? '').trim();
  const titleFr = (props.titleFr ?? '').trim();
  if (!titleEn || !titleFr || titleEn.length > 200 || titleFr.length > 200) throw resultError('indicator_title_required', 422);
  if (notXmlCharacter.test(titleEn) || notXmlCharacter.test(titleFr)) throw resultError('text_characters', 422);
  if (!(indicatorMeasureCodes as readonly number[]).includes(props.measure)) throw resultError('measure_invalid', 422, { measure: String(props.measure).slice(0, 12) });
  if (typeof props.ascending !== 'boolean') throw resultError('ascending_invalid', 422);
  if (!Number.isInteger(props.baselineYear) || props.baselineYear < 2000 || props.baselineYear > 2100 || !Number.isFinite(props.baselineValue)) throw resultError('baseline_invalid', 422);
  return {
    indicatorId: indicator.id,
    titleEn,
    titleFr,
    filters: keyValues(props.filters, indicator.filters, 'indicator_filter_invalid', indicator.id),
    selection: keyValues(props.selection, indicator.disaggregations, 'indicator_selection_invalid', indicator.id),
    measureCode: props.measure,
    ascending: props.ascending,
    baselineYear: props.baselineYear,
    baselineValue: props.baselineValue,
  };
}

/** Checks a result's own fields (type, texts) and its indicators; reads nothing, writes nothing. */
export function checkResult(props: ResultProps, indicators: readonly Indicator[]) {
  if (!(resultTypeCodes as readonly number[]).includes(props.type)) throw resultError('result_type_invalid', 422, { type: String(props.type).slice(0, 12) });
  const row = {
    typeCode: props.type,
    titleEn: text(props.titleEn, 200, true),
    titleFr: text(props.titleFr, 200, true),
    descriptionEn: text(props.descriptionEn, 2000, false),
    descriptionFr: text(props.descriptionFr, 2000, false),
  };
  if (!row.descriptionEn !== !row.descriptionFr) throw resultError('result_text_required', 422);
  if (!Array.isArray(props.indicators) || props.indicators.length < 1 || props.indicators.length > 10) throw resultError('indicators_required', 422);
  return { row, indicators: props.indicators.map((indicator) => checkResultIndicator(indicator, indicators)) };
}
