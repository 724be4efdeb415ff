import { asc, eq } from 'drizzle-orm';
import type { Queryable } from '../../db/connect.ts';
import { financeAreaSectors, financeProgrammeAreas } from '../schema.ts';

/** The programme areas in code order, each with its DAC sectors. */
export async function listProgrammeAreas(db: Queryable) {
  const areas = await db.select().from(financeProgrammeAreas).orderBy(asc(financeProgrammeAreas.code));
  const sectors = await db
    .select({ areaId: financeAreaSectors.areaId, code: financeAreaSectors.sectorCode, percentage: financeAreaSectors.percentage })
    .from(financeAreaSectors)
    .innerJoin(financeProgrammeAreas, eq(financeProgrammeAreas.id, financeAreaSectors.areaId))
    .orderBy(asc(financeAreaSectors.sectorCode));
  return areas.map((area) => ({ ...area, sectors: sectors.filter((sector) => sector.areaId === area.id).map(({ code, percentage }) => ({ code, percentage })) }));
}
