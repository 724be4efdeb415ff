import { and, asc, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/connect.ts';
import { creditAccounts, creditBatches, creditBlocks, creditOrders, creditPayments, creditRetirements } from '../schema.ts';

/** Credits an organisation bought from the registry: its paid orders, oldest first. */
export type CreditPurchase = { invoiceNumber: string; paidOn: string; mineral: string; vintage: number; quantityKg: number; amountMinor: number; currency: string };
/** Credits an organisation retired, oldest first, with the minerals and vintages of the retired units. */
export type CreditRetirementSummary = { id: number; retiredAt: Date; quantityKg: number; beneficiary: string; claimPeriodStart: string; claimPeriodEnd: string; minerals: string[]; vintages: number[] };

/**
 * What an organisation bought and retired in the registry, for pages that show a company its own
 * part in the mechanism (the finance module's member page). Company records only: no contact.
 */
export async function organisationCredits(db: Queryable, organisationId: number): Promise<{ purchases: CreditPurchase[]; retirements: CreditRetirementSummary[] }> {
  const purchases = await db
    .select({
      invoiceNumber: creditOrders.invoiceNumber,
      paidOn: creditPayments.receivedOn,
      mineral: creditOrders.mineral,
      vintage: creditOrders.vintage,
      quantityKg: creditOrders.quantityKg,
      amountMinor: creditPayments.amountMinor,
      currency: creditPayments.currency,
    })
    .from(creditOrders)
    .innerJoin(creditPayments, eq(creditPayments.orderId, creditOrders.id))
    .where(eq(creditOrders.organisationId, organisationId))
    .orderBy(asc(creditPayments.receivedOn), asc(creditOrders.id));
  const retirements = await db
    .select({
      id: creditRetirements.id,
      retiredAt: creditRetirements.createdAt,
      quantityKg: creditRetirements.quantityKg,
      beneficiary: creditRetirements.beneficiary,
      claimPeriodStart: creditRetirements.claimPeriodStart,
      claimPeriodEnd: creditRetirements.claimPeriodEnd,
      minerals: sql<string[]>`array(select distinct b.mineral from ${creditBlocks} k join ${creditBatches} b on b.id = k.batch_id where k.retirement_id = ${creditRetirements.id} and k.state = 'retired' order by 1)`,
      vintages: sql<number[]>`array(select distinct b.vintage from ${creditBlocks} k join ${creditBatches} b on b.id = k.batch_id where k.retirement_id = ${creditRetirements.id} and k.state = 'retired' order by 1)`,
    })
    .from(creditRetirements)
    .innerJoin(creditAccounts, eq(creditAccounts.id, creditRetirements.accountId))
    .where(and(eq(creditAccounts.organisationId, organisationId)))
    .orderBy(asc(creditRetirements.id));
  return { purchases, retirements: retirements.map((row) => ({ ...row, vintages: row.vintages.map(Number) })) };
}
