import { authorize } from '../../../core/auth/policies.ts';
import { sql } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { standardError } from '../../messages/standard.ts';
import { standardVersions } from '../../schema.ts';
import { criteriaDigest, criteriaOfVersion, lockVersion, type StandardVersion } from '../../standard-versions.ts';

/**
 * Publishes a draft: from now on verifiers assess against it and it never changes. The event
 * carries the SHA-256 of the criteria, so anyone can check the text they read is what was published.
 */
export async function publishStandardVersion(ctx: CommandContext, props: { version: string }): Promise<StandardVersion> {
  authorize(ctx.actor, 'standard.publish');
  const version = await lockVersion(ctx, props.version);
  if (version.status !== 'draft') throw standardError('standard_version_published', 409, { version: props.version });
  const criteria = await criteriaOfVersion(ctx, version.id);
  if (criteria.length === 0) throw standardError('standard_criteria_empty', 422);
  const [published] = await ctx.tx
    .update(standardVersions)
    .set({ status: 'published', publishedAt: ctx.now })
    .where(sql`${standardVersions.id} = ${version.id} and ${standardVersions.status} = 'draft'`)
    .returning();
  const baseline = criteria.filter((c) => c.level === 'baseline').length;
  await appendEvent(ctx, {
    type: 'sites.standard_version_published',
    subject: `standard:${props.version}`,
    payload: { version: props.version, criteria: criteria.length, baseline, progress: criteria.length - baseline, criteriaSha256: criteriaDigest(criteria) },
  });
  return published!;
}
