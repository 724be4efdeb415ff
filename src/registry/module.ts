import type { OrebookModule } from '../web/module.ts';
import { loadRegistryDemo } from './demo.ts';
import { certificateInvariants } from './certificate/invariants.ts';
import { registryInvariants } from './invariants.ts';
import { registerAccountsPages } from './pages/accounts/index.ts';
import { registerCertificatesPages } from './pages/certificates/index.ts';
import { registerFootprintsPages } from './pages/footprints/index.ts';
import { registryHomeSection } from './pages/home.tsx';
import { registerOperationsPages } from './pages/operations/index.ts';
import { registerPublicRegistryPages } from './pages/public/index.ts';
import { registerSalesPages } from './pages/sales/index.ts';
import { registerAccountsApi } from './routes/accounts.ts';
import { registerCertificatesApi } from './routes/certificates.ts';
import { registerFootprintsApi } from './routes/footprints.ts';
import { registerOperationsApi } from './routes/operations.ts';
import { registerPublicRegistryApi } from './routes/public.ts';
import { registerSalesApi } from './routes/sales.ts';

/**
 * The Responsible Minerals Credit registry: accounts, batches issued from signed verification
 * statements, serial blocks, transfers, retirements and their certificates, cancellations, sales
 * and the premium they owe to site funds, buyers' footprints, and the public registry.
 */
export const registryModule: OrebookModule = {
  name: 'registry',
  registerApi(api) {
    registerPublicRegistryApi(api);
    registerAccountsApi(api);
    registerOperationsApi(api);
    registerSalesApi(api);
    registerCertificatesApi(api);
    registerFootprintsApi(api);
  },
  registerPages(pages) {
    registerPublicRegistryPages(pages);
    registerAccountsPages(pages);
    registerOperationsPages(pages);
    registerSalesPages(pages);
    registerCertificatesPages(pages);
    registerFootprintsPages(pages);
  },
  invariants: [...registryInvariants, ...certificateInvariants],
  loadDemo: loadRegistryDemo,
  homeSection: registryHomeSection,
};
