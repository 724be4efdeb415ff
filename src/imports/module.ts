import type { OrebookModule } from '../web/module.ts';
import { importsInvariants } from './invariants.ts';
import { registerImportsPages } from './pages/imports.tsx';
import { registerImportsApi } from './routes.ts';

/** Field data capture: the field forms as XLSForms, and the import of KoboToolbox submission exports through each module's own commands. */
export const importsModule: OrebookModule = {
  name: 'imports',
  registerApi: registerImportsApi,
  registerPages: registerImportsPages,
  invariants: importsInvariants,
};
