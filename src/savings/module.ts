import type { OrebookModule } from '../web/module.ts';
import { loadSavingsDemo } from './demo.ts';
import { savingsIndicators } from './indicators.ts';
import { savingsInvariants } from './invariants.ts';
import { registerSavingsDashboardPages } from './pages/dashboard.tsx';
import { registerSavingsGroupPages } from './pages/groups.tsx';
import { registerSavingsMeetingPages } from './pages/meeting.tsx';
import { registerSavingsApi } from './routes.ts';

/** Savings groups (VSLA): groups, cycles, meetings, loans, share-out, and members' micro-enterprises. */
export const savingsModule: OrebookModule = {
  name: 'savings',
  registerApi: registerSavingsApi,
  registerPages(pages) {
    registerSavingsDashboardPages(pages);
    registerSavingsGroupPages(pages);
    registerSavingsMeetingPages(pages);
  },
  invariants: savingsInvariants,
  indicators: savingsIndicators,
  loadDemo: loadSavingsDemo,
};
