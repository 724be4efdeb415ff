import type { OrebookModule } from '../web/module.ts';
import { loadAccountsDemo } from './demo.ts';
import { registerAccountsPages } from './pages/index.tsx';
import { registerAccountsApi } from './routes.ts';

/** Organisations, users, sessions and API tokens: who may act, for which organisation. */
export const accountsModule: OrebookModule = {
  name: 'accounts',
  registerApi: registerAccountsApi,
  registerPages: registerAccountsPages,
  loadDemo: loadAccountsDemo,
};
