import type { Context, Hono } from 'hono';
import { authorize } from '../../../core/auth/policies.ts';
import { AppError } from '../../../core/errors.ts';
import { formatDate, formatNumber, formatTonnes } from '../../../core/i18n/format.ts';
import type { Locale } from '../../../core/i18n/index.ts';
import { runCommand } from '../../../journal/public.ts';
import { CsrfField, DataTable, ErrorSummary, FileField } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { formWithFiles } from '../../../web/forms.ts';
import { renderPage } from '../../../web/layout.tsx';
import { importColumns, type ImportPlan, type ImportProblem, planProductionImport } from '../../production-import-files.ts';
import { importProduction } from '../../commands/production/import-production.ts';
import { productionText } from '../../messages/production.ts';
import { type Site, crumbs, formatGrade, productionPath, resourceOf, siteOf, text } from './shared.tsx';

function ProblemTable({ locale, problems }: { locale: Locale; problems: ImportProblem[] }) {
  const t = text(locale);
  return (
    <DataTable
      caption={t('problems_caption')}
      rows={problems}
      columns={[
        { header: t('row'), cell: (p) => formatNumber(locale, p.row), numeric: true },
        { header: t('column'), cell: (p) => (p.column ? <span class="mono">{p.column}</span> : t('whole_row')) },
        { header: t('problem'), cell: (p) => p.message[locale] },
      ]}
    />
  );
}

/** The import form and its report, for those who may declare the site's production: a refused import comes back here, and so does its 403. */
async function importPage(c: Context<AppEnv>, site: Site, step: { kind: 'upload'; error?: string; status?: 200 | 400 | 422 } | { kind: 'report'; plan: ImportPlan; filename: string; content: Buffer } | { kind: 'result'; imported: number; skipped: number }) {
  authorize(c.get('actor'), 'production.declare', resourceOf(site));
  const locale = c.get('locale');
  const t = text(locale);
  const upload = (error?: string) => (
    <form method="post" action={`${productionPath(site)}/import`} enctype="multipart/form-data" novalidate>
      <CsrfField token={c.get('csrfToken')} />
      <input type="hidden" name="step" value="check" />
      <FileField name="file" label={t('file_label')} hint={t('import_idempotent')} error={error} accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />
      <button class="button" type="submit">
        {t('check_button')}
      </button>
    </form>
  );
  let body;
  if (step.kind === 'upload') {
    body = (
      <>
        <p class="lead">{t('import_lead')}</p>
        <p>{t('import_columns', { columns: importColumns.join(', ') })}</p>
        <ErrorSummary locale={locale} errors={step.error ? { file: step.error } : {}} />
        {upload(step.error)}
      </>
    );
  } else if (step.kind === 'report') {
    const { plan } = step;
    body = (
      <>
        <h2>{t('report_title')}</h2>
        <p>{t('report_file', { filename: step.filename, sha256: plan.fileSha256 })}</p>
        {plan.problems.length > 0 ? (
          <>
            <div class="error-summary" role="alert">
              <p>{t('report_problems', { count: plan.problems.length })}</p>
            </div>
            <ProblemTable locale={locale} problems={plan.problems} />
            <h2>{t('upload_again')}</h2>
            {upload()}
          </>
        ) : plan.toImport.length === 0 ? (
          <p class="panel" role="status">
            {t('report_nothing_new', { skipped: plan.alreadyDeclared.length })}
          </p>
        ) : (
          <>
            <p class="panel">{t('report_ready', { count: plan.toImport.length, skipped: plan.alreadyDeclared.length })}</p>
            <DataTable
              caption={t('rows_caption')}
              rows={plan.toImport}
              columns={[
                { header: t('row'), cell: (r) => formatNumber(locale, r.row), numeric: true },
                { header: t('produced_on'), cell: (r) => formatDate(locale, r.producedOn) },
                { header: t('mineral'), cell: (r) => r.mineral },
                { header: t('lot'), cell: (r) => r.lotReference ?? '—' },
                { header: t('wet_ore'), cell: (r) => formatTonnes(locale, r.wetOreKg), numeric: true },
                { header: t('dry_ore'), cell: (r) => formatTonnes(locale, r.dryOreKg), numeric: true },
                { header: t('grade'), cell: (r) => formatGrade(locale, r.gradeBasisPoints), numeric: true },
                { header: t('buyer'), cell: (r) => r.buyer },
              ]}
            />
            <form method="post" action={`${productionPath(site)}/import`}>
              <CsrfField token={c.get('csrfToken')} />
              <input type="hidden" name="step" value="confirm" />
              <input type="hidden" name="filename" value={step.filename} />
              <input type="hidden" name="content" value={step.content.toString('base64')} />
              <button class="button" type="submit">
                {t('confirm_button', { count: plan.toImport.length })}
              </button>
            </form>
          </>
        )}
      </>
    );
  } else {
    body = (
      <>
        <h2>{t('result_title')}</h2>
        <p class="panel" role="status">
          {t('result_text', { count: step.imported, skipped: step.skipped })}
        </p>
      </>
    );
  }
  return renderPage(
    c,
    {
      title: t('import_title'),
      breadcrumbs: crumbs(c, site),
      children: (
        <>
          <h1>{t('import_title')}</h1>
          {body}
          <p>
            <a href={productionPath(site)}>{t('back_to_production', { site: site.name })}</a>
          </p>
        </>
      ),
    },
    step.kind === 'upload' ? (step.status ?? 200) : step.kind === 'report' && step.plan.problems.length > 0 ? 422 : 200,
  );
}

/** Importing declarations from a spreadsheet. */
export function registerProductionImportPages(pages: Hono<AppEnv>) {
  pages.get('/sites/:code/production/import', async (c) => {
    const site = await siteOf(c);
    return importPage(c, site, { kind: 'upload' });
  });

  pages.post('/sites/:code/production/import', async (c) => {
    const actor = c.get('actor');
    const locale = c.get('locale');
    const db = c.get('deps').db;
    const site = await siteOf(c);
    // Checking the file is a dry run of the import: it needs the right to declare, asked before the file is read.
    authorize(actor, 'production.declare', resourceOf(site));
    const { form, files } = await formWithFiles(c);
    // The confirmation sends the checked file back; it is checked again before anything is written.
    const confirming = form.step === 'confirm' && typeof form.content === 'string';
    const file = files.file?.[0];
    if (!confirming && (!file || file.size === 0)) return importPage(c, site, { kind: 'upload', error: productionText.t(locale, 'file_missing'), status: 400 });
    const content = confirming ? Buffer.from(form.content!, 'base64') : Buffer.from(await file!.arrayBuffer());
    const filename = (confirming ? form.filename : file!.name) ?? '';
    let plan: ImportPlan;
    try {
      plan = await planProductionImport(db, { siteId: site.id, content, now: new Date() });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      return importPage(c, site, { kind: 'upload', error: error.text[locale], status: 422 });
    }
    if (!confirming || plan.problems.length > 0) return importPage(c, site, { kind: 'report', plan, filename, content });
    if (plan.toImport.length === 0) return importPage(c, site, { kind: 'result', imported: 0, skipped: plan.alreadyDeclared.length });
    try {
      const result = await runCommand(db, actor, (ctx) => importProduction(ctx, { siteId: site.id, filename, content }));
      return importPage(c, site, { kind: 'result', imported: result.imported.length, skipped: result.plan.alreadyDeclared.length });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'import_invalid') throw error;
      return importPage(c, site, { kind: 'report', plan: { ...plan, problems: error.details as ImportProblem[] }, filename, content });
    }
  });
}
