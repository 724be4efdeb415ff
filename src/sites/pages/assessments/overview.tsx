import type { Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { can } from '../../../core/auth/policies.ts';
import { CardGrid, DataTable, StatusTag, SummaryCard } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { assessmentScores, compareWithPrevious, type AssessmentDetail, type StandardArea } from '../../queries/assessments.ts';
import { standardAreas } from '../../schema.ts';
import { areasOf, crumbs, formatChange, formatScore, loadAssessment, mayEdit, periodOf, ratingTone, ScoringNote, statusTag, textFor } from './shared.tsx';

export function ProgressTable({ c, assessment, scores, editable }: { c: Context<AppEnv>; assessment: AssessmentDetail; scores: Awaited<ReturnType<typeof assessmentScores>>; editable: boolean }) {
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

/** An assessment’s overview: progress, scores and the comparison with the previous one. */
export function registerAssessmentOverviewPage(pages: Hono<AppEnv>) {
  pages.get('/assessments/:id', async (c) => renderOverview(c, await loadAssessment(c, 'read')));
}
