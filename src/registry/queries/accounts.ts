import { and, asc, eq, sql } from 'drizzle-orm';
import { organisations } from '../../accounts/schema.ts';
import type { Queryable } from '../../db/connect.ts';
import { creditAccounts, creditBlocks } from '../schema.ts';

const accountColumns = {
  id: creditAccounts.id,
  organisationId: creditAccounts.organisationId,
  organisationCode: organisations.code,
  organisationName: organisations.name,
  kind: creditAccounts.kind,
  name: creditAccounts.name,
  status: creditAccounts.status,
  legalName: creditAccounts.legalName,
  country: creditAccounts.country,
  approvedAt: creditAccounts.approvedAt,
  suspendedAt: creditAccounts.suspendedAt,
  createdAt: creditAccounts.createdAt,
};

/** An account without its KYC registration number and contact, which only `getAccountKyc` reads. */
export type AccountSummary = NonNullable<Awaited<ReturnType<typeof getAccount>>>;

export async function getAccount(db: Queryable, accountId: number) {
  const [row] = await db.select(accountColumns).from(creditAccounts).innerJoin(organisations, eq(organisations.id, creditAccounts.organisationId)).where(eq(creditAccounts.id, accountId));
  return row;
}

/** The KYC details the secretariat checks before approving an account: for admins and the holder only (the contact is personal data). */
export async function getAccountKyc(db: Queryable, accountId: number) {
  const [row] = await db
    .select({ legalName: creditAccounts.legalName, country: creditAccounts.country, registrationNumber: creditAccounts.registrationNumber, contactEmail: creditAccounts.contactEmail })
    .from(creditAccounts)
    .where(eq(creditAccounts.id, accountId));
  return row;
}

/** Accounts, issuance account first, then by organisation and opening; optionally of one organisation or status. */
export async function listAccounts(db: Queryable, filter: { organisationId?: number; status?: (typeof creditAccounts.$inferSelect)['status'] } = {}) {
  return db
    .select(accountColumns)
    .from(creditAccounts)
    .innerJoin(organisations, eq(organisations.id, creditAccounts.organisationId))
    .where(
      and(
        filter.organisationId === undefined ? undefined : eq(creditAccounts.organisationId, filter.organisationId),
        filter.status === undefined ? undefined : eq(creditAccounts.status, filter.status),
      ),
    )
    .orderBy(sql`${creditAccounts.kind} = 'issuance' desc`, asc(organisations.code), asc(creditAccounts.id));
}

/** The registry's issuance account, if opened. */
export async function getIssuanceAccount(db: Queryable) {
  const [row] = await db.select(accountColumns).from(creditAccounts).innerJoin(organisations, eq(organisations.id, creditAccounts.organisationId)).where(eq(creditAccounts.kind, 'issuance'));
  return row;
}

/** What an account holds now and has retired, in kilograms (units). */
export async function accountBalance(db: Queryable, accountId: number): Promise<{ heldKg: number; retiredKg: number }> {
  const [row] = await db
    .select({
      heldKg: sql<number>`coalesce(sum(${creditBlocks.quantityKg}) filter (where ${creditBlocks.state} = 'held'), 0)`.mapWith(Number),
      retiredKg: sql<number>`coalesce(sum(${creditBlocks.quantityKg}) filter (where ${creditBlocks.state} = 'retired'), 0)`.mapWith(Number),
    })
    .from(creditBlocks)
    .where(and(eq(creditBlocks.accountId, accountId), sql`${creditBlocks.supersededAt} is null`));
  return { heldKg: row?.heldKg ?? 0, retiredKg: row?.retiredKg ?? 0 };
}
