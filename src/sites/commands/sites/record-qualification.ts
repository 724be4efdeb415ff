import { addMonths } from '../../../core/calendar.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { siteQualifications } from '../../schema.ts';
import { siteForAction, type SiteRef } from '../../site-access.ts';
import { assertPastDate, type QualificationLevel, type SiteQualification } from '../../site-records.ts';

/** Months until the next review of a qualification level (DRC national qualification); none for red and blue. */
export const reviewMonths: Record<QualificationLevel, number | null> = { green: 12, yellow: 6, red: null, blue: null };

/**
 * Records a national qualification decision. The next review falls 12 months later for green, 6 for
 * yellow, and is not set for red or blue. The current qualification is the latest by decision date.
 */
export async function recordQualification(
  ctx: CommandContext,
  props: SiteRef & { level: QualificationLevel; qualifiedOn: string; decidedBy: string },
): Promise<SiteQualification> {
  const site = await siteForAction(ctx, 'site.manage', props);
  assertPastDate(props.qualifiedOn, ctx.now);
  const months = reviewMonths[props.level];
  const nextReviewOn = months === null ? null : addMonths(props.qualifiedOn, months);
  const [qualification] = await ctx.tx
    .insert(siteQualifications)
    .values({ siteId: site.id, level: props.level, qualifiedOn: props.qualifiedOn, nextReviewOn, decidedBy: props.decidedBy })
    .returning();
  await appendEvent(ctx, {
    type: 'sites.qualification_recorded',
    subject: `site:${site.code}`,
    payload: { site: site.code, level: props.level, qualifiedOn: props.qualifiedOn, nextReviewOn, decidedBy: props.decidedBy },
  });
  return qualification!;
}
