import { addMonths } from '../core/calendar.ts';
import type { Queryable } from '../db/connect.ts';
import { readSetting } from '../db/settings.ts';
import type { visitOutcomes } from './schema.ts';

export type VisitOutcome = (typeof visitOutcomes)[number];

/**
 * When follow-up visits fall due, in months after the remediation plan starts: the first visits
 * (3 and 6 months, the ones the closure rule reads), then one every `thenEveryMonths` until the
 * child turns 18. A programme may change it with the `children_follow_up_schedule` setting.
 */
export type FollowUpSchedule = { firstMonths: readonly number[]; thenEveryMonths: number };

export const defaultFollowUpSchedule: FollowUpSchedule = { firstMonths: [3, 6], thenEveryMonths: 12 };
export const followUpScheduleSetting = 'children_follow_up_schedule';

export async function loadFollowUpSchedule(db: Queryable): Promise<FollowUpSchedule> {
  const stored = await readSetting<FollowUpSchedule>(db, followUpScheduleSetting);
  return stored && stored.firstMonths.length > 0 && stored.thenEveryMonths > 0 ? stored : defaultFollowUpSchedule;
}

/**
 * The latest day the child can still be 17. Only the age in years is known at identification, so
 * the child turns 18 at the latest (18 − age) years after it: follow-up runs until then.
 */
export function latestEighteenthBirthday(identifiedOn: string, ageAtIdentification: number): string {
  return addMonths(identifiedOn, 12 * (18 - ageAtIdentification));
}

export type DueVisit = { dueMonths: number; dueOn: string };

/**
 * The scheduled visits of a case. The first ones are always due, so that every child gets the
 * visits the closure rule needs; the yearly ones stop when the child turns 18.
 */
export function scheduledVisits(props: { planStartedOn: string; identifiedOn: string; ageAtIdentification: number }, schedule: FollowUpSchedule): DueVisit[] {
  const adultOn = latestEighteenthBirthday(props.identifiedOn, props.ageAtIdentification);
  const visits = schedule.firstMonths.map((months) => ({ dueMonths: months, dueOn: addMonths(props.planStartedOn, months) }));
  const lastFirst = Math.max(...schedule.firstMonths);
  for (let months = lastFirst + schedule.thenEveryMonths; months <= 240; months += schedule.thenEveryMonths) {
    const dueOn = addMonths(props.planStartedOn, months);
    if (dueOn >= adultOn) break;
    visits.push({ dueMonths: months, dueOn });
  }
  return visits;
}

/** Scheduled visits not yet recorded whose due day has passed. */
export function overdueVisits(due: readonly DueVisit[], recorded: readonly { dueMonths: number | null }[], today: string): DueVisit[] {
  const done = new Set(recorded.map((visit) => visit.dueMonths));
  return due.filter((visit) => !done.has(visit.dueMonths) && visit.dueOn < today);
}

/** The next scheduled visit not yet recorded, if any. */
export function nextVisit(due: readonly DueVisit[], recorded: readonly { dueMonths: number | null }[]): DueVisit | undefined {
  const done = new Set(recorded.map((visit) => visit.dueMonths));
  return due.find((visit) => !done.has(visit.dueMonths));
}

export type ClosureProblem = { reason: 'missing_visit' | 'working' | 'not_found'; months: number };

/**
 * The closure rule (ICI / ECLT practice): a case closes as remediated only when the child was found
 * and not working (in school or training) at each of the first scheduled visits, 3 and 6 months
 * after the plan started. A visit that did not find the child proves nothing, so it does not count.
 * Returns the first reason the rule is not met, or null when it is.
 */
export function remediationClosureProblem(visits: readonly { dueMonths: number | null; outcome: VisitOutcome }[], schedule: FollowUpSchedule = defaultFollowUpSchedule): ClosureProblem | null {
  for (const months of schedule.firstMonths) {
    const visit = visits.find((v) => v.dueMonths === months);
    if (!visit) return { reason: 'missing_visit', months };
    if (visit.outcome === 'working') return { reason: 'working', months };
    if (visit.outcome === 'not_found') return { reason: 'not_found', months };
  }
  return null;
}
