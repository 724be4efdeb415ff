import { isIsoDate } from '../core/calendar.ts';
import type { ContributionRule, MembershipCategory } from './contribution-rule.ts';
import { membersError } from './messages/members-errors.ts';
import { contributionRules, membershipCategories, membershipStatuses } from './schema.ts';
import { isKnownCurrency } from '../rates/public.ts';

export type MembershipStatus = (typeof membershipStatuses)[number];

/** The most cobalt a member may declare: a million tonnes a year, far above any company's use. */
const maxDeclaredCobaltKg = 1_000_000_000;

export function checkCategory(category: string): MembershipCategory {
  if (!(membershipCategories as readonly string[]).includes(category)) throw membersError('category_invalid', 422, { category });
  return category as MembershipCategory;
}

export function checkRule(rule: string): ContributionRule {
  if (!(contributionRules as readonly string[]).includes(rule)) throw membersError('rule_invalid', 422, { rule });
  return rule as ContributionRule;
}

export function checkStatus(status: string): MembershipStatus {
  if (!(membershipStatuses as readonly string[]).includes(status)) throw membersError('membership_status_invalid', 422, { status });
  return status as MembershipStatus;
}

/** The declared cobalt use a rule needs: required (whole kilograms, 0 to a million tonnes) on the scaled rule, kept when given on the fixed one. */
export function checkDeclaredUse(rule: ContributionRule, declaredCobaltKg: number | null | undefined): number | null {
  if (declaredCobaltKg === null || declaredCobaltKg === undefined) {
    if (rule === 'cobalt_scaled') throw membersError('declared_use_required', 422);
    return null;
  }
  if (!Number.isSafeInteger(declaredCobaltKg) || declaredCobaltKg < 0 || declaredCobaltKg > maxDeclaredCobaltKg) throw membersError('declared_use_invalid', 422);
  return declaredCobaltKg;
}

/** A calendar year a rate or a call may be for. */
export const isContributionYear = (year: number) => Number.isInteger(year) && year >= 2000 && year <= 2100;

/** A date written YYYY-MM-DD, not after today. */
export const isPastDate = (date: string, today: string) => isIsoDate(date) && date <= today;

/** A currency of the application's one list (src/rates), whose minor units and rates Orebook knows. */
export const isCurrencyCode = (currency: string) => isKnownCurrency(currency);

/** Text as typed, trimmed; null when empty or longer than `max`. */
export function cleanText(value: string | null | undefined, max: number): string | null {
  const text = (value ?? '').trim();
  return text.length === 0 || text.length > max ? null : text;
}
