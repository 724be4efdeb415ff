import type { OrebookModule } from '../web/module.ts';
import { loadFundDemo } from './demo.ts';
import { fundRecordCitingFileIsReadable } from './file-access.ts';
import { fundIndicators } from './indicators.ts';
import { fundInvariants } from './invariants.ts';
import { registerManageFundPages } from './pages/manage.tsx';
import { registerMeetingPages } from './pages/meetings.tsx';
import { registerProposalPages } from './pages/proposals.tsx';
import { registerPublicFundPage } from './pages/public.tsx';
import { registerFundApi } from './routes.ts';
import { fundHomeSection } from './pages/home.tsx';

/**
 * The site premium funds: a double-entry ledger per site fund fed by the registry's credit
 * premiums, the Fund Allocation Committee (members, rules, meetings, votes), proposals and
 * projects paid in tranches, and the public account of each fund.
 */
export const fundModule: OrebookModule = {
  name: 'fund',
  registerApi: registerFundApi,
  registerPages(pages) {
    registerPublicFundPage(pages);
    registerManageFundPages(pages);
    registerMeetingPages(pages);
    registerProposalPages(pages);
  },
  invariants: fundInvariants,
  indicators: fundIndicators,
  loadDemo: loadFundDemo,
  homeSection: fundHomeSection,
  readsRestrictedFile: fundRecordCitingFileIsReadable,
};
