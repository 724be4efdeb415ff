import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { can } from '../../core/auth/policies.ts';
import { isoDateOf } from '../../core/calendar.ts';
import { formatNumber } from '../../core/i18n/format.ts';
import { listSites } from '../../sites/public.ts';
import { CardGrid, HomeSection, SummaryCard } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { safetyHomeText } from '../messages/home.ts';
import { incidentCounts } from '../queries/figures.ts';

/** For those who record incidents: this year's count at each of their sites, and the way to record one. */
export async function safetyHomeSection(c: Context<AppEnv>): Promise<Child | null> {
  const actor = c.get('actor');
  const locale = c.get('locale');
  const db = c.get('deps').db;
  const t = (key: Parameters<typeof safetyHomeText.t>[1], params?: Record<string, string | number>) => safetyHomeText.t(locale, key, params);
  const own = (await listSites(db)).filter((site) => can(actor, 'safety.record', { siteCooperativeOrgId: site.cooperativeOrganisationId }));
  if (own.length === 0) return null;
  const today = isoDateOf(new Date());
  const figures = await Promise.all(
    own.map(async (site) => {
      const counts = await incidentCounts(db, { siteId: site.id, from: `${today.slice(0, 4)}-01-01`, to: today });
      return { site, total: counts.reduce((sum, row) => sum + row.incidents, 0) };
    }),
  );
  const cards = (
    <CardGrid>
      {figures.map((f) => (
        <SummaryCard figure={formatNumber(locale, f.total)} label={t('home_incidents', { site: f.site.name })} />
      ))}
    </CardGrid>
  );
  const tasks = own.map((site) => <a href={`/safety/sites/${site.code}/incidents/new`}>{t('home_record', { site: site.name })}</a>);
  return <HomeSection title={t('home_safety')} cards={cards} tasks={tasks} empty="" />;
}
