import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { organisations } from '../../accounts/public.ts';
import { rowsOf, type Queryable } from '../../db/connect.ts';
import { creditAccounts, creditBatches, creditBlocks, creditCancellations, creditRetirements } from '../schema.ts';
import { parseSerial, rangeSerials } from '../serials.ts';

export type Batch = typeof creditBatches.$inferSelect;

/** Issued, held, retired and cancelled units (kilograms). Issued = held + retired + cancelled, always. */
export type Totals = { issuedKg: number; heldKg: number; retiredKg: number; cancelledKg: number };

const live = sql`${creditBlocks.supersededAt} is null`;
const kgIn = (state: string) => sql<number>`coalesce(sum(${creditBlocks.quantityKg}) filter (where ${creditBlocks.state} = ${state}), 0)`.mapWith(Number);

/**
 * The live held blocks of an account with their serial ranges, in the order a transfer by
 * quantity takes them (batch issue order, first unit).
 */
export async function holdings(db: Queryable, accountId: number) {
  const rows = await db
    .select({
      blockId: creditBlocks.id,
      batchId: creditBlocks.batchId,
      serialPrefix: creditBatches.serialPrefix,
      mineral: creditBatches.mineral,
      siteCode: creditBatches.siteCode,
      vintage: creditBatches.vintage,
      firstUnit: creditBlocks.firstUnit,
      lastUnit: creditBlocks.lastUnit,
      quantityKg: creditBlocks.quantityKg,
    })
    .from(creditBlocks)
    .innerJoin(creditBatches, eq(creditBatches.id, creditBlocks.batchId))
    .where(and(eq(creditBlocks.accountId, accountId), eq(creditBlocks.state, 'held'), live))
    .orderBy(asc(creditBlocks.batchId), asc(creditBlocks.firstUnit));
  return rows.map((row) => ({ ...row, serials: rangeSerials(row.serialPrefix, { first: row.firstUnit, last: row.lastUnit }) }));
}

export async function getBatch(db: Queryable, batchId: number): Promise<Batch | undefined> {
  const [batch] = await db.select().from(creditBatches).where(eq(creditBatches.id, batchId));
  return batch;
}

/** Where a batch's units are: issued (the batch's quantity) and its live blocks by state. */
export async function batchTotals(db: Queryable, batchId: number): Promise<Totals | undefined> {
  const [row] = await db
    .select({ issuedKg: creditBatches.quantityKg, heldKg: kgIn('held'), retiredKg: kgIn('retired'), cancelledKg: kgIn('cancelled') })
    .from(creditBatches)
    .leftJoin(creditBlocks, and(eq(creditBlocks.batchId, creditBatches.id), live))
    .where(eq(creditBatches.id, batchId))
    .groupBy(creditBatches.id);
  return row;
}

/**
 * The live block that holds the unit a serial names (for a range of serials, the block that holds
 * all of them), with its batch, state, account, and its retirement or cancellation; null when no such unit was issued
 * or the range spans several blocks. Found through the exclusion constraint's index: as fast for
 * a batch of 10^9 units as for one of 10.
 */
export async function findBlockOfSerial(db: Queryable, serial: string) {
  const parsed = parseSerial(serial);
  if (!parsed) return null;
  const [row] = await db
    .select({
      batch: creditBatches,
      block: {
        id: creditBlocks.id,
        firstUnit: creditBlocks.firstUnit,
        lastUnit: creditBlocks.lastUnit,
        quantityKg: creditBlocks.quantityKg,
        state: creditBlocks.state,
        accountId: creditBlocks.accountId,
        retirementId: creditBlocks.retirementId,
        cancellationId: creditBlocks.cancellationId,
        createdAt: creditBlocks.createdAt,
      },
      account: { kind: creditAccounts.kind, organisationCode: organisations.code },
      retirement: { id: creditRetirements.id, beneficiary: creditRetirements.beneficiary, claimPeriodStart: creditRetirements.claimPeriodStart, claimPeriodEnd: creditRetirements.claimPeriodEnd },
      cancellation: { id: creditCancellations.id, reason: creditCancellations.reason },
    })
    .from(creditBatches)
    .innerJoin(creditBlocks, eq(creditBlocks.batchId, creditBatches.id))
    .innerJoin(creditAccounts, eq(creditAccounts.id, creditBlocks.accountId))
    .innerJoin(organisations, eq(organisations.id, creditAccounts.organisationId))
    .leftJoin(creditRetirements, eq(creditRetirements.id, creditBlocks.retirementId))
    .leftJoin(creditCancellations, eq(creditCancellations.id, creditBlocks.cancellationId))
    .where(
      and(
        eq(creditBatches.serialPrefix, parsed.prefix),
        live,
        sql`int8range(${creditBlocks.firstUnit}, ${creditBlocks.lastUnit}, '[]') @> int8range(${parsed.range.first}, ${parsed.range.last}, '[]')`,
      ),
    );
  if (!row) return null;
  return { ...row, serials: rangeSerials(row.batch.serialPrefix, { first: row.block.firstUnit, last: row.block.lastUnit }) };
}

export type BatchFilter = { siteCode?: string; mineral?: string; vintage?: number };

/** Batches in issue order with their totals, optionally of one site, mineral or vintage. */
export async function listBatches(db: Queryable, filter: BatchFilter = {}) {
  const where: (SQL | undefined)[] = [
    filter.siteCode === undefined ? undefined : eq(creditBatches.siteCode, filter.siteCode),
    filter.mineral === undefined ? undefined : eq(creditBatches.mineral, filter.mineral),
    filter.vintage === undefined ? undefined : eq(creditBatches.vintage, filter.vintage),
  ];
  return db
    .select({
      id: creditBatches.id,
      serialPrefix: creditBatches.serialPrefix,
      mineral: creditBatches.mineral,
      siteCode: creditBatches.siteCode,
      country: creditBatches.country,
      vintage: creditBatches.vintage,
      periodStart: creditBatches.periodStart,
      periodEnd: creditBatches.periodEnd,
      statementId: creditBatches.statementId,
      issuedAt: creditBatches.issuedAt,
      issuedKg: creditBatches.quantityKg,
      heldKg: kgIn('held'),
      retiredKg: kgIn('retired'),
      cancelledKg: kgIn('cancelled'),
    })
    .from(creditBatches)
    .leftJoin(creditBlocks, and(eq(creditBlocks.batchId, creditBatches.id), live))
    .where(and(...where))
    .groupBy(creditBatches.id)
    .orderBy(asc(creditBatches.id));
}

/**
 * The registry's totals per mineral and vintage, in kilograms: issued from the batches, held,
 * retired and cancelled from their live blocks.
 */
export async function registryTotals(db: Queryable): Promise<(Totals & { mineral: string; vintage: number })[]> {
  const rows = rowsOf<{ mineral: string; vintage: number; issued_kg: string | number; held_kg: string | number; retired_kg: string | number; cancelled_kg: string | number }>(
    await db.execute(sql`
      select b.mineral, b.vintage, sum(b.quantity_kg) as issued_kg,
        sum(live.held_kg) as held_kg, sum(live.retired_kg) as retired_kg, sum(live.cancelled_kg) as cancelled_kg
      from credit_batches b
      cross join lateral (
        select coalesce(sum(quantity_kg) filter (where state = 'held'), 0) as held_kg,
          coalesce(sum(quantity_kg) filter (where state = 'retired'), 0) as retired_kg,
          coalesce(sum(quantity_kg) filter (where state = 'cancelled'), 0) as cancelled_kg
        from credit_blocks where batch_id = b.id and superseded_at is null
      ) live
      group by b.mineral, b.vintage
      order by b.mineral, b.vintage`),
  );
  return rows.map((row) => ({
    mineral: row.mineral,
    vintage: Number(row.vintage),
    issuedKg: Number(row.issued_kg),
    heldKg: Number(row.held_kg),
    retiredKg: Number(row.retired_kg),
    cancelledKg: Number(row.cancelled_kg),
  }));
}

/** Retirements, newest first, with the serial ranges each retired; optionally of one account. */
export async function listRetirements(db: Queryable, filter: { accountId?: number } = {}) {
  const retirements = await db
    .select({
      id: creditRetirements.id,
      accountId: creditRetirements.accountId,
      organisationCode: organisations.code,
      quantityKg: creditRetirements.quantityKg,
      beneficiary: creditRetirements.beneficiary,
      claimPeriodStart: creditRetirements.claimPeriodStart,
      claimPeriodEnd: creditRetirements.claimPeriodEnd,
      covers: creditRetirements.covers,
      footprintReference: creditRetirements.footprintReference,
      publicStatement: creditRetirements.publicStatement,
      createdAt: creditRetirements.createdAt,
    })
    .from(creditRetirements)
    .innerJoin(creditAccounts, eq(creditAccounts.id, creditRetirements.accountId))
    .innerJoin(organisations, eq(organisations.id, creditAccounts.organisationId))
    .where(filter.accountId === undefined ? undefined : eq(creditRetirements.accountId, filter.accountId))
    .orderBy(sql`${creditRetirements.id} desc`);
  const blocks = await db
    .select({
      retirementId: creditBlocks.retirementId,
      batchId: creditBlocks.batchId,
      serialPrefix: creditBatches.serialPrefix,
      mineral: creditBatches.mineral,
      siteCode: creditBatches.siteCode,
      vintage: creditBatches.vintage,
      firstUnit: creditBlocks.firstUnit,
      lastUnit: creditBlocks.lastUnit,
    })
    .from(creditBlocks)
    .innerJoin(creditBatches, eq(creditBatches.id, creditBlocks.batchId))
    .where(and(eq(creditBlocks.state, 'retired'), filter.accountId === undefined ? undefined : eq(creditBlocks.accountId, filter.accountId)))
    .orderBy(asc(creditBlocks.batchId), asc(creditBlocks.firstUnit));
  const byRetirement = new Map<number, (Omit<(typeof blocks)[number], 'retirementId'> & { serials: string })[]>();
  for (const { retirementId, ...block } of blocks) {
    const list = byRetirement.get(retirementId!) ?? [];
    list.push({ ...block, serials: rangeSerials(block.serialPrefix, { first: block.firstUnit, last: block.lastUnit }) });
    byRetirement.set(retirementId!, list);
  }
  return retirements.map((retirement) => ({ ...retirement, ranges: byRetirement.get(retirement.id) ?? [] }));
}

/** The sites, minerals and vintages that batches exist for: what the public batch list can be filtered by. */
export async function batchFilterChoices(db: Queryable) {
  const rows = await db.selectDistinct({ siteCode: creditBatches.siteCode, mineral: creditBatches.mineral, vintage: creditBatches.vintage }).from(creditBatches);
  const sorted = <T extends string | number>(values: T[]) => [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { siteCodes: sorted(rows.map((r) => r.siteCode)), minerals: sorted(rows.map((r) => r.mineral)), vintages: sorted(rows.map((r) => r.vintage)) };
}
