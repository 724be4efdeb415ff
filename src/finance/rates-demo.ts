import { sql } from 'drizzle-orm';
import { rowsOf } from '../db/connect.ts';
import { runCommand } from '../journal/public.ts';
import { baseCurrency, listExchangeRates, recordExchangeRate } from '../rates/public.ts';
import type { DemoContext } from '../web/module.ts';

export type RateNeed = { currency: string; on: string };

/** Units of each currency one US dollar bought in the demo's years: a level for each year and a slow drift within it. Illustrative, near the real ones. */
const levels: Record<string, { byYear: Record<number, number>; swing: number; source: string }> = {
  EUR: { byYear: { 2023: 0.925, 2024: 0.924, 2025: 0.889 }, swing: 0.014, source: 'European Central Bank euro reference rate, as units per US dollar (demo)' },
  CHF: { byYear: { 2023: 0.899, 2024: 0.881, 2025: 0.842 }, swing: 0.012, source: 'Swiss National Bank daily rate, as units per US dollar (demo)' },
  CDF: { byYear: { 2023: 2_290, 2024: 2_745, 2025: 2_860 }, swing: 35, source: 'Banque Centrale du Congo, taux indicatif du jour (demo)' },
};

/** The demo's rate of a currency on a day, in millionths of a unit per US dollar: the same day always gives the same rate. */
export function demoUnitsPerUsdMicro(currency: string, on: string): number {
  const level = levels[currency];
  if (!level) throw new Error(`the finance demo has no rates for ${currency}`);
  const year = Number(on.slice(0, 4));
  const dayOfYear = (Date.parse(`${on}T00:00:00Z`) - Date.UTC(year, 0, 1)) / 86_400_000;
  const units = (level.byYear[year] ?? level.byYear[2025]!) + level.swing * Math.sin(dayOfYear / 29);
  return Math.round(units * 1_000_000);
}

/**
 * Records the day's rate of each currency and day the demo converts (what is not recorded yet),
 * through the rates module's own command: the grant shares of spending in another currency than
 * its grant's, and the statements in either reporting currency.
 */
export async function recordDemoRates(ctx: DemoContext, needs: readonly RateNeed[]): Promise<number> {
  const wanted = new Map<string, RateNeed>();
  for (const need of needs) if (need.currency !== baseCurrency) wanted.set(`${need.currency}:${need.on}`, need);
  if (wanted.size === 0) return 0;
  const days = [...wanted.values()].map((need) => need.on).sort();
  const recorded = new Set((await listExchangeRates(ctx.db, { from: days[0]!, to: days.at(-1)! })).map((rate) => `${rate.currency}:${rate.rateOn}`));
  let count = 0;
  for (const [key, need] of [...wanted].sort(([a], [b]) => a.localeCompare(b))) {
    if (recorded.has(key)) continue;
    await runCommand(ctx.db, ctx.system, (c) => recordExchangeRate(c, { currency: need.currency, rateOn: need.on, unitsPerUsdMicro: demoUnitsPerUsdMicro(need.currency, need.on), source: levels[need.currency]!.source }));
    count++;
  }
  return count;
}

/**
 * Every day the alliance's finance moved money, with its currency: so that the euro (the grants'
 * currency, and the other reporting currency the secretariat may choose) and each currency money
 * moved in have their rate on that day.
 */
export async function financeMoneyDays(ctx: DemoContext): Promise<RateNeed[]> {
  const rows = rowsOf<{ currency: string; on: string }>(
    await ctx.db.execute(sql`
      select distinct currency, on_day::text as "on" from (
        select currency, spent_on as on_day from finance_expenditures
        union all select g.currency, t.value_on from finance_grant_transactions t join finance_grants g on g.id = t.grant_id
        union all select currency, signed_on from finance_partner_commitments
        union all select currency, received_on from finance_contribution_payments
        union all select currency, issued_on from finance_contribution_calls
      ) as moved`),
  );
  return rows.flatMap((row) => [row, { currency: 'EUR', on: row.on }]);
}
