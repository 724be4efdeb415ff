/**
 * The public face of the fund module: what other modules may read of the site funds. Kept small
 * on purpose: the credit premiums the funds booked in a period, which the alliance's finance
 * statements reconcile with the premiums the registry recorded as owed.
 */
export { premiumsBookedBetween, type BookedPremium } from './queries/premiums-booked.ts';
