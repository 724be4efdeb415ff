import { authorize } from '../../core/auth/policies.ts';
import { and, eq, sql } from 'drizzle-orm';
import { organisations } from '../../accounts/public.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { drawFromVerification, getVerification, minerals, sites } from '../../sites/public.ts';
import { registryError } from '../messages/ledger.ts';
import { creditBatches, creditBlocks } from '../schema.ts';
import { formatSerialPrefix, isPositiveQuantity, rangeSerials } from '../serials.ts';
import { accountRef, lockAccounts } from './ledger.ts';
import { ensureIssuanceAccount } from './open-account.ts';

export type IssueBatchProps = {
  /** The signed verification statement the batch is issued from. */
  statementId: number;
  /** Units (kilograms of contained metal) to issue: above zero, at most what the statement still allows. */
  quantityKg: number;
};

export type IssuedBatch = typeof creditBatches.$inferSelect;

/**
 * An admin issues a batch of credits from a signed verification statement into the registry's
 * issuance account (opened on first use): one live block of units 1..quantity. The quantity is
 * drawn from the statement in the same transaction (`drawFromVerification` checks the signature
 * and the remaining quantity, and queues concurrent draws on the statement). The batch takes the
 * statement's site, mineral and period; its vintage is the year the period ends in, and its
 * country is that of the cooperative that operates the site.
 */
export async function issueBatch(ctx: CommandContext, props: IssueBatchProps): Promise<IssuedBatch> {
  authorize(ctx.actor, 'registry.issue');
  if (!isPositiveQuantity(props.quantityKg)) throw registryError('quantity_invalid', 422);
  const statement = await getVerification(ctx.tx, props.statementId);
  if (!statement) throw registryError('verification_not_found', 404, { id: props.statementId }, { statementId: props.statementId });
  const issuance = await ensureIssuanceAccount(ctx);
  // Holding the issuance account serialises issuances, and with them the numbering of batches.
  const account = (await lockAccounts(ctx, [issuance.accountId])).get(issuance.accountId)!;
  const [origin] = await ctx.tx
    .select({ symbol: minerals.symbol, country: organisations.country })
    .from(sites)
    .innerJoin(organisations, eq(organisations.id, sites.cooperativeOrganisationId))
    .innerJoin(minerals, eq(minerals.code, statement.mineral))
    .where(eq(sites.id, statement.siteId));
  const vintage = Number(statement.periodEnd.slice(0, 4));
  const [numbering] = await ctx.tx
    .select({ next: sql<number>`coalesce(max(${creditBatches.batchNumber}), 0) + 1`.mapWith(Number) })
    .from(creditBatches)
    .where(and(eq(creditBatches.mineral, statement.mineral), eq(creditBatches.siteId, statement.siteId), eq(creditBatches.vintage, vintage)));
  const serialPrefix = formatSerialPrefix({ mineralSymbol: origin!.symbol, country: origin!.country, siteCode: statement.siteCode, vintage, batchNumber: numbering!.next });
  const { remainingKg } = await drawFromVerification(ctx, { statementId: statement.id, quantityKg: props.quantityKg, reference: `registry batch ${serialPrefix}` });
  const [batch] = await ctx.tx
    .insert(creditBatches)
    .values({
      serialPrefix,
      mineral: statement.mineral,
      siteId: statement.siteId,
      siteCode: statement.siteCode,
      country: origin!.country,
      vintage,
      batchNumber: numbering!.next,
      periodStart: statement.periodStart,
      periodEnd: statement.periodEnd,
      statementId: statement.id,
      quantityKg: props.quantityKg,
      issuedAt: ctx.now,
    })
    .returning();
  const units = { first: 1, last: props.quantityKg };
  await ctx.tx.insert(creditBlocks).values({ batchId: batch!.id, firstUnit: units.first, lastUnit: units.last, state: 'held', accountId: account.id, createdAt: ctx.now });
  await appendEvent(ctx, {
    type: 'registry.batch_issued',
    subject: `credit-batch:${serialPrefix}`,
    payload: {
      batchId: batch!.id,
      serialPrefix,
      mineral: statement.mineral,
      site: statement.siteCode,
      country: origin!.country,
      vintage,
      period: { start: statement.periodStart, end: statement.periodEnd },
      statementId: statement.id,
      quantityKg: props.quantityKg,
      statementRemainingKg: remainingKg,
      to: { ...accountRef(account), opened: issuance.opened },
      ranges: [{ batchId: batch!.id, firstUnit: units.first, lastUnit: units.last, serials: rangeSerials(serialPrefix, units) }],
    },
  });
  return batch!;
}
