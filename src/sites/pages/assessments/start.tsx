import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { authorize, can } from '../../../core/auth/policies.ts';
import { AppError, notFound } from '../../../core/errors.ts';
import { runCommand } from '../../../journal/public.ts';
import { CsrfField, DataTable, EmptyState, ErrorSummary, Field, SelectField, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { authorizeAssessmentWrite } from '../../assessment-records.ts';
import { startAssessment } from '../../commands/assessments/start-assessment.ts';
import { findSiteByCode, listAssessments, listPublishedStandardVersions } from '../../queries/assessments.ts';
import { formOf, type Form } from '../../../web/forms.ts';
import { fieldErrors, formatScore, periodOf, ScoringNote, statusTag, textFor } from './shared.tsx';

const StartForm = z.object({ periodStart: z.iso.date(), periodEnd: z.iso.date(), standardVersion: z.string().min(1) });

/**
 * The site whose start form a URL names, for an independent verifier: the form (and a refused one,
 * shown again) is theirs only. The policy is asked before the site is known to exist;
 * startAssessment asks it again when the form is sent.
 */
async function siteToAssess(c: Context<AppEnv>) {
  const site = await findSiteByCode(c.get('deps').db, c.req.param('code') ?? '');
  authorizeAssessmentWrite(c.get('actor'), { cooperativeOrganisationId: site?.cooperativeOrganisationId ?? -1 });
  if (!site) throw notFound();
  return site;
}

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

/** A site’s assessments and starting a new one. */
export function registerAssessmentListPages(pages: Hono<AppEnv>) {
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
    return renderStartPage(c, await siteToAssess(c));
  });

  pages.post('/sites/:code/assessments/new', async (c) => {
    const actor = c.get('actor');
    const t = textFor(c.get('locale'));
    const site = await siteToAssess(c);
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
}
