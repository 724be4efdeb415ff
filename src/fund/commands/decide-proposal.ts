import { and, eq, gte, lte } from 'drizzle-orm';
import { formatMoney } from '../../core/i18n/format.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { fundError } from '../messages/errors.ts';
import { fundCommitteeMembers, fundMeetingAttendance, fundMeetings, fundProposals, fundVotes, voteChoices, type VoteChoice } from '../schema.ts';
import { authorizeOnProposal, fundById, lockProposal, postTransaction } from '../ledger.ts';
import { countDecision } from '../committee-rules.ts';

export type DecideProposalProps = {
  meetingId: number;
  proposalId: number;
  /** Each present member's vote; a member absent or not on the committee cannot vote, and votes once. */
  votes: { memberId: number; vote: VoteChoice }[];
  /** What an approval commits, at most the request; the whole request when left out. */
  approvedMinor?: number;
};

/**
 * A meeting decides a submitted proposal: the votes are checked (only members present, once each),
 * then the rules (quorum, required groups) and the majority give the outcome. Approval commits
 * the approved amount from the fund's available balance in the same transaction, so the
 * committee never approves money the fund does not have. Refused with nothing written when a rule
 * is not met: the proposal stays submitted for a later meeting.
 */
export async function decideProposal(ctx: CommandContext, props: DecideProposalProps) {
  await authorizeOnProposal(ctx.tx, ctx.actor, 'fund.meeting.record', props.proposalId);
  const proposal = await lockProposal(ctx, props.proposalId);
  const [meeting] = Number.isSafeInteger(props.meetingId) ? await ctx.tx.select().from(fundMeetings).where(and(eq(fundMeetings.id, props.meetingId), eq(fundMeetings.fundId, proposal.fundId))) : [];
  if (!meeting) throw fundError('meeting_not_found', 404, { id: props.meetingId });
  if (proposal.status !== 'submitted') throw fundError('proposal_status', 409, { id: proposal.id, status: proposal.status, expected: 'submitted' });
  const fund = await fundById(ctx.tx, proposal.fundId);

  const present = await ctx.tx
    .select({ memberId: fundMeetingAttendance.memberId, group: fundCommitteeMembers.groupCode })
    .from(fundMeetingAttendance)
    .innerJoin(fundCommitteeMembers, eq(fundCommitteeMembers.id, fundMeetingAttendance.memberId))
    .where(eq(fundMeetingAttendance.meetingId, meeting.id));
  const presentIds = new Set(present.map((p) => p.memberId));
  const seen = new Set<number>();
  for (const { memberId, vote } of props.votes) {
    if (!presentIds.has(memberId)) throw fundError('voter_not_present', 422, { id: memberId }, { memberId });
    if (seen.has(memberId)) throw fundError('vote_twice', 422, { id: memberId }, { memberId });
    if (!(voteChoices as readonly string[]).includes(vote)) throw fundError('voter_not_present', 422, { id: memberId }, { memberId });
    seen.add(memberId);
  }
  const inOffice = await ctx.tx
    .select({ id: fundCommitteeMembers.id })
    .from(fundCommitteeMembers)
    .where(and(eq(fundCommitteeMembers.fundId, fund.id), lte(fundCommitteeMembers.termStart, meeting.heldOn), gte(fundCommitteeMembers.termEnd, meeting.heldOn)));
  const count = countDecision(fund, { membersInOffice: inOffice.length, presentGroups: present.map((p) => p.group), votes: props.votes.map((v) => v.vote) });
  if (count.present < count.quorumNeeded) throw fundError('quorum_not_met', 422, { present: count.present, members: count.membersInOffice, needed: count.quorumNeeded }, count);
  if (count.missingGroups.length > 0) throw fundError('required_group_absent', 422, { groups: count.missingGroups.join(', ') }, count);

  const approvedMinor = count.outcome === 'approved' ? (props.approvedMinor ?? proposal.requestedMinor) : null;
  if (approvedMinor !== null && (!Number.isSafeInteger(approvedMinor) || approvedMinor <= 0 || approvedMinor > proposal.requestedMinor)) {
    throw fundError('approved_amount_invalid', 422, (locale) => ({ requested: formatMoney(locale, proposal.requestedMinor, proposal.currency) }));
  }
  if (props.votes.length > 0) await ctx.tx.insert(fundVotes).values(props.votes.map((v) => ({ meetingId: meeting.id, proposalId: proposal.id, memberId: v.memberId, vote: v.vote })));
  if (approvedMinor !== null) {
    await postTransaction(ctx, {
      fundId: fund.id,
      kind: 'commitment',
      currency: proposal.currency,
      occurredOn: meeting.heldOn,
      proposalId: proposal.id,
      description: `Approved at meeting ${meeting.id}`,
      postings: [
        { kind: 'available', amountMinor: -approvedMinor },
        { kind: 'committed', proposalId: proposal.id, amountMinor: approvedMinor },
      ],
    });
  }
  const [decided] = await ctx.tx
    .update(fundProposals)
    .set({ status: count.outcome, approvedMinor, decisionMeetingId: meeting.id, decidedOn: meeting.heldOn })
    .where(eq(fundProposals.id, proposal.id))
    .returning();
  await appendEvent(ctx, {
    type: 'fund.proposal_decided',
    subject: `fund-proposal:${proposal.id}`,
    payload: {
      site: fund.siteCode,
      proposalId: proposal.id,
      meetingId: meeting.id,
      outcome: count.outcome,
      votes: props.votes.map((v) => ({ memberId: v.memberId, vote: v.vote })).sort((a, b) => a.memberId - b.memberId),
      present: count.present,
      membersInOffice: count.membersInOffice,
      approvedMinor,
      currency: proposal.currency,
    },
  });
  return { proposal: decided!, count };
}
