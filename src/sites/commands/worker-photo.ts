import { and, eq } from 'drizzle-orm';
import { storeFile } from '../../files/public.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { workerError } from '../messages/workers.ts';
import { workers } from '../schema.ts';
import { siteForAction, type SiteRef } from '../site-access.ts';

export const maxPhotoBytes = 5 * 1024 * 1024;

/** JPEG or PNG, recognised from the bytes rather than the name or the browser's word. */
export function photoContentType(content: Buffer): 'image/jpeg' | 'image/png' | null {
  if (content.length > 3 && content[0] === 0xff && content[1] === 0xd8 && content[2] === 0xff) return 'image/jpeg';
  if (content.length > 8 && content.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return null;
}

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
