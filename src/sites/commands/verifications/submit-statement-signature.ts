import { verify } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { authorize } from '../../../core/auth/policies.ts';
import type { CommandContext } from '../../../journal/public.ts';
import { verificationError } from '../../messages/verifications.ts';
import { ed25519PublicKey } from '../../queries/verifications.ts';
import { organisationKeys, sites, verificationDrafts } from '../../schema.ts';
import { insertStatement, journalSignedStatement, planVerificationStatement, type SignedStatement, statementDocument } from '../../verification-statements.ts';
import { canonicalBytes } from '../../../core/canonical-json.ts';

/**
 * The verifier uploads its signature over a prepared statement's exact bytes, made with the private
 * half of its organisation's active key of its own. Orebook checks it and keeps it: the statement is
 * signed. Refused, and nothing written, when the draft is already signed
 * (`draft_already_signed`), when its key is no longer the organisation's active key
 * (`draft_key_not_active`, after a rotation or retirement: prepare it again), when the signature is
 * not 64 bytes (`signature_malformed`) or does not verify with that key (`signature_does_not_verify`:
 * signed by another key, or over other bytes), or when a rule of the statement no longer holds.
 */
export async function submitStatementSignature(ctx: CommandContext, props: { draftId: number; signature: string }): Promise<SignedStatement> {
  const [found] = await ctx.tx
    .select({ verifierOrganisationId: verificationDrafts.verifierOrganisationId, siteCooperativeOrgId: sites.cooperativeOrganisationId })
    .from(verificationDrafts)
    .innerJoin(sites, eq(sites.id, verificationDrafts.siteId))
    .where(eq(verificationDrafts.id, props.draftId));
  authorize(ctx.actor, 'verification.sign', { siteCooperativeOrgId: found?.siteCooperativeOrgId ?? -1 });
  if (!found || !('orgId' in ctx.actor) || ctx.actor.orgId !== found.verifierOrganisationId) throw verificationError('draft_not_found', 404, () => ({ id: props.draftId }));
  // One upload at a time per draft: the second waits, then finds the draft signed.
  const [draft] = await ctx.tx.select().from(verificationDrafts).where(eq(verificationDrafts.id, props.draftId)).for('update');
  if (draft!.statementId !== null) throw verificationError('draft_already_signed', 409, () => ({ statementId: draft!.statementId! }), { statementId: draft!.statementId });
  const [key] = await ctx.tx.select().from(organisationKeys).where(eq(organisationKeys.id, draft!.keyId)).for('share');
  if (!key || key.retiredAt !== null || key.custody !== 'verifier') throw verificationError('draft_key_not_active', 409, () => ({ keyId: draft!.keyId }), { keyId: draft!.keyId });
  const signature = /^[A-Za-z0-9+/]+={0,2}$/.test(props.signature.trim()) ? Buffer.from(props.signature.trim(), 'base64') : Buffer.alloc(0);
  if (signature.length !== 64) throw verificationError('signature_malformed', 422);
  if (!verify(null, draft!.document, ed25519PublicKey(key.publicKey), signature)) {
    throw verificationError('signature_does_not_verify', 422, () => ({ publicKey: key.publicKey.toString('base64') }), { keyId: key.id, publicKey: key.publicKey.toString('base64') });
  }
  // Every rule again, as of now: the document must still be what Orebook would state.
  const plan = await planVerificationStatement(ctx.tx, ctx.actor, {
    assessmentId: draft!.assessmentId,
    mineral: draft!.mineral,
    periodStart: draft!.periodStart,
    periodEnd: draft!.periodEnd,
    responsibleKg: draft!.responsibleKg,
  });
  if (!canonicalBytes(statementDocument(plan, draft!.preparedAt, key.publicKey)).equals(draft!.document)) throw verificationError('draft_out_of_date', 409);
  const statement = await insertStatement(ctx, plan, { document: draft!.document, signature, keyId: key.id, signedAt: draft!.preparedAt });
  await ctx.tx.update(verificationDrafts).set({ statementId: statement.id }).where(eq(verificationDrafts.id, draft!.id));
  await journalSignedStatement(ctx, statement, plan, { document: draft!.document, signature, publicKey: key.publicKey, keyId: key.id, keyCustody: 'verifier' });
  return statement;
}
