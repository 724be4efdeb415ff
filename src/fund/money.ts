import { currencyDigits } from '../core/quantities.ts';
import { reportingCurrency } from './schema.ts';

export const isCurrencyCode = (value: string) => /^[A-Z]{3}$/.test(value) && Intl.supportedValuesOf('currency').includes(value);

/**
 * An amount in another currency as US-dollar minor units, at a rate of `unitsPerUsdMicro`
 * millionths of a unit per dollar; exact integer arithmetic, rounded half up.
 */
export function toReportingMinor(amountMinor: number, currency: string, unitsPerUsdMicro: number | null): number {
  if (currency === reportingCurrency) return amountMinor;
  if (unitsPerUsdMicro === null) throw new Error(`no rate to convert ${currency}`);
  const numerator = BigInt(amountMinor) * 10n ** BigInt(currencyDigits(reportingCurrency)) * 1_000_000n;
  const denominator = 10n ** BigInt(currencyDigits(currency)) * BigInt(unitsPerUsdMicro);
  const sign = numerator < 0n ? -1n : 1n;
  const magnitude = numerator < 0n ? -numerator : numerator;
  return Number(sign * ((2n * magnitude + denominator) / (2n * denominator)));
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
