import type { OrebookModule } from '../web/module.ts';
import { loadRatesDemo } from './demo.ts';
import { registerRatesPages } from './pages/rates.tsx';
import { registerRatesApi } from './routes.ts';

/**
 * The exchange rates: one table of daily rates against the US dollar for the whole application,
 * the currencies Orebook knows with their minor units, conversion between them with the rates
 * used, and the reporting currency.
 */
export const ratesModule: OrebookModule = {
  name: 'rates',
  registerApi: registerRatesApi,
  registerPages: registerRatesPages,
  loadDemo: loadRatesDemo,
};
