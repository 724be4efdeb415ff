import { authorize } from '../../core/auth/policies.ts';
import { writeSetting } from '../../db/settings.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { minorUnitsOf } from '../currencies.ts';
import { reportingCurrencySetting } from '../queries/rates.ts';

/** The secretariat chooses the currency the application reports its figures in (a known currency; the US dollar until chosen). */
export async function setReportingCurrency(ctx: CommandContext, props: { currency: string }): Promise<{ currency: string }> {
  authorize(ctx.actor, 'rates.manage');
  minorUnitsOf(props.currency);
  await writeSetting(ctx.tx, reportingCurrencySetting, props.currency);
  await appendEvent(ctx, { type: 'rates.reporting_currency_set', subject: 'setting:reporting-currency', payload: { currency: props.currency } });
  return { currency: props.currency };
}
