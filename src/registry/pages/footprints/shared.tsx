import type { Context } from 'hono';
import { formatNumber } from '../../../core/i18n/format.ts';
import type { Locale, Params } from '../../../core/i18n/index.ts';
import type { AppEnv } from '../../../web/context.ts';
import { frame } from '../../../web/messages.ts';
import { footprintText, type FootprintMessage } from '../../messages/footprints.ts';
import type { Coverage } from '../../queries/footprints.ts';

export type Mineral = { code: string; labelEn: string; labelFr: string };

export const text = (locale: Locale) => (key: FootprintMessage, params?: Params) => footprintText.t(locale, key, params);

export const footprintsPath = '/registry/footprints';

export const crumbs = (c: Context<AppEnv>, withFootprints = false) => [
  { href: '/registry', label: frame.t(c.get('locale'), 'nav_registry') },
  ...(withFootprints ? [{ href: footprintsPath, label: footprintText.t(c.get('locale'), 'title') }] : []),
];

const spaces = /[\s\u00a0\u202f]/g;

/**
 * Grams as a person types them (`8.5`, `8,5`, `0.05`) to whole milligrams, exactly (no floating
 * point); null when not a number above zero with at most three decimals.
 *
 * @example parseGrams('8,5') // 8500
 */
export function parseGrams(input: string): number | null {
  const match = /^(\d{1,9})(?:[.,](\d{1,3}))?$/.exec(input.replace(spaces, ''));
  if (!match) return null;
  const milligrams = Number(match[1]) * 1000 + Number((match[2] ?? '').padEnd(3, '0'));
  return milligrams > 0 ? milligrams : null;
}

/**
 * Units sold as typed: digits, optionally grouped by thousands with spaces, commas or dots
 * (`120000`, `120 000`, `120,000`); null otherwise. A decimal mark is refused, not guessed at.
 */
export function parseUnits(input: string): number | null {
  const typed = input.trim();
  if (!/^\d+$/.test(typed) && !/^\d{1,3}([\s\u00a0\u202f,.])\d{3}(?:\1\d{3})*$/.test(typed)) return null;
  const units = Number(typed.replace(/\D/g, ''));
  return Number.isSafeInteger(units) ? units : null;
}

/** Milligrams shown as grams with up to three decimals, in the reader's language. */
export const formatGrams = (locale: Locale, milligrams: number) => formatNumber(locale, milligrams / 1000, { maximumFractionDigits: 3 });

/** Coverage in percent as the reader writes it (`112.5%`, `112,5 %`); a dash when nothing is required. */
export const formatCoverage = (locale: Locale, coverage: Coverage) =>
  coverage.percent === null ? '—' : formatNumber(locale, coverage.percent / 100, { style: 'percent', maximumFractionDigits: 1 });

export const mineralLabel = (minerals: Mineral[], code: string, locale: Locale) => {
  const mineral = minerals.find((m) => m.code === code);
  return mineral ? (locale === 'fr' ? mineral.labelFr : mineral.labelEn) : code;
};
