import { and, eq } from 'drizzle-orm';
import { storeFile } from '../../../files/public.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { workerError } from '../../messages/workers.ts';
import { workers } from '../../schema.ts';
import { siteForAction, type SiteRef } from '../../site-access.ts';
import { maxPhotoBytes, photoContentType } from '../../worker-photos.ts';

/**
 * Sets (or replaces) a worker's photo. The photo is personal data: it is stored as a `personal`
 * file that only the worker register's routes serve, and the journal records that a photo was
 * set, not its hash (a hash of a face picture is a fingerprint of it).
 */
export async function setWorkerPhoto(ctx: CommandContext, props: SiteRef & { workerCode: string; filename: string; content: Buffer }) {
  const site = await siteForAction(ctx, 'worker.register', props);
  const [worker] = await ctx.tx
    .select()
    .from(workers)
    .where(and(eq(workers.siteId, site.id), eq(workers.code, props.workerCode)));
  if (!worker) throw workerError('worker_not_found', 404, { worker: props.workerCode });
  if (props.content.length === 0) throw workerError('photo_missing', 422);
  if (props.content.length > maxPhotoBytes) throw workerError('photo_too_large', 413, { limit: maxPhotoBytes / 1024 / 1024 });
  const contentType = photoContentType(props.content);
  if (!contentType) throw workerError('photo_not_image', 415);
  const file = await storeFile(ctx, { filename: props.filename || 'photo', contentType, content: props.content, visibility: 'personal' });
  await ctx.tx.update(workers).set({ photoFileId: file.id }).where(eq(workers.id, worker.id));
  await appendEvent(ctx, { type: 'sites.worker_photo_set', subject: `worker:${worker.code}`, payload: { site: site.code, worker: worker.code } });
  return { workerCode: worker.code, fileId: file.id };
}
