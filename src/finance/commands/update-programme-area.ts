import { eq } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { checkProgrammeArea, replaceAreaSectors, type ProgrammeAreaProps } from '../area-sectors.ts';
import { financeError } from '../messages/errors.ts';
import { financeProgrammeAreas } from '../schema.ts';

/** The secretariat renames an area or changes its DAC sectors; its activities report under the new sectors from then on. */
export async function updateProgrammeArea(ctx: CommandContext, props: ProgrammeAreaProps) {
  authorize(ctx.actor, 'finance.manage');
  const labels = checkProgrammeArea(props);
  const [area] = await ctx.tx.update(financeProgrammeAreas).set(labels).where(eq(financeProgrammeAreas.code, props.code)).returning();
  if (!area) throw financeError('area_not_found', 404, { code: props.code });
  await replaceAreaSectors(ctx, area.id, props.sectors);
  await appendEvent(ctx, {
    type: 'finance.programme_area_updated',
    subject: `programme-area:${area.code}`,
    payload: { code: area.code, labelEn: area.labelEn, labelFr: area.labelFr, sectors: props.sectors.map(({ code, percentage }) => ({ code, percentage })) },
  });
  return area;
}
