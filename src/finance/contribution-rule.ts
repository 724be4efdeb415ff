import type { contributionRules, membershipCategories } from './schema.ts';

export type MembershipCategory = (typeof membershipCategories)[number];
export type ContributionRule = (typeof contributionRules)[number];

/** A category's rates for one year, as the secretariat sets them (amounts in minor units of `currency`). */
export type ContributionRate = {
  year: number;
  category: MembershipCategory;
  currency: string;
  fixedAmountMinor: number;
  perTonneMinor: number;
  floorMinor: number;
  capMinor: number;
};

/**
 * How a call's amount was computed, stored with the call so anyone can recompute it: the rule, the
 * year's rates it took and, on the scaled rule, the declared cobalt use and the amount before the
 * floor and cap.
 */
export type ContributionBasis =
  | { rule: 'category_fixed'; year: number; category: MembershipCategory; currency: string; fixedAmountMinor: number }
  | {
      rule: 'cobalt_scaled';
      year: number;
      category: MembershipCategory;
      currency: string;
      declaredCobaltKg: number;
      perTonneMinor: number;
      floorMinor: number;
      capMinor: number;
      /** declared tonnes × amount per tonne, rounded half up to the minor unit, before floor and cap. */
      scaledMinor: number;
    };

/**
 * Declared kilograms × amount per tonne ÷ 1,000, rounded half up to the minor unit. Computed in
 * BigInt: the product of two amounts near 2^53 must not lose digits on the way.
 */
export function scaleByCobaltUse(declaredCobaltKg: number, perTonneMinor: number): number {
  const product = BigInt(declaredCobaltKg) * BigInt(perTonneMinor);
  return Number((product + 500n) / 1000n);
}

/**
 * The basis of a member's contribution for the rate's year:
 * - `category_fixed`: the category's fixed amount;
 * - `cobalt_scaled`: declared cobalt use in tonnes × the amount per tonne, never below the floor nor
 *   above the cap of the member's category.
 */
export function contributionBasis(member: { category: MembershipCategory; rule: ContributionRule; declaredCobaltKg: number | null }, rate: ContributionRate): ContributionBasis {
  const common = { year: rate.year, category: member.category, currency: rate.currency };
  if (member.rule === 'category_fixed') return { rule: 'category_fixed', ...common, fixedAmountMinor: rate.fixedAmountMinor };
  const declaredCobaltKg = member.declaredCobaltKg ?? 0;
  return {
    rule: 'cobalt_scaled',
    ...common,
    declaredCobaltKg,
    perTonneMinor: rate.perTonneMinor,
    floorMinor: rate.floorMinor,
    capMinor: rate.capMinor,
    scaledMinor: scaleByCobaltUse(declaredCobaltKg, rate.perTonneMinor),
  };
}

/** The amount a basis gives: the fixed amount, or the scaled amount held between floor and cap. */
export function contributionAmount(basis: ContributionBasis): number {
  if (basis.rule === 'category_fixed') return basis.fixedAmountMinor;
  return Math.min(basis.capMinor, Math.max(basis.floorMinor, scaleByCobaltUse(basis.declaredCobaltKg, basis.perTonneMinor)));
}
