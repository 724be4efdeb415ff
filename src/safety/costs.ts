import { safetyError } from './messages/errors.ts';

/** Currencies the programme pays in, with their ISO 4217 minor-unit digits. */
export const costCurrencies = { USD: 2, CDF: 2, EUR: 2 } as const;
export type CostCurrency = keyof typeof costCurrencies;

export const isCurrency = (value: string): value is CostCurrency => value in costCurrencies;

/**
 * Reads a cost typed by a person in the currency's major unit ("1250", "1 250,50", "1250.5") as
 * integer minor units. Spaces group thousands; a point or a comma marks the decimals.
 */
export function parseCost(text: string, currency: string): number {
  if (!isCurrency(currency)) throw safetyError('currency_unknown', 422, { known: Object.keys(costCurrencies).join(', ') });
  const digits = costCurrencies[currency];
  const match = /^(\d{1,13})(?:[.,](\d+))?$/.exec(text.replace(/[\s\u00a0\u202f]/g, ''));
  if (!match || (match[2]?.length ?? 0) > digits) throw safetyError('cost_invalid', 422, { value: text, currency, digits });
  return Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0'));
}
