import { createHash } from 'node:crypto';
import type { CommandContext } from '../journal/public.ts';
import { files } from './schema.ts';

export type StoredFile = { id: number; sha256: string; filename: string; contentType: string; sizeBytes: number };

/** The largest evidence file accepted (a scanned certificate or a photo). */
export const maxFileBytes = 10 * 1024 * 1024;

/**
 * Stores an uploaded file inside the caller's command (its event cites the file's SHA-256, so the
 * journal commits to the exact evidence without publishing it).
 */
export async function storeFile(
  ctx: CommandContext,
  props: { filename: string; contentType: string; content: Buffer; visibility?: 'restricted' | 'public' | 'personal' },
): Promise<StoredFile> {
  const sha256 = createHash('sha256').update(props.content).digest();
  const [row] = await ctx.tx
    .insert(files)
    .values({
      sha256,
      filename: props.filename.slice(0, 200),
      contentType: props.contentType || 'application/octet-stream',
      sizeBytes: props.content.length,
      content: props.content,
      visibility: props.visibility ?? 'restricted',
      uploadedByOrganisationId: 'orgId' in ctx.actor ? ctx.actor.orgId : null,
    })
    .returning({ id: files.id });
  return { id: row!.id, sha256: sha256.toString('hex'), filename: props.filename, contentType: props.contentType, sizeBytes: props.content.length };
}
