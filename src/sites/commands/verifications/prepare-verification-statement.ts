import { canonicalBytes } from '../../../core/canonical-json.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { verificationError } from '../../messages/verifications.ts';
import { activeKey, keyCustodyOf } from '../../organisation-keys.ts';
import { documentSha256 } from '../../queries/verifications.ts';
import { verificationDrafts } from '../../schema.ts';
import { planVerificationStatement, type SignVerificationProps, statedColumns, statementDocument } from '../../verification-statements.ts';
import { refuseAssessmentOfAnotherSite } from './sign-verification-statement.ts';

export type VerificationDraft = typeof verificationDrafts.$inferSelect;

/**
 * For a verifier organisation that holds its own key: checks every rule of the statement (as
 * `signVerificationStatement` does) and fixes the exact canonical bytes it is to sign, naming its
 * active key. The verifier signs these bytes on its own machine and uploads the signature
 * (`submitStatementSignature`). The document's `signedAt` is this moment. Refused with
 * `no_verifier_key` when the organisation has no active key of its own.
 */
export async function prepareVerificationStatement(ctx: CommandContext, { site: siteCode, ...props }: SignVerificationProps & { site?: string }): Promise<VerificationDraft> {
  if (siteCode !== undefined) await refuseAssessmentOfAnotherSite(ctx, siteCode, props.assessmentId);
  const plan = await planVerificationStatement(ctx.tx, ctx.actor, props);
  const key = await activeKey(ctx.tx, plan.verifier.id);
  if ((await keyCustodyOf(ctx.tx, plan.verifier.id)) !== 'verifier' || key?.custody !== 'verifier') throw verificationError('no_verifier_key', 409);
  const document = canonicalBytes(statementDocument(plan, ctx.now, key.publicKey));
  const [draft] = await ctx.tx
    .insert(verificationDrafts)
    .values({
      ...statedColumns(plan),
      document,
      keyId: key.id,
      preparedByUserId: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
      preparedAt: ctx.now,
    })
    .returning();
  await appendEvent(ctx, {
    type: 'sites.verification_prepared',
    subject: `verification-draft:${draft!.id}`,
    payload: { draftId: draft!.id, verifier: plan.verifier.code, keyId: key.id, documentSha256: documentSha256(document) },
  });
  return draft!;
}
