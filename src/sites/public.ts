/**
 * The public face of the sites module: what other modules, the CLI and the composition root may use.
 * Everything else in src/sites/ is the module's own (enforced by the import rule in eslint.config.js).
 */
export { raiseCorrectiveAction } from './commands/corrective-actions/raise-corrective-action.ts';
export { declareProduction, parseGradePercent, parseTonnes } from './commands/production.ts';
export type { Parsed } from './commands/production.ts';
export { addPits, createSite } from './commands/sites.ts';
export { drawFromVerification, restoreToVerification } from './commands/verifications.ts';
export { registerWorker } from './commands/workers.ts';
export { productionError, productionText } from './messages/production.ts';
export { listMinerals, siteByCode } from './queries/production.ts';
export { findSiteByCode, listOperatorGroups, listPits, listSites } from './queries/sites.ts';
export { getVerification, listVerifications, remainingIssuableKg } from './queries/verifications.ts';
export { headcountTotals } from './queries/workers.ts';
export { childReferrals, correctiveActions, minerals, operatorGroups, pits, productionDeclarations, sexes, sites, verificationStatements } from './schema.ts';
