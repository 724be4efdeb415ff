import { and, asc, eq } from 'drizzle-orm';
import type { Queryable } from '../../db/connect.ts';
import { cosignedNote, earliestCheckpointCovering, findEntries, type JournalTreeCache, latestCheckpoint } from '../../journal/public.ts';
import { sites } from '../../sites/public.ts';
import type { RetirementFacts } from '../certificate/document.ts';
import { formatTlogProof } from '../certificate/tlog-proof.ts';
import { creditBatches, creditBlocks, creditCertificates, creditRetirements } from '../schema.ts';
import { rangeSerials } from '../serials.ts';

export type Certificate = typeof creditCertificates.$inferSelect;

export async function findCertificate(db: Queryable, retirementId: number): Promise<Certificate | undefined> {
  const [row] = await db.select().from(creditCertificates).where(eq(creditCertificates.retirementId, retirementId));
  return row;
}

export async function listCertificates(db: Queryable): Promise<Certificate[]> {
  return db.select().from(creditCertificates).orderBy(asc(creditCertificates.retirementId));
}

export async function retirementExists(db: Queryable, retirementId: number): Promise<boolean> {
  const [row] = await db.select({ id: creditRetirements.id }).from(creditRetirements).where(eq(creditRetirements.id, retirementId));
  return row !== undefined;
}

/** The journal entry that recorded the retirement (`registry.credits_retired`, subject `credit-retirement:{id}`). */
export async function retirementJournalEntry(db: Queryable, retirementId: number): Promise<{ index: number; bytes: Buffer } | undefined> {
  const [entry] = await findEntries(db, { type: 'registry.credits_retired', subject: `credit-retirement:${retirementId}`, limit: 1 });
  return entry && { index: entry.seq, bytes: entry.bytes };
}

/**
 * Everything the registry's tables and journal say about a retirement that its certificate
 * states: the claim, the retired blocks with their batches and sites (in serial order), and the
 * journal entry of the retirement event. Undefined when there is no such retirement.
 */
export async function retirementFacts(db: Queryable, retirementId: number): Promise<RetirementFacts | undefined> {
  const [retirement] = await db.select().from(creditRetirements).where(eq(creditRetirements.id, retirementId));
  if (!retirement) return undefined;
  const journalEntry = await retirementJournalEntry(db, retirementId);
  if (!journalEntry) throw new Error(`retirement ${retirementId} has no registry.credits_retired entry in the journal`);
  const blocks = await db
    .select({ block: creditBlocks, batch: creditBatches, siteName: sites.name })
    .from(creditBlocks)
    .innerJoin(creditBatches, eq(creditBatches.id, creditBlocks.batchId))
    .innerJoin(sites, eq(sites.id, creditBatches.siteId))
    .where(and(eq(creditBlocks.retirementId, retirementId), eq(creditBlocks.state, 'retired')))
    .orderBy(asc(creditBlocks.batchId), asc(creditBlocks.firstUnit));
  return {
    retirementId,
    retiredAt: retirement.createdAt,
    quantityKg: retirement.quantityKg,
    beneficiary: retirement.beneficiary,
    claimPeriod: { start: retirement.claimPeriodStart, end: retirement.claimPeriodEnd },
    covers: retirement.covers,
    footprintReference: retirement.footprintReference,
    publicStatement: retirement.publicStatement,
    ranges: blocks.map(({ block, batch, siteName }) => ({
      serials: rangeSerials(batch.serialPrefix, { first: block.firstUnit, last: block.lastUnit }),
      batch: batch.serialPrefix,
      firstUnit: block.firstUnit,
      lastUnit: block.lastUnit,
      quantityKg: block.lastUnit - block.firstUnit + 1,
      mineral: batch.mineral,
      site: { code: batch.siteCode, name: siteName },
      country: batch.country,
      vintage: batch.vintage,
      period: { start: batch.periodStart, end: batch.periodEnd },
    })),
    journalEntry,
  };
}

/**
 * The retirement event's proof of inclusion, as a C2SP tlog-proof, in the earliest checkpoint
 * that covers it. The `extra` line carries the event's exact bytes, so that the proof, the
 * certificate and the registry's public key are all a reader needs: the certificate gives the
 * bytes' SHA-256, the proof their place in the signed tree. The checkpoint carries the witnesses'
 * cosignatures kept for it, so a reader can require a witness policy. Null when no checkpoint covers the
 * event yet; undefined when there is no such retirement.
 */
export async function retirementTlogProof(db: Queryable, journalTree: JournalTreeCache, retirementId: number) {
  const entry = await retirementJournalEntry(db, retirementId);
  if (!entry) return undefined;
  const checkpoint = await earliestCheckpointCovering(db, entry.index);
  if (!checkpoint) return { entry, checkpoint: null, latestSize: (await latestCheckpoint(db))?.treeSize ?? 0 };
  const tree = await journalTree.at(db, checkpoint.treeSize);
  // A checkpoint whose root the journal no longer gives is tampering that `orebook verify` reports; never hand out a proof against it.
  if (!tree.root(checkpoint.treeSize).equals(checkpoint.rootHash)) throw new Error(`the journal does not give the root of checkpoint ${checkpoint.id}`);
  const text = formatTlogProof({ extra: entry.bytes, index: entry.index, hashes: tree.inclusionProof(entry.index, checkpoint.treeSize), checkpoint: await cosignedNote(db, checkpoint) });
  return { entry, checkpoint, text };
}
