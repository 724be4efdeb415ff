import { and, eq } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { minerals } from '../../../sites/public.ts';
import { footprintError } from '../../messages/footprints.ts';
import { footprintProductLines } from '../../schema.ts';
import { cleanText } from '../ledger.ts';
import { lockFootprintOwner } from './owner.ts';

/** One tonne of metal in one unit: beyond any product, and it keeps every product of units and content exact in BigInt and sane. */
export const maxMilligramsPerUnit = 1_000_000_000;

export type RecordProductLineProps = {
  /** The organisation whose product line it is; the actor's own when left out. Only an admin records one for another organisation. */
  organisationId?: number;
  /** What the organisation calls the product line, e.g. “Fairphone 5” (up to 100 characters, unique within the organisation). */
  name: string;
  /** The mineral's code, e.g. `cobalt`. */
  mineral: string;
  /** Contained metal in one unit, in milligrams (8.5 g is 8,500): a whole number above zero. */
  milligramsPerUnit: number;
};

export type ProductLine = typeof footprintProductLines.$inferSelect;

/** The mineral with its names, or a 422 `mineral_unknown`. */
export async function findMineral(ctx: CommandContext, code: string) {
  const [mineral] = await ctx.tx.select().from(minerals).where(eq(minerals.code, code));
  if (!mineral) throw footprintError('mineral_unknown', 422, { mineral: code }, { mineral: code });
  return mineral;
}

/**
 * A buyer records a product line and how much of a mineral one unit contains. The content is
 * kept in milligrams so that a calculation multiplies whole numbers only. The event carries the
 * organisation, the name, the mineral and the content: none of it is personal, and the content
 * per unit is what a claim rests on.
 */
export async function recordProductLine(ctx: CommandContext, props: RecordProductLineProps): Promise<ProductLine> {
  const owner = await lockFootprintOwner(ctx, props.organisationId);
  const name = cleanText(props.name, 100);
  if (name === null) throw footprintError('product_line_name_invalid', 422);
  const mineral = await findMineral(ctx, props.mineral);
  const { milligramsPerUnit } = props;
  if (!Number.isSafeInteger(milligramsPerUnit) || milligramsPerUnit <= 0 || milligramsPerUnit > maxMilligramsPerUnit) {
    throw footprintError('content_per_unit_invalid', 422, { max: maxMilligramsPerUnit }, { milligramsPerUnit });
  }
  const [taken] = await ctx.tx
    .select({ id: footprintProductLines.id })
    .from(footprintProductLines)
    .where(and(eq(footprintProductLines.organisationId, owner.id), eq(footprintProductLines.name, name)));
  if (taken) throw footprintError('product_line_name_taken', 409, { organisation: owner.name, name }, { productLineId: taken.id });
  const [line] = await ctx.tx.insert(footprintProductLines).values({ organisationId: owner.id, name, mineral: mineral.code, milligramsPerUnit, createdAt: ctx.now }).returning();
  await appendEvent(ctx, {
    type: 'registry.product_line_recorded',
    subject: `footprint-product-line:${line!.id}`,
    payload: { productLineId: line!.id, organisation: owner.code, name, mineral: mineral.code, milligramsPerUnit },
  });
  return line!;
}
