import { defineMessages, type Locale } from './i18n/index.ts';
import { formatNumber } from './i18n/format.ts';

/**
 * The small-number rule, the one helper every public count goes through. A count under 5 is never
 * published ("fewer than 5"); nor is a count from which one could work such a count out by
 * subtraction (the complement of a part in its whole, or the last hidden cell of a breakdown
 * whose total is shown): those are hidden as well, marked `secondary`.
 *
 * Zero is a count under 5 too, and is hidden by default: "no child was identified at site X" is
 * itself a disclosure about people. A count of events rather than of people (incidents, meetings)
 * may show a true zero with `{ zero: 'shown' }`: a site with no incident says so. The rule applies
 * to counts, never to averages, shares or amounts of money.
 */
export const suppressionThreshold = 5;

export type PublicCount = { value: number } | { suppressed: 'fewer_than_5' | 'secondary' };

export const shown = (cell: PublicCount): cell is { value: number } => 'value' in cell;

export function primary(value: number, options: { zero?: 'hidden' | 'shown' } = {}): PublicCount {
  if (value === 0 && options.zero === 'shown') return { value };
  return value < suppressionThreshold ? { suppressed: 'fewer_than_5' } : { value };
}

/**
 * The cells of a breakdown of a total. When the total is shown, the hidden cells together are the
 * total minus the shown ones: so they must together be 5 or more, else the smallest shown cells are
 * hidden with them (one hidden cell of 3 next to a shown total would otherwise be 3 by subtraction).
 */
export function suppressBreakdown<K extends string>(total: PublicCount, cells: Record<K, number>): Record<K, PublicCount> {
  const out = Object.fromEntries(Object.entries<number>(cells).map(([key, value]) => [key, primary(value)])) as Record<K, PublicCount>;
  if (!shown(total)) return out;
  const entries = Object.entries(cells) as [K, number][];
  const hiddenSum = () => entries.filter(([key]) => !shown(out[key])).reduce((sum, [, value]) => sum + value, 0);
  const anyHidden = () => entries.some(([key]) => !shown(out[key]));
  while (anyHidden() && hiddenSum() < suppressionThreshold) {
    const smallest = entries.filter(([key]) => shown(out[key])).sort((a, b) => a[1] - b[1])[0];
    if (!smallest) break;
    out[smallest[0]] = { suppressed: 'secondary' };
  }
  return out;
}

/** A part of a whole (children supported among the caseload): hidden too when whole − part is under 5 and the whole is shown. */
export function suppressPart(part: number, whole: PublicCount, wholeValue: number): PublicCount {
  const cell = primary(part);
  if (shown(cell) && shown(whole) && wholeValue - part < suppressionThreshold) return { suppressed: 'secondary' };
  return cell;
}

/** A share in percent with one decimal, shown only when both its counts are. */
export function publicShare(part: PublicCount, whole: PublicCount): number | null {
  if (!shown(part) || !shown(whole) || whole.value === 0) return null;
  return Math.round((1000 * part.value) / whole.value) / 10;
}

const smallNumberText = defineMessages({
  en: { fewer_than_5: 'fewer than 5', secondary: 'not shown (would reveal a figure under 5)' },
  fr: { fewer_than_5: 'moins de 5', secondary: 'non affiché (révélerait un chiffre inférieur à 5)' },
});

/** A public count as a reader sees it: the number, or "fewer than 5", never the hidden number. */
export function formatPublicCount(locale: Locale, count: PublicCount): string {
  return shown(count) ? formatNumber(locale, count.value) : smallNumberText.t(locale, count.suppressed === 'fewer_than_5' ? 'fewer_than_5' : 'secondary');
}
