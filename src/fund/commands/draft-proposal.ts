import { eq } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { fundError } from '../messages/errors.ts';
import { fundAreas, fundBudgetLines, fundProposals, type FundArea } from '../schema.ts';
import { assertCurrency, authorizeOnFund, authorizeOnProposal, cleanText, lockProposal, openFund } from '../ledger.ts';

export type BudgetLineInput = { description: string; amountMinor: number };

export type DraftProposalProps = {
  site: string;
  title: string;
  area: string;
  description: string;
  expectedBenefit: string;
  /** How the benefit will be measured. */
  measure: string;
  currency: string;
  /** The requested amount is their sum. */
  budgetLines: BudgetLineInput[];
};

/** A committee member, the cooperative or the secretariat drafts a proposal to the site's fund; the proposer is the actor's organisation. */
export async function draftProposal(ctx: CommandContext, props: DraftProposalProps) {
  await authorizeOnFund(ctx.tx, ctx.actor, 'fund.proposal.write', props.site);
  const title = cleanText(props.title, 200);
  if (title === null) throw fundError('title_required', 422);
  if (!(fundAreas as readonly string[]).includes(props.area)) throw fundError('area_unknown', 422, { area: props.area });
  const [description, expectedBenefit, measure] = [props.description, props.expectedBenefit, props.measure].map((text) => cleanText(text, 4000));
  if (!description || !expectedBenefit || !measure) throw fundError('proposal_text_required', 422);
  assertCurrency(props.currency);
  const lines = props.budgetLines.map((line) => ({ description: cleanText(line.description, 300), amountMinor: line.amountMinor }));
  if (lines.length === 0 || lines.length > 50 || lines.some((l) => l.description === null || !Number.isSafeInteger(l.amountMinor) || l.amountMinor <= 0)) throw fundError('budget_lines_required', 422);
  const requestedMinor = lines.reduce((sum, l) => sum + l.amountMinor, 0);
  if (!Number.isSafeInteger(requestedMinor)) throw fundError('budget_lines_required', 422);
  const fund = await openFund(ctx, props.site);
  const [proposal] = await ctx.tx
    .insert(fundProposals)
    .values({
      fundId: fund.id,
      title,
      area: props.area as FundArea,
      description,
      expectedBenefit,
      measure,
      currency: props.currency,
      requestedMinor,
      proposerOrganisationId: 'orgId' in ctx.actor ? ctx.actor.orgId : null,
      createdAt: ctx.now,
    })
    .returning();
  await ctx.tx.insert(fundBudgetLines).values(lines.map((line, index) => ({ proposalId: proposal!.id, position: index + 1, description: line.description!, amountMinor: line.amountMinor })));
  await appendEvent(ctx, {
    type: 'fund.proposal_drafted',
    subject: `fund-proposal:${proposal!.id}`,
    payload: { site: fund.siteCode, proposalId: proposal!.id, title, area: proposal!.area, currency: proposal!.currency, requestedMinor, budgetLines: lines.length },
  });
  return proposal!;
}

/** The proposer sends a draft to the committee: from now on it waits for a meeting's decision. */
export async function submitProposal(ctx: CommandContext, props: { proposalId: number }) {
  await authorizeOnProposal(ctx.tx, ctx.actor, 'fund.proposal.write', props.proposalId);
  const proposal = await lockProposal(ctx, props.proposalId);
  if (proposal.status !== 'draft') throw fundError('proposal_status', 409, { id: proposal.id, status: proposal.status, expected: 'draft' });
  const [submitted] = await ctx.tx.update(fundProposals).set({ status: 'submitted', submittedAt: ctx.now }).where(eq(fundProposals.id, proposal.id)).returning();
  await appendEvent(ctx, { type: 'fund.proposal_submitted', subject: `fund-proposal:${proposal.id}`, payload: { proposalId: proposal.id } });
  return submitted!;
}
