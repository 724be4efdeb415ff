import { eq } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { fundError } from '../messages/errors.ts';
import { funds } from '../schema.ts';
import { openFund } from '../ledger.ts';
import { assertGroups } from '../committee-groups.ts';

export type CommitteeRulesProps = {
  site: string;
  /** Share of the members in office that must be present, in basis points (5000 = half). */
  quorumBasisPoints: number;
  /** A proposal passes when its yes votes are more than this share of the yes and no votes (5000 = simple majority). */
  majorityBasisPoints: number;
  /** Groups that must have a member present for any decision, e.g. ['washers']. */
  requiredGroups: string[];
  /** The committee's decision to publish its members' names and groups on the public page. */
  publishMemberNames: boolean;
};

/** The secretariat sets the rules that every decision of the site's committee checks. */
export async function setCommitteeRules(ctx: CommandContext, props: CommitteeRulesProps) {
  authorize(ctx.actor, 'fund.manage');
  const validShare = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max;
  if (!validShare(props.quorumBasisPoints, 1, 10_000) || !validShare(props.majorityBasisPoints, 0, 9_999)) throw fundError('rules_invalid', 422);
  const fund = await openFund(ctx, props.site);
  const requiredGroups = [...new Set(props.requiredGroups)].sort();
  await assertGroups(ctx.tx, fund, requiredGroups);
  const [updated] = await ctx.tx
    .update(funds)
    .set({ quorumBasisPoints: props.quorumBasisPoints, majorityBasisPoints: props.majorityBasisPoints, requiredGroups, publishMemberNames: props.publishMemberNames })
    .where(eq(funds.id, fund.id))
    .returning();
  await appendEvent(ctx, {
    type: 'fund.committee_rules_set',
    subject: `fund:${fund.siteCode}`,
    payload: { quorumBasisPoints: props.quorumBasisPoints, majorityBasisPoints: props.majorityBasisPoints, requiredGroups, publishMemberNames: props.publishMemberNames },
  });
  return { ...fund, ...updated! };
}
