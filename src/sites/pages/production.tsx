import type { Context, Hono } from 'hono';
import { authorize, can } from '../../core/auth/policies.ts';
import { AppError } from '../../core/errors.ts';
import { formatDate, formatMonth, formatNumber, formatTonnes } from '../../core/i18n/format.ts';
import type { Locale, Params } from '../../core/i18n/index.ts';
import { runCommand } from '../../journal/commands.ts';
import { ChartFrame, renderBarChart } from '../../web/chart.tsx';
import { CardGrid, CsrfField, DataTable, EmptyState, ErrorSummary, Field, FileField, SelectField, StatusTag, SummaryCard, type FieldErrors } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { renderPage } from '../../web/layout.tsx';
import { frame } from '../../web/messages.ts';
import {
  correctProduction,
  declareProduction,
  evidenceFromFile,
  figureProblems,
  importColumns,
  importProduction,
  parseGradePercent,
  parseTonnes,
  planProductionImport,
  type DeclarationFigures,
  type ImportPlan,
  type ImportProblem,
} from '../commands/production.ts';
import { productionText, type ProductionMessage } from '../messages/production.ts';
import { findDeclaration, listDeclarations, listMinerals, monthlyProduction, siteByCode, type DeclarationEntry } from '../queries/production.ts';

type Form = Record<string, string>;
type Site = NonNullable<Awaited<ReturnType<typeof siteByCode>>>;
type Mineral = Awaited<ReturnType<typeof listMinerals>>[number];

const text = (locale: Locale) => (key: ProductionMessage, params?: Params) => productionText.t(locale, key, params);

async function siteOf(c: Context<AppEnv>): Promise<Site> {
  const site = await siteByCode(c.get('deps').db, c.req.param('code') ?? '');
  if (!site) throw new AppError('site_not_found', 404, productionText.localized('site_not_found'));
  return site;
}

const resourceOf = (site: Site) => ({ siteCooperativeOrgId: site.cooperativeOrganisationId });
const productionPath = (site: Site) => `/sites/${site.code}/production`;
const crumbs = (c: Context<AppEnv>, site: Site, withProduction = true) => [
  { href: '/', label: frame.t(c.get('locale'), 'nav_home') },
  { href: `/sites/${site.code}`, label: site.name },
  ...(withProduction ? [{ href: productionPath(site), label: productionText.t(c.get('locale'), 'production_title', { site: site.name }) }] : []),
];

async function formOf(c: Context<AppEnv>): Promise<{ form: Form; files: Record<string, File> }> {
  const body = await c.req.parseBody();
  const form: Form = {};
  const files: Record<string, File> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') form[name] = value;
    else if (value instanceof File) files[name] = value;
  }
  return { form, files };
}

/** Kilograms and basis points back into the decimal text the forms take: 12345 → "12.345". */
const tonnesText = (kg: number) => `${Math.floor(kg / 1000)}.${String(kg % 1000).padStart(3, '0')}`;
const percentText = (bp: number) => `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, '0')}`;
const formatGrade = (locale: Locale, bp: number) => `${formatNumber(locale, bp / 100, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} %`;
const mineralLabel = (minerals: Mineral[], code: string, locale: Locale) => {
  const mineral = minerals.find((m) => m.code === code);
  return mineral ? (locale === 'fr' ? mineral.labelFr : mineral.labelEn) : code;
};

const pageField: Record<keyof DeclarationFigures, string> = {
  mineral: 'mineral',
  producedOn: 'producedOn',
  lotReference: 'lotReference',
  wetOreKg: 'wetOreTonnes',
  dryOreKg: 'dryOreTonnes',
  gradeBasisPoints: 'gradePercent',
  buyer: 'buyer',
};

/**
 * Reads the declaration fields of a form with the rules the command applies, so every problem shows
 * beside its field. French readers may write a decimal comma.
 */
function readFigures(form: Form, locale: Locale, minerals: Mineral[]): { figures: DeclarationFigures; errors: FieldErrors } {
  const t = text(locale);
  const options = { decimalComma: locale === 'fr' };
  const errors: FieldErrors = {};
  const wet = parseTonnes(form.wetOreTonnes ?? '', options);
  const dry = parseTonnes(form.dryOreTonnes ?? '', options);
  const grade = parseGradePercent(form.gradePercent ?? '', options);
  if (!wet.ok) errors.wetOreTonnes = t(wet.problem);
  if (!dry.ok) errors.dryOreTonnes = t(dry.problem);
  if (!grade.ok) errors.gradePercent = t(grade.problem);
  const figures: DeclarationFigures = {
    mineral: form.mineral ?? '',
    producedOn: (form.producedOn ?? '').trim(),
    lotReference: form.lotReference ?? null,
    wetOreKg: wet.ok ? wet.value : 0,
    dryOreKg: dry.ok ? dry.value : 0,
    gradeBasisPoints: grade.ok ? grade.value : 0,
    buyer: form.buyer ?? '',
  };
  for (const problem of figureProblems(figures, new Set(minerals.map((m) => m.code)), new Date())) {
    const field = pageField[problem.field];
    if (problem.problem === 'dry_above_wet' && (!wet.ok || !dry.ok)) continue;
    errors[field] ??= t(problem.problem, problem.params);
  }
  return { figures, errors };
}

/** Where an error the command raised belongs on the form. */
function fieldOfError(error: AppError): string {
  const byCode: Record<string, string> = {
    evidence_type_not_allowed: 'evidence',
    correction_reason_missing: 'reason',
    text_too_long: 'reason',
    correction_mismatch: 'mineral',
    mineral_unknown: 'mineral',
    date_invalid: 'producedOn',
    date_in_future: 'producedOn',
    buyer_missing: 'buyer',
    dry_above_wet: 'dryOreTonnes',
  };
  return byCode[error.code] ?? 'form';
}

function FigureFields({ locale, minerals, values, errors, fixedMineral }: { locale: Locale; minerals: Mineral[]; values: Form; errors: FieldErrors; fixedMineral?: string }) {
  const t = text(locale);
  return (
    <>
      {fixedMineral ? (
        <p>
          {t('mineral')}: <strong>{mineralLabel(minerals, fixedMineral, locale)}</strong>
        </p>
      ) : (
        <SelectField name="mineral" label={t('mineral_label')} value={values.mineral} error={errors.mineral} options={minerals.map((m) => ({ value: m.code, label: locale === 'fr' ? m.labelFr : m.labelEn }))} />
      )}
      <Field name="producedOn" type="date" label={t('produced_on_label')} hint={t('produced_on_hint')} value={values.producedOn} error={errors.producedOn} />
      <Field name="lotReference" label={t('lot_label')} hint={t('lot_hint')} value={values.lotReference} error={errors.lotReference} />
      <Field name="wetOreTonnes" label={t('wet_label')} hint={t('tonnes_hint')} value={values.wetOreTonnes} error={errors.wetOreTonnes} />
      <Field name="dryOreTonnes" label={t('dry_label')} hint={t('tonnes_hint')} value={values.dryOreTonnes} error={errors.dryOreTonnes} />
      <Field name="gradePercent" label={t('grade_label')} hint={t('grade_hint')} value={values.gradePercent} error={errors.gradePercent} />
      <Field name="buyer" label={t('buyer_label')} hint={t('buyer_hint')} value={values.buyer} error={errors.buyer} />
    </>
  );
}

function statusOf(entry: DeclarationEntry, t: ReturnType<typeof text>) {
  if (entry.correctedById !== null) return <StatusTag tone="grey">{t('status_corrected_by', { id: entry.correctedById })}</StatusTag>;
  if (entry.correctsId !== null && entry.wetOreKg === 0 && entry.dryOreKg === 0) return <StatusTag tone="red">{t('status_voids', { id: entry.correctsId })}</StatusTag>;
  if (entry.correctsId !== null) return <StatusTag tone="blue">{t('status_correction_of', { id: entry.correctsId })}</StatusTag>;
  return <StatusTag tone="green">{t('status_counts')}</StatusTag>;
}

const monthsOf = (year: number) => Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);

async function productionPage(c: Context<AppEnv>) {
  const locale = c.get('locale');
  const t = text(locale);
  const actor = c.get('actor');
  const db = c.get('deps').db;
  const site = await siteOf(c);
  authorize(actor, 'site.read.public');
  const asked = Number(c.req.query('year'));
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : new Date().getUTCFullYear();
  const details = can(actor, 'production.read.details', resourceOf(site));
  const canDeclare = can(actor, 'production.declare', resourceOf(site));
  const [minerals, months, entries] = await Promise.all([
    listMinerals(db),
    monthlyProduction(db, { siteId: site.id, year }),
    listDeclarations(db, { siteId: site.id, from: `${year}-01-01`, to: `${year}-12-31` }),
  ]);
  const producedMinerals = [...new Set(months.map((m) => m.mineral))];
  const notice = (['declared', 'corrected'] as const).map((key) => [key, c.req.query(key)] as const).find(([, value]) => value && /^\d+$/.test(value));
  const label = (code: string) => mineralLabel(minerals, code, locale);
  return renderPage(c, {
    title: t('production_title', { site: site.name }),
    breadcrumbs: crumbs(c, site, false),
    children: (
      <>
        <h1>{t('production_title', { site: site.name })}</h1>
        <p class="lead">{t('production_lead')}</p>
        {notice && (
          <p class="panel" role="status">
            {t(`${notice[0]}_notice`, { id: notice[1]! })}
          </p>
        )}
        {canDeclare && (
          <p>
            <a class="button" href={`${productionPath(site)}/new`}>
              {t('declare_action')}
            </a>{' '}
            <a class="button button-secondary" href={`${productionPath(site)}/import`}>
              {t('import_action')}
            </a>
          </p>
        )}
        <nav aria-label={t('year_nav')}>
          <p>
            <a href={`${productionPath(site)}?year=${year - 1}`}>{t('previous_year', { year: year - 1 })}</a> · <a href={`${productionPath(site)}?year=${year + 1}`}>{t('next_year', { year: year + 1 })}</a>
          </p>
        </nav>
        {producedMinerals.length === 0 ? (
          <EmptyState title={t('nothing_in_year', { year })} next={t('nothing_in_year_next')} />
        ) : (
          <>
            <CardGrid>
              {producedMinerals.map((mineral) => (
                <SummaryCard figure={formatTonnes(locale, months.filter((m) => m.mineral === mineral).reduce((sum, m) => sum + m.containedKg, 0))} label={t('contained_in_year', { mineral: label(mineral).toLocaleLowerCase(locale), year })} />
              ))}
            </CardGrid>
            {producedMinerals.map((mineral) => {
              const rows = months.filter((m) => m.mineral === mineral);
              const byMonth = monthsOf(year).map((month) => rows.find((r) => r.month === month));
              const best = rows.reduce((a, b) => (b.containedKg > a.containedKg ? b : a), rows[0]!);
              const name = label(mineral);
              const svg = renderBarChart({ locale, categories: monthsOf(year).map((m) => formatMonth(locale, m)), series: [{ name, values: byMonth.map((r) => (r?.containedKg ?? 0) / 1000) }], unit: 't' });
              return (
                <>
                  <ChartFrame
                    locale={locale}
                    title={t('chart_title', { mineral: name, year })}
                    message={t('chart_message', { total: formatTonnes(locale, rows.reduce((sum, r) => sum + r.containedKg, 0)), mineral: name.toLocaleLowerCase(locale), year, month: formatMonth(locale, best.month) })}
                    svg={svg}
                    table={{ columns: [t('month'), t('contained_t')], rows: rows.map((r) => [formatMonth(locale, r.month), formatNumber(locale, r.containedKg / 1000, { minimumFractionDigits: 3, maximumFractionDigits: 3 })]) }}
                    source={t('chart_source')}
                  />
                  <DataTable
                    caption={t('monthly_caption', { mineral: name.toLocaleLowerCase(locale), year })}
                    rows={rows}
                    columns={[
                      { header: t('month'), cell: (r) => formatMonth(locale, r.month) },
                      { header: t('declarations'), cell: (r) => formatNumber(locale, r.declarations), numeric: true },
                      { header: t('dry_ore'), cell: (r) => formatTonnes(locale, r.dryOreKg), numeric: true },
                      { header: t('contained'), cell: (r) => formatTonnes(locale, r.containedKg), numeric: true },
                    ]}
                  />
                </>
              );
            })}
          </>
        )}
        {entries.length > 0 && (
          <>
            <h2>{t('list_title')}</h2>
            <DataTable
              caption={t('list_caption', { year })}
              rows={entries}
              columns={[
                { header: t('number'), cell: (e) => formatNumber(locale, e.id), numeric: true },
                { header: t('produced_on'), cell: (e) => formatDate(locale, e.producedOn) },
                { header: t('mineral'), cell: (e) => label(e.mineral) },
                { header: t('lot'), cell: (e) => e.lotReference ?? '—' },
                { header: t('wet_ore'), cell: (e) => formatTonnes(locale, e.wetOreKg), numeric: true },
                { header: t('dry_ore'), cell: (e) => formatTonnes(locale, e.dryOreKg), numeric: true },
                { header: t('grade'), cell: (e) => formatGrade(locale, e.gradeBasisPoints), numeric: true },
                { header: t('contained'), cell: (e) => formatTonnes(locale, e.containedKg), numeric: true },
                { header: t('status'), cell: (e) => statusOf(e, t) },
                ...(details
                  ? [
                      { header: t('buyer'), cell: (e: DeclarationEntry) => e.buyer },
                      { header: t('evidence'), cell: (e: DeclarationEntry) => (e.evidence ? <a href={`/api/v1/files/${e.evidence.fileId}`}>{t('download')}</a> : t('none')) },
                      { header: t('reason'), cell: (e: DeclarationEntry) => e.correctionReason ?? '' },
                    ]
                  : []),
                ...(canDeclare
                  ? [{ header: t('action'), cell: (e: DeclarationEntry) => (e.correctedById === null ? <a href={`${productionPath(site)}/${e.id}/correct`}>{t('correct_link', { id: e.id })}</a> : '') }]
                  : []),
              ]}
            />
          </>
        )}
      </>
    ),
  });
}

async function declarePage(c: Context<AppEnv>, site: Site, values: Form, errors: FieldErrors, status: 200 | 400 | 409 | 413 | 422 = 200) {
  const locale = c.get('locale');
  const t = text(locale);
  const minerals = await listMinerals(c.get('deps').db);
  return renderPage(
    c,
    {
      title: t('new_title'),
      breadcrumbs: crumbs(c, site),
      children: (
        <>
          <h1>{t('new_title')}</h1>
          <p class="lead">{t('new_lead')}</p>
          <ErrorSummary locale={locale} errors={errors} />
          <form method="post" action={`${productionPath(site)}/new`} enctype="multipart/form-data" novalidate>
            <CsrfField token={c.get('csrfToken')} />
            <FigureFields locale={locale} minerals={minerals} values={values} errors={errors} />
            <FileField name="evidence" label={t('evidence_label')} hint={t('evidence_hint')} error={errors.evidence} accept="application/pdf,image/jpeg,image/png" />
            <button class="button" type="submit">
              {t('declare_button')}
            </button>
          </form>
        </>
      ),
    },
    status,
  );
}

function DeclarationSummary({ locale, entry, minerals }: { locale: Locale; entry: DeclarationEntry; minerals: Mineral[] }) {
  const t = text(locale);
  return (
    <DataTable
      caption={t('current_figures')}
      rows={[entry]}
      columns={[
        { header: t('produced_on'), cell: (e) => formatDate(locale, e.producedOn) },
        { header: t('mineral'), cell: (e) => mineralLabel(minerals, e.mineral, locale) },
        { header: t('lot'), cell: (e) => e.lotReference ?? '—' },
        { header: t('wet_ore'), cell: (e) => formatTonnes(locale, e.wetOreKg), numeric: true },
        { header: t('dry_ore'), cell: (e) => formatTonnes(locale, e.dryOreKg), numeric: true },
        { header: t('grade'), cell: (e) => formatGrade(locale, e.gradeBasisPoints), numeric: true },
        { header: t('contained'), cell: (e) => formatTonnes(locale, e.containedKg), numeric: true },
        { header: t('buyer'), cell: (e) => e.buyer },
      ]}
    />
  );
}

async function correctPage(c: Context<AppEnv>, site: Site, entry: DeclarationEntry, values: Form, errors: FieldErrors, status: 200 | 400 | 409 | 413 | 422 = 200) {
  const locale = c.get('locale');
  const t = text(locale);
  const minerals = await listMinerals(c.get('deps').db);
  const title = t('correct_title', { id: entry.id });
  return renderPage(
    c,
    {
      title,
      breadcrumbs: crumbs(c, site),
      children: (
        <>
          <h1>{title}</h1>
          <p class="lead">{t('correct_lead')}</p>
          <DeclarationSummary locale={locale} entry={entry} minerals={minerals} />
          {entry.correctedById !== null ? (
            <div class="panel" role="status">
              <p>{t('already_corrected_text', { by: entry.correctedById })}</p>
              <p>
                <a href={`${productionPath(site)}/${entry.correctedById}/correct`}>{t('open_newest', { by: entry.correctedById })}</a>
              </p>
            </div>
          ) : (
            <>
              <ErrorSummary locale={locale} errors={errors} />
              <form method="post" action={`${productionPath(site)}/${entry.id}/correct`} enctype="multipart/form-data" novalidate>
                <CsrfField token={c.get('csrfToken')} />
                <Field name="reason" label={t('reason')} hint={t('reason_hint')} value={values.reason} error={errors.reason} />
                <p class="hint">{t('void_hint')}</p>
                <FigureFields locale={locale} minerals={minerals} values={values} errors={errors} fixedMineral={entry.mineral} />
                <FileField name="evidence" label={t('evidence_label')} hint={t('evidence_keep_hint')} error={errors.evidence} accept="application/pdf,image/jpeg,image/png" />
                <button class="button" type="submit">
                  {t('correct_button')}
                </button>
              </form>
            </>
          )}
        </>
      ),
    },
    status,
  );
}

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

async function importPage(c: Context<AppEnv>, site: Site, step: { kind: 'upload'; error?: string; status?: 200 | 400 | 422 } | { kind: 'report'; plan: ImportPlan; filename: string; content: Buffer } | { kind: 'result'; imported: number; skipped: number }) {
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

const statusOfError = (error: AppError) => (error.status === 409 ? 409 : error.status === 413 ? 413 : 422);

/** Production of a site: monthly totals and declarations for everyone, declaring, correcting and importing for its cooperative and the secretariat. */
export function registerProductionPages(pages: Hono<AppEnv>) {
  pages.get('/sites/:code/production', productionPage);

  pages.get('/sites/:code/production/new', async (c) => {
    const site = await siteOf(c);
    authorize(c.get('actor'), 'production.declare', resourceOf(site));
    return declarePage(c, site, { mineral: 'cobalt', producedOn: new Date().toISOString().slice(0, 10) }, {});
  });

  pages.post('/sites/:code/production/new', async (c) => {
    const actor = c.get('actor');
    const site = await siteOf(c);
    authorize(actor, 'production.declare', resourceOf(site));
    const { form, files } = await formOf(c);
    const minerals = await listMinerals(c.get('deps').db);
    const { figures, errors } = readFigures(form, c.get('locale'), minerals);
    if (Object.keys(errors).length > 0) return declarePage(c, site, form, errors, 400);
    try {
      const evidence = await evidenceFromFile(files.evidence);
      const declared = await runCommand(c.get('deps').db, actor, (ctx) => declareProduction(ctx, { siteId: site.id, ...figures, evidence }));
      return c.redirect(`${productionPath(site)}?year=${declared.producedOn.slice(0, 4)}&declared=${declared.id}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      return declarePage(c, site, form, { [fieldOfError(error)]: error.text[c.get('locale')] }, statusOfError(error));
    }
  });

  async function entryOf(c: Context<AppEnv>, site: Site) {
    const id = Number(c.req.param('id'));
    const entry = Number.isSafeInteger(id) && id > 0 ? await findDeclaration(c.get('deps').db, { siteId: site.id, id }) : undefined;
    if (!entry) throw new AppError('declaration_not_found', 404, productionText.localized('declaration_not_found', { id: c.req.param('id') ?? '' }));
    return entry;
  }

  pages.get('/sites/:code/production/:id/correct', async (c) => {
    const site = await siteOf(c);
    authorize(c.get('actor'), 'production.declare', resourceOf(site));
    const entry = await entryOf(c, site);
    const values = {
      producedOn: entry.producedOn,
      lotReference: entry.lotReference ?? '',
      wetOreTonnes: tonnesText(entry.wetOreKg),
      dryOreTonnes: tonnesText(entry.dryOreKg),
      gradePercent: percentText(entry.gradeBasisPoints),
      buyer: entry.buyer,
    };
    return correctPage(c, site, entry, values, {});
  });

  pages.post('/sites/:code/production/:id/correct', async (c) => {
    const actor = c.get('actor');
    const locale = c.get('locale');
    const site = await siteOf(c);
    authorize(actor, 'production.declare', resourceOf(site));
    const entry = await entryOf(c, site);
    const { form, files } = await formOf(c);
    const minerals = await listMinerals(c.get('deps').db);
    const { figures, errors } = readFigures({ ...form, mineral: entry.mineral }, locale, minerals);
    if (!form.reason?.trim()) errors.reason = productionText.t(locale, 'correction_reason_missing');
    if (Object.keys(errors).length > 0) return correctPage(c, site, entry, form, errors, 400);
    try {
      const evidence = await evidenceFromFile(files.evidence);
      const corrected = await runCommand(c.get('deps').db, actor, (ctx) =>
        correctProduction(ctx, { siteId: site.id, correctsId: entry.id, reason: form.reason!, ...figures, lotReference: figures.lotReference ?? null, evidence }),
      );
      return c.redirect(`${productionPath(site)}?year=${corrected.producedOn.slice(0, 4)}&corrected=${corrected.id}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      const fresh = await entryOf(c, site);
      return correctPage(c, site, fresh, form, { [fieldOfError(error)]: error.text[locale] }, statusOfError(error));
    }
  });

  pages.get('/sites/:code/production/import', async (c) => {
    const site = await siteOf(c);
    authorize(c.get('actor'), 'production.declare', resourceOf(site));
    return importPage(c, site, { kind: 'upload' });
  });

  pages.post('/sites/:code/production/import', async (c) => {
    const actor = c.get('actor');
    const locale = c.get('locale');
    const db = c.get('deps').db;
    const site = await siteOf(c);
    authorize(actor, 'production.declare', resourceOf(site));
    const { form, files } = await formOf(c);
    // The confirmation sends the checked file back; it is checked again before anything is written.
    const confirming = form.step === 'confirm' && typeof form.content === 'string';
    const file = files.file;
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
