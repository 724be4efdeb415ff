import type { OrebookModule } from '../web/module.ts';
import { loadFinanceDemo } from './demo.ts';
import { financeInvariants } from './invariants.ts';
import { registerIatiPages } from './pages/iati.ts';
import { membersHomeSection } from './pages/members/home.tsx';
import { registerMembersPages } from './pages/members/index.ts';
import { registerFinanceApi } from './routes.ts';
import { registerMembersApi } from './routes/members.ts';

/**
 * The alliance's own programme and finance: its programme areas and their OECD DAC sectors, its
 * activities, and their public IATI activity file; its members, their contribution calls, payments
 * and arrears. Grants, spending and statements come in later parts of issue 13.
 */
export const financeModule: OrebookModule = {
  name: 'finance',
  registerApi(api) {
    registerFinanceApi(api);
    registerMembersApi(api);
  },
  registerPages(pages) {
    registerIatiPages(pages);
    registerMembersPages(pages);
  },
  invariants: financeInvariants,
  loadDemo: loadFinanceDemo,
  homeSection: membersHomeSection,
};
