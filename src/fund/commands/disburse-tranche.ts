import { authorize } from '../../core/auth/policies.ts';
import { eq } from 'drizzle-orm';
import { maxFileBytes, storeFile } from '../../files/public.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { fundError } from '../messages/errors.ts';
import { fundProposals } from '../schema.ts';
import { assertAmount, assertDate, cleanText, fundById, lockProposal, postTransaction, today } from '../ledger.ts';

export type UploadedFile = { filename: string; contentType: string; content: Buffer };

export type DisburseTrancheProps = {
  proposalId: number;
  amountMinor: number;
  paidOn: string;
  /** The supplier or organisation paid; never a person. */
  counterparty: string;
  /** The receipt of the payment (restricted file). */
  receipt: UploadedFile;
  description?: string;
};

/**
 * The secretariat pays a tranche of an approved project against its receipt. The money comes out
 * of the project's commitment (ring-fenced from the available balance when it was approved), so a
 * tranche never exceeds what is left of the approval; the project row is locked, so two tranches
 * paid at once queue and the second sees the first.
 */
export async function disburseTranche(ctx: CommandContext, props: DisburseTrancheProps) {
  authorize(ctx.actor, 'fund.disburse');
  assertAmount(props.amountMinor);
  assertDate(props.paidOn, today(ctx));
  const counterparty = cleanText(props.counterparty, 200);
  if (counterparty === null) throw fundError('counterparty_required', 422);
  if (props.receipt.content.length === 0 || props.receipt.content.length > maxFileBytes) throw fundError('receipt_required', 422);
  const proposal = await lockProposal(ctx, props.proposalId);
  if (proposal.status !== 'approved' && proposal.status !== 'in_progress') throw fundError('proposal_status', 409, { id: proposal.id, status: proposal.status, expected: 'approved' });
  const fund = await fundById(ctx.tx, proposal.fundId);
  const receipt = await storeFile(ctx, { ...props.receipt, visibility: 'restricted' });
  const transaction = await postTransaction(ctx, {
    fundId: fund.id,
    kind: 'disbursement',
    currency: proposal.currency,
    occurredOn: props.paidOn,
    proposalId: proposal.id,
    receiptFileId: receipt.id,
    counterparty,
    description: (props.description ?? '').trim().slice(0, 500),
    postings: [
      { kind: 'committed', proposalId: proposal.id, amountMinor: -props.amountMinor },
      { kind: 'disbursed', proposalId: proposal.id, amountMinor: props.amountMinor },
    ],
  });
  if (proposal.status === 'approved') await ctx.tx.update(fundProposals).set({ status: 'in_progress' }).where(eq(fundProposals.id, proposal.id));
  await appendEvent(ctx, {
    type: 'fund.tranche_disbursed',
    subject: `fund-proposal:${proposal.id}`,
    payload: { site: fund.siteCode, proposalId: proposal.id, transactionId: transaction.id, amountMinor: transaction.amountMinor, currency: transaction.currency, paidOn: transaction.occurredOn, counterparty, receiptSha256: receipt.sha256 },
  });
  return transaction;
}
