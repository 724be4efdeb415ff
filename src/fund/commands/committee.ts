import { eq } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import { isIsoDate } from '../../core/calendar.ts';
import type { Queryable } from '../../db/connect.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { listOperatorGroups } from '../../sites/public.ts';
import { fundError } from '../messages/errors.ts';
import { fundCommitteeMembers, funds } from '../schema.ts';
import { cleanText, openFund, type Fund } from './ledger.ts';

/** The groups a committee member may represent: the alliance, the cooperative, and the site's operator groups. */
export async function committeeGroups(db: Queryable, siteId: number): Promise<string[]> {
  return ['alliance', 'cooperative', ...(await listOperatorGroups(db, siteId)).map((g) => g.code)];
}

async function assertGroups(db: Queryable, fund: Fund, groups: readonly string[]) {
  const known = await committeeGroups(db, fund.siteId);
  const unknown = groups.find((g) => !known.includes(g));
  if (unknown !== undefined) throw fundError('group_unknown', 422, { group: unknown, groups: known.join(', ') });
}

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

export type AppointMemberProps = { site: string; personName: string; groupCode: string; termStart: string; termEnd: string };

/** The secretariat records a committee member. The name is personal data: the event carries only the member's id and group. */
export async function appointMember(ctx: CommandContext, props: AppointMemberProps) {
  authorize(ctx.actor, 'fund.manage');
  const personName = cleanText(props.personName, 200);
  if (personName === null) throw fundError('member_name_required', 422);
  if (!isIsoDate(props.termStart) || !isIsoDate(props.termEnd) || props.termEnd < props.termStart) throw fundError('term_invalid', 422);
  const fund = await openFund(ctx, props.site);
  await assertGroups(ctx.tx, fund, [props.groupCode]);
  const [member] = await ctx.tx.insert(fundCommitteeMembers).values({ fundId: fund.id, personName, groupCode: props.groupCode, termStart: props.termStart, termEnd: props.termEnd, createdAt: ctx.now }).returning();
  await appendEvent(ctx, {
    type: 'fund.member_appointed',
    subject: `fund:${fund.siteCode}`,
    payload: { memberId: member!.id, group: member!.groupCode, termStart: member!.termStart, termEnd: member!.termEnd },
  });
  return member!;
}
