import { and, asc, desc, eq, inArray, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { organisations } from '../../accounts/public.ts';
import { can } from '../../core/auth/policies.ts';
import { isAuthenticated, type Actor } from '../../core/auth/roles.ts';
import { coreError } from '../../core/errors.ts';
import type { Queryable } from '../../db/connect.ts';
import { registryError } from '../messages/ledger.ts';
import { creditAccounts, creditBatches, creditBlocks, creditTransferBlocks, creditTransfers } from '../schema.ts';
import { rangeSerials } from '../serials.ts';

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

/**
 * Accounts with their KYC details and balances (held and retired kilograms), for admins and the
 * accounts' holders only (the contact is personal data). Pending accounts come first, as they
 * wait on the secretariat; then the issuance account, then by organisation and opening.
 */
export async function listAccountsWithBalances(db: Queryable, filter: { organisationId?: number; status?: (typeof creditAccounts.$inferSelect)['status']; ids?: readonly number[] } = {}) {
  const liveKg = (state: string) =>
    sql<number>`(select coalesce(sum(b.quantity_kg), 0) from ${creditBlocks} b where b.account_id = ${creditAccounts.id} and b.state = ${state} and b.superseded_at is null)`.mapWith(Number);
  return db
    .select({
      ...accountColumns,
      registrationNumber: creditAccounts.registrationNumber,
      contactEmail: creditAccounts.contactEmail,
      heldKg: liveKg('held'),
      retiredKg: liveKg('retired'),
    })
    .from(creditAccounts)
    .innerJoin(organisations, eq(organisations.id, creditAccounts.organisationId))
    .where(
      and(
        filter.organisationId === undefined ? undefined : eq(creditAccounts.organisationId, filter.organisationId),
        filter.status === undefined ? undefined : eq(creditAccounts.status, filter.status),
        filter.ids === undefined ? undefined : inArray(creditAccounts.id, [...filter.ids]),
      ),
    )
    .orderBy(sql`${creditAccounts.status} = 'pending' desc`, sql`${creditAccounts.kind} = 'issuance' desc`, asc(organisations.code), asc(creditAccounts.id));
}

export type AccountWithBalance = Awaited<ReturnType<typeof listAccountsWithBalances>>[number];

export async function getAccountWithBalance(db: Queryable, accountId: number): Promise<AccountWithBalance | undefined> {
  const [row] = await listAccountsWithBalances(db, { ids: [accountId] });
  return row;
}

const counterparts = alias(creditAccounts, 'counterpart_accounts');
const counterpartOrganisations = alias(organisations, 'counterpart_organisations');
const reversals = alias(creditTransfers, 'reversals');

/** The serial ranges each transfer moved, by transfer id, in the order they were recorded. */
export async function transferRanges(db: Queryable, transferIds: readonly number[]) {
  const byTransfer = new Map<number, { batchId: number; firstUnit: number; lastUnit: number; quantityKg: number; serials: string }[]>();
  if (transferIds.length === 0) return byTransfer;
  const rows = await db
    .select({ transferId: creditTransferBlocks.transferId, batchId: creditTransferBlocks.batchId, serialPrefix: creditBatches.serialPrefix, firstUnit: creditTransferBlocks.firstUnit, lastUnit: creditTransferBlocks.lastUnit })
    .from(creditTransferBlocks)
    .innerJoin(creditBatches, eq(creditBatches.id, creditTransferBlocks.batchId))
    .where(inArray(creditTransferBlocks.transferId, [...transferIds]))
    .orderBy(asc(creditTransferBlocks.id));
  for (const row of rows) {
    const list = byTransfer.get(row.transferId) ?? [];
    list.push({ batchId: row.batchId, firstUnit: row.firstUnit, lastUnit: row.lastUnit, quantityKg: row.lastUnit - row.firstUnit + 1, serials: rangeSerials(row.serialPrefix, { first: row.firstUnit, last: row.lastUnit }) });
    byTransfer.set(row.transferId, list);
  }
  return byTransfer;
}

/**
 * The transfers into and out of an account, newest first: the other account and its
 * organisation, the ranges moved, and how each relates to reversals (the transfer it reverses,
 * the transfer that reversed it).
 */
export async function accountTransfers(db: Queryable, accountId: number) {
  const rows = await db
    .select({
      id: creditTransfers.id,
      fromAccountId: creditTransfers.fromAccountId,
      toAccountId: creditTransfers.toAccountId,
      quantityKg: creditTransfers.quantityKg,
      reversesTransferId: creditTransfers.reversesTransferId,
      reversedByTransferId: reversals.id,
      reason: creditTransfers.reason,
      createdAt: creditTransfers.createdAt,
      counterpartAccountId: counterparts.id,
      counterpartAccountName: counterparts.name,
      counterpartOrganisationCode: counterpartOrganisations.code,
    })
    .from(creditTransfers)
    .innerJoin(counterparts, sql`${counterparts.id} = case when ${creditTransfers.fromAccountId} = ${accountId} then ${creditTransfers.toAccountId} else ${creditTransfers.fromAccountId} end`)
    .innerJoin(counterpartOrganisations, eq(counterpartOrganisations.id, counterparts.organisationId))
    .leftJoin(reversals, eq(reversals.reversesTransferId, creditTransfers.id))
    .where(or(eq(creditTransfers.fromAccountId, accountId), eq(creditTransfers.toAccountId, accountId)))
    .orderBy(desc(creditTransfers.id));
  const ranges = await transferRanges(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => ({ ...row, direction: row.fromAccountId === accountId ? ('out' as const) : ('in' as const), ranges: ranges.get(row.id) ?? [] }));
}

/**
 * An account with its KYC details and balance, for its holder or an admin. Anyone else is told
 * there is no such account (404), so account numbers reveal nothing; an anonymous reader is asked
 * to sign in (401).
 */
export async function findReadableAccount(db: Queryable, actor: Actor, accountId: number): Promise<AccountWithBalance> {
  if (!isAuthenticated(actor)) throw coreError('unauthenticated', 401);
  const account = await getAccountWithBalance(db, accountId);
  if (!account || !can(actor, 'registry.account.read', { orgId: account.organisationId })) throw registryError('account_not_found', 404, { id: accountId }, { accountId });
  return account;
}
