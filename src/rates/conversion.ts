import { isIsoDate } from '../core/calendar.ts';
import { baseCurrency, minorUnitsOf } from './currencies.ts';
import { ratesError } from './messages/errors.ts';
import type { ExchangeRate } from './schema.ts';

/** A US dollar in millionths of itself: the base currency's rate against itself. */
const baseMicro = 1_000_000n;

/**
 * The one rounding rule of Orebook's conversions: the exact quotient, rounded to the nearest minor
 * unit of the target currency, halves away from zero (0.5 cent becomes 1 cent, -0.5 cent -1 cent).
 * Every conversion computes its exact quotient in integers and rounds once, here.
 */
export function roundToMinor(numerator: bigint, denominator: bigint): number {
  if (denominator <= 0n) throw new Error('a conversion divides by a positive rate');
  const magnitude = numerator < 0n ? -numerator : numerator;
  const rounded = (2n * magnitude + denominator) / (2n * denominator);
  const result = Number(numerator < 0n ? -rounded : rounded);
  if (!Number.isSafeInteger(result)) throw ratesError('amount_invalid', 422);
  return result;
}

/** A rate a conversion used, as a figure lists it: which currency, which day, how many units per US dollar (millionths), and where the rate comes from. */
export type RateUsed = Pick<ExchangeRate, 'id' | 'currency' | 'rateOn' | 'unitsPerUsdMicro' | 'source'>;

/** A converted amount with the rates it used (none when nothing was converted, one or two otherwise). */
export type Conversion = { amountMinor: number; currency: string; on: string; ratesUsed: RateUsed[] };

export type ConversionRequest = {
  /** The amount in minor units of `from` (cents); may be negative (a balance, a reversal). */
  amountMinor: number;
  from: string;
  to: string;
  /** The day whose rates apply (YYYY-MM-DD): the date of the transaction converted. */
  on: string;
};

/** The rates recorded for some currencies and days, keyed `CUR:YYYY-MM-DD`: what `convertWith` looks rates up in. */
export type RateBook = ReadonlyMap<string, RateUsed>;

export const rateKey = (currency: string, day: string) => `${currency}:${day}`;

export function rateBookOf(rates: readonly RateUsed[]): RateBook {
  return new Map(rates.map((rate) => [rateKey(rate.currency, rate.rateOn), rate]));
}

/**
 * Converts between any two known currencies through the US dollar, with the rates recorded for
 * the day itself (no earlier day stands in for a missing one: a 422 `rate_missing` names the
 * currency and day). Exact integer arithmetic, rounded once (`roundToMinor`).
 */
export function convertWith(book: RateBook, request: ConversionRequest): Conversion {
  const fromDigits = minorUnitsOf(request.from);
  const toDigits = minorUnitsOf(request.to);
  if (!Number.isSafeInteger(request.amountMinor)) throw ratesError('amount_invalid', 422);
  if (!isIsoDate(request.on)) throw ratesError('date_invalid', 422);
  if (request.from === request.to) return { amountMinor: request.amountMinor, currency: request.to, on: request.on, ratesUsed: [] };
  const rateOf = (currency: string): RateUsed | null => {
    if (currency === baseCurrency) return null;
    const rate = book.get(rateKey(currency, request.on));
    if (!rate) throw ratesError('rate_missing', 422, { currency, date: request.on }, { currency, date: request.on });
    return rate;
  };
  const fromRate = rateOf(request.from);
  const toRate = rateOf(request.to);
  // amount in `to` = amount / (from per USD) * (to per USD), each side scaled to its minor units.
  const numerator = BigInt(request.amountMinor) * 10n ** BigInt(toDigits) * (toRate ? BigInt(toRate.unitsPerUsdMicro) : baseMicro);
  const denominator = 10n ** BigInt(fromDigits) * (fromRate ? BigInt(fromRate.unitsPerUsdMicro) : baseMicro);
  return { amountMinor: roundToMinor(numerator, denominator), currency: request.to, on: request.on, ratesUsed: [fromRate, toRate].filter((rate): rate is RateUsed => rate !== null) };
}

/** The distinct rates a set of conversions used, in the order first used: what a report lists beside its figures. */
export function ratesUsedBy(conversions: readonly Conversion[]): RateUsed[] {
  const used = new Map<number, RateUsed>();
  for (const conversion of conversions) for (const rate of conversion.ratesUsed) if (!used.has(rate.id)) used.set(rate.id, rate);
  return [...used.values()];
}

/** A rate as people write it (`2850.5`, `2 850,50`) to millionths; null when not a positive number with at most six decimals. */
export function parseRate(text: string): number | null {
  const match = /^(\d{1,9})(?:[.,](\d{1,6}))?$/.exec(text.replace(/[\s\u00a0\u202f]/g, ''));
  if (!match) return null;
  const micro = Number(match[1]) * 1_000_000 + Number((match[2] ?? '').padEnd(6, '0'));
  return micro > 0 ? micro : null;
}

/** The rate in millionths as a decimal string for reading (2850500000 → "2850.5"). */
export function rateText(unitsPerUsdMicro: number): string {
  const whole = Math.floor(unitsPerUsdMicro / 1_000_000);
  const fraction = String(unitsPerUsdMicro % 1_000_000).padStart(6, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}
