import { asc, count, desc, eq } from 'drizzle-orm';
import type { Queryable } from '../../db/connect.ts';
import { standardCriteria, standardVersions } from '../schema.ts';

export type StandardCriterion = typeof standardCriteria.$inferSelect;

/** The version verifiers assess against today: the one published last. */
export async function latestPublishedVersion(db: Queryable) {
  const [row] = await db
    .select()
    .from(standardVersions)
    .where(eq(standardVersions.status, 'published'))
    .orderBy(desc(standardVersions.publishedAt), desc(standardVersions.id))
    .limit(1);
  return row;
}

/** Every version, newest first, with how many criteria it has. */
export async function listVersions(db: Queryable) {
  return db
    .select({
      id: standardVersions.id,
      version: standardVersions.version,
      status: standardVersions.status,
      publishedAt: standardVersions.publishedAt,
      createdAt: standardVersions.createdAt,
      criteria: count(standardCriteria.id),
    })
    .from(standardVersions)
    .leftJoin(standardCriteria, eq(standardCriteria.versionId, standardVersions.id))
    .groupBy(standardVersions.id)
    .orderBy(desc(standardVersions.createdAt), desc(standardVersions.id));
}

export async function findStandardVersion(db: Queryable, version: string) {
  const [row] = await db.select().from(standardVersions).where(eq(standardVersions.version, version));
  return row;
}

/** The criteria of one version, in their order. */
export async function criteriaOf(db: Queryable, versionId: number): Promise<StandardCriterion[]> {
  return db.select().from(standardCriteria).where(eq(standardCriteria.versionId, versionId)).orderBy(asc(standardCriteria.position));
}
