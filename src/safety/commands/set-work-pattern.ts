import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { safetyError } from '../messages/errors.ts';
import { isMonth } from '../months.ts';
import { safetySiteSettings } from '../schema.ts';
import { lockSafetySite, siteResource } from '../site-access.ts';

/**
 * Sets how a site works from a month on (shift length, days worked per month), for estimating the
 * hours of months with none recorded. A later setting for the same month replaces it.
 */
export async function setWorkPattern(ctx: CommandContext, props: { siteId: number; effectiveFrom: string; shiftMinutes: number; daysWorkedPerMonth: number }) {
  const site = await lockSafetySite(ctx, props.siteId);
  authorize(ctx.actor, 'safety.record', siteResource(site));
  if (!isMonth(props.effectiveFrom)) throw safetyError('month_invalid', 422, { month: props.effectiveFrom }, [{ field: 'effectiveFrom' }]);
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
