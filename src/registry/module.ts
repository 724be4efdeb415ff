import type { OrebookModule } from '../web/module.ts';
import { registryInvariants } from './invariants.ts';
import { registerRegistryApi } from './routes.ts';

/**
 * The Responsible Minerals Credit registry: accounts, batches issued from signed verification
 * statements, serial blocks, transfers, retirements and cancellations.
 */
export const registryModule: OrebookModule = {
  name: 'registry',
  registerApi: registerRegistryApi,
  invariants: registryInvariants,
};
