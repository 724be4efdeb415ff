import { accountsModule } from './accounts/module.ts';
import { childrenModule } from './children/module.ts';
import { filesModule } from './files/module.ts';
import { financeModule } from './finance/module.ts';
import { fundModule } from './fund/module.ts';
import { importsModule } from './imports/module.ts';
import { journalModule } from './journal/module.ts';
import { ratesModule } from './rates/module.ts';
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
  accountsModule,
  journalModule,
  filesModule,
  ratesModule,
  sitesModule,
  registryModule,
  fundModule,
  safetyModule,
  childrenModule,
  savingsModule,
  importsModule,
  financeModule,
];
