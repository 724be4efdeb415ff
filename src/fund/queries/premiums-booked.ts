import { and, asc, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/connect.ts';
import { fundTransactions } from '../schema.ts';

/** A credit premium a site fund booked as its income, dated the day the buyer's payment arrived. */
export type BookedPremium = { creditPremiumId: number | null; occurredOn: string; currency: string; amountMinor: number };

/** The credit premiums the site funds booked in a period (both days included), oldest first. */
export async function premiumsBookedBetween(db: Queryable, period: { from: string; to: string }): Promise<BookedPremium[]> {
  return db
    .select({ creditPremiumId: fundTransactions.creditPremiumId, occurredOn: fundTransactions.occurredOn, currency: fundTransactions.currency, amountMinor: fundTransactions.amountMinor })
    .from(fundTransactions)
    .where(and(eq(fundTransactions.source, 'premium'), sql`${fundTransactions.occurredOn} between ${period.from} and ${period.to}`))
    .orderBy(asc(fundTransactions.occurredOn), asc(fundTransactions.id));
}
