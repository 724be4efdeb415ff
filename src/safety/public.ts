/**
 * The public face of the safety module: what other modules, the CLI and the composition root may use.
 * Everything else in src/safety/ is the module's own (enforced by the import rule in eslint.config.js).
 */
export { recordIncident } from './commands/record-incident.ts';
export { recordIntervention } from './commands/record-intervention.ts';
export { costCurrencies, parseCost } from './costs.ts';
export { safetyError } from './messages/errors.ts';
export { safetyText } from './messages/pages.ts';
export { safetySite } from './queries/summary.ts';
export { ageGroups, incidentKinds, incidentSeverities, interventionKinds } from './schema.ts';
export type { AgeGroup, IncidentKind, IncidentSeverity, InterventionKind } from './schema.ts';
export { safetyIndicators } from './indicators.ts';
