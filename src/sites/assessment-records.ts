import { and, eq, inArray } from 'drizzle-orm';
import { authorize, can } from '../core/auth/policies.ts';
import { type Actor, organisationOf } from '../core/auth/roles.ts';
import { notFound } from '../core/errors.ts';
import type { CommandContext } from '../journal/public.ts';
import { assessmentError } from './messages/assessments.ts';
import { assessments, sites, standardCriteria } from './schema.ts';

export type Assessment = typeof assessments.$inferSelect;

/**
 * Asks the `assessment.write` policy for a site. When the actor may assess sites in general but not
 * this one, the only reason is that its organisation operates the site: say so plainly
 * (`assessment_not_independent`) rather than with a bare `forbidden`.
 */
export function authorizeAssessmentWrite(actor: Actor, site: { cooperativeOrganisationId: number }): void {
  const resource = { siteCooperativeOrgId: site.cooperativeOrganisationId };
  if (!can(actor, 'assessment.write', resource) && can(actor, 'assessment.write', { siteCooperativeOrgId: -1 })) {
    throw assessmentError('assessment_not_independent', 403);
  }
  authorize(actor, 'assessment.write', resource);
}

/**
 * The draft assessment a command may change: the actor may assess its site, it exists, belongs to
 * the acting verifier's organisation, and was not submitted. Locked until the command ends, so a save and a submit
 * never interleave.
 */
export async function lockDraftAssessment(ctx: CommandContext, assessmentId: number) {
  const [row] = await ctx.tx
    .select({ assessment: assessments, siteCooperativeOrgId: sites.cooperativeOrganisationId })
    .from(assessments)
    .innerJoin(sites, eq(sites.id, assessments.siteId))
    .where(eq(assessments.id, assessmentId))
    .for('update', { of: assessments });
  authorizeAssessmentWrite(ctx.actor, { cooperativeOrganisationId: row?.siteCooperativeOrgId ?? -1 });
  if (!row) throw notFound();
  const { assessment } = row;
  if (assessment.verifierOrganisationId !== organisationOf(ctx.actor)) throw assessmentError('assessment_other_verifier', 403);
  if (assessment.status === 'submitted') throw assessmentError('assessment_submitted', 409);
  return assessment;
}

export async function criteriaByCode(ctx: CommandContext, versionId: number, codes: string[]) {
  const rows = codes.length === 0 ? [] : await ctx.tx.select().from(standardCriteria).where(and(eq(standardCriteria.versionId, versionId), inArray(standardCriteria.code, codes)));
  const found = new Map(rows.map((row) => [row.code, row]));
  const unknown = [...new Set(codes.filter((code) => !found.has(code)))];
  if (unknown.length > 0) throw assessmentError('unknown_criterion', 422, { codes: unknown.join(', ') }, { codes: unknown });
  return found;
}
