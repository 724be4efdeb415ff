import type { Context, Hono } from 'hono';
import { AppError } from '../../../core/errors.ts';
import { runCommand } from '../../../journal/public.ts';
import { CsrfField, DataTable, ErrorSummary, StatusTag, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { submitAssessment } from '../../commands/assessments/submit-assessment.ts';
import { assessmentScores, type AssessmentDetail } from '../../queries/assessments.ts';
import { standardAreas } from '../../schema.ts';
import { ProgressTable } from './overview.tsx';
import { crumbs, formatScore, loadAssessment, periodOf, ScoringNote, textFor } from './shared.tsx';

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

/** Review and submit. */
export function registerAssessmentSubmitPages(pages: Hono<AppEnv>) {
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
