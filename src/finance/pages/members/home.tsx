import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { can } from '../../../core/auth/policies.ts';
import { organisationOf } from '../../../core/auth/roles.ts';
import { isoDateOf } from '../../../core/calendar.ts';
import { formatDate, formatMoney } from '../../../core/i18n/format.ts';
import { HomeSection } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { getMember, listMembers } from '../../queries/members.ts';
import { pageText } from './shared.tsx';

/** Finance's part of the home page: the secretariat's members in arrears, and a member's own calls left to pay. */
export async function membersHomeSection(c: Context<AppEnv>): Promise<Child | null> {
  const actor = c.get('actor');
  const locale = c.get('locale');
  const t = pageText(locale);
  const db = c.get('deps').db;
  const today = isoDateOf(new Date());
  if (can(actor, 'finance.members.list')) {
    const members = await listMembers(db, today);
    const tasks: Child[] = [<a href="/finance/members">{t('home_members_link', { count: members.length })}</a>];
    for (const member of members) {
      for (const balance of member.balances.filter((b) => b.arrearsMinor > 0)) {
        tasks.push(<a href={`/finance/members/${member.organisationCode}`}>{t('home_member_arrears', { organisation: member.organisationName, amount: formatMoney(locale, balance.arrearsMinor, balance.currency) })}</a>);
      }
    }
    return <HomeSection title={t('home_title')} tasks={tasks} empty={t('home_nothing')} />;
  }
  const orgId = organisationOf(actor);
  if (orgId === null || !can(actor, 'finance.membership.read', { orgId })) return null;
  const member = await getMember(db, orgId, today);
  if (!member) return null;
  const tasks: Child[] = [<a href="/finance/membership">{t('home_own_link')}</a>];
  for (const call of member.calls.filter((open) => open.outstandingMinor > 0)) {
    tasks.push(<a href={`/finance/contributions/${call.number}/invoice.pdf`}>{t('home_own_due', { number: call.number, amount: formatMoney(locale, call.outstandingMinor, call.currency), date: formatDate(locale, call.dueOn) })}</a>);
  }
  return <HomeSection title={t('home_title')} tasks={tasks} empty={t('home_nothing')} />;
}
