import type { OrebookModule } from '../web/module.ts';
import { loadChildrenDemo } from './demo.ts';
import { childrenIndicators } from './indicators.ts';
import { childrenInvariants } from './invariants.ts';
import type { ChildNameKey } from './name-key.ts';
import { registerCasePages } from './pages/cases.tsx';
import { registerPublicChildrenPages } from './pages/public.tsx';
import { registerCasesApi } from './routes/cases.ts';
import { registerPublicChildrenApi } from './routes/public.ts';
import { registerReferralsApi } from './routes/referrals.ts';
import { registerRemediationApi } from './routes/remediation.ts';
import { childrenHomeSection } from './pages/home.tsx';

declare module '../web/context.ts' {
  interface Services {
    /** The key that seals children's names at rest, kept outside the database; null when none is configured. */
    childNameKey: ChildNameKey | null;
  }
}

/** Child-labour monitoring and remediation: cases, plans, follow-up visits and the public, suppressed figures. */
export const childrenModule: OrebookModule = {
  name: 'children',
  registerApi(api) {
    registerPublicChildrenApi(api);
    registerReferralsApi(api);
    registerCasesApi(api);
    registerRemediationApi(api);
  },
  registerPages(pages) {
    registerPublicChildrenPages(pages);
    registerCasePages(pages);
  },
  invariants: childrenInvariants,
  indicators: childrenIndicators,
  loadDemo: loadChildrenDemo,
  homeSection: childrenHomeSection,
};
