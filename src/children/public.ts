/**
 * The public face of the children module: what other modules, the CLI and the composition root may use.
 * Everything else in src/children/ is the module's own (enforced by the import rule in eslint.config.js).
 */
export type { ChildActivity, HouseholdHead, IdentificationSource, RiskLevel, Sex } from './case-opening.ts';
export { openCase } from './commands/open-case.ts';
export { recordVisit } from './commands/record-visit.ts';
export type { VisitOutcome } from './follow-up.ts';
export { childrenText } from './messages/pages.ts';
export { loadChildNameKey } from './name-key.ts';
export type { ChildNameKey } from './name-key.ts';
export { findCaseByCode } from './queries/cases.ts';
export { childActivities, householdHeads, identificationSources, riskLevels, visitOutcomes } from './schema.ts';
export { childrenIndicators } from './indicators.ts';
