import { and, eq, gte, lte } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { fundError } from '../messages/errors.ts';
import { fundCommitteeMembers, fundMeetingAttendance, fundMeetings } from '../schema.ts';
import { assertDate, authorizeOnFund, cleanText, fundOf, today } from '../ledger.ts';

export type RecordMeetingProps = {
  site: string;
  heldOn: string;
  agenda: string;
  minutes?: string;
  minutesLanguage: 'fr' | 'en';
  /** Ids of the members present, each in office on the day. */
  attendeeIds: number[];
};

/** A committee meeting with its attendance; the event names members by id only, and leaves the agenda and minutes (which name people) out. */
export async function recordMeeting(ctx: CommandContext, props: RecordMeetingProps) {
  await authorizeOnFund(ctx.tx, ctx.actor, 'fund.meeting.record', props.site);
  assertDate(props.heldOn, today(ctx));
  const agenda = cleanText(props.agenda, 4000);
  if (agenda === null) throw fundError('agenda_required', 422);
  const minutes = (props.minutes ?? '').trim();
  if (minutes.length > 20_000) throw fundError('minutes_too_long', 422);
  if (props.minutesLanguage !== 'fr' && props.minutesLanguage !== 'en') throw fundError('minutes_language_invalid', 422);
  const attendeeIds = [...new Set(props.attendeeIds)].sort((a, b) => a - b);
  if (attendeeIds.length === 0) throw fundError('attendance_required', 422);
  const fund = await fundOf(ctx.tx, props.site);
  const inOffice = await ctx.tx
    .select({ id: fundCommitteeMembers.id })
    .from(fundCommitteeMembers)
    .where(and(eq(fundCommitteeMembers.fundId, fund.id), lte(fundCommitteeMembers.termStart, props.heldOn), gte(fundCommitteeMembers.termEnd, props.heldOn)));
  const members = new Set(inOffice.map((m) => m.id));
  const stranger = attendeeIds.find((id) => !members.has(id));
  if (stranger !== undefined) throw fundError('attendee_not_member', 422, { id: stranger, date: props.heldOn });
  const [meeting] = await ctx.tx.insert(fundMeetings).values({ fundId: fund.id, heldOn: props.heldOn, agenda, minutes, minutesLanguage: props.minutesLanguage, createdAt: ctx.now }).returning();
  await ctx.tx.insert(fundMeetingAttendance).values(attendeeIds.map((memberId) => ({ meetingId: meeting!.id, memberId })));
  await appendEvent(ctx, {
    type: 'fund.meeting_recorded',
    subject: `fund-meeting:${meeting!.id}`,
    payload: { site: fund.siteCode, meetingId: meeting!.id, heldOn: meeting!.heldOn, attendeeMemberIds: attendeeIds, membersInOffice: members.size, minutesLanguage: meeting!.minutesLanguage },
  });
  return { ...meeting!, attendeeIds };
}
