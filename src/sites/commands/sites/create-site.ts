import { eq } from 'drizzle-orm';
import { organisations } from '../../../accounts/public.ts';
import { authorize } from '../../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { siteError } from '../../messages/sites.ts';
import { defaultOperatorGroups, operatorGroups, sites } from '../../schema.ts';
import { defaultOperatorGroupLabels, type Site, siteCodePattern, uniqueViolation } from '../../site-records.ts';

/**
 * Creates a site operated by a cooperative organisation, with the eight default operator groups.
 * The code is permanent: credit serials and addresses use it.
 */
export async function createSite(
  ctx: CommandContext,
  props: {
    /** 3 to 6 capital letters, e.g. `KAM`. */
    code: string;
    name: string;
    province: string;
    town: string;
    latitudeE6: number;
    longitudeE6: number;
    concessionHolder: string;
    /** The code of the operating cooperative's organisation; it must be of kind `cooperative`. */
    cooperative: string;
  },
): Promise<Site> {
  authorize(ctx.actor, 'site.manage');
  if (!siteCodePattern.test(props.code)) throw siteError('code_error', 422);
  const [cooperative] = await ctx.tx.select().from(organisations).where(eq(organisations.code, props.cooperative));
  if (!cooperative) throw siteError('cooperative_not_found', 422, { cooperative: props.cooperative });
  if (cooperative.kind !== 'cooperative') throw siteError('organisation_not_cooperative', 422, { cooperative: props.cooperative, kind: cooperative.kind });
  const [taken] = await ctx.tx.select({ id: sites.id }).from(sites).where(eq(sites.code, props.code));
  if (taken) throw siteError('site_code_taken', 409, { code: props.code });
  let site: Site;
  try {
    [site] = (await ctx.tx
      .insert(sites)
      .values({
        code: props.code,
        name: props.name,
        province: props.province,
        town: props.town,
        latitudeE6: props.latitudeE6,
        longitudeE6: props.longitudeE6,
        concessionHolder: props.concessionHolder,
        cooperativeOrganisationId: cooperative.id,
      })
      .returning()) as [Site];
  } catch (error) {
    if (uniqueViolation(error)) throw siteError('site_code_taken', 409, { code: props.code });
    throw error;
  }
  await ctx.tx
    .insert(operatorGroups)
    .values(defaultOperatorGroups.map((code) => ({ siteId: site.id, code, labelEn: defaultOperatorGroupLabels[code].en, labelFr: defaultOperatorGroupLabels[code].fr })));
  await appendEvent(ctx, {
    type: 'sites.site_created',
    subject: `site:${site.code}`,
    payload: {
      code: site.code,
      name: site.name,
      province: site.province,
      town: site.town,
      latitudeE6: site.latitudeE6,
      longitudeE6: site.longitudeE6,
      concessionHolder: site.concessionHolder,
      cooperative: cooperative.code,
      operatorGroups: [...defaultOperatorGroups],
    },
  });
  return site;
}
