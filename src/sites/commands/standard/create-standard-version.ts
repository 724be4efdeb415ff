import { authorize } from '../../../core/auth/policies.ts';
import { desc, eq } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { defaultStandard } from '../../default-standard.ts';
import { standardError } from '../../messages/standard.ts';
import { standardCriteria, standardVersions } from '../../schema.ts';
import { criteriaDigest, criteriaOfVersion, type CriterionInput, criterionRows, refuseInvalidCriteria, type StandardVersion, versionPattern } from '../../standard-versions.ts';

export type StandardSource = { kind: 'default' } | { kind: 'latest_published' } | { kind: 'criteria'; criteria: readonly CriterionInput[] };

/**
 * Creates a draft version of the standard (secretariat): from the default standard shipped with
 * Orebook, from a list of criteria, or as a copy of the latest published version to edit.
 */
export async function createStandardVersion(ctx: CommandContext, props: { version: string; source: StandardSource }): Promise<StandardVersion> {
  authorize(ctx.actor, 'standard.publish');
  if (!versionPattern.test(props.version)) throw standardError('standard_version_format', 422, { version: props.version });
  const [taken] = await ctx.tx.select({ id: standardVersions.id }).from(standardVersions).where(eq(standardVersions.version, props.version));
  if (taken) throw standardError('standard_version_taken', 409, { version: props.version });
  let criteria: readonly CriterionInput[];
  let copiedFrom: string | null = null;
  if (props.source.kind === 'default') criteria = defaultStandard.criteria;
  else if (props.source.kind === 'criteria') criteria = props.source.criteria;
  else {
    const [latest] = await ctx.tx
      .select()
      .from(standardVersions)
      .where(eq(standardVersions.status, 'published'))
      .orderBy(desc(standardVersions.publishedAt), desc(standardVersions.id))
      .limit(1);
    if (!latest) throw standardError('standard_none_published', 409);
    criteria = await criteriaOfVersion(ctx, latest.id);
    copiedFrom = latest.version;
  }
  refuseInvalidCriteria(criteria);
  const [created] = await ctx.tx.insert(standardVersions).values({ version: props.version, status: 'draft' }).returning();
  await ctx.tx.insert(standardCriteria).values(criterionRows(created!.id, criteria));
  await appendEvent(ctx, {
    type: 'sites.standard_version_created',
    subject: `standard:${props.version}`,
    payload: { version: props.version, source: props.source.kind, copiedFrom, criteria: criteria.length, criteriaSha256: criteriaDigest(criteria) },
  });
  return created!;
}
