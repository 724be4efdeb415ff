import { authorize } from '../../core/auth/policies.ts';
import { isIsoDate, isoDateOf } from '../../core/calendar.ts';
import { databaseErrorCode } from '../../db/transaction.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { baseCurrency, minorUnitsOf } from '../currencies.ts';
import { ratesError } from '../messages/errors.ts';
import { exchangeRates, type ExchangeRate } from '../schema.ts';

export type RecordExchangeRateProps = {
  currency: string;
  /** The day the rate applies to (YYYY-MM-DD), not after today. */
  rateOn: string;
  /** Units of the currency one US dollar buys, in millionths (2,850.5 CDF is 2,850,500,000). */
  unitsPerUsdMicro: number;
  /** Where the rate comes from (a central bank's daily rate, a bank statement): up to 200 characters. */
  source: string;
};

/**
 * The secretariat records a day's exchange rate of a currency against the US dollar; amounts of
 * that currency and day convert with it, wherever in Orebook. Never changed: a second rate for the
 * same currency and day is refused (409 `rate_exists`).
 */
export async function recordExchangeRate(ctx: CommandContext, props: RecordExchangeRateProps): Promise<ExchangeRate> {
  authorize(ctx.actor, 'rates.manage');
  minorUnitsOf(props.currency);
  if (props.currency === baseCurrency) throw ratesError('currency_is_base', 422);
  if (!isIsoDate(props.rateOn) || props.rateOn > isoDateOf(ctx.now)) throw ratesError('date_invalid', 422);
  if (!Number.isSafeInteger(props.unitsPerUsdMicro) || props.unitsPerUsdMicro <= 0) throw ratesError('rate_invalid', 422, { currency: props.currency });
  const source = (props.source ?? '').trim();
  if (source.length === 0 || source.length > 200) throw ratesError('rate_source_required', 422);
  let rate: ExchangeRate;
  try {
    [rate] = (await ctx.tx.insert(exchangeRates).values({ currency: props.currency, rateOn: props.rateOn, unitsPerUsdMicro: props.unitsPerUsdMicro, source, createdAt: ctx.now }).returning()) as [ExchangeRate];
  } catch (error) {
    if (databaseErrorCode(error) === '23505') throw ratesError('rate_exists', 409, { currency: props.currency, date: props.rateOn }, { currency: props.currency, date: props.rateOn });
    throw error;
  }
  await appendEvent(ctx, {
    type: 'rates.exchange_rate_recorded',
    subject: `exchange-rate:${rate.currency}:${rate.rateOn}`,
    payload: { rateId: rate.id, currency: rate.currency, rateOn: rate.rateOn, unitsPerUsdMicro: rate.unitsPerUsdMicro, source },
  });
  return rate;
}
