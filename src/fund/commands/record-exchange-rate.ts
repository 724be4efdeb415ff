import { authorize } from '../../core/auth/policies.ts';
import { databaseErrorCode } from '../../db/transaction.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { fundError } from '../messages/errors.ts';
import { fundExchangeRates, reportingCurrency } from '../schema.ts';
import { assertCurrency, assertDate, cleanText, today } from '../ledger.ts';

export type RecordExchangeRateProps = {
  currency: string;
  /** The day the rate applies to (YYYY-MM-DD). */
  rateOn: string;
  /** Units of the currency one US dollar buys, in millionths (2,850.5 CDF is 2,850,500,000). */
  unitsPerUsdMicro: number;
  source: string;
};

/** The secretariat records a day's exchange rate; amounts in that currency on that day convert with it. Never changed. */
export async function recordExchangeRate(ctx: CommandContext, props: RecordExchangeRateProps) {
  authorize(ctx.actor, 'fund.manage');
  assertCurrency(props.currency);
  if (props.currency === reportingCurrency) throw fundError('currency_invalid', 422, { currency: props.currency });
  assertDate(props.rateOn, today(ctx));
  if (!Number.isSafeInteger(props.unitsPerUsdMicro) || props.unitsPerUsdMicro <= 0) throw fundError('rate_invalid', 422, { currency: props.currency });
  const source = cleanText(props.source, 200);
  if (source === null) throw fundError('rate_source_required', 422);
  let rate: typeof fundExchangeRates.$inferSelect;
  try {
    [rate] = (await ctx.tx.insert(fundExchangeRates).values({ currency: props.currency, rateOn: props.rateOn, unitsPerUsdMicro: props.unitsPerUsdMicro, source, createdAt: ctx.now }).returning()) as [typeof rate];
  } catch (error) {
    if (databaseErrorCode(error) === '23505') throw fundError('rate_exists', 409, { currency: props.currency, date: props.rateOn });
    throw error;
  }
  await appendEvent(ctx, {
    type: 'fund.exchange_rate_recorded',
    subject: `exchange-rate:${rate.currency}:${rate.rateOn}`,
    payload: { rateId: rate.id, currency: rate.currency, rateOn: rate.rateOn, unitsPerUsdMicro: rate.unitsPerUsdMicro, source },
  });
  return rate;
}
