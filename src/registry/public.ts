/**
 * The public face of the registry module: what other modules, the CLI and the composition root may use.
 * Everything else in src/registry/ is the module's own (enforced by the import rule in eslint.config.js).
 */
export { creditPayments, creditPremiums } from './schema.ts';
