import type { OrebookModule } from '../web/module.ts';
import { loadFinanceDemo } from './demo.ts';
import { financeInvariants } from './invariants.ts';
import { registerGrantPages } from './pages/grants.tsx';
import { registerIatiPages } from './pages/iati.ts';
import { registerSpendingPages } from './pages/spending.tsx';
import { registerFinanceApi } from './routes.ts';
import { registerGrantsApi } from './routes/grants.ts';

/**
 * The alliance's own programme and finance: its programme areas and their OECD DAC sectors, its
 * activities, and their public IATI activity file; donors' grants with their budget versions,
 * money received and budget against actual; spending charged to grants or unrestricted funds,
 * partners' commitments and disbursements. Members and statements come in other parts of issue 13.
 */
export const financeModule: OrebookModule = {
  name: 'finance',
  registerApi(api) {
    registerFinanceApi(api);
    registerGrantsApi(api);
  },
  registerPages(pages) {
    registerIatiPages(pages);
    registerGrantPages(pages);
    registerSpendingPages(pages);
  },
  invariants: financeInvariants,
  loadDemo: loadFinanceDemo,
};
