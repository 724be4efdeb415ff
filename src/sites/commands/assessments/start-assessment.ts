import { and, desc, eq } from 'drizzle-orm';
import { organisations } from '../../../accounts/public.ts';
import { organisationOf } from '../../../core/auth/roles.ts';
import { notFound } from '../../../core/errors.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { assessmentError } from '../../messages/assessments.ts';
import { assessments, standardVersions } from '../../schema.ts';
import { findSite, type SiteRef } from '../../site-access.ts';
import { type Assessment, authorizeAssessmentWrite } from '../../assessment-records.ts';

/**
 * Opens a draft assessment of a site for a period, by the acting verifier's organisation, against
 * a published version of the standard (the latest published one unless one is named). A verifier
 * never assesses a site its own organisation operates.
 */
export async function startAssessment(
  ctx: CommandContext,
  props: SiteRef & {
    /** First and last day of the period assessed, `YYYY-MM-DD`, both included. */
    periodStart: string;
    periodEnd: string;
    /** The version label (e.g. `2024.1`); the latest published version when absent. */
    standardVersion?: string;
  },
): Promise<Assessment> {
  const site = await findSite(ctx.tx, props);
  authorizeAssessmentWrite(ctx.actor, { cooperativeOrganisationId: site?.cooperativeOrganisationId ?? -1 });
  if (!site) throw notFound();
  const verifierId = organisationOf(ctx.actor);
  const [verifier] = verifierId === null ? [] : await ctx.tx.select().from(organisations).where(eq(organisations.id, verifierId));
  if (!verifier || verifier.kind !== 'verifier') throw assessmentError('assessment_verifier_only', 403);
  if (site.cooperativeOrganisationId === verifier.id) throw assessmentError('assessment_not_independent', 403);
  if (props.periodEnd < props.periodStart) throw assessmentError('assessment_period_invalid', 422, { start: props.periodStart, end: props.periodEnd });
  const published = eq(standardVersions.status, 'published');
  const [version] = await ctx.tx
    .select()
    .from(standardVersions)
    .where(props.standardVersion === undefined ? published : and(published, eq(standardVersions.version, props.standardVersion)))
    .orderBy(desc(standardVersions.publishedAt), desc(standardVersions.id))
    .limit(1);
  if (!version) {
    throw props.standardVersion === undefined
      ? assessmentError('no_published_standard', 422)
      : assessmentError('standard_version_unavailable', 422, { version: props.standardVersion });
  }
  const [assessment] = await ctx.tx
    .insert(assessments)
    .values({ siteId: site.id, verifierOrganisationId: verifier.id, standardVersionId: version.id, periodStart: props.periodStart, periodEnd: props.periodEnd })
    .returning();
  await appendEvent(ctx, {
    type: 'sites.assessment_started',
    subject: `assessment:${assessment!.id}`,
    payload: {
      assessmentId: assessment!.id,
      site: site.code,
      verifier: verifier.code,
      standardVersion: version.version,
      periodStart: props.periodStart,
      periodEnd: props.periodEnd,
    },
  });
  return assessment!;
}
