import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { safetyError } from '../messages/errors.ts';
import { isMonth } from '../months.ts';
import { safetyHoursWorked } from '../schema.ts';
import { lockSafetySite, siteResource } from '../site-access.ts';

export const maxHoursInMonth = 1_000_000_000;

/** Records the hours worked at a site in a month (from attendance sheets); a later entry for the month replaces it. */
export async function recordHoursWorked(ctx: CommandContext, props: { siteId: number; month: string; hours: number }) {
  const site = await lockSafetySite(ctx, props.siteId);
  authorize(ctx.actor, 'safety.record', siteResource(site));
  if (!isMonth(props.month)) throw safetyError('month_invalid', 422, { month: props.month }, [{ field: 'month' }]);
  if (props.month > ctx.now.toISOString().slice(0, 7)) throw safetyError('month_in_future', 422, { month: props.month }, [{ field: 'month' }]);
  if (!Number.isSafeInteger(props.hours) || props.hours < 0 || props.hours > maxHoursInMonth) throw safetyError('hours_invalid', 422, { value: String(props.hours) }, [{ field: 'hours' }]);
  const [row] = await ctx.tx.insert(safetyHoursWorked).values({ siteId: site.id, month: props.month, hours: props.hours }).returning();
  await appendEvent(ctx, { type: 'safety.hours_recorded', subject: `site:${site.code}`, payload: { site: site.code, month: row!.month, hours: row!.hours } });
  return row!;
}
