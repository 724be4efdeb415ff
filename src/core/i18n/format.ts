import type { Locale } from './index.ts';

const intlLocale: Record<Locale, string> = { en: 'en-GB', fr: 'fr-FR' };

export function formatNumber(locale: Locale, value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(intlLocale[locale], options).format(value);
}

/** Credits and metal are stored in kilograms and shown in tonnes with three decimals. */
export function formatTonnes(locale: Locale, kilograms: number): string {
  return `${formatNumber(locale, kilograms / 1000, { minimumFractionDigits: 3, maximumFractionDigits: 3 })} t`;
}

/**
 * Money is stored in minor units of its currency; shown with the currency code. `whole` rounds to
 * whole units, for a headline figure whose exact amount is in the table below it.
 */
export function formatMoney(locale: Locale, amountMinor: number, currency: string, options: { whole?: boolean } = {}): string {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const rounding = options.whole ? { minimumFractionDigits: 0, maximumFractionDigits: 0 } : {};
  return new Intl.NumberFormat(intlLocale[locale], { style: 'currency', currency, currencyDisplay: 'code', ...rounding }).format(amountMinor / 10 ** digits);
}

export function formatDate(locale: Locale, date: Date | string): string {
  return new Intl.DateTimeFormat(intlLocale[locale], { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(date));
}

export function formatDateTime(locale: Locale, date: Date | string): string {
  return new Intl.DateTimeFormat(intlLocale[locale], { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(
    new Date(date),
  );
}

export function formatMonth(locale: Locale, yearMonth: string): string {
  return new Intl.DateTimeFormat(intlLocale[locale], { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${yearMonth}-01T00:00:00Z`),
  );
}
