import { eq } from 'drizzle-orm';
import { authorize } from '../core/auth/policies.ts';
import type { AppError } from '../core/errors.ts';
import type { Queryable } from '../db/connect.ts';
import type { CommandContext } from '../journal/public.ts';
import { siteError } from './messages/sites.ts';
import { sites } from './schema.ts';
import type { Site } from './site-records.ts';

/** How a command is told its site: by id (other commands, imports, the demo), or by the code a URL names. */
export type SiteRef = { siteId: number } | { site: string };

/** The actions on a site's records whose rule looks at the site's operating cooperative. */
type SiteAction = 'worker.register' | 'production.declare' | 'corrective_action.manage';

const siteMissing = (code: string) => siteError('site_not_found', 404, { code });

export async function findSite(db: Queryable, ref: SiteRef): Promise<Site | undefined> {
  const [site] = await db
    .select()
    .from(sites)
    .where('site' in ref ? eq(sites.code, ref.site) : eq(sites.id, ref.siteId));
  return site;
}

/**
 * The site a command acts on, once the actor may take this action there. The policy is asked
 * before the site is known to exist, so that a cooperative cannot probe other sites' codes; a
 * missing site is then refused with `missing` (404).
 */
export async function siteForAction(ctx: CommandContext, action: SiteAction | 'site.manage', ref: SiteRef, missing: (code: string) => AppError = siteMissing): Promise<Site> {
  if (action === 'site.manage') authorize(ctx.actor, action);
  const site = await findSite(ctx.tx, ref);
  if (action !== 'site.manage') authorize(ctx.actor, action, { siteCooperativeOrgId: site?.cooperativeOrganisationId ?? -1 });
  if (!site) throw missing('site' in ref ? ref.site : String(ref.siteId));
  return site;
}
