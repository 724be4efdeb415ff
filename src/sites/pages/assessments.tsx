import type { Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import { authorize, can } from '../../core/auth/policies.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { formatDate, formatNumber } from '../../core/i18n/format.ts';
import { maxFileBytes } from '../../files/commands.ts';
import { runCommand } from '../../journal/commands.ts';
import { CardGrid, CsrfField, DataTable, EmptyState, ErrorSummary, Field, SelectField, TextareaField, StatusTag, SummaryCard, type FieldErrors, type TagTone } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { renderPage } from '../../web/layout.tsx';
import { attachAssessmentEvidence, authorizeAssessmentWrite, saveAssessmentResponses, startAssessment, submitAssessment, type ResponseInput } from '../commands/assessments.ts';
import { assessmentsText } from '../messages/assessments.ts';
import {
  assessmentScores,
  compareWithPrevious,
  findSiteByCode,
  getAssessment,
  listAssessments,
  listPublishedStandardVersions,
  type AssessmentDetail,
  type Rating,
  type ScoreTenths,
  type StandardArea,
} from '../queries/assessments.ts';
import { ratings, standardAreas } from '../schema.ts';

type Form = Record<string, string>;
type Key = Parameters<typeof assessmentsText.t>[1];
export const textFor = (locale: Locale) => (key: Key, params?: Record<string, string | number>) => assessmentsText.t(locale, key, params);

/** The string fields of a posted form (files are read separately). */
export async function formOf(c: Context<AppEnv>): Promise<Form> {
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** A posted file, or undefined when the field was left empty (browsers then send an empty part with no name). */
export async function fileOf(c: Context<AppEnv>, name: string): Promise<File | undefined> {
  const value = (await c.req.parseBody())[name];
  return value instanceof File && (value.size > 0 || value.name !== '') ? value : undefined;
}

export function fieldErrors(error: z.ZodError, message: (field: string) => string): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= message(field);
  }
  return errors;
}

/** 875 tenths → "87.5%" / "87,5 %"; a dash when there is no score. */
export function formatScore(locale: Locale, tenths: ScoreTenths): string {
  return tenths === null ? '–' : formatNumber(locale, tenths / 1000, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

export function formatChange(locale: Locale, tenths: ScoreTenths): string {
  if (tenths === null) return '–';
  return assessmentsText.t(locale, 'change_points', { value: formatNumber(locale, tenths / 10, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }) });
}

export const ratingTone: Record<Rating, TagTone> = { met: 'green', partly_met: 'yellow', not_met: 'red', not_applicable: 'grey' };

function ScoringNote({ locale }: { locale: Locale }) {
  const t = textFor(locale);
  return (
    <details>
      <summary>{t('scoring_title')}</summary>
      <p>{t('scoring_formula')}</p>
      <p>{t('scoring_baseline')}</p>
    </details>
  );
}

const periodOf = (locale: Locale, a: { periodStart: string; periodEnd: string }) => `${formatDate(locale, a.periodStart)} – ${formatDate(locale, a.periodEnd)}`;
const areasOf = (assessment: AssessmentDetail) => standardAreas.filter((area) => assessment.criteria.some((c) => c.area === area));
const mayEdit = (c: Context<AppEnv>, assessment: AssessmentDetail) => {
  const actor = c.get('actor');
  return assessment.status === 'draft' && 'orgId' in actor && actor.orgId === assessment.verifierOrganisationId && can(actor, 'assessment.write', { siteCooperativeOrgId: assessment.site.cooperativeOrganisationId });
};

async function loadAssessment(c: Context<AppEnv>, access: 'read' | 'write') {
  const id = Number(c.req.param('id'));
  const assessment = Number.isSafeInteger(id) && id > 0 ? await getAssessment(c.get('deps').db, id) : undefined;
  const siteCooperativeOrgId = assessment?.site.cooperativeOrganisationId ?? -1;
  if (access === 'read') authorize(c.get('actor'), 'assessment.read', { siteCooperativeOrgId });
  else authorizeAssessmentWrite(c.get('actor'), { cooperativeOrganisationId: siteCooperativeOrgId });
  if (!assessment) throw notFound();
  return assessment;
}

function crumbs(locale: Locale, assessment: AssessmentDetail) {
  const t = textFor(locale);
  return [
    { href: `/sites/${assessment.site.code}/assessments`, label: t('assessments_of', { site: assessment.site.name }) },
    { href: `/assessments/${assessment.id}`, label: t('assessment_for', { period: periodOf(locale, assessment) }) },
  ];
}

const statusTag = (locale: Locale, status: 'draft' | 'submitted') => <StatusTag tone={status === 'submitted' ? 'green' : 'blue'}>{textFor(locale)(`status_${status}`)}</StatusTag>;

function RatingRadios({ locale, code, value }: { locale: Locale; code: string; value: string | undefined }) {
  const t = textFor(locale);
  return (
    <div class="radios">
      {ratings.map((rating, index) => {
        const id = index === 0 ? `rating-${code}` : `rating-${code}-${rating}`;
        return (
          <div class="radio">
            <input type="radio" id={id} name={`rating-${code}`} value={rating} checked={value === rating} />{' '}
            <label for={id}>{t(`rating_${rating}`)}</label>
          </div>
        );
      })}
    </div>
  );
}

function AreaForm({ c, assessment, area, values, errors }: { c: Context<AppEnv>; assessment: AssessmentDetail; area: StandardArea; values: Form; errors: FieldErrors }) {
  const locale = c.get('locale');
  const t = textFor(locale);
  const responses = new Map(assessment.responses.map((r) => [r.criterionCode, r]));
  return (
    <form method="post" action={`/assessments/${assessment.id}/areas/${area}`} id="form" novalidate>
      <CsrfField token={c.get('csrfToken')} />
      {assessment.criteria
        .filter((criterion) => criterion.area === area)
        .map((criterion) => {
          const code = criterion.code;
          const error = errors[`rating-${code}`];
          const response = responses.get(code);
          return (
            <fieldset class={error ? 'criterion field-error' : 'criterion'} id={`criterion-${code}`} aria-describedby={error ? `rating-${code}-error` : undefined}>
              <legend>
                <span class="mono">{code}</span> {locale === 'fr' ? criterion.textFr : criterion.textEn}{' '}
                <StatusTag tone={criterion.level === 'baseline' ? 'blue' : 'grey'}>{t(`level_${criterion.level}`)}</StatusTag>
              </legend>
              <details>
                <summary>{t('guidance')}</summary>
                <p>{locale === 'fr' ? criterion.guidanceFr : criterion.guidanceEn}</p>
              </details>
              {error && (
                <p class="error-message" id={`rating-${code}-error`}>
                  {error}
                </p>
              )}
              <RatingRadios locale={locale} code={code} value={values[`rating-${code}`] ?? response?.rating} />
              <TextareaField name={`notes-${code}`} label={t('notes_for', { code })} value={values[`notes-${code}`] ?? response?.notes} error={errors[`notes-${code}`]} />
              {response && (
                <p>
                  {t('evidence_count', { count: response.evidence.length })} <a href={`/assessments/${assessment.id}/criteria/${encodeURIComponent(code)}/evidence`}>{t('add_evidence_for', { code })}</a>
                </p>
              )}
            </fieldset>
          );
        })}
      <button class="button" type="submit" name="then" value="next">
        {t('save_and_continue')}
      </button>{' '}
      <button class="button button-secondary" type="submit" name="then" value="overview">
        {t('save_and_return')}
      </button>
    </form>
  );
}

function AreaReadOnly({ locale, assessment, area }: { locale: Locale; assessment: AssessmentDetail; area: StandardArea }) {
  const t = textFor(locale);
  const responses = new Map(assessment.responses.map((r) => [r.criterionCode, r]));
  return (
    <>
      {assessment.criteria
        .filter((criterion) => criterion.area === area)
        .map((criterion) => {
          const response = responses.get(criterion.code);
          return (
            <section class="criterion" id={`criterion-${criterion.code}`}>
              <h2>
                <span class="mono">{criterion.code}</span> {locale === 'fr' ? criterion.textFr : criterion.textEn}
              </h2>
              <p>{response ? <StatusTag tone={ratingTone[response.rating]}>{t(`rating_${response.rating}`)}</StatusTag> : <StatusTag tone="grey">{t('not_rated')}</StatusTag>}</p>
              {response?.notes && <p>{response.notes}</p>}
              {response && response.evidence.length > 0 && (
                <ul>
                  {response.evidence.map((file) => (
                    <li>
                      <a href={`/api/v1/files/${file.fileId}`}>{file.filename}</a>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          );
        })}
    </>
  );
}

async function renderAreaPage(c: Context<AppEnv>, assessment: AssessmentDetail, area: StandardArea, values: Form = {}, errors: FieldErrors = {}, status: 200 | 400 | 403 | 409 | 422 = 200) {
  const locale = c.get('locale');
  const t = textFor(locale);
  const areas = areasOf(assessment);
  const index = areas.indexOf(area);
  const previous = areas[index - 1];
  const next = areas[index + 1];
  return renderPage(
    c,
    {
      title: t(`area_${area}`),
      breadcrumbs: crumbs(locale, assessment),
      children: (
        <>
          <p class="lead">{t('area_position', { index: index + 1, count: areas.length, site: assessment.site.name, period: periodOf(locale, assessment) })}</p>
          <h1>{t(`area_${area}`)}</h1>
          <ErrorSummary locale={locale} errors={errors} />
          {mayEdit(c, assessment) ? (
            <>
              <p>{t('area_lead')}</p>
              <AreaForm c={c} assessment={assessment} area={area} values={values} errors={errors} />
            </>
          ) : (
            <AreaReadOnly locale={locale} assessment={assessment} area={area} />
          )}
          <nav class="pager" aria-label={t('areas_navigation')}>
            <p>
              {previous && <a href={`/assessments/${assessment.id}/areas/${previous}`}>{t('previous_area', { area: t(`area_${previous}`) })}</a>}{' '}
              {next && <a href={`/assessments/${assessment.id}/areas/${next}`}>{t('next_area', { area: t(`area_${next}`) })}</a>}
            </p>
          </nav>
        </>
      ),
    },
    status,
  );
}

/** What a posted area page asks to save, or the problems to show; codes not of this area are refused. */
function readAreaForm(locale: Locale, assessment: AssessmentDetail, area: StandardArea, form: Form) {
  const t = textFor(locale);
  const errors: FieldErrors = {};
  const ofArea = assessment.criteria.filter((criterion) => criterion.area === area);
  const known = new Set(ofArea.map((criterion) => criterion.code));
  const unknown = Object.keys(form)
    .filter((key) => key.startsWith('rating-') || key.startsWith('notes-'))
    .map((key) => key.slice(key.indexOf('-') + 1))
    .filter((code) => !known.has(code));
  if (unknown.length > 0) errors.form = t('unknown_criteria_posted', { codes: [...new Set(unknown)].join(', ') });
  const responses: ResponseInput[] = [];
  for (const { code } of ofArea) {
    const rating = form[`rating-${code}`];
    const notes = (form[`notes-${code}`] ?? '').trim();
    if (rating !== undefined && !(ratings as readonly string[]).includes(rating)) errors[`rating-${code}`] = t('rating_invalid', { code });
    else if (rating === undefined && notes !== '') errors[`rating-${code}`] = t('rating_missing_with_notes', { code });
    else if (notes.length > 5000) errors[`notes-${code}`] = t('notes_too_long', { code });
    else if (rating !== undefined) responses.push({ criterionCode: code, rating: rating as Rating, notes });
  }
  return { errors, responses, status: unknown.length > 0 ? (422 as const) : (400 as const) };
}

function ProgressTable({ c, assessment, scores, editable }: { c: Context<AppEnv>; assessment: AssessmentDetail; scores: Awaited<ReturnType<typeof assessmentScores>>; editable: boolean }) {
  const locale = c.get('locale');
  const t = textFor(locale);
  const rated = new Set(assessment.responses.map((r) => r.criterionCode));
  const rows = areasOf(assessment).map((area) => {
    const ofArea = assessment.criteria.filter((criterion) => criterion.area === area);
    return { area, total: ofArea.length, rated: ofArea.filter((criterion) => rated.has(criterion.code)).length };
  });
  return (
    <DataTable
      caption={t('progress_caption')}
      rows={rows}
      columns={[
        { header: t('area'), cell: (r) => <a href={`/assessments/${assessment.id}/areas/${r.area}`}>{t(`area_${r.area}`)}</a> },
        { header: t('criteria_rated'), cell: (r) => t('rated_of', { rated: r.rated, total: r.total }), numeric: true },
        {
          header: t('state'),
          cell: (r) =>
            r.rated === r.total ? <StatusTag tone="green">{t('area_complete')}</StatusTag> : <StatusTag tone={editable ? 'yellow' : 'grey'}>{t('area_incomplete')}</StatusTag>,
        },
        ...(assessment.status === 'submitted' ? [{ header: t('score'), cell: (r: { area: StandardArea }) => formatScore(locale, scores.areas[r.area]), numeric: true }] : []),
      ]}
    />
  );
}

async function renderOverview(c: Context<AppEnv>, assessment: AssessmentDetail) {
  const locale = c.get('locale');
  const t = textFor(locale);
  const db = c.get('deps').db;
  const scores = await assessmentScores(db, assessment.id);
  const editable = mayEdit(c, assessment);
  const submitted = assessment.status === 'submitted';
  const comparison = submitted ? await compareWithPrevious(db, assessment.id) : null;
  const responses = new Map(assessment.responses.map((r) => [r.criterionCode, r]));
  const findings = assessment.criteria.filter((criterion) => ['not_met', 'partly_met'].includes(responses.get(criterion.code)?.rating ?? ''));
  const canRaise = can(c.get('actor'), 'corrective_action.manage', { siteCooperativeOrgId: assessment.site.cooperativeOrganisationId });
  const firstOpen = assessment.criteria.find((criterion) => !responses.has(criterion.code));
  const title = t('assessment_title', { site: assessment.site.name, period: periodOf(locale, assessment) });
  const details: [string, Child][] = [
    [t('site'), `${assessment.site.name} (${assessment.site.code})`],
    [t('period'), periodOf(locale, assessment)],
    [t('standard_version'), assessment.standardVersion.version],
    [t('verifier'), assessment.verifierOrganisation.name],
    [t('status'), statusTag(locale, assessment.status)],
  ];
  return renderPage(c, {
    title,
    breadcrumbs: crumbs(locale, assessment).slice(0, 1),
    children: (
      <>
        <h1>{title}</h1>
        {c.req.query('submitted') === '1' && submitted && (
          <p class="panel" role="status">
            {t('submitted_notice')}
          </p>
        )}
        <dl class="summary-list">
          {details.map(([label, value]) => (
            <div>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
        {submitted && (
          <CardGrid>
            <SummaryCard figure={formatScore(locale, scores.overall)} label={t('overall_score')} change={comparison?.overall.change != null ? t('since_previous', { change: formatChange(locale, comparison.overall.change) }) : undefined} />
            <SummaryCard figure={scores.baseline.met ? t('baseline_met') : t('baseline_not_met')} label={t('baseline')} change={scores.baseline.failing.join(', ') || undefined} small />
          </CardGrid>
        )}
        {submitted && scores.baseline.met && can(c.get('actor'), 'verification.sign', { siteCooperativeOrgId: assessment.site.cooperativeOrganisationId }) && (
          <p>
            <a class="button" href={`/sites/${assessment.site.code}/verifications/new?assessment=${assessment.id}`}>
              {t('sign_verification')}
            </a>
          </p>
        )}
        <ProgressTable c={c} assessment={assessment} scores={scores} editable={editable} />
        {editable && (
          <p>
            <a class="button" href={`/assessments/${assessment.id}/areas/${firstOpen?.area ?? areasOf(assessment)[0] ?? ''}`}>
              {firstOpen ? t('continue_assessment') : t('review_answers')}
            </a>{' '}
            <a class="button button-secondary" href={`/assessments/${assessment.id}/submit`}>
              {t('review_and_submit')}
            </a>
          </p>
        )}
        {comparison && (
          <>
            <h2>{t('comparison_title')}</h2>
            {comparison.previous ? (
              <>
                <p>
                  {t('comparison_lead', { period: periodOf(locale, comparison.previous), version: comparison.previous.standardVersion.version })}
                  {comparison.sameVersion ? '' : ` ${t('comparison_other_version')}`}
                </p>
                <DataTable
                  caption={t('comparison_caption')}
                  rows={[...standardAreas.map((area) => ({ label: t(`area_${area}`), ...comparison.areas[area] })), { label: t('overall'), ...comparison.overall }]}
                  columns={[
                    { header: t('area'), cell: (r) => r.label },
                    { header: t('this_assessment'), cell: (r) => formatScore(locale, r.current), numeric: true },
                    { header: t('previous_assessment'), cell: (r) => formatScore(locale, r.previous), numeric: true },
                    { header: t('change'), cell: (r) => formatChange(locale, r.change), numeric: true },
                  ]}
                />
              </>
            ) : (
              <p>{t('no_previous')}</p>
            )}
          </>
        )}
        {submitted && (
          <>
            <h2>{t('findings_title')}</h2>
            {findings.length === 0 ? (
              <p>{t('no_findings')}</p>
            ) : (
              <DataTable
                caption={t('findings_caption')}
                rows={findings}
                columns={[
                  { header: t('criterion'), cell: (f) => <span class="mono">{f.code}</span> },
                  { header: t('requirement'), cell: (f) => (locale === 'fr' ? f.textFr : f.textEn) },
                  { header: t('rating'), cell: (f) => <StatusTag tone={ratingTone[responses.get(f.code)!.rating]}>{t(`rating_${responses.get(f.code)!.rating}`)}</StatusTag> },
                  ...(canRaise
                    ? [
                        {
                          header: t('action'),
                          cell: (f: { code: string }) => (
                            <a href={`/sites/${assessment.site.code}/corrective-actions/new?assessment=${assessment.id}&criterion=${encodeURIComponent(f.code)}`}>{t('raise_action_for', { code: f.code })}</a>
                          ),
                        },
                      ]
                    : []),
                ]}
              />
            )}
          </>
        )}
        <ScoringNote locale={locale} />
      </>
    ),
  });
}

async function renderSubmitPage(c: Context<AppEnv>, assessment: AssessmentDetail, errors: FieldErrors = {}, status: 200 | 409 | 422 = 200) {
  const locale = c.get('locale');
  const t = textFor(locale);
  const scores = await assessmentScores(c.get('deps').db, assessment.id);
  const rated = new Set(assessment.responses.map((r) => r.criterionCode));
  const missing = assessment.criteria.filter((criterion) => !rated.has(criterion.code));
  return renderPage(
    c,
    {
      title: t('submit_title'),
      breadcrumbs: crumbs(locale, assessment),
      children: (
        <>
          <h1>{t('submit_title')}</h1>
          <ErrorSummary locale={locale} errors={errors} />
          <ProgressTable c={c} assessment={assessment} scores={scores} editable />
          {missing.length > 0 && (
            <div class="panel" id="missing">
              <h2>{t('missing_title', { count: missing.length })}</h2>
              <ul>
                {missing.map((criterion) => (
                  <li>
                    <a href={`/assessments/${assessment.id}/areas/${criterion.area}#criterion-${criterion.code}`}>
                      {criterion.code} · {locale === 'fr' ? criterion.textFr : criterion.textEn}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          )}
          <h2>{t('scores_if_submitted')}</h2>
          <DataTable
            caption={t('scores_caption')}
            rows={[...standardAreas.map((area) => ({ label: t(`area_${area}`), score: scores.areas[area] })), { label: t('overall'), score: scores.overall }]}
            columns={[
              { header: t('area'), cell: (r) => r.label },
              { header: t('score'), cell: (r) => formatScore(locale, r.score), numeric: true },
            ]}
          />
          <p>
            {scores.baseline.met ? <StatusTag tone="green">{t('baseline_met')}</StatusTag> : <StatusTag tone="red">{t('baseline_not_met')}</StatusTag>}{' '}
            {scores.baseline.failing.length > 0 && t('baseline_failing', { codes: scores.baseline.failing.join(', ') })}
          </p>
          <ScoringNote locale={locale} />
          <div class="panel">
            <h2>{t('what_happens_title')}</h2>
            <p>{t('what_happens_text', { site: assessment.site.name, period: periodOf(locale, assessment) })}</p>
          </div>
          <form method="post" action={`/assessments/${assessment.id}/submit`}>
            <CsrfField token={c.get('csrfToken')} />
            <button class="button" type="submit" id="submit">
              {t('submit_button')}
            </button>
          </form>
        </>
      ),
    },
    status,
  );
}

const StartForm = z.object({ periodStart: z.iso.date(), periodEnd: z.iso.date(), standardVersion: z.string().min(1) });

async function renderStartPage(c: Context<AppEnv>, site: { code: string; name: string }, values: Form = {}, errors: FieldErrors = {}, status: 200 | 400 | 422 = 200) {
  const locale = c.get('locale');
  const t = textFor(locale);
  const versions = await listPublishedStandardVersions(c.get('deps').db);
  return renderPage(
    c,
    {
      title: t('start_title'),
      breadcrumbs: [{ href: `/sites/${site.code}/assessments`, label: t('assessments_of', { site: site.name }) }],
      children: (
        <>
          <h1>{t('start_title')}</h1>
          <p class="lead">{t('start_lead', { site: site.name })}</p>
          <ErrorSummary locale={locale} errors={errors} />
          {versions.length === 0 ? (
            <EmptyState title={t('no_standard')} next={t('no_standard_next')} />
          ) : (
            <form method="post" action={`/sites/${site.code}/assessments/new`} novalidate>
              <CsrfField token={c.get('csrfToken')} />
              <Field name="periodStart" type="date" label={t('period_start')} hint={t('date_hint')} value={values.periodStart} error={errors.periodStart} />
              <Field name="periodEnd" type="date" label={t('period_end')} hint={t('period_end_hint')} value={values.periodEnd} error={errors.periodEnd} />
              <SelectField name="standardVersion" label={t('standard_version')} value={values.standardVersion ?? versions[0]!.version} error={errors.standardVersion} options={versions.map((v) => ({ value: v.version, label: v.version }))} />
              <button class="button" type="submit">
                {t('start_button')}
              </button>
            </form>
          )}
        </>
      ),
    },
    status,
  );
}

async function renderEvidencePage(c: Context<AppEnv>, assessment: AssessmentDetail, code: string, error?: string, status: 200 | 400 | 409 | 413 | 422 = 200) {
  const locale = c.get('locale');
  const t = textFor(locale);
  const criterion = assessment.criteria.find((cr) => cr.code === code);
  if (!criterion) throw notFound();
  const response = assessment.responses.find((r) => r.criterionCode === code);
  const limit = Math.min(maxFileBytes, c.get('deps').bodyLimitBytes);
  return renderPage(
    c,
    {
      title: t('evidence_title', { code }),
      breadcrumbs: [...crumbs(locale, assessment), { href: `/assessments/${assessment.id}/areas/${criterion.area}#criterion-${code}`, label: t(`area_${criterion.area}`) }],
      children: (
        <>
          <h1>{t('evidence_title', { code })}</h1>
          <p class="lead">{locale === 'fr' ? criterion.textFr : criterion.textEn}</p>
          <ErrorSummary locale={locale} errors={error ? { file: error } : {}} />
          {response && response.evidence.length > 0 && (
            <ul>
              {response.evidence.map((file) => (
                <li>
                  <a href={`/api/v1/files/${file.fileId}`}>{file.filename}</a> ({formatNumber(locale, Math.ceil(file.sizeBytes / 1024))} KB)
                </li>
              ))}
            </ul>
          )}
          {mayEdit(c, assessment) && (
            <form method="post" action={`/assessments/${assessment.id}/criteria/${encodeURIComponent(code)}/evidence`} enctype="multipart/form-data">
              <CsrfField token={c.get('csrfToken')} />
              <div class={error ? 'field field-error' : 'field'}>
                <label for="file">{t('evidence_file')}</label>
                <p class="hint" id="file-hint">
                  {t('evidence_hint', { size: formatNumber(locale, Math.floor(limit / 1024)) })}
                </p>
                {error && (
                  <p class="error-message" id="file-error">
                    {error}
                  </p>
                )}
                <input type="file" id="file" name="file" aria-describedby="file-hint" />
              </div>
              <button class="button" type="submit">
                {t('attach_file')}
              </button>
            </form>
          )}
          <p>
            <a href={`/assessments/${assessment.id}/areas/${criterion.area}#criterion-${code}`}>{t('back_to_area', { area: t(`area_${criterion.area}`) })}</a>
          </p>
        </>
      ),
    },
    status,
  );
}

/** The assessment pages: a site's list, starting one, the overview, one page per area, evidence, review and submit. */
export function registerAssessmentsPages(pages: Hono<AppEnv>) {
  pages.get('/sites/:code/assessments', async (c) => {
    const locale = c.get('locale');
    const t = textFor(locale);
    const db = c.get('deps').db;
    const site = await findSiteByCode(db, c.req.param('code'));
    authorize(c.get('actor'), 'assessment.read', { siteCooperativeOrgId: site?.cooperativeOrganisationId ?? -1 });
    if (!site) throw notFound();
    const rows = await listAssessments(db, { siteId: site.id });
    const title = t('assessments_of', { site: site.name });
    return renderPage(c, {
      title,
      children: (
        <>
          <h1>{title}</h1>
          {can(c.get('actor'), 'assessment.write', { siteCooperativeOrgId: site.cooperativeOrganisationId }) && (
            <p>
              <a class="button" href={`/sites/${site.code}/assessments/new`}>
                {t('start_title')}
              </a>
            </p>
          )}
          {rows.length === 0 ? (
            <EmptyState title={t('no_assessments')} next={t('no_assessments_next')} />
          ) : (
            <DataTable
              caption={t('assessments_caption', { site: site.name })}
              rows={rows}
              columns={[
                { header: t('period'), cell: (a) => <a href={`/assessments/${a.id}`}>{periodOf(locale, a)}</a> },
                { header: t('standard_version'), cell: (a) => a.standardVersion.version },
                { header: t('verifier'), cell: (a) => a.verifierOrganisation.name },
                { header: t('status'), cell: (a) => statusTag(locale, a.status) },
                { header: t('criteria_rated'), cell: (a) => t('rated_of', { rated: a.rated, total: a.total }), numeric: true },
                { header: t('overall_score'), cell: (a) => formatScore(locale, a.overall), numeric: true },
              ]}
            />
          )}
          <p>
            <a href={`/sites/${site.code}/corrective-actions`}>{t('see_corrective_actions')}</a>
          </p>
          <ScoringNote locale={locale} />
        </>
      ),
    });
  });

  pages.get('/sites/:code/assessments/new', async (c) => {
    const site = await findSiteByCode(c.get('deps').db, c.req.param('code'));
    authorizeAssessmentWrite(c.get('actor'), { cooperativeOrganisationId: site?.cooperativeOrganisationId ?? -1 });
    if (!site) throw notFound();
    return renderStartPage(c, site);
  });

  pages.post('/sites/:code/assessments/new', async (c) => {
    const actor = c.get('actor');
    const t = textFor(c.get('locale'));
    const site = await findSiteByCode(c.get('deps').db, c.req.param('code'));
    authorizeAssessmentWrite(actor, { cooperativeOrganisationId: site?.cooperativeOrganisationId ?? -1 });
    if (!site) throw notFound();
    const form = await formOf(c);
    const parsed = StartForm.safeParse(form);
    if (!parsed.success) return renderStartPage(c, site, form, fieldErrors(parsed.error, (field) => t(field === 'standardVersion' ? 'standard_version_missing' : 'date_invalid')), 400);
    try {
      const assessment = await runCommand(c.get('deps').db, actor, (ctx) => startAssessment(ctx, { siteId: site.id, ...parsed.data }));
      return c.redirect(`/assessments/${assessment.id}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      const field = error.code === 'assessment_period_invalid' ? 'periodEnd' : 'standardVersion';
      return renderStartPage(c, site, form, { [field]: error.text[c.get('locale')] }, 422);
    }
  });

  pages.get('/assessments/:id', async (c) => renderOverview(c, await loadAssessment(c, 'read')));

  const areaOf = (assessment: AssessmentDetail, value: string) => {
    const area = areasOf(assessment).find((a) => a === value);
    if (!area) throw notFound();
    return area;
  };

  pages.get('/assessments/:id/areas/:area', async (c) => {
    const assessment = await loadAssessment(c, 'read');
    return renderAreaPage(c, assessment, areaOf(assessment, c.req.param('area')));
  });

  pages.post('/assessments/:id/areas/:area', async (c) => {
    const assessment = await loadAssessment(c, 'write');
    const area = areaOf(assessment, c.req.param('area'));
    const locale = c.get('locale');
    const form = await formOf(c);
    const { errors, responses, status } = readAreaForm(locale, assessment, area, form);
    if (Object.keys(errors).length > 0) return renderAreaPage(c, assessment, area, form, errors, status);
    if (responses.length > 0) {
      try {
        await runCommand(c.get('deps').db, c.get('actor'), (ctx) => saveAssessmentResponses(ctx, { assessmentId: assessment.id, responses }));
      } catch (error) {
        if (!(error instanceof AppError) || ![403, 409, 422].includes(error.status)) throw error;
        return renderAreaPage(c, assessment, area, form, { form: error.text[locale] }, error.status as 403 | 409 | 422);
      }
    }
    const areas = areasOf(assessment);
    const next = areas[areas.indexOf(area) + 1];
    if (form.then !== 'next') return c.redirect(`/assessments/${assessment.id}`, 303);
    return c.redirect(next ? `/assessments/${assessment.id}/areas/${next}` : `/assessments/${assessment.id}/submit`, 303);
  });

  pages.get('/assessments/:id/criteria/:code/evidence', async (c) => renderEvidencePage(c, await loadAssessment(c, 'read'), c.req.param('code')));

  pages.post('/assessments/:id/criteria/:code/evidence', async (c) => {
    const assessment = await loadAssessment(c, 'write');
    const code = c.req.param('code');
    const criterion = assessment.criteria.find((cr) => cr.code === code);
    if (!criterion) throw notFound();
    const file = await fileOf(c, 'file');
    if (!file) return renderEvidencePage(c, assessment, code, textFor(c.get('locale'))('evidence_choose_file'), 400);
    try {
      const content = Buffer.from(await file.arrayBuffer());
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        attachAssessmentEvidence(ctx, { assessmentId: assessment.id, criterionCode: code, filename: file.name || 'evidence', contentType: file.type, content }),
      );
    } catch (error) {
      if (!(error instanceof AppError) || ![409, 413, 422].includes(error.status)) throw error;
      return renderEvidencePage(c, assessment, code, error.text[c.get('locale')], error.status as 409 | 413 | 422);
    }
    return c.redirect(`/assessments/${assessment.id}/areas/${criterion.area}#criterion-${encodeURIComponent(code)}`, 303);
  });

  pages.get('/assessments/:id/submit', async (c) => {
    const assessment = await loadAssessment(c, 'write');
    if (assessment.status === 'submitted') return c.redirect(`/assessments/${assessment.id}`, 303);
    return renderSubmitPage(c, assessment);
  });

  pages.post('/assessments/:id/submit', async (c) => {
    const assessment = await loadAssessment(c, 'write');
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) => submitAssessment(ctx, { assessmentId: assessment.id }));
    } catch (error) {
      if (!(error instanceof AppError) || ![409, 422].includes(error.status)) throw error;
      const anchor = error.code === 'assessment_incomplete' ? 'missing' : 'submit';
      return renderSubmitPage(c, assessment, { [anchor]: error.text[c.get('locale')] }, error.status as 409 | 422);
    }
    return c.redirect(`/assessments/${assessment.id}?submitted=1`, 303);
  });
}
