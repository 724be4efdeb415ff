import { loadAccountsDemo, registerAccountsApi, registerAccountsPages } from './accounts/public.ts';
import { registerFilesApi } from './files/public.ts';
import { journalEventsPerMonth, registerJournalApi, registerJournalPages } from './journal/public.ts';
import { childrenModule } from './children/module.ts';
import { fundModule } from './fund/module.ts';
import { importsModule } from './imports/module.ts';
import { registryModule } from './registry/module.ts';
import { safetyModule } from './safety/module.ts';
import { savingsModule } from './savings/module.ts';
import { sitesModule } from './sites/module.ts';
import type { OrebookModule } from './web/module.ts';

/**
 * The modules of this Orebook, in the order their demo data builds on each other: a later
 * module's demo may use what an earlier one made.
 */
export const modules: readonly OrebookModule[] = [
  {
    name: 'accounts',
    registerApi: registerAccountsApi,
    registerPages: registerAccountsPages,
    loadDemo: loadAccountsDemo,
  },
  {
    name: 'journal',
    registerApi: registerJournalApi,
    registerPages: registerJournalPages,
    indicators: [journalEventsPerMonth],
  },
  { name: 'files', registerApi: registerFilesApi },
  sitesModule,
  registryModule,
  fundModule,
  safetyModule,
  childrenModule,
  savingsModule,
  importsModule,
];
