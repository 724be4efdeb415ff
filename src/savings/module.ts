import type { OrebookModule } from '../web/module.ts';
import { loadSavingsDemo } from './demo.ts';
import { savingsIndicators } from './indicators.ts';
import { savingsInvariants } from './invariants.ts';
import { registerSavingsDashboardPages } from './pages/dashboard.tsx';
import { registerSavingsFormPages } from './pages/forms.tsx';
import { registerSavingsGroupPages } from './pages/groups.tsx';
import { savingsHomeSection } from './pages/home.tsx';
import { registerSavingsMeetingPages } from './pages/meeting.tsx';
import { registerSavingsCyclesApi } from './routes/cycles.ts';
import { registerSavingsEnterprisesApi } from './routes/enterprises.ts';
import { registerSavingsGroupsApi } from './routes/groups.ts';
import { registerSavingsMeetingsApi } from './routes/meetings.ts';
import { registerSavingsSummaryApi } from './routes/summary.ts';

/** Savings groups (VSLA): groups, cycles, meetings, loans, share-out, and members' micro-enterprises. */
export const savingsModule: OrebookModule = {
  name: 'savings',
  registerApi(api) {
    registerSavingsSummaryApi(api);
    registerSavingsGroupsApi(api);
    registerSavingsCyclesApi(api);
    registerSavingsMeetingsApi(api);
    registerSavingsEnterprisesApi(api);
  },
  registerPages(pages) {
    // Before the group pages, so /savings/groups/new is not taken for a group code.
    registerSavingsFormPages(pages);
    registerSavingsDashboardPages(pages);
    registerSavingsGroupPages(pages);
    registerSavingsMeetingPages(pages);
  },
  invariants: savingsInvariants,
  indicators: savingsIndicators,
  loadDemo: loadSavingsDemo,
  homeSection: savingsHomeSection,
};
