import { and, asc, between, desc, eq, inArray, sql } from 'drizzle-orm';
import { organisations } from '../../accounts/public.ts';
import type { Queryable } from '../../db/connect.ts';
import { financeAllocations, financeExpenditures, financeGrants, financePartnerCommitments } from '../grants-schema.ts';
import { financeActivities } from '../schema.ts';

/**
 * Spending as the reader may see it. The payee is an organisation's name or null for an
 * individual; the individual's name is read only when `withPersonalData` (the caller has asked the
 * `finance.restricted.read` policy), and so is whether a receipt is on file.
 */
export type SpendingRow = {
  id: number;
  kind: 'expenditure' | 'disbursement';
  reference: string;
  spentOn: string;
  amountMinor: number;
  currency: string;
  activity: string;
  category: string;
  payeeOrganisation: string | null;
  payeeIndividualName?: string;
  description: string;
  receiptFileId?: number | null;
  allocations: { grantId: number | null; grantReference: string | null; amountMinor: number; grantAmountMinor: number | null }[];
};

/** The years in which anything was spent, latest first. */
export async function spendingYears(db: Queryable): Promise<number[]> {
  const year = sql<number>`extract(year from ${financeExpenditures.spentOn})::int`;
  return (await db.selectDistinct({ year }).from(financeExpenditures).orderBy(desc(year))).map((row) => row.year);
}

/** Spending, latest first: all of it, or only what is charged to one grant, or spent in one year. */
export async function listSpending(db: Queryable, options: { grantId?: number; year?: number; withPersonalData: boolean; limit?: number }): Promise<SpendingRow[]> {
  const charged = options.grantId === undefined ? undefined : db.select({ id: financeAllocations.expenditureId }).from(financeAllocations).where(eq(financeAllocations.grantId, options.grantId));
  const rows = await db
    .select({ expenditure: financeExpenditures, activity: financeActivities.code, payeeOrganisation: organisations.name })
    .from(financeExpenditures)
    .innerJoin(financeActivities, eq(financeActivities.id, financeExpenditures.activityId))
    .leftJoin(organisations, eq(organisations.id, financeExpenditures.payeeOrganisationId))
    .where(and(charged ? inArray(financeExpenditures.id, charged) : undefined, options.year === undefined ? undefined : between(financeExpenditures.spentOn, `${options.year}-01-01`, `${options.year}-12-31`)))
    .orderBy(desc(financeExpenditures.spentOn), desc(financeExpenditures.id))
    .limit(options.limit ?? 500);
  if (rows.length === 0) return [];
  const allocations = await db
    .select({ expenditureId: financeAllocations.expenditureId, grantId: financeAllocations.grantId, grantReference: financeGrants.reference, amountMinor: financeAllocations.amountMinor, grantAmountMinor: financeAllocations.grantAmountMinor })
    .from(financeAllocations)
    .leftJoin(financeGrants, eq(financeGrants.id, financeAllocations.grantId))
    .where(inArray(financeAllocations.expenditureId, rows.map((row) => row.expenditure.id)))
    .orderBy(asc(financeAllocations.id));
  return rows.map(({ expenditure, activity, payeeOrganisation }) => ({
    id: expenditure.id,
    kind: expenditure.transactionType === 3 ? 'disbursement' : 'expenditure',
    reference: expenditure.reference,
    spentOn: expenditure.spentOn,
    amountMinor: expenditure.amountMinor,
    currency: expenditure.currency,
    activity,
    category: expenditure.costCategory,
    payeeOrganisation,
    ...(options.withPersonalData ? { payeeIndividualName: expenditure.payeeIndividualName ?? undefined, receiptFileId: expenditure.receiptFileId } : {}),
    description: expenditure.description,
    allocations: allocations.filter((a) => a.expenditureId === expenditure.id).map(({ expenditureId: _id, ...a }) => a),
  }));
}

/** One expenditure's receipt file id, for the secretariat's download. */
export async function expenditureReceipt(db: Queryable, expenditureId: number) {
  if (!Number.isSafeInteger(expenditureId) || expenditureId <= 0) return undefined;
  const [row] = await db.select({ receiptFileId: financeExpenditures.receiptFileId }).from(financeExpenditures).where(eq(financeExpenditures.id, expenditureId));
  return row;
}

/** Outgoing commitments to partners, latest first. */
export async function listPartnerCommitments(db: Queryable) {
  return db
    .select({ commitment: financePartnerCommitments, partner: organisations.name, activity: financeActivities.code })
    .from(financePartnerCommitments)
    .innerJoin(organisations, eq(organisations.id, financePartnerCommitments.partnerOrganisationId))
    .innerJoin(financeActivities, eq(financeActivities.id, financePartnerCommitments.activityId))
    .orderBy(desc(financePartnerCommitments.signedOn));
}
