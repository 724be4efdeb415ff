import type { Context, Hono } from 'hono';
import { AppError, notFound } from '../../../core/errors.ts';
import type { Locale } from '../../../core/i18n/index.ts';
import { runCommand } from '../../../journal/public.ts';
import { CsrfField, ErrorSummary, TextareaField, StatusTag, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { type ResponseInput, saveAssessmentResponses } from '../../commands/assessments/save-assessment-responses.ts';
import { type AssessmentDetail, type Rating, type StandardArea } from '../../queries/assessments.ts';
import { ratings } from '../../schema.ts';
import { formOf, type Form } from '../../../web/forms.ts';
import { areasOf, crumbs, loadAssessment, mayEdit, periodOf, ratingTone, textFor } from './shared.tsx';

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

/** One page per area of the standard, saved as the verifier goes. */
export function registerAssessmentAreaPages(pages: Hono<AppEnv>) {
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
}
