import { authorize } from '../../core/auth/policies.ts';
import { isIsoDate } from '../../core/calendar.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { fundError } from '../messages/errors.ts';
import { fundCommitteeMembers } from '../schema.ts';
import { cleanText, openFund } from '../ledger.ts';
import { assertGroups } from '../committee-groups.ts';

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
