import type { Context } from 'hono';
import { AppError } from '../../core/errors.ts';
import { formatMoney, formatNumber } from '../../core/i18n/format.ts';
import type { Locale } from '../../core/i18n/index.ts';
import type { AppEnv } from '../../web/context.ts';

/** Runs a command from a form; a refusal the person can fix comes back as the form's error, the form filled in. */
export async function attempt(c: Context<AppEnv>, run: () => Promise<unknown>): Promise<string | null> {
  try {
    await run();
    return null;
  } catch (error) {
    if (error instanceof AppError && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 403) return error.text[c.get('locale')];
    throw error;
  }
}

/** "1500", "1 500,50" or "1500.5" francs → centimes; empty is zero; null when it is not such an amount. */
export function parseFrancs(text: string | undefined): number | null {
  const cleaned = (text ?? '').replace(/[\s\u00a0\u202f]/g, '');
  if (cleaned === '') return 0;
  const match = /^(\d{1,10})(?:[.,](\d{1,2}))?$/.exec(cleaned);
  return match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : null;
}

export const cdf = (locale: Locale, minor: number | null) => (minor === null ? '–' : formatMoney(locale, minor, 'CDF'));
export const percent = (locale: Locale, ratio: number | null) => (ratio === null ? '–' : formatNumber(locale, ratio, { style: 'percent', maximumFractionDigits: 1 }));
