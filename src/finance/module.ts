import type { OrebookModule } from '../web/module.ts';
import { loadFinanceDemo } from './demo.ts';
import { financeInvariants } from './invariants.ts';
import { registerIatiPages } from './pages/iati.ts';
import { registerFinanceApi } from './routes.ts';
import { registerGrantsApi } from './routes/grants.ts';

/**
 * The alliance's own programme and finance: its programme areas and their OECD DAC sectors, its
 * activities, and their public IATI activity file. Members, grants, spending and statements come
 * in later parts of issue 13.
 */
export const financeModule: OrebookModule = {
  name: 'finance',
  registerApi(api) {
    registerFinanceApi(api);
    registerGrantsApi(api);
  },
  registerPages: registerIatiPages,
  invariants: financeInvariants,
  loadDemo: loadFinanceDemo,
};
