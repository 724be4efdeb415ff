import { asc, eq } from 'drizzle-orm';
import type { Queryable } from '../../db/connect.ts';
import { sites } from '../../sites/public.ts';
import { interventionTotals, publicPeopleAffected, yearFigures, yearOnYear } from './figures.ts';

/**
 * What anyone may know of a site's safety in a year: counts and rates only, the year before for
 * comparison, interventions and their cost, and people affected as suppressed marginal totals. No
 * description, no date finer than a month, no person.
 */
export async function siteSafetySummary(db: Queryable, props: { site: { id: number; code: string; name: string }; year: number; today: string }) {
  const { site, year, today } = props;
  const [current, previous, interventions, peopleAffected] = await Promise.all([
    yearFigures(db, { siteId: site.id, year, today }),
    yearFigures(db, { siteId: site.id, year: year - 1, today }),
    interventionTotals(db, { siteId: site.id, from: `${year}-01-01`, to: `${year}-12-31` }),
    publicPeopleAffected(db, { siteId: site.id, year }),
  ]);
  return { site: { code: site.code, name: site.name }, current, previous, yearOnYear: yearOnYear(current, previous), interventions, peopleAffected };
}

export type SiteSafetySummary = Awaited<ReturnType<typeof siteSafetySummary>>;

/** Sites, by code, for the public summary over all of them. */
export async function safetySites(db: Queryable, code?: string) {
  const rows = await db.select({ id: sites.id, code: sites.code, name: sites.name, cooperativeOrganisationId: sites.cooperativeOrganisationId }).from(sites).orderBy(asc(sites.code));
  return code ? rows.filter((s) => s.code === code) : rows;
}

export async function safetySite(db: Queryable, code: string) {
  const [site] = await db.select({ id: sites.id, code: sites.code, name: sites.name, cooperativeOrganisationId: sites.cooperativeOrganisationId }).from(sites).where(eq(sites.code, code));
  return site;
}
