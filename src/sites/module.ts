import type { OrebookModule } from '../web/module.ts';
import { loadSitesDemo } from './demo.ts';
import { siteRecordCitingFileIsReadable } from './file-access.ts';
import { sitesIndicators } from './indicators.ts';
import { sitesInvariants } from './invariants.ts';
import { registerAssessmentsPages } from './pages/assessments/index.ts';
import { registerCorrectiveActionsPages } from './pages/corrective-actions.tsx';
import { sitesHomeSection } from './pages/home.tsx';
import { registerProductionPages } from './pages/production/index.ts';
import { registerSitesAdminPages } from './pages/sites-admin.tsx';
import { registerPublicSitesPages } from './pages/sites.tsx';
import { registerStandardPages } from './pages/standard.tsx';
import { registerVerificationsPages } from './pages/verifications.tsx';
import { registerWorkersPages } from './pages/workers/index.ts';
import { registerAssessmentsApi } from './routes/assessments.ts';
import { registerCorrectiveActionsApi } from './routes/corrective-actions.ts';
import { registerProductionApi } from './routes/production.ts';
import { registerSitesAdminApi } from './routes/sites-admin.ts';
import { registerPublicSitesApi } from './routes/sites.ts';
import { registerStandardApi } from './routes/standard.ts';
import { registerVerificationsApi } from './routes/verifications.ts';
import { registerWorkersApi } from './routes/workers.ts';

/**
 * Sites, the worker register, production, the standard, assessments, corrective actions and
 * verification statements: the source of truth that credits are issued from.
 */
export const sitesModule: OrebookModule = {
  name: 'sites',
  readsRestrictedFile: siteRecordCitingFileIsReadable,
  registerApi(api) {
    registerPublicSitesApi(api);
    registerSitesAdminApi(api);
    registerWorkersApi(api);
    registerProductionApi(api);
    registerStandardApi(api);
    registerAssessmentsApi(api);
    registerCorrectiveActionsApi(api);
    registerVerificationsApi(api);
  },
  registerPages(pages) {
    registerSitesAdminPages(pages);
    registerPublicSitesPages(pages);
    registerWorkersPages(pages);
    registerProductionPages(pages);
    registerStandardPages(pages);
    registerAssessmentsPages(pages);
    registerCorrectiveActionsPages(pages);
    registerVerificationsPages(pages);
  },
  invariants: sitesInvariants,
  indicators: sitesIndicators,
  loadDemo: loadSitesDemo,
  homeSection: sitesHomeSection,
};
