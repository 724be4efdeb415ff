import { eq } from 'drizzle-orm';
import type { Queryable } from '../db/connect.ts';
import { files } from './schema.ts';

export async function findFile(db: Queryable, id: number) {
  const [row] = await db.select().from(files).where(eq(files.id, id));
  return row;
}

