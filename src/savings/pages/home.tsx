import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { can } from '../../core/auth/policies.ts';
import { isoDateOf } from '../../core/calendar.ts';
import { formatDate } from '../../core/i18n/format.ts';
import { HomeSection } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { textFor } from '../messages/pages.ts';
import { listGroups } from '../queries/groups.ts';

/** Groups meet weekly or fortnightly: two weeks without a recorded meeting means a ledger is waiting to be entered. */
export const meetingLateAfterDays = 14;

const daysBefore = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/** For field officers: open cycles whose last meeting is over two weeks old, and ended cycles still to share out. */
export async function savingsHomeSection(c: Context<AppEnv>): Promise<Child | null> {
  if (!can(c.get('actor'), 'savings.record')) return null;
  const locale = c.get('locale');
  const t = textFor(locale);
  const today = isoDateOf(new Date());
  const lateBefore = daysBefore(today, meetingLateAfterDays);
  const tasks: Child[] = [];
  for (const group of await listGroups(c.get('deps').db)) {
    if (group.currentCycle === null || group.cycleStatus !== 'open' || group.cycleEndsOn === null) continue;
    const cycleBase = `/savings/groups/${group.code}/cycles/${group.currentCycle}`;
    if (group.cycleEndsOn < today) {
      tasks.push(<a href={`${cycleBase}/statement`}>{t('home_share_out_due', { group: group.code, cycle: group.currentCycle, date: formatDate(locale, group.cycleEndsOn) })}</a>);
      continue;
    }
    const since = group.lastMeeting ?? group.cycleStartsOn;
    if (since !== null && since < lateBefore) tasks.push(<a href={`${cycleBase}/meetings/new`}>{t('home_meeting_late', { group: group.code, date: formatDate(locale, since) })}</a>);
  }
  return <HomeSection title={t('home_title')} tasks={tasks} empty={t('home_no_tasks')} />;
}
