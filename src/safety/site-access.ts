import { eq } from 'drizzle-orm';
import type { Queryable } from '../db/connect.ts';
import type { CommandContext } from '../journal/public.ts';
import { sites } from '../sites/public.ts';
import { safetyError } from './messages/errors.ts';
import { safetySite } from './queries/summary.ts';

/** The site a route or page names by its code, or a 404. */
export async function siteOrNotFound(db: Queryable, code: string) {
  const site = await safetySite(db, code);
  if (!site) throw safetyError('site_not_found', 404, { site: code });
  return site;
}

/**
 * Takes the site's row for the rest of the command, so two safety changes of one site never
 * interleave; the cooperative that operates it is what the safety policy asks about.
 */
export async function lockSafetySite(ctx: CommandContext, siteId: number) {
  const [site] = await ctx.tx
    .select({ id: sites.id, code: sites.code, cooperativeOrganisationId: sites.cooperativeOrganisationId })
    .from(sites)
    .where(eq(sites.id, siteId))
    .for('no key update');
  if (!site) throw safetyError('site_not_found', 404, { site: String(siteId) });
  return site;
}

/** A site as the safety policy (`safety.read`, `safety.record`) sees it: the cooperative that operates it. */
export const siteResource = (site: { cooperativeOrganisationId: number }) => ({ siteCooperativeOrgId: site.cooperativeOrganisationId });
