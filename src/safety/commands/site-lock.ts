import { eq } from 'drizzle-orm';
import type { CommandContext } from '../../journal/public.ts';
import { sites } from '../../sites/public.ts';
import { safetyError } from '../messages/errors.ts';

/** Takes the site's row for the rest of the command, so two safety changes of one site never interleave. */
export async function lockSafetySite(ctx: CommandContext, siteId: number) {
  const [site] = await ctx.tx.select({ id: sites.id, code: sites.code }).from(sites).where(eq(sites.id, siteId)).for('no key update');
  if (!site) throw safetyError('site_not_found', 404, { site: String(siteId) });
  return site;
}
