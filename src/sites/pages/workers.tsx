import type { Context, Hono } from 'hono';
import { authorize, can } from '../../core/auth/policies.ts';
import type { Actor } from '../../core/auth/roles.ts';
import { AppError } from '../../core/errors.ts';
import type { Locale, Params } from '../../core/i18n/index.ts';
import { formatDate, formatNumber } from '../../core/i18n/format.ts';
import type { Database } from '../../db/connect.ts';
import { runCommand } from '../../journal/commands.ts';
import { CardGrid, CsrfField, DataTable, EmptyState, ErrorSummary, Field, FileField, SelectField, StatusTag, SummaryCard, type FieldErrors } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { renderPage } from '../../web/layout.tsx';
import { isoDateOf } from '../../core/calendar.ts';
import { checkWorkerImport, importChangesSomething, importLimits, importWorkers, readWorkerFile, type ImportReport } from '../commands/worker-import.ts';
import { setWorkerPhoto } from '../commands/worker-photo.ts';
import { checkWorkerFields, recordWorkerExit, registerWorker, workerColumns, type WorkerColumn } from '../commands/workers.ts';
import { siteError } from '../messages/sites.ts';
import { workerError, workersText, type WorkersTextKey } from '../messages/workers.ts';
import { findSiteByCode, listOperatorGroups, type SiteWithDetails } from '../queries/sites.ts';
import { findWorkerByCode, headcount, listWorkers } from '../queries/workers.ts';
import { sexes } from '../schema.ts';

type Form = Record<string, string>;
const pageSize = 50;

const fieldOf: Record<WorkerColumn, string> = {
  full_name: 'fullName',
  sex: 'sex',
  birth_year: 'birthYear',
  operator_group: 'operatorGroup',
  id_number: 'idNumber',
  registered_on: 'registeredOn',
};

async function formOf(c: Context<AppEnv>): Promise<Form> {
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** The site a URL names, once the actor may act on it; the policy is asked before the site is known to exist. */
async function siteFor(c: Context<AppEnv>, action: 'worker.read' | 'worker.register'): Promise<SiteWithDetails> {
  const code = c.req.param('code') ?? '';
  const site = await findSiteByCode(c.get('deps').db, code);
  authorize(c.get('actor'), action, { siteCooperativeOrgId: site?.cooperativeOrganisationId ?? -1 });
  if (!site) throw siteError('site_not_found', 404, { code });
  return site;
}

const textOf = (locale: Locale) => (key: WorkersTextKey, params?: Params) => workersText.t(locale, key, params);
const groupLabel = (locale: Locale, g: { labelEn: string; labelFr: string }) => (locale === 'fr' ? g.labelFr : g.labelEn);
const crumbs = (site: SiteWithDetails, locale: Locale) => [
  { href: `/sites/${site.code}`, label: site.name },
  { href: `/sites/${site.code}/workers`, label: workersText.t(locale, 'register_title') },
];

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

async function newWorkerPage(c: Context<AppEnv>, site: SiteWithDetails, values: Form = {}, errors: FieldErrors = {}, status: 200 | 400 | 409 | 422 = 200) {
  const locale = c.get('locale');
  const t = textOf(locale);
  const groups = await listOperatorGroups(c.get('deps').db, site.id);
  const choose = { value: '', label: t('choose') };
  return renderPage(
    c,
    {
      title: t('new_worker_title'),
      breadcrumbs: crumbs(site, locale),
      children: (
        <>
          <h1>{t('new_worker_title')}</h1>
          <p class="lead">{t('new_worker_lead')}</p>
          <ErrorSummary locale={locale} errors={errors} />
          <form method="post" action={`/sites/${site.code}/workers/new`} novalidate>
            <CsrfField token={c.get('csrfToken')} />
            <Field name="fullName" label={t('full_name')} hint={t('full_name_hint')} value={values.fullName} error={errors.fullName} autocomplete="off" />
            <SelectField name="sex" label={t('sex')} value={values.sex} error={errors.sex} options={[choose, ...sexes.map((s) => ({ value: s, label: t(`sex_${s}`) }))]} />
            <Field name="birthYear" type="number" label={t('birth_year')} hint={t('birth_year_hint')} value={values.birthYear} error={errors.birthYear} />
            <SelectField name="operatorGroup" label={t('operator_group')} value={values.operatorGroup} error={errors.operatorGroup} options={[choose, ...groups.map((g) => ({ value: g.code, label: groupLabel(locale, g) }))]} />
            <Field name="idNumber" label={t('id_number')} hint={t('id_number_hint')} value={values.idNumber} error={errors.idNumber} autocomplete="off" />
            <Field name="registeredOn" type="date" label={t('registered_on')} hint={t('registered_on_hint')} value={values.registeredOn ?? isoDateOf(new Date())} error={errors.registeredOn} />
            <button class="button" type="submit">
              {t('register_button')}
            </button>
          </form>
        </>
      ),
    },
    status,
  );
}

function referralPage(c: Context<AppEnv>, site: SiteWithDetails, referral: { code: string; ageYears: number }) {
  const t = textOf(c.get('locale'));
  return renderPage(
    c,
    {
      title: t('referral_title'),
      breadcrumbs: crumbs(site, c.get('locale')),
      children: (
        <>
          <h1>{t('referral_title')}</h1>
          <div class="panel" role="alert">
            <p>{t('referral_text', { age: referral.ageYears })}</p>
            <p>{t('referral_case', { code: referral.code })}</p>
            <p class="secret" id="referral-code">
              {referral.code}
            </p>
          </div>
          <p>{t('referral_no_name')}</p>
          <p>
            <a href={`/sites/${site.code}/workers`}>{t('back_to_register')}</a>
          </p>
        </>
      ),
    },
    422,
  );
}

async function exitPage(c: Context<AppEnv>, site: SiteWithDetails, workerCode: string, values: Form = {}, errors: FieldErrors = {}, status: 200 | 400 | 409 | 422 = 200) {
  const locale = c.get('locale');
  const t = textOf(locale);
  return renderPage(
    c,
    {
      title: t('exit_title', { worker: workerCode }),
      breadcrumbs: crumbs(site, locale),
      children: (
        <>
          <h1>{t('exit_title', { worker: workerCode })}</h1>
          <ErrorSummary locale={locale} errors={errors} />
          <form method="post" action={`/sites/${site.code}/workers/${workerCode}/exit`} novalidate>
            <CsrfField token={c.get('csrfToken')} />
            <Field name="exitedOn" type="date" label={t('exit_date')} value={values.exitedOn ?? isoDateOf(new Date())} error={errors.exitedOn} />
            <button class="button button-warning" type="submit">
              {t('exit_button')}
            </button>
          </form>
        </>
      ),
    },
    status,
  );
}

async function photoPage(c: Context<AppEnv>, site: SiteWithDetails, worker: { code: string; photoFileId: number | null }, extra: { error?: string; saved?: boolean; status?: 200 | 413 | 415 | 422 } = {}) {
  const locale = c.get('locale');
  const t = textOf(locale);
  const mayUpload = can(c.get('actor'), 'worker.register', { siteCooperativeOrgId: site.cooperativeOrganisationId });
  return renderPage(
    c,
    {
      title: t('photo_title', { code: worker.code }),
      breadcrumbs: crumbs(site, locale),
      children: (
        <>
          <h1>{t('photo_title', { code: worker.code })}</h1>
          <p class="lead">{t('photo_lead')}</p>
          {extra.saved && <p class="panel" role="status">{t('photo_saved')}</p>}
          {worker.photoFileId ? (
            <p>
              <img src={`/api/v1/sites/${site.code}/workers/${worker.code}/photo?v=${worker.photoFileId}`} alt={t('photo_alt', { code: worker.code })} width={240} />
            </p>
          ) : (
            <p>{t('photo_none')}</p>
          )}
          {mayUpload && (
            <>
              <ErrorSummary locale={locale} errors={extra.error ? { photo: extra.error } : {}} />
              <form method="post" action={`/sites/${site.code}/workers/${worker.code}/photo`} enctype="multipart/form-data" novalidate>
                <CsrfField token={c.get('csrfToken')} />
                <FileField name="photo" label={t('photo_file')} error={extra.error} accept="image/jpeg,image/png" />
                <button class="button" type="submit">
                  {t('photo_upload')}
                </button>
              </form>
            </>
          )}
        </>
      ),
    },
    extra.status ?? 200,
  );
}

function ImportReportView({ locale, report }: { locale: Locale; report: ImportReport }) {
  const t = textOf(locale);
  const n = (value: number) => formatNumber(locale, value);
  return (
    <>
      <CardGrid>
        <SummaryCard figure={n(report.rowsTotal)} label={t('report_rows')} />
        <SummaryCard figure={n(report.toRegister)} label={t('report_register')} />
        <SummaryCard figure={n(report.alreadyRegistered)} label={t('report_registered')} />
        <SummaryCard figure={n(report.toRefer)} label={t('report_refer')} />
        <SummaryCard figure={n(report.alreadyReferred)} label={t('report_referred')} />
        <SummaryCard figure={n(new Set(report.issues.map((issue) => issue.row)).size)} label={t('report_errors')} />
      </CardGrid>
      {report.issues.length > 0 && (
        <>
          <p class="error-message">{t('errors_block')}</p>
          <DataTable
            caption={t('errors_caption')}
            rows={report.issues}
            columns={[
              { header: t('row'), cell: (issue) => n(issue.row), numeric: true },
              { header: t('column'), cell: (issue) => <span class="mono">{issue.column}</span> },
              { header: t('reason'), cell: (issue) => workersText.t(locale, issue.code, issue.params) },
            ]}
          />
        </>
      )}
    </>
  );
}

type ImportView = { errors?: FieldErrors; report?: ImportReport; upload?: { filename: string; content: Buffer }; status?: 200 | 400 | 413 | 415 | 422 };

function importPage(c: Context<AppEnv>, site: SiteWithDetails, view: ImportView = {}) {
  const locale = c.get('locale');
  const t = textOf(locale);
  const { report, upload } = view;
  const action = `/sites/${site.code}/workers/import`;
  return renderPage(
    c,
    {
      title: t('import_title'),
      breadcrumbs: crumbs(site, locale),
      children: (
        <>
          <h1>{t('import_title')}</h1>
          {report ? (
            <>
              <h2>{t('report_title')}</h2>
              <ImportReportView locale={locale} report={report} />
              {report.issues.length === 0 && !importChangesSomething(report) && (
                <p class="panel" role="status">
                  {t('nothing_new')}
                </p>
              )}
              {upload && importChangesSomething(report) && (
                // Multipart, like the upload: the file comes back within the upload limit, not the smaller limit of plain forms.
                <form method="post" action={action} enctype="multipart/form-data">
                  <CsrfField token={c.get('csrfToken')} />
                  <input type="hidden" name="filename" value={upload.filename} />
                  <input type="hidden" name="content" value={upload.content.toString('base64url')} />
                  <p>{t('confirm_text')}</p>
                  <button class="button" type="submit">
                    {t('confirm_import', { count: formatNumber(locale, report.toRegister), referrals: formatNumber(locale, report.toRefer) })}
                  </button>
                </form>
              )}
            </>
          ) : (
            <p class="lead">{t('import_lead')}</p>
          )}
          <ErrorSummary locale={locale} errors={view.errors ?? {}} />
          <p>{t('import_columns', { columns: workerColumns.join(', ') })}</p>
          <form method="post" action={action} enctype="multipart/form-data" novalidate>
            <CsrfField token={c.get('csrfToken')} />
            <FileField
              name="file"
              label={t('import_file')}
              hint={t('import_file_hint', { limit: importLimits.maxBytes / 1024 / 1024, rows: formatNumber(locale, importLimits.maxRows) })}
              error={view.errors?.file}
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            />
            <button class="button button-secondary" type="submit">
              {t('check_file')}
            </button>
          </form>
        </>
      ),
    },
    view.status ?? 200,
  );
}

/** Confirms an import the reader has checked: the file comes back in the form, and is checked again before anything is written. */
async function confirmImport(c: Context<AppEnv>, site: SiteWithDetails, db: Database, actor: Actor, upload: { filename: string; content: Buffer }) {
  const locale = c.get('locale');
  const t = textOf(locale);
  const file = await readWorkerFile(upload);
  const report = await checkWorkerImport(db, { siteId: site.id, file });
  if (report.issues.length > 0) return importPage(c, site, { report, status: 422 });
  if (!importChangesSomething(report)) return importPage(c, site, { report });
  const result = await runCommand(db, actor, (ctx) => importWorkers(ctx, { siteId: site.id, file }));
  return renderPage(c, {
    title: t('import_done_title'),
    breadcrumbs: crumbs(site, locale),
    children: (
      <>
        <h1>{t('import_done_title')}</h1>
        <p class="panel" role="status">
          {t('import_done', {
            registered: formatNumber(locale, result.registered.length),
            referred: formatNumber(locale, result.referred.length),
            skipped: formatNumber(locale, result.report.alreadyRegistered + result.report.alreadyReferred),
          })}
        </p>
        <p>
          <a href={`/sites/${site.code}/workers`}>{t('back_to_register')}</a>
        </p>
      </>
    ),
  });
}

/** The worker register pages: the list with its headcount, registration (and the referral of a minor), exits, and import. */
export function registerWorkersPages(pages: Hono<AppEnv>) {
  pages.get('/sites/:code/workers', async (c) => registerPage(c, await siteFor(c, 'worker.read')));

  pages.get('/sites/:code/workers/new', async (c) => newWorkerPage(c, await siteFor(c, 'worker.register')));

  pages.post('/sites/:code/workers/new', async (c) => {
    const site = await siteFor(c, 'worker.register');
    const locale = c.get('locale');
    const db = c.get('deps').db;
    const form = await formOf(c);
    const fields = { fullName: form.fullName ?? '', sex: form.sex ?? '', birthYear: form.birthYear ?? '', operatorGroup: form.operatorGroup ?? '', idNumber: form.idNumber ?? null, registeredOn: form.registeredOn ?? '' };
    const checked = checkWorkerFields(fields, await listOperatorGroups(db, site.id), isoDateOf(new Date()));
    if (!checked.worker) {
      const errors: FieldErrors = {};
      for (const issue of checked.issues) errors[fieldOf[issue.column]] ??= workersText.t(locale, issue.code, issue.params);
      return newWorkerPage(c, site, form, errors, 400);
    }
    try {
      const outcome = await runCommand(db, c.get('actor'), (ctx) => registerWorker(ctx, { siteId: site.id, ...fields }));
      if (outcome.outcome === 'referred') return referralPage(c, site, outcome.referral);
      return c.redirect(`/sites/${site.code}/workers?registered=${outcome.worker.code}`, 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'worker_under_18') {
        const { referralCode } = error.details as { referralCode: string };
        return referralPage(c, site, { code: referralCode, ageYears: checked.worker.ageYears });
      }
      return newWorkerPage(c, site, form, { fullName: error.text[locale] }, error.status === 409 ? 409 : 422);
    }
  });

  pages.get('/sites/:code/workers/import', async (c) => importPage(c, await siteFor(c, 'worker.register')));

  pages.post('/sites/:code/workers/import', async (c) => {
    const site = await siteFor(c, 'worker.register');
    const locale = c.get('locale');
    const db = c.get('deps').db;
    const body = await c.req.parseBody();
    try {
      if (typeof body.content === 'string') {
        const filename = typeof body.filename === 'string' ? body.filename : 'import';
        return await confirmImport(c, site, db, c.get('actor'), { filename, content: Buffer.from(body.content, 'base64url') });
      }
      const uploaded = body.file;
      if (!(uploaded instanceof File) || uploaded.size === 0) return importPage(c, site, { errors: { file: workersText.t(locale, 'import_file_missing') }, status: 400 });
      const upload = { filename: uploaded.name, content: Buffer.from(await uploaded.arrayBuffer()) };
      const report = await checkWorkerImport(db, { siteId: site.id, file: await readWorkerFile(upload) });
      return importPage(c, site, { report, upload });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const status = error.status === 413 || error.status === 415 ? error.status : 422;
      return importPage(c, site, { errors: { file: error.text[locale] }, status });
    }
  });

  pages.get('/sites/:code/workers/:workerCode/exit', async (c) => {
    const site = await siteFor(c, 'worker.register');
    const worker = await findWorkerByCode(c.get('deps').db, site.id, c.req.param('workerCode'));
    if (!worker) throw workerError('worker_not_found', 404, { worker: c.req.param('workerCode') });
    return exitPage(c, site, worker.code);
  });

  pages.post('/sites/:code/workers/:workerCode/exit', async (c) => {
    const site = await siteFor(c, 'worker.register');
    const locale = c.get('locale');
    const workerCode = c.req.param('workerCode');
    const form = await formOf(c);
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordWorkerExit(ctx, { siteId: site.id, workerCode, exitedOn: (form.exitedOn ?? '').trim() }));
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 404) throw error;
      return exitPage(c, site, workerCode, form, { exitedOn: error.text[locale] }, error.status === 409 ? 409 : 422);
    }
    return c.redirect(`/sites/${site.code}/workers?exited=${encodeURIComponent(workerCode)}`, 303);
  });

  pages.get('/sites/:code/workers/:workerCode/photo', async (c) => {
    const site = await siteFor(c, 'worker.read');
    const worker = await findWorkerByCode(c.get('deps').db, site.id, c.req.param('workerCode'));
    if (!worker) throw workerError('worker_not_found', 404, { worker: c.req.param('workerCode') });
    return photoPage(c, site, worker, { saved: c.req.query('saved') === '1' });
  });

  pages.post('/sites/:code/workers/:workerCode/photo', async (c) => {
    const site = await siteFor(c, 'worker.register');
    const db = c.get('deps').db;
    const worker = await findWorkerByCode(db, site.id, c.req.param('workerCode'));
    if (!worker) throw workerError('worker_not_found', 404, { worker: c.req.param('workerCode') });
    const body = await c.req.parseBody();
    const upload = body.photo instanceof File ? body.photo : undefined;
    try {
      const content = upload ? Buffer.from(await upload.arrayBuffer()) : Buffer.alloc(0);
      await runCommand(db, c.get('actor'), (ctx) => setWorkerPhoto(ctx, { siteId: site.id, workerCode: worker.code, filename: upload?.name ?? '', content }));
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 404) throw error;
      const status = error.status === 413 || error.status === 415 ? error.status : 422;
      return photoPage(c, site, worker, { error: error.text[c.get('locale')], status });
    }
    return c.redirect(`/sites/${site.code}/workers/${worker.code}/photo?saved=1`, 303);
  });
}
