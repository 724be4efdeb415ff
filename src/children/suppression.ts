/**
 * Small-number suppression for everything public about children. A count under 5 is never
 * published ("fewer than 5"); nor is a count from which one could work such a count out by
 * subtraction (the complement of a part in its whole, or the last hidden cell of a breakdown
 * whose total is shown): those are hidden as well, marked `secondary`.
 */
export const suppressionThreshold = 5;

export type PublicCount = { value: number } | { suppressed: 'fewer_than_5' | 'secondary' };

export const shown = (cell: PublicCount): cell is { value: number } => 'value' in cell;

export function primary(value: number): PublicCount {
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
