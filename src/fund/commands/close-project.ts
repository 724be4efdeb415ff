import { asc, eq } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import { maxFileBytes, storeFile } from '../../files/public.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { fundError } from '../messages/errors.ts';
import { fundBudgetLines, fundCompletionPhotos, fundProposals } from '../schema.ts';
import type { UploadedFile } from './disburse-tranche.ts';
import { accountBalance, assertDate, cleanText, fundById, lockProposal, postTransaction, today } from '../ledger.ts';

type Proposal = typeof fundProposals.$inferSelect;

/** Gives what a project's commitment still holds back to the fund's available balance. */
async function releaseCommitment(ctx: CommandContext, proposal: Proposal, on: string, why: string): Promise<number> {
  const remaining = await accountBalance(ctx.tx, { fundId: proposal.fundId, currency: proposal.currency, kind: 'committed', proposalId: proposal.id });
  if (remaining === 0) return 0;
  await postTransaction(ctx, {
    fundId: proposal.fundId,
    kind: 'release',
    currency: proposal.currency,
    occurredOn: on,
    proposalId: proposal.id,
    description: why,
    postings: [
      { kind: 'committed', proposalId: proposal.id, amountMinor: -remaining },
      { kind: 'available', amountMinor: remaining },
    ],
  });
  return remaining;
}

export type CompleteProjectProps = {
  proposalId: number;
  completedOn: string;
  /** What was done. */
  summary: string;
  /** The final cost of every budget line, by line id. */
  finalCosts: Record<number, number>;
  /** Photos of the work, published on the fund's public page. */
  photos: UploadedFile[];
};

/**
 * The secretariat closes a funded project with its completion report: what was done, photos
 * (stored as public files: they are evidence on the public page) and the final cost of each budget
 * line. What the commitment still holds goes back to the available balance.
 */
export async function completeProject(ctx: CommandContext, props: CompleteProjectProps) {
  authorize(ctx.actor, 'fund.manage');
  assertDate(props.completedOn, today(ctx));
  const summary = cleanText(props.summary, 4000);
  if (summary === null) throw fundError('completion_summary_required', 422);
  if (props.photos.some((p) => !['image/jpeg', 'image/png'].includes(p.contentType) || p.content.length === 0 || p.content.length > maxFileBytes)) throw fundError('photo_invalid', 422);
  const proposal = await lockProposal(ctx, props.proposalId);
  if (proposal.status !== 'in_progress') throw fundError('proposal_status', 409, { id: proposal.id, status: proposal.status, expected: 'in_progress' });
  const lines = await ctx.tx.select().from(fundBudgetLines).where(eq(fundBudgetLines.proposalId, proposal.id)).orderBy(asc(fundBudgetLines.position));
  const costs = lines.map((line) => props.finalCosts[line.id]);
  if (costs.some((cost) => cost === undefined || !Number.isSafeInteger(cost) || cost < 0)) throw fundError('final_costs_invalid', 422);
  for (const [index, line] of lines.entries()) await ctx.tx.update(fundBudgetLines).set({ finalCostMinor: costs[index]! }).where(eq(fundBudgetLines.id, line.id));
  const photos = [];
  for (const photo of props.photos) {
    const stored = await storeFile(ctx, { ...photo, visibility: 'public' });
    await ctx.tx.insert(fundCompletionPhotos).values({ proposalId: proposal.id, fileId: stored.id });
    photos.push(stored.sha256);
  }
  const releasedMinor = await releaseCommitment(ctx, proposal, props.completedOn, 'Unused commitment of a completed project');
  const [completed] = await ctx.tx.update(fundProposals).set({ status: 'completed', completedOn: props.completedOn, completionSummary: summary }).where(eq(fundProposals.id, proposal.id)).returning();
  const fund = await fundById(ctx.tx, proposal.fundId);
  await appendEvent(ctx, {
    type: 'fund.project_completed',
    subject: `fund-proposal:${proposal.id}`,
    payload: { site: fund.siteCode, proposalId: proposal.id, completedOn: props.completedOn, finalCostMinor: costs.reduce((s: number, c) => s + c!, 0), releasedMinor, currency: proposal.currency, photoSha256: photos },
  });
  return completed!;
}

/**
 * The secretariat cancels a proposal or project with a reason; whatever its approval still holds
 * goes back to the available balance. Tranches already paid stay paid (they are in the ledger).
 */
export async function cancelProject(ctx: CommandContext, props: { proposalId: number; reason: string }) {
  authorize(ctx.actor, 'fund.manage');
  const reason = cleanText(props.reason, 1000);
  if (reason === null) throw fundError('cancel_reason_required', 422);
  const proposal = await lockProposal(ctx, props.proposalId);
  if (!['draft', 'submitted', 'approved', 'in_progress'].includes(proposal.status)) throw fundError('proposal_status', 409, { id: proposal.id, status: proposal.status, expected: 'draft, submitted, approved or in_progress' });
  const releasedMinor = proposal.approvedMinor === null ? 0 : await releaseCommitment(ctx, proposal, today(ctx), 'Commitment of a cancelled project');
  const [cancelled] = await ctx.tx.update(fundProposals).set({ status: 'cancelled', cancelReason: reason, cancelledAt: ctx.now }).where(eq(fundProposals.id, proposal.id)).returning();
  const fund = await fundById(ctx.tx, proposal.fundId);
  await appendEvent(ctx, { type: 'fund.project_cancelled', subject: `fund-proposal:${proposal.id}`, payload: { site: fund.siteCode, proposalId: proposal.id, releasedMinor, currency: proposal.currency } });
  return cancelled!;
}
