import { createHash } from 'node:crypto';
import { asc, desc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { organisations } from '../../accounts/public.ts';
import { authorize } from '../../core/auth/policies.ts';
import type { Actor } from '../../core/auth/roles.ts';
import { formatTonnes } from '../../core/i18n/format.ts';
import type { Database, Queryable } from '../../db/connect.ts';
import type { CommandContext } from '../../journal/public.ts';
import { listVerifications } from '../../sites/public.ts';
import { assertAccountActive, assertMayUseAccount, eventRanges, selectHighestUnits, selectUnits, type CreditAccount, type EventRange } from '../commands/ledger.ts';
import { registryError } from '../messages/ledger.ts';
import { creditAccounts, creditBatches, creditBlocks, creditRetirements, creditTransfers } from '../schema.ts';
import { isPositiveQuantity, rangeSerials } from '../serials.ts';
import { getIssuanceAccount, transferRanges } from './accounts.ts';
import { getBatch } from './ledger.ts';

/**
 * Reads for the registry's operations pages: recent transfers, what can be issued and cancelled,
 * and the plans that confirmation pages show before an irreversible retirement or cancellation.
 */

const fromAccounts = alias(creditAccounts, 'from_accounts');
const toAccounts = alias(creditAccounts, 'to_accounts');
const fromOrganisations = alias(organisations, 'from_organisations');
const toOrganisations = alias(organisations, 'to_organisations');
const reversals = alias(creditTransfers, 'reversals');

/** The latest transfers, newest first, with both accounts, the ranges moved and their reversals. */
export async function listRecentTransfers(db: Queryable, limit = 50) {
  const rows = await db
    .select({
      id: creditTransfers.id,
      fromAccountId: creditTransfers.fromAccountId,
      fromAccountName: fromAccounts.name,
      fromOrganisationCode: fromOrganisations.code,
      toAccountId: creditTransfers.toAccountId,
      toAccountName: toAccounts.name,
      toOrganisationCode: toOrganisations.code,
      quantityKg: creditTransfers.quantityKg,
      reversesTransferId: creditTransfers.reversesTransferId,
      reversedByTransferId: reversals.id,
      reason: creditTransfers.reason,
      createdAt: creditTransfers.createdAt,
    })
    .from(creditTransfers)
    .innerJoin(fromAccounts, eq(fromAccounts.id, creditTransfers.fromAccountId))
    .innerJoin(fromOrganisations, eq(fromOrganisations.id, fromAccounts.organisationId))
    .innerJoin(toAccounts, eq(toAccounts.id, creditTransfers.toAccountId))
    .innerJoin(toOrganisations, eq(toOrganisations.id, toAccounts.organisationId))
    .leftJoin(reversals, eq(reversals.reversesTransferId, creditTransfers.id))
    .orderBy(desc(creditTransfers.id))
    .limit(limit);
  const ranges = await transferRanges(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => ({ ...row, ranges: ranges.get(row.id) ?? [] }));
}

export type RecentTransfer = Awaited<ReturnType<typeof listRecentTransfers>>[number];

/** Signed verification statements with what the registry has issued from them and may still issue. */
export async function listIssuableStatements(db: Queryable) {
  const statements = await listVerifications(db);
  return statements.map((s) => ({
    id: s.id,
    siteCode: s.siteCode,
    siteName: s.siteName,
    mineral: s.mineral,
    periodStart: s.periodStart,
    periodEnd: s.periodEnd,
    verifierName: s.verifierName,
    responsibleKg: s.responsibleKg,
    issuedKg: s.drawnKg,
    remainingKg: s.responsibleKg - s.drawnKg,
  }));
}

/** Batches in issue order with what is still in the issuance account, which is all a cancellation may take. */
export async function listCancellableBatches(db: Queryable) {
  const issuance = await getIssuanceAccount(db);
  if (!issuance) return [];
  return db
    .select({
      id: creditBatches.id,
      serialPrefix: creditBatches.serialPrefix,
      mineral: creditBatches.mineral,
      siteCode: creditBatches.siteCode,
      vintage: creditBatches.vintage,
      issuedKg: creditBatches.quantityKg,
      cancellableKg: sql<number>`coalesce(sum(${creditBlocks.quantityKg}), 0)`.mapWith(Number),
    })
    .from(creditBatches)
    .leftJoin(
      creditBlocks,
      sql`${creditBlocks.batchId} = ${creditBatches.id} and ${creditBlocks.accountId} = ${issuance.id} and ${creditBlocks.state} = 'held' and ${creditBlocks.supersededAt} is null`,
    )
    .groupBy(creditBatches.id)
    .orderBy(asc(creditBatches.id));
}

/** One fingerprint of a list of serial ranges: what a confirmation page showed, to compare with what a command took. */
export function serialsDigest(ranges: readonly { serials: string }[]): string {
  return createHash('sha256')
    .update(ranges.map((range) => range.serials).join('\n'))
    .digest('hex');
}

export type UnitsPlan = { account: CreditAccount; quantityKg: number; ranges: EventRange[]; digest: string };

async function readAccount(db: Queryable, accountId: number): Promise<CreditAccount> {
  const [row] = await db
    .select({ account: creditAccounts, organisationCode: organisations.code })
    .from(creditAccounts)
    .innerJoin(organisations, eq(organisations.id, creditAccounts.organisationId))
    .where(eq(creditAccounts.id, accountId));
  if (!row) throw registryError('account_not_found', 404, { id: accountId }, { accountId });
  return { ...row.account, organisationCode: row.organisationCode };
}

/**
 * Runs `plan` in a read-only transaction over one snapshot, with a command context whose
 * transaction refuses every write: the ledger's own unit selection runs there exactly as in the
 * command, while nothing is written, locked, or numbered (a rolled-back command would use up
 * retirement numbers, which are public, and hold the journal head).
 */
async function readOnly<T>(db: Database, actor: Actor, plan: (ctx: CommandContext) => Promise<T>): Promise<T> {
  return db.transaction((tx) => plan({ tx, actor, now: new Date(), appended: [] }), { isolationLevel: 'repeatable read', accessMode: 'read only' });
}

/**
 * The serial ranges a retirement of `quantityKg` from the account would take now (first in, first
 * out), after the command's checks on the actor and the account. The claim itself is checked by
 * the caller. Throws the command's errors: `not_account_holder`, `account_not_approved`,
 * `account_suspended`, `insufficient_credits`, `quantity_invalid`.
 */
export async function planRetirement(db: Database, actor: Actor, props: { accountId: number; quantityKg: number }): Promise<UnitsPlan> {
  authorize(actor, 'registry.retire');
  return readOnly(db, actor, async (ctx) => {
    const account = await readAccount(ctx.tx, props.accountId);
    assertMayUseAccount(actor, account);
    assertAccountActive(account);
    const { takes, quantityKg } = await selectUnits(ctx, account, { quantityKg: props.quantityKg });
    const ranges = await eventRanges(
      ctx.tx,
      takes.flatMap((take) => take.ranges.map((range) => ({ batchId: take.block.batchId, ...range }))),
    );
    return { account, quantityKg, ranges, digest: serialsDigest(ranges) };
  });
}

/**
 * The serial ranges a cancellation of `quantityKg` of a batch would take now: the highest units
 * of the batch still in the issuance account, as `cancelUnits` takes them.
 */
export async function planCancellation(db: Database, actor: Actor, props: { batchId: number; quantityKg: number }) {
  authorize(actor, 'registry.cancel');
  if (!isPositiveQuantity(props.quantityKg)) throw registryError('quantity_invalid', 422);
  return readOnly(db, actor, async (ctx) => {
    const batch = await getBatch(ctx.tx, props.batchId);
    if (!batch) throw registryError('batch_not_found', 404, { id: props.batchId }, { batchId: props.batchId });
    const issuance = await getIssuanceAccount(ctx.tx);
    const { takes, heldKg } = issuance ? await selectHighestUnits(ctx, { accountId: issuance.id, batchId: batch.id, quantityKg: props.quantityKg }) : { takes: null, heldKg: 0 };
    if (!takes) {
      throw registryError('exceeds_cancellable', 422, (locale) => ({ cancellable: formatTonnes(locale, heldKg), serials: batch.serialPrefix }), { batchId: batch.id, cancellableKg: heldKg });
    }
    const ranges = await eventRanges(
      ctx.tx,
      takes.flatMap((take) => take.ranges.map((range) => ({ batchId: take.block.batchId, ...range }))),
    );
    return { batch, quantityKg: props.quantityKg, ranges, digest: serialsDigest(ranges) };
  });
}

/** One retirement with its claim and the serial ranges it retired, in unit order. */
export async function getRetirement(db: Queryable, retirementId: number) {
  const [retirement] = await db.select().from(creditRetirements).where(eq(creditRetirements.id, retirementId));
  if (!retirement) return undefined;
  const blocks = await db
    .select({ batchId: creditBlocks.batchId, serialPrefix: creditBatches.serialPrefix, mineral: creditBatches.mineral, siteCode: creditBatches.siteCode, vintage: creditBatches.vintage, firstUnit: creditBlocks.firstUnit, lastUnit: creditBlocks.lastUnit })
    .from(creditBlocks)
    .innerJoin(creditBatches, eq(creditBatches.id, creditBlocks.batchId))
    .where(eq(creditBlocks.retirementId, retirementId))
    .orderBy(asc(creditBlocks.batchId), asc(creditBlocks.firstUnit));
  return { ...retirement, ranges: blocks.map((b) => ({ ...b, quantityKg: b.lastUnit - b.firstUnit + 1, serials: rangeSerials(b.serialPrefix, { first: b.firstUnit, last: b.lastUnit }) })) };
}
