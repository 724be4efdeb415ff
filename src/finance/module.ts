import type { OrebookModule } from '../web/module.ts';
import { loadFinanceDemo } from './demo.ts';
import { financeInvariants } from './invariants.ts';
import { registerGrantPages } from './pages/grants.tsx';
import { registerIatiPages } from './pages/iati.ts';
import { registerLedgerPages } from './pages/ledger.tsx';
import { membersHomeSection } from './pages/members/home.tsx';
import { registerMembersPages } from './pages/members/index.ts';
import { registerSpendingPages } from './pages/spending.tsx';
import { registerFinanceApi } from './routes.ts';
import { registerGrantsApi } from './routes/grants.ts';
import { registerLedgerApi } from './routes/ledger.ts';
import { registerMembersApi } from './routes/members.ts';
import { registerResultsApi } from './routes/results.ts';

/**
 * The alliance's own programme and finance: its programme areas and their OECD DAC sectors, its
 * activities, and their public IATI activity file; its members, their contribution calls, payments
 * and arrears; donors' grants with their budget versions, money received and budget against
 * actual; spending charged to grants or unrestricted funds, partners' commitments and
 * disbursements; the general-ledger import. Statements come in a later part of issue 13.
 */
export const financeModule: OrebookModule = {
  name: 'finance',
  registerApi(api) {
    registerFinanceApi(api);
    registerMembersApi(api);
    registerGrantsApi(api);
    registerLedgerApi(api);
    registerResultsApi(api);
  },
  registerPages(pages) {
    registerIatiPages(pages);
    registerMembersPages(pages);
    registerGrantPages(pages);
    registerSpendingPages(pages);
    registerLedgerPages(pages);
  },
  invariants: financeInvariants,
  loadDemo: loadFinanceDemo,
  homeSection: membersHomeSection,
};
