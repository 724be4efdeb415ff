import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { safetyError } from '../messages/errors.ts';
import { safetyHoursWorked, safetySiteSettings } from '../schema.ts';
import { lockSafetySite } from './site-lock.ts';

const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;
export const maxHoursInMonth = 1_000_000_000;

function refuseBadMonth(month: string, now: Date) {
  if (!monthPattern.test(month) || month < '2000-01') throw safetyError('month_invalid', 422, { month }, [{ field: 'month' }]);
  if (month > now.toISOString().slice(0, 7)) throw safetyError('month_in_future', 422, { month }, [{ field: 'month' }]);
}

/**
 * Sets how a site works from a month on (shift length, days worked per month), for estimating the
 * hours of months with none recorded. A later setting for the same month replaces it.
 */
export async function setWorkPattern(ctx: CommandContext, props: { siteId: number; effectiveFrom: string; shiftMinutes: number; daysWorkedPerMonth: number }) {
  const site = await lockSafetySite(ctx, props.siteId);
  if (!monthPattern.test(props.effectiveFrom) || props.effectiveFrom < '2000-01') throw safetyError('month_invalid', 422, { month: props.effectiveFrom }, [{ field: 'effectiveFrom' }]);
  if (!Number.isSafeInteger(props.shiftMinutes) || props.shiftMinutes < 1 || props.shiftMinutes > 1_440) throw safetyError('shift_invalid', 422, { value: String(props.shiftMinutes / 60) }, [{ field: 'shiftHours' }]);
  if (!Number.isSafeInteger(props.daysWorkedPerMonth) || props.daysWorkedPerMonth < 1 || props.daysWorkedPerMonth > 31) {
    throw safetyError('days_invalid', 422, { value: String(props.daysWorkedPerMonth) }, [{ field: 'daysWorkedPerMonth' }]);
  }
  const [row] = await ctx.tx.insert(safetySiteSettings).values({ siteId: site.id, effectiveFrom: props.effectiveFrom, shiftMinutes: props.shiftMinutes, daysWorkedPerMonth: props.daysWorkedPerMonth }).returning();
  await appendEvent(ctx, {
    type: 'safety.work_pattern_set',
    subject: `site:${site.code}`,
    payload: { site: site.code, effectiveFrom: row!.effectiveFrom, shiftMinutes: row!.shiftMinutes, daysWorkedPerMonth: row!.daysWorkedPerMonth },
  });
  return row!;
}

/** Records the hours worked at a site in a month (from attendance sheets); a later entry for the month replaces it. */
export async function recordHoursWorked(ctx: CommandContext, props: { siteId: number; month: string; hours: number }) {
  const site = await lockSafetySite(ctx, props.siteId);
  refuseBadMonth(props.month, ctx.now);
  if (!Number.isSafeInteger(props.hours) || props.hours < 0 || props.hours > maxHoursInMonth) throw safetyError('hours_invalid', 422, { value: String(props.hours) }, [{ field: 'hours' }]);
  const [row] = await ctx.tx.insert(safetyHoursWorked).values({ siteId: site.id, month: props.month, hours: props.hours }).returning();
  await appendEvent(ctx, { type: 'safety.hours_recorded', subject: `site:${site.code}`, payload: { site: site.code, month: row!.month, hours: row!.hours } });
  return row!;
}
