import { and, eq, inArray, or } from 'drizzle-orm';
import { isIsoDate, isoDateOf } from '../core/calendar.ts';
import type { Queryable } from '../db/connect.ts';
import type { CommandContext } from '../journal/public.ts';
import { isKnownCurrency } from '../rates/public.ts';
import { costCategories, financeGrantRestrictions, financeGrants, type CostCategory } from './grants-schema.ts';
import { grantError } from './messages/grant-errors.ts';
import { financeActivities, financeProgrammeAreas } from './schema.ts';

export type Grant = typeof financeGrants.$inferSelect;

/** A whole number of minor units above zero, below 2^53. */
export function checkAmount(amountMinor: number): number {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) throw grantError('amount_invalid', 422);
  return amountMinor;
}

export function checkDate(date: string): string {
  if (typeof date !== 'string' || !isIsoDate(date)) throw grantError('date_invalid', 422, { date: String(date) });
  return date;
}

/** A date money moved on: a real date, not after today. */
export function checkPastDate(ctx: CommandContext, date: string): string {
  checkDate(date);
  if (date > isoDateOf(ctx.now)) throw grantError('date_in_future', 422, { date });
  return date;
}

/** A currency of the application's one list (src/rates), whose minor units and rates Orebook knows. */
export function checkCurrency(currency: string): string {
  if (typeof currency !== 'string' || !isKnownCurrency(currency)) throw grantError('currency_invalid', 422, { currency: String(currency).slice(0, 12) });
  return currency;
}

export function checkCostCategory(category: string): CostCategory {
  if (!(costCategories as readonly string[]).includes(category)) throw grantError('cost_category_invalid', 422, { category });
  return category as CostCategory;
}

/** Trimmed text of 1 to `max` characters, else null. */
export function cleanText(text: string | undefined | null, max: number): string | null {
  const trimmed = (text ?? '').trim();
  return trimmed && trimmed.length <= max ? trimmed : null;
}

/** The grant, locked for the rest of the command so that two writes to it queue (receipts against its total, budget versions). */
export async function lockGrant(ctx: CommandContext, grantId: number): Promise<Grant> {
  const [grant] = Number.isSafeInteger(grantId) && grantId > 0 ? await ctx.tx.select().from(financeGrants).where(eq(financeGrants.id, grantId)).for('update') : [];
  if (!grant) throw grantError('grant_not_found', 404, { id: String(grantId) });
  return grant;
}

export async function activityByCode(db: Queryable, code: string) {
  const [activity] = await db.select({ id: financeActivities.id, code: financeActivities.code, areaId: financeActivities.areaId }).from(financeActivities).where(eq(financeActivities.code, code));
  if (!activity) throw grantError('activity_not_found', 422, { code });
  return activity;
}

export async function areaByCode(db: Queryable, code: string) {
  const [area] = await db.select({ id: financeProgrammeAreas.id }).from(financeProgrammeAreas).where(eq(financeProgrammeAreas.code, code));
  if (!area) throw grantError('area_not_found', 422, { code });
  return area;
}

/** Whether the grant funds the activity: it is restricted to the activity itself or to its programme area. */
export async function grantFundsActivity(db: Queryable, grantId: number, activity: { id: number; areaId: number }): Promise<boolean> {
  const [restriction] = await db
    .select({ id: financeGrantRestrictions.id })
    .from(financeGrantRestrictions)
    .where(and(eq(financeGrantRestrictions.grantId, grantId), or(eq(financeGrantRestrictions.activityId, activity.id), eq(financeGrantRestrictions.areaId, activity.areaId))))
    .limit(1);
  return restriction !== undefined;
}

/** The grants among `ids`, by id. */
export async function grantsById(db: Queryable, ids: readonly number[]): Promise<Map<number, Grant>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select().from(financeGrants).where(inArray(financeGrants.id, [...ids]));
  return new Map(rows.map((grant) => [grant.id, grant]));
}

/** One share of a payment: to a grant, or to the unrestricted funds (`grantId` null). */
export type AllocationInput = { grantId: number | null; amountMinor: number };

/**
 * The allocation rules that need no database: at least one source, each source once, each share a
 * whole positive number of minor units, and the shares summing exactly to the amount. Answers the
 * allocations unchanged; refuses with the first rule broken.
 */
export function checkAllocationShares(amountMinor: number, allocations: readonly AllocationInput[]): readonly AllocationInput[] {
  if (allocations.length === 0 || allocations.length > 20) throw grantError('allocations_required', 422);
  const sources = new Set(allocations.map((allocation) => allocation.grantId ?? 0));
  if (sources.size !== allocations.length) throw grantError('allocations_required', 422);
  for (const allocation of allocations) {
    if (!Number.isSafeInteger(allocation.amountMinor) || allocation.amountMinor <= 0) throw grantError('allocation_amount_invalid', 422);
  }
  const sum = allocations.reduce((total, allocation) => total + allocation.amountMinor, 0);
  if (sum !== amountMinor) throw grantError('allocations_sum', 422, { sum: String(sum), amount: String(amountMinor) });
  return allocations;
}
