import type { OrebookModule } from '../web/module.ts';
import { loadSafetyDemo } from './demo.ts';
import { safetyIndicators } from './indicators.ts';
import { safetyInvariants } from './invariants.ts';
import { registerSafetyPages } from './pages/index.ts';
import { registerSafetyApi } from './routes/index.ts';
import { safetyHomeSection } from './pages/home.tsx';

/** Safety at the sites: incidents and their corrections, interventions, hours worked, and the rates the sector reports. */
export const safetyModule: OrebookModule = {
  name: 'safety',
  registerApi: registerSafetyApi,
  registerPages: registerSafetyPages,
  invariants: safetyInvariants,
  indicators: safetyIndicators,
  loadDemo: loadSafetyDemo,
  homeSection: safetyHomeSection,
};
