import type { IncidentSeverity } from './schema.ts';

/**
 * The safety figures' arithmetic, free of the database so it can be checked by hand. Conventions
 * (docs/indicators.md): incidents per 1,000 workers divide by the average headcount
 * (ILO incidence rate); per 200,000 hours is the OSHA base (100 full-time workers for a year);
 * per 1,000,000 hours the ICMM base. Where a month's hours are not recorded they are estimated as
 * workers × days worked × shift length, and any figure resting on an estimate says so.
 */

/** How a site works in a month: shift length in minutes and days worked in the month. */
export type WorkPattern = { shiftMinutes: number; daysWorkedPerMonth: number };

/** Used for a site that has recorded no setting: an eight-hour shift, six days a week. */
export const defaultWorkPattern: WorkPattern = { shiftMinutes: 480, daysWorkedPerMonth: 26 };

/** One month of exposure at a site: its headcount, and its hours if someone recorded them. */
export type MonthExposure = { month: string; headcount: number; recordedHours: number | null; pattern: WorkPattern; patternIsDefault: boolean };

/** Estimated hours of a month: workers × days worked × shift length (in hours). */
export function estimatedHours(headcount: number, pattern: WorkPattern): number {
  return (headcount * pattern.daysWorkedPerMonth * pattern.shiftMinutes) / 60;
}

export type Exposure = {
  months: number;
  /** Mean of the month-end headcounts of the months counted. */
  averageHeadcount: number;
  hoursWorked: number;
  recordedHours: number;
  estimatedHours: number;
  /** Months whose hours are estimated; `estimated` is true when there is at least one. */
  estimatedMonths: string[];
  estimated: boolean;
  /** Months estimated with the default work pattern, because the site set none. */
  defaultPatternMonths: string[];
};

/** Adds up a period's months: recorded hours where there are some, the estimate elsewhere. */
export function exposureOf(months: readonly MonthExposure[]): Exposure {
  let recorded = 0;
  let estimated = 0;
  const estimatedMonths: string[] = [];
  const defaultPatternMonths: string[] = [];
  for (const month of months) {
    if (month.recordedHours !== null) recorded += month.recordedHours;
    else {
      estimated += estimatedHours(month.headcount, month.pattern);
      estimatedMonths.push(month.month);
      if (month.patternIsDefault) defaultPatternMonths.push(month.month);
    }
  }
  const headcounts = months.reduce((sum, month) => sum + month.headcount, 0);
  return {
    months: months.length,
    averageHeadcount: months.length === 0 ? 0 : headcounts / months.length,
    hoursWorked: recorded + estimated,
    recordedHours: recorded,
    estimatedHours: estimated,
    estimatedMonths,
    estimated: estimatedMonths.length > 0,
    defaultPatternMonths,
  };
}

/** count × base ÷ denominator; null when there is nothing to divide by. */
export function ratePer(count: number, base: number, denominator: number): number | null {
  return denominator > 0 ? (count * base) / denominator : null;
}

export type Rates = {
  count: number;
  per1000Workers: number | null;
  per200kHours: number | null;
  per1mHours: number | null;
  /** True when the hours-based rates rest on estimated hours. */
  estimated: boolean;
};

export function ratesOf(count: number, exposure: Exposure): Rates {
  return {
    count,
    per1000Workers: ratePer(count, 1_000, exposure.averageHeadcount),
    per200kHours: ratePer(count, 200_000, exposure.hoursWorked),
    per1mHours: ratePer(count, 1_000_000, exposure.hoursWorked),
    estimated: exposure.estimated,
  };
}

export type SeverityCounts = Record<IncidentSeverity, number>;
/** Injuries and deaths together (near misses hurt no one): the total recordable incidents. */
export const recordableCount = (counts: SeverityCounts) => counts.fatal + counts.serious_lost_time + counts.minor_first_aid;

export type Change = { current: number; previous: number; difference: number; percent: number | null };

/** Year-on-year change: the difference and its share of last year's figure (none when last year had none). */
export function changeOf(current: number, previous: number): Change {
  return { current, previous, difference: current - previous, percent: previous === 0 ? null : (100 * (current - previous)) / previous };
}

/** Months `YYYY-MM` of a year that have started by `today` (all twelve for a past year). */
export function monthsOfYear(year: number, today: string): string[] {
  const months = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
  return months.filter((month) => month <= today.slice(0, 7));
}

/** The last day of a month `YYYY-MM`, as `YYYY-MM-DD`. */
export function lastDayOfMonth(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, monthNumber, 0)).toISOString().slice(0, 10);
}
