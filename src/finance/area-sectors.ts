import { eq } from 'drizzle-orm';
import type { CommandContext } from '../journal/public.ts';
import { isActiveCode } from './iati/codelists.ts';
import { financeError } from './messages/errors.ts';
import { financeAreaSectors } from './schema.ts';

/** An OECD DAC 5-digit sector (IATI Sector codelist, vocabulary 1) and its share of an area, in whole percent. */
export type AreaSector = { code: string; percentage: number };

export type ProgrammeAreaProps = {
  /** Lower-case code, e.g. `child_labour`. */
  code: string;
  labelEn: string;
  labelFr: string;
  /** One to ten distinct active DAC sectors whose percentages sum to 100. */
  sectors: readonly AreaSector[];
};

/** Refuses an area's labels and sectors unless IATI would accept them: known active codes, shares summing to 100. */
export function checkProgrammeArea(props: ProgrammeAreaProps): { labelEn: string; labelFr: string } {
  const labelEn = props.labelEn.trim();
  const labelFr = props.labelFr.trim();
  if (!labelEn || !labelFr || labelEn.length > 200 || labelFr.length > 200) throw financeError('area_label_required', 422);
  const codes = props.sectors.map((sector) => sector.code);
  if (codes.length === 0 || codes.length > 10 || new Set(codes).size !== codes.length) throw financeError('sectors_required', 422);
  for (const code of codes) if (!isActiveCode('Sector', code)) throw financeError('sector_unknown', 422, { sector: code });
  const total = props.sectors.reduce((sum, sector) => sum + sector.percentage, 0);
  if (props.sectors.some((sector) => !Number.isInteger(sector.percentage) || sector.percentage < 1 || sector.percentage > 100) || total !== 100) {
    throw financeError('sector_percentages', 422, { total: String(total) });
  }
  return { labelEn, labelFr };
}

/** Sets an area's sectors to these, replacing what it had. */
export async function replaceAreaSectors(ctx: CommandContext, areaId: number, sectors: readonly AreaSector[]): Promise<void> {
  await ctx.tx.delete(financeAreaSectors).where(eq(financeAreaSectors.areaId, areaId));
  await ctx.tx.insert(financeAreaSectors).values(sectors.map((sector) => ({ areaId, sectorCode: sector.code, percentage: sector.percentage })));
}
