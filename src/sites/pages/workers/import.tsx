import type { Context, Hono } from 'hono';
import type { Actor } from '../../../core/auth/roles.ts';
import { AppError } from '../../../core/errors.ts';
import type { Locale } from '../../../core/i18n/index.ts';
import { formatNumber } from '../../../core/i18n/format.ts';
import type { Database } from '../../../db/connect.ts';
import { runCommand } from '../../../journal/public.ts';
import { CardGrid, CsrfField, DataTable, ErrorSummary, FileField, SummaryCard, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { checkWorkerImport, importChangesSomething, importLimits, type ImportReport, readWorkerFile } from '../../worker-import-files.ts';
import { importWorkers } from '../../commands/workers/import-workers.ts';
import { workerColumns } from '../../worker-records.ts';
import { workersText } from '../../messages/workers.ts';
import { type SiteWithDetails } from '../../queries/sites.ts';
import { crumbs, siteFor, textOf } from './shared.tsx';

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
                    {t('confirm_import', { count: report.toRegister, referrals: report.toRefer })}
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

/** Importing a list of workers. */
export function registerWorkerImportPages(pages: Hono<AppEnv>) {
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
}
