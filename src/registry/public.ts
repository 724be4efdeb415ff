/**
 * The public face of the registry module: what other modules, the CLI and the composition root may use.
 * Everything else in src/registry/ is the module's own (enforced by the import rule in eslint.config.js).
 */
import { creditPremiums } from './schema.ts';

export { paidSalesBetween, recordedPremiums } from './queries/sales.ts';
export type { PaidSale, RecordedPremium } from './queries/sales.ts';
export { organisationCredits } from './queries/organisation-credits.ts';
export type { CreditPurchase, CreditRetirementSummary } from './queries/organisation-credits.ts';

/** Rows of the registry another module's table may point at by foreign key: the premium a fund books. */
export const registryKeys = { creditPremiumId: () => creditPremiums.id };
