import { authorize } from '../../../core/auth/policies.ts';
import { eq } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { standardError } from '../../messages/standard.ts';
import { standardCriteria } from '../../schema.ts';
import { criteriaDigest, type CriterionInput, criterionRows, lockVersion, refuseInvalidCriteria, type StandardVersion } from '../../standard-versions.ts';

/** Replaces every criterion of a draft version. A published version is never changed. */
export async function updateDraftCriteria(ctx: CommandContext, props: { version: string; criteria: readonly CriterionInput[] }): Promise<StandardVersion> {
  authorize(ctx.actor, 'standard.publish');
  const version = await lockVersion(ctx, props.version);
  if (version.status !== 'draft') throw standardError('standard_version_published', 409, { version: props.version });
  refuseInvalidCriteria(props.criteria);
  await ctx.tx.delete(standardCriteria).where(eq(standardCriteria.versionId, version.id));
  await ctx.tx.insert(standardCriteria).values(criterionRows(version.id, props.criteria));
  await appendEvent(ctx, {
    type: 'sites.standard_draft_updated',
    subject: `standard:${props.version}`,
    payload: { version: props.version, criteria: props.criteria.length, criteriaSha256: criteriaDigest(props.criteria) },
  });
  return version;
}
