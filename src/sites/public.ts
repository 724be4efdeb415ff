/**
 * The public face of the sites module: what other modules, the CLI and the composition root may use.
 * Everything else in src/sites/ is the module's own (enforced by the import rule in eslint.config.js).
 */
export { listNewReferrals, lockReferral, markReferralTakenUp } from './child-referrals.ts';
export type { ReferralToConfirm } from './child-referrals.ts';
export { raiseCorrectiveAction } from './commands/corrective-actions/raise-corrective-action.ts';
export { declareProduction } from './commands/production/declare-production.ts';
export { parseGradePercent, parseTonnes } from './production-figures.ts';
export type { Parsed } from './production-figures.ts';
export { addPits } from './commands/sites/add-pits.ts';
export { createSite } from './commands/sites/create-site.ts';
export { drawFromVerification } from './commands/verifications/draw-from-verification.ts';
export { restoreToVerification } from './commands/verifications/restore-to-verification.ts';
export { registerWorker } from './commands/workers/register-worker.ts';
export { productionError, productionText } from './messages/production.ts';
export { correctiveActionsOfSite } from './queries/corrective-actions.ts';
export { listMinerals, siteByCode } from './queries/production.ts';
export { findSiteByCode, listOperatorGroups, listPits, listSites } from './queries/sites.ts';
export { getVerification, listVerifications, remainingIssuableKg } from './queries/verifications.ts';
export { makeVerifierKey, signStatementBytes, StatementSigningError } from './statement-signing.ts';
export { headcountTotals } from './queries/workers.ts';
export { childReferrals, correctiveActions, minerals, operatorGroups, pits, sexes, sites, verificationStatements } from './schema.ts';
