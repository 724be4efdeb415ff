import type { OrebookModule } from '../web/module.ts';
import { loadFinanceDemo } from './demo.ts';
import { financeIndicators } from './indicators.ts';
import { financeInvariants } from './invariants.ts';
import { registerGrantPages } from './pages/grants.tsx';
import { registerIatiPages } from './pages/iati.ts';
import { registerLedgerPages } from './pages/ledger.tsx';
import { membersHomeSection } from './pages/members/home.tsx';
import { registerMembersPages } from './pages/members/index.ts';
import { registerSpendingPages } from './pages/spending.tsx';
import { registerStatementPages } from './pages/statements.tsx';
import { registerFinanceApi } from './routes.ts';
import { registerGrantsApi } from './routes/grants.ts';
import { registerLedgerApi } from './routes/ledger.ts';
import { registerMembersApi } from './routes/members.ts';
import { registerStatementsApi } from './routes/statements.ts';
import { registerResultsApi } from './routes/results.ts';

/**
 * The alliance's own programme and finance: its programme areas and their OECD DAC sectors, its
 * activities, and their public IATI activity file; its members, their contribution calls, payments
 * and arrears; donors' grants with their budget versions, money received and budget against
 * actual; spending charged to grants or unrestricted funds, partners' commitments and
 * disbursements; the general-ledger import; and the statements of a year or period (income,
 * expenditure, balances, credit flows reconciled with the registry and the site funds), offered
 * as pages, downloads and indicators.
 */
export const financeModule: OrebookModule = {
  name: 'finance',
  registerApi(api) {
    registerFinanceApi(api);
    registerMembersApi(api);
    registerGrantsApi(api);
    registerLedgerApi(api);
    registerStatementsApi(api);
    registerResultsApi(api);
  },
  registerPages(pages) {
    registerIatiPages(pages);
    registerMembersPages(pages);
    registerGrantPages(pages);
    registerSpendingPages(pages);
    registerLedgerPages(pages);
    registerStatementPages(pages);
  },
  invariants: financeInvariants,
  indicators: financeIndicators,
  loadDemo: loadFinanceDemo,
  homeSection: membersHomeSection,
};
