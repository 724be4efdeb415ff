import { runCommand } from '../journal/public.ts';
import type { DemoContext } from '../web/module.ts';
import { recordExchangeRate } from './commands/record-exchange-rate.ts';

const centralBank = 'Banque Centrale du Congo, taux indicatif du jour (demo)';

/**
 * The rates the demo's figures convert with: the Congolese franc on the days the Kamilombe fund
 * received or paid francs (the fund's demo relies on these three).
 */
export async function loadRatesDemo(ctx: DemoContext): Promise<void> {
  for (const [day, rate] of [['2026-03-02', 2_850_000_000], ['2026-03-05', 2_851_000_000], ['2026-03-20', 2_862_500_000]] as const) {
    await runCommand(ctx.db, ctx.system, (c) => recordExchangeRate(c, { currency: 'CDF', rateOn: day, unitsPerUsdMicro: rate, source: centralBank }));
  }
}
