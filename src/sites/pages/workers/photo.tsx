import type { Context, Hono } from 'hono';
import { can } from '../../../core/auth/policies.ts';
import { AppError } from '../../../core/errors.ts';
import { runCommand } from '../../../journal/public.ts';
import { CsrfField, ErrorSummary, FileField } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { setWorkerPhoto } from '../../commands/workers/set-worker-photo.ts';
import { workerError } from '../../messages/workers.ts';
import { type SiteWithDetails } from '../../queries/sites.ts';
import { findWorkerByCode } from '../../queries/workers.ts';
import { crumbs, siteFor, textOf } from './shared.tsx';

async function photoPage(c: Context<AppEnv>, site: SiteWithDetails, worker: { code: string; photoFileId: number | null }, extra: { error?: string; saved?: boolean; status?: 200 | 413 | 415 | 422 } = {}) {
  const locale = c.get('locale');
  const t = textOf(locale);
  const mayUpload = can(c.get('actor'), 'worker.register', { siteCooperativeOrgId: site.cooperativeOrganisationId });
  return renderPage(
    c,
    {
      title: t('photo_title', { code: worker.code }),
      breadcrumbs: crumbs(site, locale),
      children: (
        <>
          <h1>{t('photo_title', { code: worker.code })}</h1>
          <p class="lead">{t('photo_lead')}</p>
          {extra.saved && <p class="panel" role="status">{t('photo_saved')}</p>}
          {worker.photoFileId ? (
            <p>
              <img src={`/api/v1/sites/${site.code}/workers/${worker.code}/photo?v=${worker.photoFileId}`} alt={t('photo_alt', { code: worker.code })} width={240} />
            </p>
          ) : (
            <p>{t('photo_none')}</p>
          )}
          {mayUpload && (
            <>
              <ErrorSummary locale={locale} errors={extra.error ? { photo: extra.error } : {}} />
              <form method="post" action={`/sites/${site.code}/workers/${worker.code}/photo`} enctype="multipart/form-data" novalidate>
                <CsrfField token={c.get('csrfToken')} />
                <FileField name="photo" label={t('photo_file')} error={extra.error} accept="image/jpeg,image/png" />
                <button class="button" type="submit">
                  {t('photo_upload')}
                </button>
              </form>
            </>
          )}
        </>
      ),
    },
    extra.status ?? 200,
  );
}

/** A worker’s photo. */
export function registerWorkerPhotoPages(pages: Hono<AppEnv>) {
  pages.get('/sites/:code/workers/:workerCode/photo', async (c) => {
    const site = await siteFor(c, 'worker.read');
    const worker = await findWorkerByCode(c.get('deps').db, site.id, c.req.param('workerCode'));
    if (!worker) throw workerError('worker_not_found', 404, { worker: c.req.param('workerCode') });
    return photoPage(c, site, worker, { saved: c.req.query('saved') === '1' });
  });

  pages.post('/sites/:code/workers/:workerCode/photo', async (c) => {
    const site = await siteFor(c, 'worker.register');
    const db = c.get('deps').db;
    const worker = await findWorkerByCode(db, site.id, c.req.param('workerCode'));
    if (!worker) throw workerError('worker_not_found', 404, { worker: c.req.param('workerCode') });
    const body = await c.req.parseBody();
    const upload = body.photo instanceof File ? body.photo : undefined;
    try {
      const content = upload ? Buffer.from(await upload.arrayBuffer()) : Buffer.alloc(0);
      await runCommand(db, c.get('actor'), (ctx) => setWorkerPhoto(ctx, { siteId: site.id, workerCode: worker.code, filename: upload?.name ?? '', content }));
    } catch (error) {
      if (!(error instanceof AppError) || error.status === 404) throw error;
      const status = error.status === 413 || error.status === 415 ? error.status : 422;
      return photoPage(c, site, worker, { error: error.text[c.get('locale')], status });
    }
    return c.redirect(`/sites/${site.code}/workers/${worker.code}/photo?saved=1`, 303);
  });
}
