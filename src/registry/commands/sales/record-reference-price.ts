import { and, eq } from 'drizzle-orm';
import { authorize } from '../../../core/auth/policies.ts';
import { databaseErrorCode } from '../../../db/transaction.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { salesError } from '../../messages/sales.ts';
import { referencePrices } from '../../schema.ts';
import { cleanText } from '../ledger.ts';
import { assertCurrency, assertMineral, assertPricePerTonne, assertYear } from './checks.ts';

export type RecordReferencePriceProps = {
  mineral: string;
  /** The year the price is an average of. */
  year: number;
  /** ISO 4217, e.g. `USD`. */
  currency: string;
  /** Price of one tonne of contained metal, in minor units of the currency (USD 31,500 → 3,150,000). */
  pricePerTonneMinor: number;
  /** Where the figure comes from (up to 300 characters), e.g. “LME cobalt, yearly average of official cash settlement”. */
  source: string;
};

export type ReferencePriceRecorded = typeof referencePrices.$inferSelect;

async function findReferencePrice(ctx: CommandContext, props: { mineral: string; year: number; currency: string }) {
  const [row] = await ctx.tx
    .select()
    .from(referencePrices)
    .where(and(eq(referencePrices.mineral, props.mineral), eq(referencePrices.year, props.year), eq(referencePrices.currency, props.currency)));
  return row;
}

const alreadyRecorded = (props: { mineral: string; year: number; currency: string }) => salesError('reference_price_exists', 409, props, props);

/**
 * An admin records a reference price of a mineral for a year (for example the yearly average
 * cobalt price), with its source: what the default rule computes credit prices from. One figure
 * per mineral, year and currency, never changed: a second one is refused (409
 * `reference_price_exists`), as prices already computed from the first must keep their provenance.
 */
export async function recordReferencePrice(ctx: CommandContext, props: RecordReferencePriceProps): Promise<ReferencePriceRecorded> {
  authorize(ctx.actor, 'registry.price.set');
  await assertMineral(ctx.tx, props.mineral);
  assertYear(props.year);
  const currency = assertCurrency(props.currency);
  assertPricePerTonne(props.pricePerTonneMinor);
  const source = cleanText(props.source, 300);
  if (source === null) throw salesError('source_required', 422);
  const key = { mineral: props.mineral, year: props.year, currency };
  if (await findReferencePrice(ctx, key)) throw alreadyRecorded(key);
  let recorded: ReferencePriceRecorded;
  try {
    [recorded] = (await ctx.tx
      .insert(referencePrices)
      .values({ mineral: props.mineral, year: props.year, currency, pricePerTonneMinor: props.pricePerTonneMinor, source, createdAt: ctx.now })
      .returning()) as [ReferencePriceRecorded];
  } catch (error) {
    // Two admins recording the same year at once: the unique index decides, and the loser hears why.
    if (databaseErrorCode(error) === '23505') throw alreadyRecorded(key);
    throw error;
  }
  await appendEvent(ctx, {
    type: 'registry.reference_price_recorded',
    subject: `reference-price:${recorded.mineral}-${recorded.year}-${recorded.currency}`,
    payload: { referencePriceId: recorded.id, mineral: recorded.mineral, year: recorded.year, currency: recorded.currency, pricePerTonneMinor: recorded.pricePerTonneMinor, source },
  });
  return recorded;
}
