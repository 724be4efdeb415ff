import type { Context, Hono } from 'hono';
import { AppError } from '../../../core/errors.ts';
import { runCommand } from '../../../journal/public.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { isoDateOf } from '../../../core/calendar.ts';
import { recordWorkerExit } from '../../commands/workers/record-worker-exit.ts';
import { workerError } from '../../messages/workers.ts';
import { type SiteWithDetails } from '../../queries/sites.ts';
import { findWorkerByCode } from '../../queries/workers.ts';
import { formOf, type Form } from '../../../web/forms.ts';
import { crumbs, siteFor, textOf } from './shared.tsx';

async function exitPage(c: Context<AppEnv>, site: SiteWithDetails, workerCode: string, values: Form = {}, errors: FieldErrors = {}, status: 200 | 400 | 409 | 422 = 200) {
  const locale = c.get('locale');
  const t = textOf(locale);
  return renderPage(
    c,
    {
      title: t('exit_title', { worker: workerCode }),
      breadcrumbs: crumbs(site, locale),
      children: (
        <>
          <h1>{t('exit_title', { worker: workerCode })}</h1>
          <ErrorSummary locale={locale} errors={errors} />
          <form method="post" action={`/sites/${site.code}/workers/${workerCode}/exit`} novalidate>
            <CsrfField token={c.get('csrfToken')} />
            <Field name="exitedOn" type="date" label={t('exit_date')} value={values.exitedOn ?? isoDateOf(new Date())} error={errors.exitedOn} />
            <button class="button button-warning" type="submit">
              {t('exit_button')}
            </button>
          </form>
        </>
      ),
    },
    status,
  );
}

/** Recording that a worker left the site. */
export function registerWorkerExitPages(pages: Hono<AppEnv>) {
  pages.get('/sites/:code/workers/:workerCode/exit', async (c) => {
    const site = await siteFor(c, 'worker.register');
    const worker = await findWorkerByCode(c.get('deps').db, site.id, c.req.param('workerCode'));
    if (!worker) throw workerError('worker_not_found', 404, { worker: c.req.param('workerCode') });
    return exitPage(c, site, worker.code);
  });

  pages.post('/sites/:code/workers/:workerCode/exit', async (c) => {
    const site = await siteFor(c, 'worker.register');
    const locale = c.get('locale');
    const workerCode = c.req.param('workerCode');
    const form = await formOf(c);
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordWorkerExit(ctx, { siteId: site.id, workerCode, exitedOn: (form.exitedOn ?? '').trim() }));
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 404) throw error;
      return exitPage(c, site, workerCode, form, { exitedOn: error.text[locale] }, error.status === 409 ? 409 : 422);
    }
    return c.redirect(`/sites/${site.code}/workers?exited=${encodeURIComponent(workerCode)}`, 303);
  });
}
