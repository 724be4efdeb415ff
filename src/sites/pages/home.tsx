import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { can } from '../../core/auth/policies.ts';
import { formatDate, formatNumber } from '../../core/i18n/format.ts';
import { CardGrid, HomeSection, SummaryCard } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { publicSiteText } from '../messages/public.ts';
import { correctiveActionCounts } from '../queries/corrective-actions.ts';
import { siteTasks, sitesOfCooperative, verifierTasks } from '../queries/home.ts';
import { monthlyProduction } from '../queries/production.ts';
import { todayIso } from '../queries/public-site.ts';
import { headcountTotals } from '../queries/workers.ts';

type Key = Parameters<typeof publicSiteText.t>[1];

/** The sites' part of each signed-in home page: the secretariat's and field officers' tasks, the verifier's assessments, the cooperative's figures. */
export async function sitesHomeSection(c: Context<AppEnv>): Promise<Child | null> {
  const actor = c.get('actor');
  const locale = c.get('locale');
  const db = c.get('deps').db;
  const t = (key: Key, params?: Record<string, string | number>) => publicSiteText.t(locale, key, params);
  const today = todayIso();
  const period = (start: string, end: string) => `${formatDate(locale, start)} – ${formatDate(locale, end)}`;
  const tasks: Child[] = [];
  let cards: Child = null;

  if (actor.role === 'admin' || actor.role === 'field') {
    const horizon = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const found = await siteTasks(db, today, horizon);
    for (const r of found.reviewsDue) tasks.push(<a href={`/sites/${r.code}/manage`}>{t('home_review_due', { site: r.name, date: formatDate(locale, r.nextReviewOn) })}</a>);
    for (const r of found.overdueActions) tasks.push(<a href={`/sites/${r.code}/corrective-actions`}>{t('home_overdue_actions', { site: r.name, count: r.count })}</a>);
    if (can(actor, 'child_referral.read')) {
      for (const r of found.newReferrals) tasks.push(<a href={`/sites/${r.code}/child-referrals`}>{t('home_new_referrals', { site: r.name, count: r.count })}</a>);
    }
  } else if (actor.role === 'verifier' && 'orgId' in actor && actor.orgId !== null) {
    const found = await verifierTasks(db, actor.orgId);
    for (const a of found.drafts) tasks.push(<a href={`/assessments/${a.id}`}>{t('home_draft', { site: a.siteName, period: period(a.periodStart, a.periodEnd) })}</a>);
    for (const a of found.unverified) {
      tasks.push(<a href={`/sites/${a.siteCode}/verifications/new?assessment=${a.id}`}>{t('home_unverified', { site: a.siteName, period: period(a.periodStart, a.periodEnd) })}</a>);
    }
    for (const d of found.awaitingSignature) tasks.push(<a href={`/verification-drafts/${d.id}`}>{t('home_awaiting_signature', { site: d.siteName, period: period(d.periodStart, d.periodEnd) })}</a>);
  } else if (actor.role === 'cooperative' && 'orgId' in actor && actor.orgId !== null) {
    const own = await sitesOfCooperative(db, actor.orgId);
    const monthStart = `${today.slice(0, 7)}-01`;
    const figures = await Promise.all(
      own.map(async (site) => ({
        site,
        workers: (await headcountTotals(db, { siteId: site.id, on: today })).total,
        containedKg: (await monthlyProduction(db, { siteId: site.id, from: monthStart, to: today })).reduce((sum, row) => sum + row.containedKg, 0),
        actions: await correctiveActionCounts(db, { siteId: site.id }),
      })),
    );
    cards = (
      <CardGrid>
        {figures.flatMap((f) => [
          <SummaryCard figure={formatNumber(locale, f.workers)} label={t('home_workers', { site: f.site.name })} />,
          <SummaryCard figure={formatNumber(locale, f.containedKg / 1000, { minimumFractionDigits: 3, maximumFractionDigits: 3 })} label={t('home_production', { site: f.site.name })} />,
          <SummaryCard figure={formatNumber(locale, f.actions.open)} label={t('home_open_actions', { site: f.site.name, overdue: f.actions.overdue })} />,
        ])}
      </CardGrid>
    );
    for (const f of figures) tasks.push(<a href={`/sites/${f.site.code}/production/new`}>{t('home_declare', { site: f.site.name })}</a>);
  } else {
    return null;
  }
  return <HomeSection title={t('home_sites')} cards={cards} tasks={tasks} empty={t('home_no_site_tasks')} />;
}
