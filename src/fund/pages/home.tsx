import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { can } from '../../core/auth/policies.ts';
import { listSites } from '../../sites/public.ts';
import { HomeSection } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { findFund } from '../ledger.ts';
import { fundHomeText } from '../messages/home.ts';
import { isoDateOf } from '../../core/calendar.ts';
import { formatDate } from '../../core/i18n/format.ts';
import { listMeetings, listProposals } from '../queries/committee.ts';
import { unbookedPremiums } from '../queries/ledger.ts';

/** For the committee and the secretariat: proposals to decide, approved projects to pay, premiums to book. */
export async function fundHomeSection(c: Context<AppEnv>): Promise<Child | null> {
  const actor = c.get('actor');
  const sites = await listSites(c.get('deps').db);
  const decides = (site: (typeof sites)[number]) => can(actor, 'fund.meeting.record', { siteCooperativeOrgId: site.cooperativeOrganisationId });
  if (!sites.some(decides) && !can(actor, 'fund.disburse')) return null;
  const locale = c.get('locale');
  const db = c.get('deps').db;
  const t = (key: Parameters<typeof fundHomeText.t>[1], params?: Record<string, string | number>) => fundHomeText.t(locale, key, params);
  const tasks: Child[] = [];
  for (const site of sites) {
    const fund = await findFund(db, site.code);
    if (!fund) continue;
    const proposals = await listProposals(db, fund.id);
    const submitted = proposals.filter((p) => p.status === 'submitted');
    if (submitted.length > 0 && decides(site)) {
      // The latest meeting held since the oldest waiting proposal was submitted is where its votes are recorded; without one, a meeting is to be held.
      const since = isoDateOf(new Date(Math.min(...submitted.map((p) => (p.submittedAt ?? p.createdAt).getTime()))));
      const meeting = (await listMeetings(db, fund.id)).find((m) => m.heldOn >= since);
      tasks.push(
        meeting ? (
          <a href={`/funds/${site.code}/meetings/${meeting.id}`}>{t('home_meeting_to_decide', { site: site.name, date: formatDate(locale, meeting.heldOn) })}</a>
        ) : (
          <a href={`/funds/${site.code}/meetings`}>{t('home_meeting_to_hold', { site: site.name, count: submitted.length })}</a>
        ),
      );
    }
    for (const proposal of proposals) {
      const href = `/funds/${site.code}/proposals/${proposal.id}`;
      if (proposal.status === 'submitted' && decides(site)) tasks.push(<a href={href}>{t('home_to_decide', { site: site.name, title: proposal.title })}</a>);
      if (proposal.status === 'approved' && can(actor, 'fund.disburse')) tasks.push(<a href={href}>{t('home_to_pay', { site: site.name, title: proposal.title })}</a>);
    }
  }
  if (can(actor, 'fund.manage')) {
    const premiums = await unbookedPremiums(db);
    if (premiums.length > 0) tasks.push(<a href="/funds">{t('home_premiums', { count: premiums.length })}</a>);
  }
  return <HomeSection title={t('home_fund')} tasks={tasks} empty={t('home_no_tasks')} />;
}
