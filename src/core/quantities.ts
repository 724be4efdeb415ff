/** Quantities as people type them into forms: tonnes and money, read exactly into integers. */

/** Spaces people put between thousands: plain, no-break and narrow no-break. */
const thousandsSpaces = /[\s\u00a0\u202f]/g;

/** Tonnes as typed (`2.5`, `2,5`, `1 250.125`) to whole kilograms; null when not a quantity above zero with at most three decimals. */
export function parseTypedTonnes(text: string): number | null {
  const match = /^(\d{1,9})(?:[.,](\d{1,3}))?$/.exec(text.replace(thousandsSpaces, ''));
  if (!match) return null;
  const kilograms = Number(match[1]) * 1000 + Number((match[2] ?? '').padEnd(3, '0'));
  return kilograms > 0 ? kilograms : null;
}

/** Kilograms back into the text the forms take: 1250125 → "1250.125". */
export const tonnesInput = (kilograms: number) => `${Math.floor(kilograms / 1000)}.${String(kilograms % 1000).padStart(3, '0')}`;

/** Minor-unit digits of a currency (USD 2, CDF 2, JPY 0), from ISO 4217 through Intl; 2 for a code Intl does not know. */
export function currencyDigits(currency: string): number {
  if (!/^[A-Z]{3}$/.test(currency)) return 2;
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/**
 * An amount as typed (`5000`, `5 000`, `12500.5`, `12 500,50`) to minor units of the currency;
 * null when it is not an amount above zero with at most the currency's decimals. Only spaces
 * separate thousands, so `5,000` is never read as five thousand by one reader and five by another.
 */
export function parseMoney(text: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  const match = /^(\d{1,13})(?:[.,](\d+))?$/.exec(text.replace(thousandsSpaces, ''));
  if (!match || (match[2] ?? '').length > digits) return null;
  const minor = Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || '0');
  return Number.isSafeInteger(minor) && minor > 0 ? minor : null;
}

/** Minor units back into the text the forms take: 1250000 USD → "12500.00". */
export function moneyInput(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  if (digits === 0) return String(minor);
  return `${Math.floor(minor / 10 ** digits)}.${String(minor % 10 ** digits).padStart(digits, '0')}`;
}
