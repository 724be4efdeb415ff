import { authorize } from '../../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { salesError } from '../../messages/sales.ts';
import { listReferencePrices, type PriceProvenance, type RuleInputs } from '../../queries/sales.ts';
import { creditPrices, type priceRules } from '../../schema.ts';
import { cleanText } from '../ledger.ts';
import { assertCurrency, assertMineral, assertPricePerTonne, assertYear } from './checks.ts';
import { ruleYearsFor, tenPercentOfThreeYearAverage } from './pricing.ts';

export type SetCreditPriceProps = {
  mineral: string;
  vintage: number;
  /** ISO 4217; for the computed rule, the currency of the reference prices it averages. */
  currency: string;
  /** `ten_percent_of_three_year_average` computes the price from the reference prices; `manual` takes the price given, with a reason. */
  rule: (typeof priceRules)[number];
  /** Manual prices only: the price of one credit (one tonne), in minor units. */
  pricePerTonneMinor?: number | null;
  /** Why the price is what it is (up to 500 characters): required for a manual price, optional otherwise. */
  reason?: string | null;
  /** The share of each sale the secretariat keeps, in basis points (0–10,000; 1,000 = 10 %); the rest is the site fund's premium. */
  registryFeeBasisPoints: number;
};

export type CreditPriceSet = typeof creditPrices.$inferSelect & { ruleInputs: PriceProvenance };

type RuleResult = { inputs: RuleInputs; pricePerTonneMinor: number } | { missingYears: number[] };

/** What the default rule gives for a mineral, vintage and currency, from the reference prices recorded; or the years it still lacks. */
async function computeRulePrice(ctx: CommandContext, props: { mineral: string; vintage: number; currency: string }): Promise<RuleResult> {
  const years = ruleYearsFor(props.vintage);
  const recorded = await listReferencePrices(ctx.tx, { mineral: props.mineral, currency: props.currency, years });
  const missingYears = years.filter((year) => !recorded.some((r) => r.year === year));
  if (missingYears.length > 0) return { missingYears };
  const prices = years.map((year) => recorded.find((r) => r.year === year)!);
  const rule = tenPercentOfThreeYearAverage(prices.map((p) => p.pricePerTonneMinor));
  return {
    pricePerTonneMinor: rule.pricePerTonneMinor,
    inputs: {
      years,
      prices: prices.map((p) => ({ year: p.year, pricePerTonneMinor: p.pricePerTonneMinor, source: p.source, referencePriceId: p.id })),
      averagePerTonneMinor: rule.averagePerTonneMinor,
      percent: rule.percent,
      rounding: 'half_up_to_minor_unit',
    },
  };
}

/** The price, its provenance and its reason, once the rule's own checks pass. */
async function priceByRule(ctx: CommandContext, props: SetCreditPriceProps, currency: string, reason: string | null) {
  const key = { mineral: props.mineral, vintage: props.vintage, currency };
  const computed = await computeRulePrice(ctx, key);
  if (props.rule === 'manual') {
    assertPricePerTonne(props.pricePerTonneMinor);
    if (reason === null) throw salesError('manual_reason_required', 422);
    // A manual price keeps what the rule would have given beside it, so the schedule shows how far it departs.
    const ruleInputs: PriceProvenance = 'inputs' in computed ? { ruleWouldGive: { ...computed.inputs, pricePerTonneMinor: computed.pricePerTonneMinor } } : {};
    return { pricePerTonneMinor: props.pricePerTonneMinor, ruleInputs, reason };
  }
  if (props.pricePerTonneMinor !== undefined && props.pricePerTonneMinor !== null) throw salesError('computed_price_given', 422);
  if ('missingYears' in computed) {
    throw salesError('reference_prices_missing', 422, { mineral: props.mineral, currency, years: computed.missingYears.join(', ') }, { missingYears: computed.missingYears });
  }
  return { pricePerTonneMinor: computed.pricePerTonneMinor, ruleInputs: computed.inputs as PriceProvenance, reason };
}

/**
 * An admin sets the price of the credits of a mineral and vintage, in one currency, for new
 * orders: computed by the default rule (10 % of the average reference price of the three years
 * before the vintage; a missing year is refused with 422 `reference_prices_missing`, naming it),
 * or set by hand with a reason. The new row is in force from now on; orders already placed keep
 * their price. `rule_inputs` records the provenance: the reference prices, their average and the
 * percent taken.
 */
export async function setCreditPrice(ctx: CommandContext, props: SetCreditPriceProps): Promise<CreditPriceSet> {
  authorize(ctx.actor, 'registry.price.set');
  await assertMineral(ctx.tx, props.mineral);
  assertYear(props.vintage, 'vintage_invalid');
  const currency = assertCurrency(props.currency);
  if (props.rule !== 'manual' && props.rule !== 'ten_percent_of_three_year_average') throw salesError('rule_invalid', 422);
  const fee = props.registryFeeBasisPoints;
  if (!Number.isInteger(fee) || fee < 0 || fee > 10_000) throw salesError('fee_invalid', 422);
  const reasonText = (props.reason ?? '').trim();
  if (reasonText.length > 500) throw salesError('reason_too_long', 422);
  const price = await priceByRule(ctx, props, currency, cleanText(reasonText, 500));
  const [row] = await ctx.tx
    .insert(creditPrices)
    .values({ mineral: props.mineral, vintage: props.vintage, currency, rule: props.rule, registryFeeBasisPoints: fee, createdAt: ctx.now, ...price })
    .returning();
  await appendEvent(ctx, {
    type: 'registry.price_set',
    subject: `credit-price:${row!.id}`,
    payload: {
      priceId: row!.id,
      mineral: row!.mineral,
      vintage: row!.vintage,
      currency,
      pricePerTonneMinor: row!.pricePerTonneMinor,
      rule: row!.rule,
      ruleInputs: price.ruleInputs,
      reason: row!.reason,
      registryFeeBasisPoints: fee,
    },
  });
  return { ...row!, ruleInputs: price.ruleInputs };
}
