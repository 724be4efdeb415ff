/**
 * Serials and unit ranges, as pure functions. A batch's units are numbered 1..quantity; a unit's
 * serial is `{prefix}-{unit}` and a range's `{prefix}-{first}-{last}`, where the prefix is
 * `RMC-{CO|CU}-{country}-{SITE}-{VINTAGE}-{BATCH}` (e.g. `RMC-CO-CD-KAM-2025-0001-1-2500`).
 * Ranges are inclusive at both ends.
 */

/** Inclusive range of unit numbers of one batch. */
export type UnitRange = { first: number; last: number };

export const rangeSize = (range: UnitRange) => range.last - range.first + 1;

export const sumRanges = (ranges: readonly UnitRange[]) => ranges.reduce((sum, range) => sum + rangeSize(range), 0);

export type SerialPrefixParts = {
  /** The mineral's two-letter symbol in serials: `CO` for cobalt, `CU` for copper. */
  mineralSymbol: string;
  /** ISO 3166 alpha-2 code of the country of the site. */
  country: string;
  siteCode: string;
  vintage: number;
  /** The batch's number among batches of its mineral, site and vintage, from 1. */
  batchNumber: number;
};

/** @example formatSerialPrefix({ mineralSymbol: 'CO', country: 'CD', siteCode: 'KAM', vintage: 2025, batchNumber: 1 }) // 'RMC-CO-CD-KAM-2025-0001' */
export function formatSerialPrefix(parts: SerialPrefixParts): string {
  return ['RMC', parts.mineralSymbol, parts.country, parts.siteCode, String(parts.vintage), String(parts.batchNumber).padStart(4, '0')].join('-');
}

export const unitSerial = (prefix: string, unit: number) => `${prefix}-${unit}`;

export const rangeSerials = (prefix: string, range: UnitRange) => `${prefix}-${range.first}-${range.last}`;

const serialPattern = /^(RMC-[A-Z]{2}-[A-Z]{2}-[A-Z]{3,6}-\d{4}-\d{4,9})-([1-9]\d{0,15})(?:-([1-9]\d{0,15}))?$/;

/**
 * Reads a unit serial (`…-0001-17`) or a range of serials (`…-0001-1-2500`) into its batch prefix
 * and unit range; null when the text is not a serial, the range is reversed, or a number is
 * beyond what is stored exactly.
 */
export function parseSerial(text: string): { prefix: string; range: UnitRange } | null {
  const match = serialPattern.exec(text.trim());
  if (!match) return null;
  const first = Number(match[2]);
  const last = match[3] === undefined ? first : Number(match[3]);
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || last < first) return null;
  return { prefix: match[1]!, range: { first, last } };
}

export const isPositiveQuantity = (value: number) => Number.isSafeInteger(value) && value > 0;

export const isValidRange = (range: UnitRange) => Number.isSafeInteger(range.first) && Number.isSafeInteger(range.last) && range.first >= 1 && range.last >= range.first;

export const rangeContains = (outer: UnitRange, inner: UnitRange) => outer.first <= inner.first && inner.last <= outer.last;

/** The common part of two ranges, or null when they share no unit. */
export function intersectRanges(a: UnitRange, b: UnitRange): UnitRange | null {
  const first = Math.max(a.first, b.first);
  const last = Math.min(a.last, b.last);
  return first <= last ? { first, last } : null;
}

const byFirst = (a: UnitRange, b: UnitRange) => a.first - b.first;

/** Whether any two of the ranges share a unit. */
export function rangesOverlap(ranges: readonly UnitRange[]): boolean {
  const sorted = [...ranges].sort(byFirst);
  return sorted.some((range, i) => i > 0 && range.first <= sorted[i - 1]!.last);
}

/** The same units as the fewest ranges, in order: overlapping or adjacent ranges joined. */
export function mergeRanges(ranges: readonly UnitRange[]): UnitRange[] {
  const merged: UnitRange[] = [];
  for (const range of [...ranges].sort(byFirst)) {
    const previous = merged[merged.length - 1];
    if (previous && range.first <= previous.last + 1) previous.last = Math.max(previous.last, range.last);
    else merged.push({ first: range.first, last: range.last });
  }
  return merged;
}

/**
 * The pieces of `block` left once `taken` (disjoint ranges inside it) is cut out, in order.
 *
 * @example remainingPieces({ first: 1, last: 10 }, [{ first: 4, last: 5 }]) // [{ first: 1, last: 3 }, { first: 6, last: 10 }]
 */
export function remainingPieces(block: UnitRange, taken: readonly UnitRange[]): UnitRange[] {
  const pieces: UnitRange[] = [];
  let next = block.first;
  for (const cut of [...taken].sort(byFirst)) {
    if (!rangeContains(block, cut) || cut.first < next) throw new Error(`range ${cut.first}-${cut.last} is not a separate part of ${block.first}-${block.last}`);
    if (cut.first > next) pieces.push({ first: next, last: cut.first - 1 });
    next = cut.last + 1;
  }
  if (next <= block.last) pieces.push({ first: next, last: block.last });
  return pieces;
}

/**
 * Takes `quantity` units from blocks in the order given: whole blocks first, then the start (or,
 * `from: 'end'`, the end) of the last block needed. Returns what is taken from each block; null
 * when the blocks hold less than `quantity`.
 *
 * @example takeInOrder([{ first: 1, last: 10 }, { first: 20, last: 29 }], 15) // [{ block: …, taken: { first: 1, last: 10 } }, { block: …, taken: { first: 20, last: 24 } }]
 */
export function takeInOrder<B extends UnitRange>(blocks: readonly B[], quantity: number, from: 'start' | 'end' = 'start'): { block: B; taken: UnitRange }[] | null {
  const takes: { block: B; taken: UnitRange }[] = [];
  let left = quantity;
  for (const block of blocks) {
    if (left === 0) break;
    const size = rangeSize(block);
    if (size <= left) {
      takes.push({ block, taken: { first: block.first, last: block.last } });
      left -= size;
    } else {
      takes.push({ block, taken: from === 'start' ? { first: block.first, last: block.first + left - 1 } : { first: block.last - left + 1, last: block.last } });
      left = 0;
    }
  }
  return left === 0 ? takes : null;
}
