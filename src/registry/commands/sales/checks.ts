import { eq } from 'drizzle-orm';
import type { Queryable } from '../../../db/connect.ts';
import { minerals } from '../../../sites/public.ts';
import { salesError } from '../../messages/sales.ts';

/** The checks the sales commands share on what a person typed; each throws the rule it breaks. */

export async function assertMineral(db: Queryable, mineral: string): Promise<void> {
  const [row] = await db.select({ code: minerals.code }).from(minerals).where(eq(minerals.code, mineral));
  if (!row) throw salesError('mineral_unknown', 422, { mineral }, { mineral });
}

export function assertYear(year: number, code: 'year_invalid' | 'vintage_invalid' = 'year_invalid'): void {
  if (!Number.isInteger(year) || year < 1900 || year > 2999) throw salesError(code, 422);
}

/** An ISO 4217 code that `Intl` knows how to format (its minor unit decides the amounts' scale). */
export function assertCurrency(currency: string): string {
  const code = currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code) || !Intl.supportedValuesOf('currency').includes(code)) throw salesError('currency_invalid', 422, { currency }, { currency });
  return code;
}

export function assertPricePerTonne(pricePerTonneMinor: number | null | undefined): asserts pricePerTonneMinor is number {
  if (typeof pricePerTonneMinor !== 'number' || !Number.isSafeInteger(pricePerTonneMinor) || pricePerTonneMinor <= 0) throw salesError('price_invalid', 422);
}
