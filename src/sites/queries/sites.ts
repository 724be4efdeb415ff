import { asc, count, desc, eq, sql } from 'drizzle-orm';
import { organisations } from '../../accounts/public.ts';
import type { Queryable } from '../../db/connect.ts';
import { operatorGroups, pits, siteQualifications, sites } from '../schema.ts';

const siteColumns = {
  id: sites.id,
  code: sites.code,
  name: sites.name,
  province: sites.province,
  town: sites.town,
  latitudeE6: sites.latitudeE6,
  longitudeE6: sites.longitudeE6,
  concessionHolder: sites.concessionHolder,
  cooperativeOrganisationId: sites.cooperativeOrganisationId,
  status: sites.status,
  createdAt: sites.createdAt,
  cooperative: { id: organisations.id, code: organisations.code, name: organisations.name },
};

/** Every site with its operating cooperative, by name. */
export async function listSites(db: Queryable) {
  return db
    .select(siteColumns)
    .from(sites)
    .innerJoin(organisations, eq(organisations.id, sites.cooperativeOrganisationId))
    .orderBy(asc(sites.name));
}

/** The current qualification of a site: the latest decision by date (the latest recorded, for two on one day). */
export async function currentQualification(db: Queryable, siteId: number) {
  const [row] = await db
    .select()
    .from(siteQualifications)
    .where(eq(siteQualifications.siteId, siteId))
    .orderBy(desc(siteQualifications.qualifiedOn), desc(siteQualifications.id))
    .limit(1);
  return row ?? null;
}

/** One site by its public code, with its cooperative and current qualification; undefined when there is none. */
export async function findSiteByCode(db: Queryable, code: string) {
  const [site] = await db
    .select(siteColumns)
    .from(sites)
    .innerJoin(organisations, eq(organisations.id, sites.cooperativeOrganisationId))
    .where(eq(sites.code, code));
  if (!site) return undefined;
  return { ...site, qualification: await currentQualification(db, site.id) };
}

export type SiteWithDetails = NonNullable<Awaited<ReturnType<typeof findSiteByCode>>>;

export async function listPits(db: Queryable, siteId: number) {
  return db.select().from(pits).where(eq(pits.siteId, siteId)).orderBy(asc(pits.code));
}

/** The pit census of a site: all pits, the covered ones, the active ones, and the active ones that are covered. */
export async function pitCounts(db: Queryable, siteId: number) {
  const [row] = await db
    .select({
      total: count(),
      covered: sql<number>`count(*) filter (where ${pits.covered})`,
      active: sql<number>`count(*) filter (where ${pits.active})`,
      activeCovered: sql<number>`count(*) filter (where ${pits.active} and ${pits.covered})`,
    })
    .from(pits)
    .where(eq(pits.siteId, siteId));
  return { total: Number(row?.total ?? 0), covered: Number(row?.covered ?? 0), active: Number(row?.active ?? 0), activeCovered: Number(row?.activeCovered ?? 0) };
}

export async function listOperatorGroups(db: Queryable, siteId: number) {
  return db.select().from(operatorGroups).where(eq(operatorGroups.siteId, siteId)).orderBy(asc(operatorGroups.id));
}

/** Organisations that can operate a site, for the new-site form. */
export async function listCooperatives(db: Queryable) {
  return db
    .select({ id: organisations.id, code: organisations.code, name: organisations.name })
    .from(organisations)
    .where(eq(organisations.kind, 'cooperative'))
    .orderBy(asc(organisations.name));
}
