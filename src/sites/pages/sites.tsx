import type { Context, Hono } from 'hono';
import { authorize, can } from '../../core/auth/policies.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { formatDate, formatNumber, formatTonnes } from '../../core/i18n/format.ts';
import { renderBarChart, ChartFrame } from '../../web/chart.tsx';
import { CardGrid, DataTable, EmptyState, StatusTag, SummaryCard, type TagTone } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { renderPage } from '../../web/layout.tsx';
import { publicSiteText } from '../messages/public.ts';
import { findPublicSite, listPublicSites, siteOverview, todayIso, type PublicSite } from '../queries/public-site.ts';
import { listChildReferrals } from '../queries/workers.ts';
import { verificationsText } from '../messages/verifications.ts';
import { standardAreas } from '../schema.ts';

type Key = Parameters<typeof publicSiteText.t>[1];
const levelTone: Record<string, TagTone> = { green: 'green', yellow: 'yellow', red: 'red', blue: 'blue' };

function QualificationTag({ locale, site }: { locale: Locale; site: PublicSite }) {
  const t = (key: Key, params?: Record<string, string>) => publicSiteText.t(locale, key, params);
  if (!site.qualificationLevel) return <StatusTag tone="grey">{t('level_none')}</StatusTag>;
  return (
    <>
      <StatusTag tone={levelTone[site.qualificationLevel] ?? 'grey'}>{t(`level_${site.qualificationLevel}` as Key)}</StatusTag>{' '}
      <span class="hint">{site.nextReviewOn ? t('next_review', { date: formatDate(locale, site.nextReviewOn) }) : t('no_review')}</span>
    </>
  );
}

const percent = (locale: Locale, tenths: number | null) => (tenths === null ? '—' : `${formatNumber(locale, tenths / 10, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`);

async function sitePage(c: Context<AppEnv>, site: PublicSite) {
  const locale = c.get('locale');
  const actor = c.get('actor');
  const t = (key: Key, params?: Record<string, string>) => publicSiteText.t(locale, key, params);
  const overview = await siteOverview(c.get('deps').db, site, todayIso());
  const { headcount, production, scores, comparison } = overview;
  const resource = { siteCooperativeOrgId: site.cooperativeOrganisationId };
  const mineralsShown = [...new Set(production.rows.map((row) => row.mineral))];
  const byMonth = (mineral: string) => production.months.map((month) => production.rows.find((row) => row.month === month && row.mineral === mineral)?.containedKg ?? 0);
  const totalOf = (mineral: string) => byMonth(mineral).reduce((a, b) => a + b, 0);
  const mineralName = (mineral: string) => (mineral === 'cobalt' || mineral === 'copper' ? t(`mineral_${mineral}`) : mineral);
  const links = [
    { href: `/sites/${site.code}/workers`, label: t('link_workers'), show: can(actor, 'worker.read', resource) },
    { href: `/sites/${site.code}/production`, label: t('link_production'), show: can(actor, 'production.read.details', resource) },
    { href: `/sites/${site.code}/assessments`, label: t('link_assessments'), show: can(actor, 'assessment.read', resource) },
    { href: `/sites/${site.code}/corrective-actions`, label: t('link_actions'), show: can(actor, 'corrective_action.manage', resource) },
    { href: `/sites/${site.code}/child-referrals`, label: t('referrals_link'), show: can(actor, 'child_referral.read') },
    { href: `/sites/${site.code}/manage`, label: t('link_manage'), show: can(actor, 'site.manage') },
  ].filter((link) => link.show);
  const openActions = overview.correctiveActions.filter((a) => a.status !== 'closed').sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.dueOn.localeCompare(b.dueOn));
  const closedActions = overview.correctiveActions.filter((a) => a.status === 'closed').slice(-10).reverse();
  return renderPage(c, {
    title: site.name,
    breadcrumbs: [{ href: '/sites', label: t('sites_title') }],
    children: (
      <>
        <h1>{site.name}</h1>
        <p class="lead">
          {site.town}, {site.province} · {t('cooperative')}: {site.cooperativeName}
        </p>
        <p>
          {t('qualification')}: <QualificationTag locale={locale} site={site} />
        </p>
        <CardGrid>
          <SummaryCard figure={formatNumber(locale, headcount.total)} label={t('workers')} />
          <SummaryCard figure={headcount.total ? `${formatNumber(locale, Math.round((headcount.female / headcount.total) * 1000) / 10)} %` : '—'} label={t('women_share')} />
          <SummaryCard figure={`${formatNumber(locale, site.pitsCovered)} / ${formatNumber(locale, site.pitsTotal)}`} label={t('pits_covered')} />
          <SummaryCard figure={scores ? percent(locale, scores.overall) : '—'} label={scores ? t('overall_score') : t('not_assessed')} />
        </CardGrid>
        {links.length > 0 && (
          <nav aria-label={t('for_you')} class="panel">
            <strong>{t('for_you')}:</strong>{' '}
            {links.map((link, i) => (
              <>
                {i > 0 && ' · '}
                <a href={link.href}>{link.label}</a>
              </>
            ))}
          </nav>
        )}

        <h2>{t('production_title')}</h2>
        {mineralsShown.length === 0 ? (
          <p>{t('production_none')}</p>
        ) : (
          mineralsShown.map((mineral) => (
            <ChartFrame
              locale={locale}
              title={`${t('production_title')} (${mineralName(mineral)})`}
              message={t('production_message', { total: formatTonnes(locale, totalOf(mineral)), mineral: mineralName(mineral) })}
              svg={renderBarChart({ locale, categories: production.months, series: [{ name: mineralName(mineral), values: byMonth(mineral).map((kg) => kg / 1000) }], unit: 't', height: 260 })}
              table={{ columns: [t('month'), t('contained_t')], rows: production.months.map((month, i) => [month, formatTonnes(locale, byMonth(mineral)[i]!)]) }}
              source={t('production_source')}
            />
          ))
        )}

        <h2>{t('headcount_title')}</h2>
        <DataTable
          caption={t('headcount_caption', { date: formatDate(locale, headcount.on) })}
          rows={[...headcount.groups, { groupCode: 'total', labelEn: t('total'), labelFr: t('total'), female: headcount.female, male: headcount.male, total: headcount.total }]}
          columns={[
            { header: t('group'), cell: (g) => (locale === 'fr' ? g.labelFr : g.labelEn) },
            { header: t('female'), cell: (g) => formatNumber(locale, g.female), numeric: true },
            { header: t('male'), cell: (g) => formatNumber(locale, g.male), numeric: true },
            { header: t('total'), cell: (g) => formatNumber(locale, g.total), numeric: true },
          ]}
        />

        <h2>{t('scores_title')}</h2>
        {scores ? (
          <DataTable
            caption={t('scores_caption', { from: formatDate(locale, scores.periodStart), to: formatDate(locale, scores.periodEnd) })}
            rows={[...standardAreas.map((area) => ({ key: area, label: t(`area_${area}` as Key), score: scores.areas[area], change: comparison?.areas[area]?.change ?? null })), { key: 'overall', label: t('overall'), score: scores.overall, change: comparison?.overall.change ?? null }]}
            columns={[
              { header: t('area'), cell: (r) => r.label },
              { header: t('score'), cell: (r) => percent(locale, r.score), numeric: true },
              { header: t('change'), cell: (r) => (r.change === null ? '—' : `${r.change > 0 ? '+' : ''}${formatNumber(locale, r.change / 10, { maximumFractionDigits: 1 })} pts`), numeric: true },
            ]}
          />
        ) : (
          <p>{t('not_assessed')}</p>
        )}

        <h2>{t('actions_title')}</h2>
        {overview.correctiveActions.length === 0 ? (
          <p>{t('no_actions')}</p>
        ) : (
          <DataTable
            caption={t('actions_caption')}
            rows={[...openActions, ...closedActions]}
            columns={[
              { header: t('action'), cell: (a) => (a.criterionCode ? `${a.criterionCode} · ${a.title}` : a.title) },
              { header: t('due'), cell: (a) => formatDate(locale, a.dueOn) },
              {
                header: t('status'),
                cell: (a) =>
                  a.status === 'closed' ? (
                    <StatusTag tone="green">{t('closed', { date: formatDate(locale, a.closedOn!) })}</StatusTag>
                  ) : a.overdue ? (
                    <StatusTag tone="red">{t('overdue')}</StatusTag>
                  ) : (
                    <StatusTag tone="yellow">{t(a.status === 'in_progress' ? 'in_progress' : 'open')}</StatusTag>
                  ),
              },
            ]}
          />
        )}

        <h2>{t('verifications_title')}</h2>
        {overview.verifications.length === 0 ? (
          <p>{t('no_verifications')}</p>
        ) : (
          <DataTable
            caption={t('verifications_caption')}
            rows={overview.verifications}
            columns={[
              { header: t('period'), cell: (v) => <a href={`/verifications/${v.id}`}>{`${formatDate(locale, v.periodStart)} – ${formatDate(locale, v.periodEnd)}`}</a> },
              { header: t('mineral'), cell: (v) => mineralName(v.mineral) },
              { header: t('responsible_t'), cell: (v) => formatTonnes(locale, v.responsibleKg), numeric: true },
              { header: t('verifier'), cell: (v) => v.verifierName },
              { header: verificationsText.t(locale, 'key_held_column'), cell: (v) => verificationsText.t(locale, `key_holder_${v.keyCustody}`) },
            ]}
          />
        )}
        <p>
          <a href="/standard">{t('link_standard')}</a>
        </p>
      </>
    ),
  });
}

/** The public pages of the sites: the list and one page per site. */
export function registerPublicSitesPages(pages: Hono<AppEnv>) {
  pages.get('/sites', async (c) => {
    const locale = c.get('locale');
    const t = (key: Key) => publicSiteText.t(locale, key);
    const rows = await listPublicSites(c.get('deps').db);
    return renderPage(c, {
      title: t('sites_title'),
      children: (
        <>
          <h1>{t('sites_title')}</h1>
          <p class="lead">{t('sites_lead')}</p>
          {can(c.get('actor'), 'site.manage') && (
            <p>
              <a class="button" href="/sites/new">
                {t('add_site')}
              </a>
            </p>
          )}
          {rows.length === 0 ? (
            <EmptyState title={t('no_sites')} next={t('no_sites_next')} />
          ) : (
            <DataTable
              caption={t('sites_caption')}
              rows={rows}
              columns={[
                { header: t('site'), cell: (s) => <a href={`/sites/${s.code}`}>{s.name}</a> },
                { header: t('location'), cell: (s) => `${s.town}, ${s.province}` },
                { header: t('cooperative'), cell: (s) => s.cooperativeName },
                { header: t('qualification'), cell: (s) => <QualificationTag locale={locale} site={s} /> },
                { header: t('pits_covered'), cell: (s) => `${formatNumber(locale, s.pitsCovered)} / ${formatNumber(locale, s.pitsTotal)}`, numeric: true },
              ]}
            />
          )}
        </>
      ),
    });
  });

  pages.get('/sites/:code{[A-Z]{3,6}}/child-referrals', async (c) => {
    authorize(c.get('actor'), 'child_referral.read');
    const locale = c.get('locale');
    const t = (key: Key, params?: Record<string, string>) => publicSiteText.t(locale, key, params);
    const site = await findPublicSite(c.get('deps').db, c.req.param('code'));
    if (!site) return c.notFound();
    const rows = await listChildReferrals(c.get('deps').db, site.id);
    return renderPage(c, {
      title: t('referrals_title', { site: site.name }),
      breadcrumbs: [
        { href: '/sites', label: t('sites_title') },
        { href: `/sites/${site.code}`, label: site.name },
      ],
      children: (
        <>
          <h1>{t('referrals_title', { site: site.name })}</h1>
          <p class="lead">{t('referrals_lead')}</p>
          {rows.length === 0 ? (
            <p>{t('referrals_none')}</p>
          ) : (
            <DataTable
              caption={t('referrals_caption')}
              rows={rows}
              columns={[
                { header: t('case_code'), cell: (r) => <span class="mono">{r.code}</span> },
                { header: t('age'), cell: (r) => formatNumber(locale, r.ageYears), numeric: true },
                { header: t('sex'), cell: (r) => t(r.sex === 'female' ? 'female' : 'male') },
                { header: t('group'), cell: (r) => (locale === 'fr' ? r.groupLabelFr : r.groupLabelEn) ?? '—' },
                { header: t('referred_on'), cell: (r) => formatDate(locale, r.referredOn) },
                { header: t('status'), cell: (r) => <StatusTag tone={r.status === 'new' ? 'yellow' : 'green'}>{t(r.status === 'new' ? 'referral_new' : 'referral_taken_up')}</StatusTag> },
              ]}
            />
          )}
        </>
      ),
    });
  });

  pages.get('/sites/:code{[A-Z]{3,6}}', async (c) => {
    const site = await findPublicSite(c.get('deps').db, c.req.param('code'));
    if (!site) return c.notFound();
    return sitePage(c, site);
  });
}
