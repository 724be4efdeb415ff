import { isIsoDate } from '../core/calendar.ts';
import type { Params } from '../core/i18n/index.ts';

/** The largest quantity one declaration may carry: a million tonnes, far above any artisanal lot. */
export const maxOreKg = 1_000_000_000;
export const maxLotReferenceLength = 100;
export const maxBuyerLength = 200;
export const maxReasonLength = 500;

export type FigureProblemCode =
  | 'tonnage_invalid'
  | 'tonnage_negative'
  | 'tonnage_too_large'
  | 'grade_invalid'
  | 'grade_out_of_range'
  | 'dry_above_wet'
  | 'mineral_unknown'
  | 'date_invalid'
  | 'date_in_future'
  | 'buyer_missing'
  | 'text_too_long';

export type Parsed = { ok: true; value: number } | { ok: false; problem: FigureProblemCode };

function decimalText(input: unknown, decimalComma: boolean): string | null {
  // A JSON number prints as the shortest text that reads back to it: 12.345 stays "12.345".
  if (typeof input === 'number') return Number.isFinite(input) ? String(input) : null;
  if (typeof input !== 'string') return null;
  const text = input.trim();
  return decimalComma ? text.replace(',', '.') : text;
}

/** Reads a decimal written with at most `decimals` decimals into an integer of 10^-decimals units, exactly. */
function parseScaled(input: unknown, decimals: number, decimalComma: boolean): { ok: true; value: number; negative: boolean } | { ok: false } {
  const text = decimalText(input, decimalComma);
  const match = text === null ? null : /^(-?)(\d{1,12})(?:\.(\d+))?$/.exec(text);
  if (!match) return { ok: false };
  const fraction = match[3] ?? '';
  if (fraction.length > decimals) return { ok: false };
  const value = Number(match[2]) * 10 ** decimals + Number(fraction.padEnd(decimals, '0'));
  return { ok: true, value, negative: match[1] === '-' && value !== 0 };
}

/** Tonnes with at most three decimals, as text or a number, to integer kilograms: "12.345" → 12345. */
export function parseTonnes(input: unknown, options: { decimalComma?: boolean } = {}): Parsed {
  const parsed = parseScaled(input, 3, options.decimalComma ?? false);
  if (!parsed.ok) return { ok: false, problem: 'tonnage_invalid' };
  if (parsed.negative) return { ok: false, problem: 'tonnage_negative' };
  if (parsed.value > maxOreKg) return { ok: false, problem: 'tonnage_too_large' };
  return { ok: true, value: parsed.value };
}

/** A grade in percent with at most two decimals to basis points: "8.25" → 825. */
export function parseGradePercent(input: unknown, options: { decimalComma?: boolean } = {}): Parsed {
  const parsed = parseScaled(input, 2, options.decimalComma ?? false);
  if (!parsed.ok) return { ok: false, problem: 'grade_invalid' };
  if (parsed.negative || parsed.value > 10_000) return { ok: false, problem: 'grade_out_of_range' };
  return { ok: true, value: parsed.value };
}

/**
 * Contained metal in kilograms: dry ore × grade, rounded half away from zero as PostgreSQL's
 * round(numeric) does in the table's CHECK. Integer arithmetic throughout, so it is exact.
 */
export function containedKgOf(dryOreKg: number, gradeBasisPoints: number): number {
  return Number((BigInt(dryOreKg) * BigInt(gradeBasisPoints) + 5_000n) / 10_000n);
}

/** The figures of one declaration, quantities already in kilograms and basis points. */
export type DeclarationFigures = {
  mineral: string;
  /** The day the ore was produced, `YYYY-MM-DD`. */
  producedOn: string;
  lotReference?: string | null;
  wetOreKg: number;
  dryOreKg: number;
  gradeBasisPoints: number;
  /** The buyer or depot the ore went to. */
  buyer: string;
};

export type FigureProblem = { field: keyof DeclarationFigures; problem: FigureProblemCode; params?: Params };

/** Today's date at the site may be tomorrow in UTC; a day of grace keeps that from being "the future". */
const latestProductionDate = (now: Date) => new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);

/** Every rule a declaration's figures must meet, with what breaks each. */
export function figureProblems(figures: DeclarationFigures, knownMinerals: ReadonlySet<string>, now: Date): FigureProblem[] {
  const problems: FigureProblem[] = [];
  if (!knownMinerals.has(figures.mineral)) problems.push({ field: 'mineral', problem: 'mineral_unknown', params: { mineral: figures.mineral, known: [...knownMinerals].join(', ') } });
  // Declarations before 2000 are typing mistakes, not artisanal production Orebook will credit.
  if (!isIsoDate(figures.producedOn) || figures.producedOn < '2000-01-01') problems.push({ field: 'producedOn', problem: 'date_invalid', params: { date: figures.producedOn } });
  else if (figures.producedOn > latestProductionDate(now)) problems.push({ field: 'producedOn', problem: 'date_in_future', params: { date: figures.producedOn } });
  for (const field of ['wetOreKg', 'dryOreKg'] as const) {
    const kg = figures[field];
    if (!Number.isSafeInteger(kg)) problems.push({ field, problem: 'tonnage_invalid' });
    else if (kg < 0) problems.push({ field, problem: 'tonnage_negative' });
    else if (kg > maxOreKg) problems.push({ field, problem: 'tonnage_too_large' });
  }
  if (Number.isSafeInteger(figures.dryOreKg) && Number.isSafeInteger(figures.wetOreKg) && figures.dryOreKg > figures.wetOreKg) {
    problems.push({ field: 'dryOreKg', problem: 'dry_above_wet', params: { dry: figures.dryOreKg / 1000, wet: figures.wetOreKg / 1000 } });
  }
  if (!Number.isSafeInteger(figures.gradeBasisPoints)) problems.push({ field: 'gradeBasisPoints', problem: 'grade_invalid' });
  else if (figures.gradeBasisPoints < 0 || figures.gradeBasisPoints > 10_000) problems.push({ field: 'gradeBasisPoints', problem: 'grade_out_of_range' });
  if (figures.buyer.trim() === '') problems.push({ field: 'buyer', problem: 'buyer_missing' });
  else if (figures.buyer.length > maxBuyerLength) problems.push({ field: 'buyer', problem: 'text_too_long', params: { max: maxBuyerLength } });
  if ((figures.lotReference ?? '').length > maxLotReferenceLength) problems.push({ field: 'lotReference', problem: 'text_too_long', params: { max: maxLotReferenceLength } });
  return problems;
}
