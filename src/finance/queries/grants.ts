import { asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { organisations } from '../../accounts/public.ts';
import type { Queryable } from '../../db/connect.ts';
import {
  financeAllocations,
  financeGrantBudgetLines,
  financeGrantBudgetVersions,
  financeGrantReports,
  financeGrantRestrictions,
  financeGrants,
  financeGrantTransactions,
} from '../grants-schema.ts';
import { financeActivities, financeProgrammeAreas } from '../schema.ts';

const sumOf = (rows: { grantId: number; total: string | number | null }[]) => new Map(rows.map((row) => [row.grantId, Number(row.total ?? 0)]));

/** Grants in signing order (a donor's own when `donorOrgId` is given), with what was received and charged against each, in its currency. */
export async function listGrants(db: Queryable, filter: { donorOrgId?: number } = {}) {
  const grants = await db
    .select({ grant: financeGrants, donorCode: organisations.code, donorName: organisations.name })
    .from(financeGrants)
    .innerJoin(organisations, eq(organisations.id, financeGrants.donorOrganisationId))
    .where(filter.donorOrgId === undefined ? undefined : eq(financeGrants.donorOrganisationId, filter.donorOrgId))
    .orderBy(asc(financeGrants.signedOn), asc(financeGrants.id));
  if (grants.length === 0) return [];
  const ids = grants.map((row) => row.grant.id);
  const received = sumOf(
    await db
      .select({ grantId: financeGrantTransactions.grantId, total: sql<string>`sum(${financeGrantTransactions.amountMinor})` })
      .from(financeGrantTransactions)
      .where(sql`${financeGrantTransactions.transactionType} = 1 and ${inArray(financeGrantTransactions.grantId, ids)}`)
      .groupBy(financeGrantTransactions.grantId),
  );
  const spent = sumOf(
    await db
      .select({ grantId: sql<number>`${financeAllocations.grantId}`, total: sql<string>`sum(${financeAllocations.grantAmountMinor})` })
      .from(financeAllocations)
      .where(inArray(financeAllocations.grantId, ids))
      .groupBy(financeAllocations.grantId),
  );
  return grants.map(({ grant, donorCode, donorName }) => ({ ...grant, donorCode, donorName, receivedMinor: received.get(grant.id) ?? 0, spentMinor: spent.get(grant.id) ?? 0 }));
}

export type GrantSummary = Awaited<ReturnType<typeof listGrants>>[number];

/** A grant with its donor, what it is restricted to, its reporting dates, every budget version with its lines, and the money committed and received. */
export async function findGrant(db: Queryable, grantId: number) {
  if (!Number.isSafeInteger(grantId) || grantId <= 0) return undefined;
  const [row] = await db
    .select({ grant: financeGrants, donorCode: organisations.code, donorName: organisations.name })
    .from(financeGrants)
    .innerJoin(organisations, eq(organisations.id, financeGrants.donorOrganisationId))
    .where(eq(financeGrants.id, grantId));
  if (!row) return undefined;
  const restrictions = await db
    .select({ activity: financeActivities.code, area: financeProgrammeAreas.code })
    .from(financeGrantRestrictions)
    .leftJoin(financeActivities, eq(financeActivities.id, financeGrantRestrictions.activityId))
    .leftJoin(financeProgrammeAreas, eq(financeProgrammeAreas.id, financeGrantRestrictions.areaId))
    .where(eq(financeGrantRestrictions.grantId, grantId));
  const reports = await db.select({ dueOn: financeGrantReports.dueOn, description: financeGrantReports.description }).from(financeGrantReports).where(eq(financeGrantReports.grantId, grantId)).orderBy(asc(financeGrantReports.dueOn));
  const versions = await db.select().from(financeGrantBudgetVersions).where(eq(financeGrantBudgetVersions.grantId, grantId)).orderBy(desc(financeGrantBudgetVersions.version));
  const lines = versions.length
    ? await db
        .select({ versionId: financeGrantBudgetLines.versionId, activity: financeActivities.code, category: financeGrantBudgetLines.costCategory, year: financeGrantBudgetLines.year, amountMinor: financeGrantBudgetLines.amountMinor })
        .from(financeGrantBudgetLines)
        .innerJoin(financeActivities, eq(financeActivities.id, financeGrantBudgetLines.activityId))
        .where(inArray(financeGrantBudgetLines.versionId, versions.map((version) => version.id)))
        .orderBy(asc(financeActivities.code), asc(financeGrantBudgetLines.costCategory), asc(financeGrantBudgetLines.year))
    : [];
  const money = await db.select().from(financeGrantTransactions).where(eq(financeGrantTransactions.grantId, grantId)).orderBy(asc(financeGrantTransactions.valueOn), asc(financeGrantTransactions.id));
  return {
    ...row.grant,
    donorCode: row.donorCode,
    donorName: row.donorName,
    activities: restrictions.flatMap((r) => (r.activity ? [r.activity] : [])).sort(),
    areas: restrictions.flatMap((r) => (r.area ? [r.area] : [])).sort(),
    reports,
    versions: versions.map((version) => ({
      version: version.version,
      reason: version.reason,
      createdAt: version.createdAt,
      lines: lines.filter((line) => line.versionId === version.id).map(({ versionId: _id, ...line }) => line),
    })),
    commitments: money.filter((m) => m.transactionType === 11),
    receipts: money.filter((m) => m.transactionType === 1),
  };
}

export type GrantDetail = NonNullable<Awaited<ReturnType<typeof findGrant>>>;
