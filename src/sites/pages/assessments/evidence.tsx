import type { Context, Hono } from 'hono';
import { AppError, notFound } from '../../../core/errors.ts';
import { formatNumber } from '../../../core/i18n/format.ts';
import { maxFileBytes } from '../../../files/public.ts';
import { runCommand } from '../../../journal/public.ts';
import { CsrfField, ErrorSummary } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { attachAssessmentEvidence } from '../../commands/assessments/attach-assessment-evidence.ts';
import { type AssessmentDetail } from '../../queries/assessments.ts';
import { crumbs, fileOf, loadAssessment, mayEdit, textFor } from './shared.tsx';

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

/** Evidence files for one criterion. */
export function registerAssessmentEvidencePages(pages: Hono<AppEnv>) {
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
}
