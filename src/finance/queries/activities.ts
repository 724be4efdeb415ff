import { asc, eq, inArray } from 'drizzle-orm';
import { organisations } from '../../accounts/public.ts';
import type { Queryable } from '../../db/connect.ts';
import { sites } from '../../sites/public.ts';
import { financeActivities, financeActivitySites, financeAreaSectors, financeParticipatingOrgs, financeProgrammeAreas } from '../schema.ts';

/** An activity with all IATI publishes of it: its area's sectors, its sites and its participating organisations (names of organisations only). */
export type PublishedActivity = typeof financeActivities.$inferSelect & {
  areaCode: string;
  sectors: { code: string; percentage: number }[];
  siteCodes: string[];
  participants: { roleCode: number; name: string; iatiRef: string | null }[];
};

/** Every activity, in code order, with what its IATI record needs. */
export async function listPublishedActivities(db: Queryable): Promise<PublishedActivity[]> {
  const activities = await db.select().from(financeActivities).orderBy(asc(financeActivities.code));
  if (activities.length === 0) return [];
  const ids = activities.map((activity) => activity.id);
  const areaCodes = new Map((await db.select({ id: financeProgrammeAreas.id, code: financeProgrammeAreas.code }).from(financeProgrammeAreas)).map((area) => [area.id, area.code]));
  const sectors = await db
    .select({ areaId: financeAreaSectors.areaId, code: financeAreaSectors.sectorCode, percentage: financeAreaSectors.percentage })
    .from(financeAreaSectors)
    .innerJoin(financeProgrammeAreas, eq(financeProgrammeAreas.id, financeAreaSectors.areaId))
    .orderBy(asc(financeAreaSectors.sectorCode));
  const siteRows = await db
    .select({ activityId: financeActivitySites.activityId, code: sites.code })
    .from(financeActivitySites)
    .innerJoin(sites, eq(sites.id, financeActivitySites.siteId))
    .where(inArray(financeActivitySites.activityId, ids))
    .orderBy(asc(sites.code));
  const participantRows = await db
    .select({ activityId: financeParticipatingOrgs.activityId, roleCode: financeParticipatingOrgs.roleCode, name: financeParticipatingOrgs.name, organisationName: organisations.name, iatiRef: financeParticipatingOrgs.iatiRef })
    .from(financeParticipatingOrgs)
    .leftJoin(organisations, eq(organisations.id, financeParticipatingOrgs.organisationId))
    .where(inArray(financeParticipatingOrgs.activityId, ids))
    .orderBy(asc(financeParticipatingOrgs.id));
  return activities.map((activity) => ({
    ...activity,
    areaCode: areaCodes.get(activity.areaId) ?? '',
    sectors: sectors.filter((sector) => sector.areaId === activity.areaId).map(({ code, percentage }) => ({ code, percentage })),
    siteCodes: siteRows.filter((row) => row.activityId === activity.id).map((row) => row.code),
    participants: participantRows
      .filter((row) => row.activityId === activity.id)
      .map((row) => ({ roleCode: row.roleCode, name: row.name ?? row.organisationName ?? '', iatiRef: row.iatiRef })),
  }));
}
