import { and, eq } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { siteError } from '../../messages/sites.ts';
import { pits } from '../../schema.ts';
import { siteForAction, type SiteRef } from '../../site-access.ts';
import type { Pit } from '../../site-records.ts';

/** Marks a pit covered or uncovered, active or inactive (what is not given stays as it is). */
export async function updatePit(ctx: CommandContext, props: SiteRef & { pitCode: string; covered?: boolean; active?: boolean }): Promise<Pit> {
  const site = await siteForAction(ctx, 'site.manage', props);
  const [pit] = await ctx.tx
    .update(pits)
    .set({ ...(props.covered === undefined ? {} : { covered: props.covered }), ...(props.active === undefined ? {} : { active: props.active }), updatedAt: ctx.now })
    .where(and(eq(pits.siteId, site.id), eq(pits.code, props.pitCode)))
    .returning();
  if (!pit) throw siteError('pit_not_found', 404, { pit: props.pitCode });
  await appendEvent(ctx, {
    type: 'sites.pit_updated',
    subject: `site:${site.code}`,
    payload: { site: site.code, pit: pit.code, covered: pit.covered, active: pit.active },
  });
  return pit;
}
