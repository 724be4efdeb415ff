import type { Context, Hono } from 'hono';
import { authorize } from '../../core/auth/policies.ts';
import { AppError } from '../../core/errors.ts';
import { formatNumber } from '../../core/i18n/format.ts';
import type { Locale, Params } from '../../core/i18n/index.ts';
import { CsrfField, DataTable, ErrorSummary, FileField, SelectField } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { renderPage } from '../../web/layout.tsx';
import { importSubmissions, type ImportReport, type RowProblem } from '../commands/import-submissions.ts';
import { fieldForm, fieldForms } from '../forms/registry.ts';
import { importsText, type ImportsMessage } from '../messages/imports.ts';

const text = (locale: Locale) => (key: ImportsMessage, params?: Params) => importsText.t(locale, key, params);

type Choice = { form: string; validRowsOnly: boolean };
type Step =
  | { kind: 'upload'; choice?: Choice; error?: string; status?: 200 | 400 | 422 }
  | { kind: 'report'; choice: Choice; report: ImportReport; filename: string; content: Buffer }
  | { kind: 'result'; report: ImportReport };

function UploadForm({ c, choice, error }: { c: Context<AppEnv>; choice?: Choice | undefined; error?: string | undefined }) {
  const locale = c.get('locale');
  const t = text(locale);
  return (
    <form method="post" action="/imports" enctype="multipart/form-data" novalidate>
      <CsrfField token={c.get('csrfToken')} />
      <input type="hidden" name="step" value="check" />
      <SelectField name="form" label={t('form_label')} value={choice?.form} options={fieldForms.map((f) => ({ value: f.id, label: `${f.title[locale]} (${f.version})` }))} />
      <FileField name="file" label={t('file_label')} hint={t('file_hint')} error={error} accept=".csv,.xlsx,.json,text/csv,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />
      <div class="field">
        <input type="checkbox" id="valid_rows_only" name="valid_rows_only" value="true" checked={choice?.validRowsOnly} aria-describedby="valid_rows_only-hint" />{' '}
        <label for="valid_rows_only">{t('valid_rows_only_label')}</label>
        <p class="hint" id="valid_rows_only-hint">
          {t('valid_rows_only_hint')}
        </p>
      </div>
      <button class="button" type="submit">
        {t('check_button')}
      </button>
    </form>
  );
}

function ProblemTable({ locale, problems }: { locale: Locale; problems: RowProblem[] }) {
  const t = text(locale);
  return (
    <DataTable
      caption={t('problems_caption')}
      rows={problems}
      columns={[
        { header: t('row_column'), cell: (p) => formatNumber(locale, p.row), numeric: true },
        { header: t('submission_column'), cell: (p) => <span class="mono">{p.submission ?? '—'}</span> },
        { header: t('field_column'), cell: (p) => (p.field ? <span class="mono">{p.field}</span> : t('whole_row')) },
        { header: t('problem_column'), cell: (p) => p.message[locale] },
      ]}
    />
  );
}

function FormsTable({ locale }: { locale: Locale }) {
  const t = text(locale);
  return (
    <DataTable
      caption={t('forms_caption')}
      rows={[...fieldForms]}
      columns={[
        { header: t('form_column'), cell: (f) => f.title[locale] },
        { header: t('version_column'), cell: (f) => f.version },
        { header: t('download_column'), cell: (f) => <a href={`/api/v1/forms/${f.id}.xlsx`}>{t('download_link', { form: f.id })}</a> },
      ]}
    />
  );
}

function ReportBody({ c, step }: { c: Context<AppEnv>; step: Extract<Step, { kind: 'report' }> }) {
  const locale = c.get('locale');
  const t = text(locale);
  const { report, choice } = step;
  const refused = report.problems.length > 0 && !choice.validRowsOnly;
  const summary = t('report_summary', { rows: report.rows, ready: report.accepted.length, already: report.alreadyImported.length, problems: report.problems.length });
  return (
    <>
      <h2>{t('report_title')}</h2>
      <p class="panel" role="status">
        {summary}
      </p>
      {report.problems.length > 0 && (
        <>
          {refused && (
            <div class="error-summary" role="alert">
              <p>{t('report_refused')}</p>
            </div>
          )}
          <ProblemTable locale={locale} problems={report.problems} />
        </>
      )}
      {refused || report.accepted.length === 0 ? (
        <>
          {!refused && <p>{t('nothing_to_import')}</p>}
          <h2>{t('import_another')}</h2>
          <UploadForm c={c} choice={choice} />
        </>
      ) : (
        <form method="post" action="/imports" enctype="multipart/form-data">
          <CsrfField token={c.get('csrfToken')} />
          <input type="hidden" name="step" value="confirm" />
          <input type="hidden" name="form" value={choice.form} />
          <input type="hidden" name="valid_rows_only" value={String(choice.validRowsOnly)} />
          <input type="hidden" name="filename" value={step.filename} />
          <input type="hidden" name="content" value={step.content.toString('base64')} />
          <button class="button" type="submit">
            {t('confirm_button', { count: report.accepted.length })}
          </button>
        </form>
      )}
    </>
  );
}

function importsPage(c: Context<AppEnv>, step: Step) {
  const locale = c.get('locale');
  const t = text(locale);
  let body;
  if (step.kind === 'upload') {
    body = (
      <>
        <p class="lead">{t('page_lead')}</p>
        <FormsTable locale={locale} />
        <ErrorSummary locale={locale} errors={step.error ? { file: step.error } : {}} />
        <UploadForm c={c} choice={step.choice} error={step.error} />
      </>
    );
  } else if (step.kind === 'report') {
    body = <ReportBody c={c} step={step} />;
  } else {
    const { report } = step;
    body = (
      <>
        <h2>{t('result_title')}</h2>
        <p class="panel" role="status">
          {t('result_text', { imported: report.accepted.length, already: report.alreadyImported.length, problems: report.problems.length })}
        </p>
        {report.problems.length > 0 && <ProblemTable locale={locale} problems={report.problems} />}
        <p>
          <a href="/imports">{t('import_another')}</a>
        </p>
      </>
    );
  }
  const status = step.kind === 'upload' ? (step.status ?? 200) : step.kind === 'report' && step.report.problems.length > 0 && !step.choice.validRowsOnly ? 422 : 200;
  return renderPage(
    c,
    {
      title: t('page_title'),
      children: (
        <>
          <h1>{t('page_title')}</h1>
          {body}
        </>
      ),
    },
    status,
  );
}

async function submittedForm(c: Context<AppEnv>) {
  const body = await c.req.parseBody();
  const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
  const file = body.file instanceof File ? body.file : undefined;
  return { step: field('step'), form: field('form'), validRowsOnly: field('valid_rows_only') === 'true', content: field('content'), filename: field('filename'), file };
}

/** Importing field data: choose the form, upload the export, read the dry run, confirm. */
export function registerImportsPages(pages: Hono<AppEnv>) {
  pages.get('/imports', (c) => {
    authorize(c.get('actor'), 'imports.run');
    return importsPage(c, { kind: 'upload' });
  });

  pages.post('/imports', async (c) => {
    const actor = c.get('actor');
    authorize(actor, 'imports.run');
    const locale = c.get('locale');
    const submitted = await submittedForm(c);
    const choice: Choice = { form: submitted.form, validRowsOnly: submitted.validRowsOnly };
    // The confirmation sends the checked file back; it is checked again as it is imported.
    const confirming = submitted.step === 'confirm' && submitted.content !== '';
    if (!confirming && (!submitted.file || submitted.file.size === 0)) return importsPage(c, { kind: 'upload', choice, error: importsText.t(locale, 'file_missing'), status: 400 });
    const content = confirming ? Buffer.from(submitted.content, 'base64') : Buffer.from(await submitted.file!.arrayBuffer());
    const filename = confirming ? submitted.filename : submitted.file!.name;
    let report: ImportReport;
    try {
      report = await importSubmissions(c.get('deps').db, actor, {
        form: fieldForm(choice.form),
        content,
        dryRun: !confirming,
        validRowsOnly: choice.validRowsOnly,
        env: { childNameKey: c.get('deps').childNameKey },
      });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 403) throw error;
      return importsPage(c, { kind: 'upload', choice, error: error.text[locale], status: 422 });
    }
    if (confirming && report.committed) return importsPage(c, { kind: 'result', report });
    return importsPage(c, { kind: 'report', choice, report, filename, content });
  });
}
