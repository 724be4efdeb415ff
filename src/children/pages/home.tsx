import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { can } from '../../core/auth/policies.ts';
import { organisationOf } from '../../core/auth/roles.ts';
import { isoDateOf } from '../../core/calendar.ts';
import { formatNumber } from '../../core/i18n/format.ts';
import { CardGrid, HomeSection, SummaryCard } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { loadFollowUpSchedule } from '../follow-up.ts';
import { childrenHomeText } from '../messages/home.ts';
import { listCases } from '../queries/cases.ts';
import { listNewReferrals } from '../../sites/public.ts';

/** For the admin and field users who manage cases: open cases, overdue visits, referrals to confirm. */
export async function childrenHomeSection(c: Context<AppEnv>): Promise<Child | null> {
  const actor = c.get('actor');
  const organisationId = organisationOf(actor);
  if (!can(actor, 'children.case.list') || organisationId === null) return null;
  const locale = c.get('locale');
  const db = c.get('deps').db;
  const t = (key: Parameters<typeof childrenHomeText.t>[1], params?: Record<string, string | number>) => childrenHomeText.t(locale, key, params);
  const cases = await listCases(db, { caseOrganisationId: organisationId, schedule: await loadFollowUpSchedule(db), today: isoDateOf(new Date()) });
  if (cases.length === 0) return null;
  const open = cases.filter((x) => x.closedOn === null);
  const overdue = open.filter((x) => x.overdue.length > 0).length;
  // The home page of a case worker is only shown to organisations that manage cases (they have cases).
  const referrals = (await listNewReferrals(db)).length;
  const tasks: Child[] = [];
  if (overdue > 0) tasks.push(<a href="/children/cases?overdue=true">{t('home_overdue', { count: overdue })}</a>);
  if (referrals > 0) tasks.push(<a href="/children/referrals">{t('home_referrals', { count: referrals })}</a>);
  const cards = (
    <CardGrid>
      <SummaryCard figure={formatNumber(locale, open.length)} label={t('home_open_cases')} />
    </CardGrid>
  );
  return <HomeSection title={t('home_children')} cards={cards} tasks={tasks} empty={t('home_no_tasks')} />;
}
