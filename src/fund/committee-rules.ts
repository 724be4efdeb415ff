import type { VoteChoice } from './schema.ts';

export type CommitteeRules = { quorumBasisPoints: number; majorityBasisPoints: number; requiredGroups: readonly string[] };

export type DecisionCount = {
  membersInOffice: number;
  present: number;
  /** Members present needed for a quorum: the share of the members in office, rounded up. */
  quorumNeeded: number;
  missingGroups: string[];
  yes: number;
  no: number;
  abstain: number;
  outcome: 'approved' | 'rejected';
};

/**
 * What the committee's rules make of a meeting's attendance and votes: whether there is a
 * quorum, which required groups are missing, and whether the yes votes are more than the majority
 * share of the yes and no votes (abstentions count for neither).
 */
export function countDecision(rules: CommitteeRules, props: { membersInOffice: number; presentGroups: readonly string[]; votes: readonly VoteChoice[] }): DecisionCount {
  const present = props.presentGroups.length;
  const quorumNeeded = Math.ceil((props.membersInOffice * rules.quorumBasisPoints) / 10_000);
  const missingGroups = rules.requiredGroups.filter((group) => !props.presentGroups.includes(group));
  const tally = (choice: VoteChoice) => props.votes.filter((vote) => vote === choice).length;
  const yes = tally('yes');
  const no = tally('no');
  const passes = yes > 0 && yes * 10_000 > rules.majorityBasisPoints * (yes + no);
  return { membersInOffice: props.membersInOffice, present, quorumNeeded, missingGroups, yes, no, abstain: tally('abstain'), outcome: passes ? 'approved' : 'rejected' };
}
