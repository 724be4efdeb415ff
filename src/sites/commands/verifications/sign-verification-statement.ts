import { createPrivateKey, sign } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { authorize } from '../../../core/auth/policies.ts';
import { canonicalBytes } from '../../../core/canonical-json.ts';
import { notFound } from '../../../core/errors.ts';
import { databaseErrorCode } from '../../../db/transaction.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { verificationError } from '../../messages/verifications.ts';
import { assessmentForVerification, documentSha256, findOverlappingStatement, type VerificationDocument, verificationDocumentType } from '../../queries/verifications.ts';
import { sites, verificationStatements } from '../../schema.ts';
import { ensureOrganisationKey } from '../../organisation-keys.ts';
import { overlapError, planVerificationStatement, type SignVerificationProps, statementSentences, type VerificationPlan } from '../../verification-statements.ts';

/**
 * When a statement is signed at a site's address, the policy is asked of that site before it is
 * known to exist (so that its code cannot be probed), and an assessment of another site is not found.
 */
async function refuseAssessmentOfAnotherSite(ctx: CommandContext, siteCode: string, assessmentId: number): Promise<void> {
  const [site] = await ctx.tx.select({ id: sites.id, cooperativeOrganisationId: sites.cooperativeOrganisationId }).from(sites).where(eq(sites.code, siteCode));
  authorize(ctx.actor, 'verification.sign', { siteCooperativeOrgId: site?.cooperativeOrganisationId ?? -1 });
  if (!site) throw notFound();
  const assessment = await assessmentForVerification(ctx.tx, assessmentId);
  if (assessment?.site.id !== site.id) throw verificationError('assessment_not_found', 404, () => ({ id: assessmentId }));
}

function statementDocument(plan: VerificationPlan, signedAt: Date, publicKey: Buffer): VerificationDocument {
  return {
    type: verificationDocumentType,
    version: 1,
    site: { code: plan.site.code, name: plan.site.name },
    mineral: plan.mineral,
    period: { start: plan.periodStart, end: plan.periodEnd },
    assessment: { id: plan.assessment.id, standardVersion: plan.assessment.standardVersion, baselineCriteria: plan.baselineCriteria },
    verifier: { code: plan.verifier.code, name: plan.verifier.name },
    declaredKg: plan.declaredKg,
    responsibleKg: plan.responsibleKg,
    statement: statementSentences(plan),
    signedAt: signedAt.toISOString(),
    key: { publicKey: publicKey.toString('base64') },
  };
}

export type SignedStatement = typeof verificationStatements.$inferSelect;

/**
 * The verifier states that every baseline criterion was met at the assessment's site for a
 * mineral and period, and confirms the quantity produced responsibly. The document is signed with
 * the verifier organisation's key and kept as the exact bytes that were signed. Refused (and
 * nothing written) when any rule of `planVerificationStatement` fails; two statements of one site
 * and mineral never overlap, even when signed at the same moment (the EXCLUDE constraint decides).
 */
export async function signVerificationStatement(ctx: CommandContext, { site: siteCode, ...props }: SignVerificationProps & { /** The site a URL names: the assessment must be of it. */ site?: string }): Promise<SignedStatement> {
  if (siteCode !== undefined) await refuseAssessmentOfAnotherSite(ctx, siteCode, props.assessmentId);
  const plan = await planVerificationStatement(ctx.tx, ctx.actor, props);
  const key = await ensureOrganisationKey(ctx, plan.verifier.id);
  const document = canonicalBytes(statementDocument(plan, ctx.now, key.publicKey));
  const signature = sign(null, document, createPrivateKey({ key: key.privateKeyPkcs8, format: 'der', type: 'pkcs8' }));
  let statement: SignedStatement;
  try {
    // A savepoint, so that when a concurrent signing got the period first we can still say which statement it was.
    statement = await ctx.tx.transaction(async (savepoint) => {
      const [row] = await savepoint
        .insert(verificationStatements)
        .values({
          siteId: plan.site.id,
          mineral: plan.mineral,
          periodStart: plan.periodStart,
          periodEnd: plan.periodEnd,
          assessmentId: plan.assessment.id,
          verifierOrganisationId: plan.verifier.id,
          declaredKg: plan.declaredKg,
          responsibleKg: plan.responsibleKg,
          document,
          signature,
          keyId: key.id,
          signedByUserId: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
          signedAt: ctx.now,
        })
        .returning();
      return row!;
    });
  } catch (error) {
    // exclusion_violation: verification_statements_no_overlap
    if (databaseErrorCode(error) !== '23P01') throw error;
    const other = await findOverlappingStatement(ctx.tx, { siteId: plan.site.id, mineral: plan.mineral, start: plan.periodStart, end: plan.periodEnd });
    throw overlapError(other?.id ?? null);
  }
  await appendEvent(ctx, {
    type: 'sites.verification_signed',
    subject: `verification:${statement.id}`,
    payload: {
      statementId: statement.id,
      site: plan.site.code,
      mineral: plan.mineral,
      period: { start: plan.periodStart, end: plan.periodEnd },
      responsibleKg: plan.responsibleKg,
      documentSha256: documentSha256(document),
      signature: signature.toString('base64'),
      verifier: plan.verifier.code,
      publicKey: key.publicKey.toString('base64'),
    },
  });
  return statement;
}
