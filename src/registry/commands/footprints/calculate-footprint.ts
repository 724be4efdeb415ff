import { eq, inArray, sql } from 'drizzle-orm';
import { isIsoDate } from '../../../core/calendar.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { footprintError } from '../../messages/footprints.ts';
import { footprintCalculations, footprintLines, footprintProductLines } from '../../schema.ts';
import { findMineral } from './record-product-line.ts';
import { lockFootprintOwner } from './owner.ts';

export const maxFootprintLines = 500;

export type CalculateFootprintProps = {
  /** The organisation whose footprint it is; the actor's own when left out. Only an admin calculates for another organisation. */
  organisationId?: number;
  /** The mineral to cover, e.g. `cobalt`; every product line counted must contain it. */
  mineral: string;
  /** First and last day of the claim period (ISO dates, both included). */
  periodStart: string;
  periodEnd: string;
  /** Units sold in the period, per product line of the organisation (each at most once, whole numbers from 0). */
  lines: readonly { productLineId: number; unitsSold: number }[];
};

export type FootprintCalculation = typeof footprintCalculations.$inferSelect & { lines: (typeof footprintLines.$inferSelect)[] };

const milligramsPerKilogram = 1_000_000n;

/**
 * Kilograms of metal in the units sold: Σ units × milligrams per unit, rounded up to the next
 * kilogram so that a claim never covers less than the products contain. Exact: the products are
 * BigInt, and only the result must fit in a safe integer.
 *
 * @example requiredKilograms([{ unitsSold: 120_000, milligramsPerUnit: 8_500 }]) // 1020n
 */
export function requiredKilograms(lines: readonly { unitsSold: number; milligramsPerUnit: number }[]): bigint {
  const milligrams = lines.reduce((sum, line) => sum + BigInt(line.unitsSold) * BigInt(line.milligramsPerUnit), 0n);
  return (milligrams + milligramsPerKilogram - 1n) / milligramsPerKilogram;
}

/** Checks the lines' shape (not yet whose product lines they are); throws the first rule they break. */
function checkLines(lines: CalculateFootprintProps['lines']) {
  if (lines.length === 0 || lines.length > maxFootprintLines) throw footprintError('footprint_lines_required', 422, { max: maxFootprintLines });
  const seen = new Set<number>();
  for (const line of lines) {
    if (!Number.isSafeInteger(line.unitsSold) || line.unitsSold < 0) throw footprintError('units_sold_invalid', 422, {}, { productLineId: line.productLineId, unitsSold: line.unitsSold });
    if (seen.has(line.productLineId)) throw footprintError('duplicate_product_line', 422, { id: line.productLineId }, { productLineId: line.productLineId });
    seen.add(line.productLineId);
  }
}

/**
 * A buyer computes the metal its products sold in a claim period contain, to cover with credits.
 * Each line keeps the content per unit its product line had, so the figure never changes. The
 * reference `FP-{ORGANISATION}-{n}` counts the organisation's calculations from 1; a retirement
 * names it as its footprint reference, and the calculation's coverage is those retirements.
 *
 * The event carries the reference, organisation, mineral, period and kilograms to cover only:
 * units sold per product line are commercially confidential, and the journal is public.
 */
export async function calculateFootprint(ctx: CommandContext, props: CalculateFootprintProps): Promise<FootprintCalculation> {
  const owner = await lockFootprintOwner(ctx, props.organisationId);
  const mineral = await findMineral(ctx, props.mineral);
  const { periodStart, periodEnd } = props;
  if (!isIsoDate(periodStart) || !isIsoDate(periodEnd) || periodStart > periodEnd) throw footprintError('footprint_period_invalid', 422, {}, { periodStart, periodEnd });
  checkLines(props.lines);
  const ids = props.lines.map((line) => line.productLineId).filter(Number.isSafeInteger);
  const found = ids.length === 0 ? [] : await ctx.tx.select().from(footprintProductLines).where(inArray(footprintProductLines.id, ids));
  const productLines = new Map(found.map((p) => [p.id, p]));
  const counted = props.lines.map((line) => {
    const productLine = productLines.get(line.productLineId);
    if (productLine?.organisationId !== owner.id) throw footprintError('product_line_not_found', 422, { id: line.productLineId, organisation: owner.name }, { productLineId: line.productLineId });
    if (productLine.mineral !== mineral.code) {
      throw footprintError('product_line_mineral_mismatch', 422, (locale) => ({ name: productLine.name, mineral: (locale === 'fr' ? mineral.labelFr : mineral.labelEn).toLocaleLowerCase(locale) }), {
        productLineId: productLine.id,
        mineral: productLine.mineral,
      });
    }
    return { productLineId: productLine.id, unitsSold: line.unitsSold, milligramsPerUnit: productLine.milligramsPerUnit };
  });
  const required = requiredKilograms(counted);
  if (required > BigInt(Number.MAX_SAFE_INTEGER)) throw footprintError('footprint_too_large', 422);
  const requiredKg = Number(required);
  const [numbering] = await ctx.tx
    .select({ next: sql<number>`count(*) + 1`.mapWith(Number) })
    .from(footprintCalculations)
    .where(eq(footprintCalculations.organisationId, owner.id));
  const reference = `FP-${owner.code.toUpperCase()}-${numbering!.next}`;
  const [calculation] = await ctx.tx
    .insert(footprintCalculations)
    .values({ reference, organisationId: owner.id, mineral: mineral.code, periodStart, periodEnd, requiredKg, createdAt: ctx.now })
    .returning();
  const lines = await ctx.tx
    .insert(footprintLines)
    .values(counted.map((line) => ({ calculationId: calculation!.id, ...line })))
    .returning();
  await appendEvent(ctx, {
    type: 'registry.footprint_calculated',
    subject: `footprint:${reference}`,
    payload: { reference, organisation: owner.code, mineral: mineral.code, period: { start: periodStart, end: periodEnd }, requiredKg },
  });
  return { ...calculation!, lines };
}
