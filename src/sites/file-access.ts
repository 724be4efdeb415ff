import { eq } from 'drizzle-orm';
import { can } from '../core/auth/policies.ts';
import type { Actor } from '../core/auth/roles.ts';
import type { Database } from '../db/connect.ts';
import { assessmentEvidence, assessmentResponses, assessments, correctiveActions, productionDeclarations, sites } from './schema.ts';

/**
 * Whether the actor may read a site record that cites restricted file `fileId`: the assay
 * certificate of a production declaration (production.read.details), the evidence of an
 * assessment (assessment.read), the closing evidence of a corrective action
 * (corrective_action.manage), each at the record's site. Undefined when no site record cites it.
 */
export async function siteRecordCitingFileIsReadable(db: Database, actor: Actor, fileId: number): Promise<boolean | undefined> {
  const [declarations, evidence, actions] = await Promise.all([
    db.select({ cooperative: sites.cooperativeOrganisationId }).from(productionDeclarations).innerJoin(sites, eq(sites.id, productionDeclarations.siteId)).where(eq(productionDeclarations.evidenceFileId, fileId)),
    db
      .select({ cooperative: sites.cooperativeOrganisationId })
      .from(assessmentEvidence)
      .innerJoin(assessmentResponses, eq(assessmentResponses.id, assessmentEvidence.responseId))
      .innerJoin(assessments, eq(assessments.id, assessmentResponses.assessmentId))
      .innerJoin(sites, eq(sites.id, assessments.siteId))
      .where(eq(assessmentEvidence.fileId, fileId)),
    db.select({ cooperative: sites.cooperativeOrganisationId }).from(correctiveActions).innerJoin(sites, eq(sites.id, correctiveActions.siteId)).where(eq(correctiveActions.closureEvidenceFileId, fileId)),
  ]);
  if (declarations.length + evidence.length + actions.length === 0) return undefined;
  return (
    declarations.some((row) => can(actor, 'production.read.details', { siteCooperativeOrgId: row.cooperative })) ||
    evidence.some((row) => can(actor, 'assessment.read', { siteCooperativeOrgId: row.cooperative })) ||
    actions.some((row) => can(actor, 'corrective_action.manage', { siteCooperativeOrgId: row.cooperative }))
  );
}
