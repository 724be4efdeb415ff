import type { Context, Hono } from 'hono';
import { authorize } from '../../../core/auth/policies.ts';
import { AppError } from '../../../core/errors.ts';
import { runCommand } from '../../../journal/public.ts';
import { CsrfField, ErrorSummary, FileField, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { formWithFiles, type Form } from '../../../web/forms.ts';
import { renderPage } from '../../../web/layout.tsx';
import { declareProduction } from '../../commands/production/declare-production.ts';
import { evidenceFromFile } from '../../production-declarations.ts';
import { listMinerals } from '../../queries/production.ts';
import { FigureFields, type Site, crumbs, fieldOfError, productionPath, readFigures, resourceOf, siteOf, statusOfError, text } from './shared.tsx';

/** The declaration form, for those who may declare the site's production: a refused declaration comes back here, and so does its 403. */
async function declarePage(c: Context<AppEnv>, site: Site, values: Form, errors: FieldErrors, status: 200 | 400 | 409 | 413 | 422 = 200) {
  authorize(c.get('actor'), 'production.declare', resourceOf(site));
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

/** Declaring production. */
export function registerDeclarePages(pages: Hono<AppEnv>) {
  pages.get('/sites/:code/production/new', async (c) => {
    const site = await siteOf(c);
    return declarePage(c, site, { mineral: 'cobalt', producedOn: new Date().toISOString().slice(0, 10) }, {});
  });

  pages.post('/sites/:code/production/new', async (c) => {
    const actor = c.get('actor');
    const site = await siteOf(c);
    const { form, files } = await formWithFiles(c);
    const minerals = await listMinerals(c.get('deps').db);
    const { figures, errors } = readFigures(form, c.get('locale'), minerals);
    if (Object.keys(errors).length > 0) return declarePage(c, site, form, errors, 400);
    try {
      const evidence = await evidenceFromFile(files.evidence?.[0]);
      const declared = await runCommand(c.get('deps').db, actor, (ctx) => declareProduction(ctx, { siteId: site.id, ...figures, evidence }));
      return c.redirect(`${productionPath(site)}?year=${declared.producedOn.slice(0, 4)}&declared=${declared.id}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      return declarePage(c, site, form, { [fieldOfError(error)]: error.text[c.get('locale')] }, statusOfError(error));
    }
  });


}
