import { and, eq } from 'drizzle-orm';
import { authorize } from '../../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import type { ContributionRate } from '../../contribution-rule.ts';
import { checkCategory, isContributionYear, isCurrencyCode } from '../../membership-input.ts';
import { membersError } from '../../messages/members-errors.ts';
import { financeContributionCalls, financeContributionRates, financeMemberships } from '../../schema.ts';

export type ContributionRateProps = Omit<ContributionRate, 'category'> & { category: string };

const isAmount = (minor: number) => Number.isSafeInteger(minor) && minor > 0;

/**
 * The secretariat sets (or, until a call uses them, changes) a category's contribution rates for
 * a year: the fixed amount, and the scale by cobalt use (amount per tonne, floor, cap), in one
 * currency. Refused once a call of that year and category exists (409 `rate_in_use`): a call's
 * amount must stay the computation of the rates it was issued from.
 */
export async function setContributionRate(ctx: CommandContext, props: ContributionRateProps): Promise<ContributionRate> {
  authorize(ctx.actor, 'finance.manage');
  if (!isContributionYear(props.year)) throw membersError('rate_year_invalid', 422, { year: props.year });
  const category = checkCategory(props.category);
  if (!isCurrencyCode(props.currency)) throw membersError('currency_invalid', 422, { currency: props.currency });
  if (![props.fixedAmountMinor, props.perTonneMinor, props.floorMinor, props.capMinor].every(isAmount) || props.capMinor < props.floorMinor) throw membersError('rate_amounts_invalid', 422);
  const [used] = await ctx.tx
    .select({ id: financeContributionCalls.id })
    .from(financeContributionCalls)
    .innerJoin(financeMemberships, eq(financeMemberships.id, financeContributionCalls.membershipId))
    .where(and(eq(financeContributionCalls.year, props.year), eq(financeMemberships.category, category)))
    .limit(1);
  if (used) throw membersError('rate_in_use', 409, { category, year: props.year });
  const rate = { year: props.year, category, currency: props.currency, fixedAmountMinor: props.fixedAmountMinor, perTonneMinor: props.perTonneMinor, floorMinor: props.floorMinor, capMinor: props.capMinor };
  await ctx.tx
    .insert(financeContributionRates)
    .values({ ...rate, updatedAt: ctx.now })
    .onConflictDoUpdate({ target: [financeContributionRates.year, financeContributionRates.category], set: { ...rate, updatedAt: ctx.now } });
  await appendEvent(ctx, { type: 'finance.contribution_rate_set', subject: `contribution-rate:${props.year}:${category}`, payload: rate });
  return rate;
}
