import { createPrivateKey, sign } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { authorize } from '../../../core/auth/policies.ts';
import { canonicalBytes } from '../../../core/canonical-json.ts';
import { notFound } from '../../../core/errors.ts';
import type { CommandContext } from '../../../journal/public.ts';
import { verificationError } from '../../messages/verifications.ts';
import { assessmentForVerification } from '../../queries/verifications.ts';
import { sites } from '../../schema.ts';
import { ensureOrganisationKey } from '../../organisation-keys.ts';
import { insertStatement, journalSignedStatement, planVerificationStatement, type SignedStatement, type SignVerificationProps, statementDocument } from '../../verification-statements.ts';

export type { SignedStatement };

/**
 * When a statement is signed at a site's address, the policy is asked of that site before it is
 * known to exist (so that its code cannot be probed), and an assessment of another site is not found.
 */
export async function refuseAssessmentOfAnotherSite(ctx: CommandContext, siteCode: string, assessmentId: number): Promise<void> {
  const [site] = await ctx.tx.select({ id: sites.id, cooperativeOrganisationId: sites.cooperativeOrganisationId }).from(sites).where(eq(sites.code, siteCode));
  authorize(ctx.actor, 'verification.sign', { siteCooperativeOrgId: site?.cooperativeOrganisationId ?? -1 });
  if (!site) throw notFound();
  const assessment = await assessmentForVerification(ctx.tx, assessmentId);
  if (assessment?.site.id !== site.id) throw verificationError('assessment_not_found', 404, () => ({ id: assessmentId }));
}

/**
 * The verifier states that every baseline criterion was met at the assessment's site for a
 * mineral and period, and confirms the quantity produced responsibly. The document is signed with
 * the verifier organisation's key held by the registry and kept as the exact bytes that were
 * signed; refused (`verifier_holds_key`) for an organisation that holds its own key, which signs
 * through `prepareVerificationStatement` and `submitStatementSignature` instead. Refused (and
 * nothing written) when any rule of `planVerificationStatement` fails; two statements of one site
 * and mineral never overlap, even when signed at the same moment (the EXCLUDE constraint decides).
 */
export async function signVerificationStatement(ctx: CommandContext, { site: siteCode, ...props }: SignVerificationProps & { /** The site a URL names: the assessment must be of it. */ site?: string }): Promise<SignedStatement> {
  if (siteCode !== undefined) await refuseAssessmentOfAnotherSite(ctx, siteCode, props.assessmentId);
  const plan = await planVerificationStatement(ctx.tx, ctx.actor, props);
  const key = await ensureOrganisationKey(ctx, plan.verifier.id);
  const document = canonicalBytes(statementDocument(plan, ctx.now, key.publicKey));
  const signature = sign(null, document, createPrivateKey({ key: key.privateKeyPkcs8, format: 'der', type: 'pkcs8' }));
  const statement = await insertStatement(ctx, plan, { document, signature, keyId: key.id, signedAt: ctx.now });
  await journalSignedStatement(ctx, statement, plan, { document, signature, publicKey: key.publicKey, keyId: key.id, keyCustody: 'registry' });
  return statement;
}
