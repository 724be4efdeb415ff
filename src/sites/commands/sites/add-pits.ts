import { and, eq, inArray } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { siteError } from '../../messages/sites.ts';
import { pits } from '../../schema.ts';
import { siteForAction, type SiteRef } from '../../site-access.ts';
import { type Pit, pitCodePattern, uniqueViolation } from '../../site-records.ts';

/** Adds pits to a site's census. A code already used at the site, or given twice, refuses the whole list. */
export async function addPits(ctx: CommandContext, props: SiteRef & { pits: { code: string; covered: boolean }[] }): Promise<Pit[]> {
  const site = await siteForAction(ctx, 'site.manage', props);
  if (props.pits.length === 0) throw siteError('pit_list_empty', 422);
  const codes = props.pits.map((pit) => pit.code);
  const invalid = codes.filter((code) => !pitCodePattern.test(code));
  if (invalid.length > 0) throw siteError('pit_code_invalid', 422, { codes: invalid.join(', ') }, { codes: invalid });
  const repeated = codes.filter((code, i) => codes.indexOf(code) !== i);
  const existing = await ctx.tx
    .select({ code: pits.code })
    .from(pits)
    .where(and(eq(pits.siteId, site.id), inArray(pits.code, codes)));
  const conflicts = [...new Set([...repeated, ...existing.map((pit) => pit.code)])].sort();
  if (conflicts.length > 0) throw siteError('pit_already_exists', 409, { codes: conflicts.join(', ') }, { codes: conflicts });
  let added: Pit[];
  try {
    added = await ctx.tx
      .insert(pits)
      .values(props.pits.map((pit) => ({ siteId: site.id, code: pit.code, covered: pit.covered })))
      .returning();
  } catch (error) {
    if (uniqueViolation(error)) throw siteError('pit_already_exists', 409, { codes: codes.join(', ') }, { codes });
    throw error;
  }
  await appendEvent(ctx, {
    type: 'sites.pits_added',
    subject: `site:${site.code}`,
    payload: { site: site.code, pits: props.pits.map((pit) => ({ code: pit.code, covered: pit.covered })) },
  });
  return added;
}
