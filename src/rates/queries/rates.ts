import { and, asc, desc, eq, gte, inArray, lte } from 'drizzle-orm';
import { isIsoDate } from '../../core/calendar.ts';
import type { Queryable } from '../../db/connect.ts';
import { readSetting } from '../../db/settings.ts';
import { convertWith, rateBookOf, type Conversion, type ConversionRequest, type RateBook } from '../conversion.ts';
import { baseCurrency, minorUnitsOf } from '../currencies.ts';
import { ratesError } from '../messages/errors.ts';
import { exchangeRates, type ExchangeRate } from '../schema.ts';

export type RateFilter = { currency?: string; from?: string; to?: string };

/** The recorded rates, by currency then newest day first, optionally of one currency and within a period (both ends included). */
export async function listExchangeRates(db: Queryable, filter: RateFilter = {}): Promise<ExchangeRate[]> {
  if (filter.currency !== undefined) minorUnitsOf(filter.currency);
  if ((filter.from !== undefined && !isIsoDate(filter.from)) || (filter.to !== undefined && !isIsoDate(filter.to)) || (filter.from && filter.to && filter.from > filter.to)) {
    throw ratesError('period_invalid', 422);
  }
  return db
    .select()
    .from(exchangeRates)
    .where(
      and(
        filter.currency === undefined ? undefined : eq(exchangeRates.currency, filter.currency),
        filter.from === undefined ? undefined : gte(exchangeRates.rateOn, filter.from),
        filter.to === undefined ? undefined : lte(exchangeRates.rateOn, filter.to),
      ),
    )
    .orderBy(asc(exchangeRates.currency), desc(exchangeRates.rateOn));
}

/** The rates recorded for these currencies on these days (what converting amounts of those days needs), as a book to convert with. */
export async function loadRates(db: Queryable, needs: readonly { currency: string; on: string }[]): Promise<RateBook> {
  const currencies = [...new Set(needs.map((n) => n.currency).filter((c) => c !== baseCurrency))];
  const days = [...new Set(needs.map((n) => n.on).filter(isIsoDate))];
  if (currencies.length === 0 || days.length === 0) return rateBookOf([]);
  const wanted = new Set(needs.map((n) => `${n.currency}:${n.on}`));
  const rows = await db.select().from(exchangeRates).where(and(inArray(exchangeRates.currency, currencies), inArray(exchangeRates.rateOn, days)));
  return rateBookOf(rows.filter((row) => wanted.has(`${row.currency}:${row.rateOn}`)));
}

/**
 * An amount converted from one currency to another with the rates of its day, and the rates it
 * used. Unknown currency: 422 `currency_unknown`; no rate that day: 422 `rate_missing`.
 *
 * @example
 * await convert(db, { amountMinor: 285_000_00, from: 'CDF', to: 'USD', on: '2026-03-02' });
 * // { amountMinor: 10_000, currency: 'USD', on: '2026-03-02', ratesUsed: [{ currency: 'CDF', rateOn: '2026-03-02', unitsPerUsdMicro: 2_850_000_000, ... }] }
 */
export async function convert(db: Queryable, request: ConversionRequest): Promise<Conversion> {
  const book = await loadRates(db, [
    { currency: request.from, on: request.on },
    { currency: request.to, on: request.on },
  ]);
  return convertWith(book, request);
}

export const reportingCurrencySetting = 'rates.reporting_currency';

/** The currency the application reports its figures in: the secretariat's setting, the US dollar until it is set. */
export async function reportingCurrencyOf(db: Queryable): Promise<string> {
  return (await readSetting<string>(db, reportingCurrencySetting)) ?? baseCurrency;
}
