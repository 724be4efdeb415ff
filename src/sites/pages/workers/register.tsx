import type { Context, Hono } from 'hono';
import { can } from '../../../core/auth/policies.ts';
import { formatDate, formatNumber } from '../../../core/i18n/format.ts';
import { CardGrid, DataTable, EmptyState, SelectField, StatusTag, SummaryCard } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { isoDateOf } from '../../../core/calendar.ts';
import { listOperatorGroups, type SiteWithDetails } from '../../queries/sites.ts';
import { headcount, listWorkers } from '../../queries/workers.ts';
import { sexes } from '../../schema.ts';
import { groupLabel, pageSize, siteFor, textOf } from './shared.tsx';

async function registerPage(c: Context<AppEnv>, site: SiteWithDetails) {
  const locale = c.get('locale');
  const t = textOf(locale);
  const db = c.get('deps').db;
  const today = isoDateOf(new Date());
  const group = c.req.query('group') || undefined;
  const sex = sexes.find((s) => s === c.req.query('sex'));
  const active = c.req.query('active') === 'yes';
  const page = Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1);
  const [groups, counts, { rows, total }] = await Promise.all([
    listOperatorGroups(db, site.id),
    headcount(db, { siteId: site.id, on: today }),
    listWorkers(db, { siteId: site.id, group, sex, activeOn: active ? today : undefined, limit: pageSize, offset: (page - 1) * pageSize }),
  ]);
  const sum = (key: 'female' | 'male' | 'total') => counts.reduce((n, row) => n + row[key], 0);
  const link = (to: number) => `?${new URLSearchParams({ ...(group ? { group } : {}), ...(sex ? { sex } : {}), ...(active ? { active: 'yes' } : {}), page: String(to) })}`;
  const registered = c.req.query('registered');
  const exited = c.req.query('exited');
  const mayRegister = can(c.get('actor'), 'worker.register', { siteCooperativeOrgId: site.cooperativeOrganisationId });
  return renderPage(c, {
    title: `${t('register_title')} · ${site.name}`,
    breadcrumbs: [{ href: `/sites/${site.code}`, label: site.name }],
    children: (
      <>
        <h1>{t('register_title')}</h1>
        <p class="lead">{t('register_lead', { site: site.name })}</p>
        {registered && <p class="panel" role="status">{t('worker_registered', { code: registered })}</p>}
        {exited && <p class="panel" role="status">{t('exit_recorded', { worker: exited })}</p>}
        {mayRegister && (
          <p>
            <a class="button" href={`/sites/${site.code}/workers/new`}>
              {t('register_worker')}
            </a>{' '}
            <a class="button button-secondary" href={`/sites/${site.code}/workers/import`}>
              {t('import_workers')}
            </a>
          </p>
        )}
        <h2>{t('headcount_title', { date: formatDate(locale, today) })}</h2>
        <CardGrid>
          <SummaryCard figure={formatNumber(locale, sum('total'))} label={t('headcount_total')} />
          <SummaryCard figure={formatNumber(locale, sum('female'))} label={t('headcount_female')} />
          <SummaryCard figure={formatNumber(locale, sum('male'))} label={t('headcount_male')} />
        </CardGrid>
        <details>
          <summary>{t('headcount_caption', { date: formatDate(locale, today) })}</summary>
          <DataTable
            caption={t('headcount_caption', { date: formatDate(locale, today) })}
            rows={counts}
            columns={[
              { header: t('operator_group'), cell: (row) => groupLabel(locale, row) },
              { header: t('sex_female'), cell: (row) => formatNumber(locale, row.female), numeric: true },
              { header: t('sex_male'), cell: (row) => formatNumber(locale, row.male), numeric: true },
              { header: t('total'), cell: (row) => formatNumber(locale, row.total), numeric: true },
            ]}
          />
        </details>
        <h2>{t('filters')}</h2>
        <form method="get" action={`/sites/${site.code}/workers`}>
          <SelectField name="group" label={t('operator_group')} value={group ?? ''} options={[{ value: '', label: t('all_groups') }, ...groups.map((g) => ({ value: g.code, label: groupLabel(locale, g) }))]} />
          <SelectField name="sex" label={t('sex')} value={sex ?? ''} options={[{ value: '', label: t('all_sexes') }, ...sexes.map((s) => ({ value: s, label: t(`sex_${s}`) }))]} />
          <SelectField
            name="active"
            label={t('status')}
            value={active ? 'yes' : ''}
            options={[
              { value: '', label: t('any_status') },
              { value: 'yes', label: t('working_today') },
            ]}
          />
          <button class="button button-secondary" type="submit">
            {t('apply_filters')}
          </button>{' '}
          <a href={`/sites/${site.code}/workers`}>{t('clear_filters')}</a>
        </form>
        {rows.length === 0 ? (
          <EmptyState title={t('no_workers')} next={t('no_workers_next')} />
        ) : (
          <DataTable
            caption={t('register_caption', { site: site.name, from: formatNumber(locale, (page - 1) * pageSize + 1), to: formatNumber(locale, (page - 1) * pageSize + rows.length), total: formatNumber(locale, total) })}
            rows={rows}
            columns={[
              { header: t('code'), cell: (w) => <span class="mono">{w.code}</span> },
              { header: t('full_name'), cell: (w) => w.fullName },
              { header: t('sex'), cell: (w) => t(`sex_${w.sex}`) },
              { header: t('birth_year'), cell: (w) => String(w.birthYear), numeric: true },
              { header: t('operator_group'), cell: (w) => groupLabel(locale, { labelEn: w.groupLabelEn, labelFr: w.groupLabelFr }) },
              { header: t('registered_on'), cell: (w) => formatDate(locale, w.registeredOn) },
              {
                header: t('exited_on'),
                cell: (w) =>
                  w.exitedOn ? (
                    <StatusTag tone="grey">{formatDate(locale, w.exitedOn)}</StatusTag>
                  ) : mayRegister ? (
                    <>
                      <a href={`/sites/${site.code}/workers/${w.code}/exit`}>{t('exit_button')}</a> ·{' '}
                      <a href={`/sites/${site.code}/workers/${w.code}/photo`}>{t('photo_link')}</a>
                    </>
                  ) : (
                    <StatusTag tone="green">{t('still_working')}</StatusTag>
                  ),
              },
            ]}
          />
        )}
        <nav aria-label={t('pagination')}>
          {page > 1 && <a href={link(page - 1)}>{t('previous_page')}</a>} {page * pageSize < total && <a href={link(page + 1)}>{t('next_page')}</a>}
        </nav>
      </>
    ),
  });
}

/** The register of a site: filters, pagination and headcount. */
export function registerWorkerListPage(pages: Hono<AppEnv>) {
  pages.get('/sites/:code/workers', async (c) => registerPage(c, await siteFor(c, 'worker.read')));
}
