import { and, eq } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { siteError } from '../../messages/sites.ts';
import { operatorGroups } from '../../schema.ts';
import { siteForAction, type SiteRef } from '../../site-access.ts';
import { type OperatorGroup, operatorGroupCodePattern, uniqueViolation } from '../../site-records.ts';

/** Adds an operator group to a site, beyond the eight defaults (for example mechanics). */
export async function addOperatorGroup(ctx: CommandContext, props: SiteRef & { code: string; labelEn: string; labelFr: string }): Promise<OperatorGroup> {
  const site = await siteForAction(ctx, 'site.manage', props);
  if (!operatorGroupCodePattern.test(props.code)) throw siteError('group_code_error', 422);
  const [taken] = await ctx.tx
    .select({ id: operatorGroups.id })
    .from(operatorGroups)
    .where(and(eq(operatorGroups.siteId, site.id), eq(operatorGroups.code, props.code)));
  if (taken) throw siteError('operator_group_exists', 409, { group: props.code });
  let group: OperatorGroup;
  try {
    [group] = (await ctx.tx.insert(operatorGroups).values({ siteId: site.id, code: props.code, labelEn: props.labelEn, labelFr: props.labelFr }).returning()) as [OperatorGroup];
  } catch (error) {
    if (uniqueViolation(error)) throw siteError('operator_group_exists', 409, { group: props.code });
    throw error;
  }
  await appendEvent(ctx, {
    type: 'sites.operator_group_added',
    subject: `site:${site.code}`,
    payload: { site: site.code, group: group.code, labelEn: group.labelEn, labelFr: group.labelFr },
  });
  return group;
}
