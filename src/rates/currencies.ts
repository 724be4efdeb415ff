import { ratesError } from './messages/errors.ts';

/** The currency every exchange rate is quoted against: a rate says how many units of a currency one US dollar buys. */
export const baseCurrency = 'USD';

/**
 * The currencies Orebook meets, with their minor-unit exponent from ISO 4217 (2: an amount is kept
 * in cents; 0: in whole units). An amount in any other currency is refused: its minor units would
 * be a guess.
 */
export const currencies = [
  { code: 'USD', minorUnits: 2 },
  { code: 'EUR', minorUnits: 2 },
  { code: 'CHF', minorUnits: 2 },
  { code: 'GBP', minorUnits: 2 },
  { code: 'CDF', minorUnits: 2 },
  { code: 'ZAR', minorUnits: 2 },
  { code: 'ZMW', minorUnits: 2 },
  { code: 'CNY', minorUnits: 2 },
  { code: 'JPY', minorUnits: 0 },
  { code: 'KRW', minorUnits: 0 },
  { code: 'CAD', minorUnits: 2 },
  { code: 'AUD', minorUnits: 2 },
  { code: 'SEK', minorUnits: 2 },
  { code: 'NOK', minorUnits: 2 },
  { code: 'DKK', minorUnits: 2 },
  { code: 'AED', minorUnits: 2 },
  { code: 'INR', minorUnits: 2 },
  { code: 'KES', minorUnits: 2 },
  { code: 'TZS', minorUnits: 2 },
  { code: 'UGX', minorUnits: 0 },
  { code: 'RWF', minorUnits: 0 },
  { code: 'BIF', minorUnits: 0 },
  { code: 'AOA', minorUnits: 2 },
  { code: 'XAF', minorUnits: 0 },
  { code: 'XOF', minorUnits: 0 },
] as const satisfies readonly { code: string; minorUnits: number }[];

export type CurrencyCode = (typeof currencies)[number]['code'];

const exponents = new Map<string, number>(currencies.map((c) => [c.code, c.minorUnits]));

export const isKnownCurrency = (code: string): code is CurrencyCode => exponents.has(code);

/** The minor-unit exponent of a currency (USD 2, JPY 0); a 422 `currency_unknown` for any currency not in the list. */
export function minorUnitsOf(code: string): number {
  const exponent = exponents.get(code);
  if (exponent === undefined) throw ratesError('currency_unknown', 422, { currency: code.slice(0, 12) }, { currency: code.slice(0, 12) });
  return exponent;
}
