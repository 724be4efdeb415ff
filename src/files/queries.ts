import { eq } from 'drizzle-orm';
import type { Queryable } from '../db/connect.ts';
import { files } from './schema.ts';

export async function findFile(db: Queryable, id: number) {
  const [row] = await db.select().from(files).where(eq(files.id, id));
  return row;
}

export async function describeFile(db: Queryable, id: number) {
  const [row] = await db
    .select({ id: files.id, sha256: files.sha256, filename: files.filename, contentType: files.contentType, sizeBytes: files.sizeBytes, visibility: files.visibility })
    .from(files)
    .where(eq(files.id, id));
  return row ? { ...row, sha256: row.sha256.toString('hex') } : undefined;
}
