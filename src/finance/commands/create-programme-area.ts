import { eq } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { checkProgrammeArea, replaceAreaSectors, type ProgrammeAreaProps } from '../area-sectors.ts';
import { financeError } from '../messages/errors.ts';
import { financeProgrammeAreas } from '../schema.ts';

const areaCodeFormat = /^[a-z][a-z0-9_]{1,39}$/;

/** The secretariat adds a programme area of the alliance with its EN/FR names and DAC sectors. */
export async function createProgrammeArea(ctx: CommandContext, props: ProgrammeAreaProps) {
  authorize(ctx.actor, 'finance.manage');
  if (!areaCodeFormat.test(props.code)) throw financeError('area_code_invalid', 422, { code: props.code });
  const labels = checkProgrammeArea(props);
  const [existing] = await ctx.tx.select({ id: financeProgrammeAreas.id }).from(financeProgrammeAreas).where(eq(financeProgrammeAreas.code, props.code));
  if (existing) throw financeError('area_exists', 409, { code: props.code });
  const [area] = (await ctx.tx.insert(financeProgrammeAreas).values({ code: props.code, ...labels, createdAt: ctx.now }).returning()) as [typeof financeProgrammeAreas.$inferSelect];
  await replaceAreaSectors(ctx, area.id, props.sectors);
  await appendEvent(ctx, {
    type: 'finance.programme_area_created',
    subject: `programme-area:${area.code}`,
    payload: { code: area.code, labelEn: area.labelEn, labelFr: area.labelFr, sectors: props.sectors.map(({ code, percentage }) => ({ code, percentage })) },
  });
  return area;
}
