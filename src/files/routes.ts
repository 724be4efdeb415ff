import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../core/auth/policies.ts';
import { notFound } from '../core/errors.ts';
import type { Actor } from '../core/auth/roles.ts';
import type { Database } from '../db/connect.ts';
import type { AppEnv } from '../web/context.ts';
import type { OrebookModule } from '../web/module.ts';
import { errorResponses } from '../web/openapi.ts';
import { findFile } from './queries.ts';

/** Whether the modules' records that cite the file let the actor read one of them, or whether none cites it. */
async function recordsCiting(modules: readonly OrebookModule[], db: Database, actor: Actor, fileId: number): Promise<'readable' | 'not readable' | 'none'> {
  let cited = false;
  for (const module of modules) {
    const verdict = await module.readsRestrictedFile?.(db, actor, fileId);
    if (verdict === true) return 'readable';
    if (verdict === false) cited = true;
  }
  return cited ? 'not readable' : 'none';
}

/** Downloads of uploaded evidence: public files for anyone, restricted ones for the roles that handle records. */
export function registerFilesApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/files/{id}',
      tags: ['Files'],
      summary: 'Download an uploaded file (evidence, receipt, photo)',
      request: { params: z.object({ id: z.coerce.number().int().positive() }) },
      responses: { 200: { description: 'The file', content: { 'application/octet-stream': { schema: z.string() } } }, ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const actor = c.get('actor');
      const found = await findFile(db, c.req.valid('param').id);
      // Personal files (a worker's photo) are served only by the route of their record, which asks its policy.
      const file = found?.visibility === 'personal' ? undefined : found;
      if (file?.visibility === 'public') authorize(actor, 'file.read.public');
      else {
        const records = file ? await recordsCiting(c.get('modules'), db, actor, file.id) : 'not readable';
        authorize(actor, 'file.read.restricted', { uploadedByOrgId: file?.uploadedByOrganisationId ?? null, records });
      }
      if (!file) throw notFound();
      // Never rendered inline: a stored HTML or SVG file must not run in Orebook's origin.
      return c.body(new Uint8Array(file.content), 200, {
        'Content-Type': file.contentType,
        'Content-Disposition': `attachment; filename="${file.filename.replace(/[^\w.-]/g, '_')}"`,
        'X-Content-Type-Options': 'nosniff',
        ETag: `"${file.sha256.toString('hex')}"`,
      }) as never;
    },
  );
}
