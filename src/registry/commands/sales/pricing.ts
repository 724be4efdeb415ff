/**
 * The arithmetic of the price schedule and of orders, as pure functions on integers: money in
 * minor units of its currency (cents), quantities in kilograms. Every division rounds half up to
 * the minor unit (amounts are never negative, so half up and half away from zero agree), and is
 * done on BigInt so that no intermediate product loses precision.
 */

/** `numerator / denominator` rounded half up, for a numerator ≥ 0 and a denominator > 0. */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}

/** The default rule takes this share of the reference price (10 %). */
export const rulePercent = 10;

/** How many years before the vintage the default rule averages. */
export const ruleYears = 3;

/** The years whose reference prices the rule averages for a vintage: 2023 credits → 2020, 2021, 2022. */
export const ruleYearsFor = (vintage: number): number[] => Array.from({ length: ruleYears }, (_, i) => vintage - ruleYears + i);

export type RulePrice = {
  /** The rule's share of the average, in percent. */
  percent: number;
  /** The average of the reference prices, rounded half up to the minor unit (shown as provenance only). */
  averagePerTonneMinor: number;
  /** The credit price: percent × sum ÷ (100 × years), rounded half up once, from the exact sum. */
  pricePerTonneMinor: number;
};

/**
 * The default price of a credit: 10 % of the average of the reference prices of the three years
 * before the vintage. Computed from the exact sum, so the average is never rounded twice: with
 * USD 31,500, 51,000 and 63,500 (2020–2022) it is 14,600,000 × 10 ÷ 300 = 486,666.67 cents,
 * rounded half up to USD 4,866.67 a tonne.
 */
export function tenPercentOfThreeYearAverage(referencePricesMinor: readonly number[]): RulePrice {
  if (referencePricesMinor.length !== ruleYears || !referencePricesMinor.every((p) => Number.isSafeInteger(p) && p > 0)) {
    throw new RangeError(`the rule needs ${ruleYears} positive reference prices`);
  }
  const sum = referencePricesMinor.reduce((total, price) => total + BigInt(price), 0n);
  return {
    percent: rulePercent,
    averagePerTonneMinor: Number(divideHalfUp(sum, BigInt(ruleYears))),
    pricePerTonneMinor: Number(divideHalfUp(sum * BigInt(rulePercent), BigInt(100 * ruleYears))),
  };
}

export type OrderAmounts = { amountMinor: number; feeMinor: number; premiumMinor: number };

/**
 * What an order costs: amount = kilograms × price per tonne ÷ 1,000; the registry fee = amount ×
 * basis points ÷ 10,000; the premium owed to the site's fund = amount − fee, so the two always add
 * up to the amount. Each division rounds half up to the minor unit. 2,500 kg at USD 5,000.00 a
 * tonne with a 10 % fee: USD 12,500.00, of which 1,250.00 fee and 11,250.00 premium.
 */
export function orderAmounts(props: { quantityKg: number; pricePerTonneMinor: number; registryFeeBasisPoints: number }): OrderAmounts {
  const amount = divideHalfUp(BigInt(props.quantityKg) * BigInt(props.pricePerTonneMinor), 1000n);
  const fee = divideHalfUp(amount * BigInt(props.registryFeeBasisPoints), 10_000n);
  return { amountMinor: Number(amount), feeMinor: Number(fee), premiumMinor: Number(amount - fee) };
}
