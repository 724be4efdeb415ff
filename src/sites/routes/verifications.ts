import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { findOrganisation } from '../../accounts/public.ts';
import { authorize } from '../../core/auth/policies.ts';
import { notFound } from '../../core/errors.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../../web/openapi.ts';
import type { Actor } from '../../core/auth/roles.ts';
import type { Queryable } from '../../db/connect.ts';
import { keyCustodyOf, organisationPublicKeys } from '../organisation-keys.ts';
import { prepareVerificationStatement } from '../commands/verifications/prepare-verification-statement.ts';
import { signVerificationStatement } from '../commands/verifications/sign-verification-statement.ts';
import { submitStatementSignature } from '../commands/verifications/submit-statement-signature.ts';
import { registerVerifierKey } from '../commands/verifier-keys/register-verifier-key.ts';
import { retireVerifierKey } from '../commands/verifier-keys/retire-verifier-key.ts';
import { setKeyCustody } from '../commands/verifier-keys/set-key-custody.ts';
import { keyCustodies, type KeyCustody } from '../schema.ts';
import { verificationError, verificationsText } from '../messages/verifications.ts';
import {
  documentSha256,
  findSiteByCode,
  getVerification,
  getVerificationDraft,
  listVerifications,
  parseVerificationDocument,
  verifyStatementSignature,
  type VerificationDraftView,
  type VerificationStatement,
} from '../queries/verifications.ts';

const base64 = z.string().openapi({ description: 'base64 (standard alphabet, padded)' });
const isoDate = z.iso.date().openapi({ description: 'ISO 8601 date, e.g. 2024-06-30' });
const kilograms = z.number().int().openapi({ description: 'kilograms of contained metal' });

const SiteRef = z.object({ code: z.string(), name: z.string() });
const OrganisationRef = z.object({ code: z.string(), name: z.string() });

const VerificationSummary = z
  .object({
    id: z.number().int(),
    site: SiteRef,
    mineral: z.string(),
    periodStart: isoDate,
    periodEnd: isoDate,
    assessmentId: z.number().int(),
    verifier: OrganisationRef,
    declaredKg: kilograms,
    responsibleKg: kilograms,
    issuedKg: kilograms.openapi({ description: 'kilograms drawn by the registry so far (issues less cancellations)' }),
    remainingIssuableKg: kilograms,
    signedAt: z.string(),
    signatureValid: z.boolean(),
    keyCustody: z.enum(keyCustodies).openapi({
      description: 'Who held the private key that signed: `verifier` (the verifier organisation kept it; Orebook only ever had the public key) or `registry` (the registry operator kept it and signed when the verifier confirmed). Weigh the statement accordingly; see /docs/verifications.md.',
    }),
    keyHeldBy: z.object({ en: z.string(), fr: z.string() }).openapi({ description: 'The same, as one sentence in English and in French' }),
  })
  .openapi('VerificationSummary');

const Verification = VerificationSummary.extend({
  algorithm: z.literal('Ed25519'),
  document: base64.openapi({ description: 'The exact bytes that were signed (RFC 8785 canonical JSON), base64' }),
  documentSha256: z.string(),
  parsed: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'The document, parsed, for reading; check the signature over `document`, never over a re-encoding' }),
  signature: base64,
  publicKey: base64.openapi({ description: 'The verifier organisation’s raw 32-byte Ed25519 public key' }),
  keyId: z.number().int(),
  signatureProblem: z.string().nullable(),
}).openapi('VerificationStatement');

const VerifierKey = z
  .object({
    id: z.number().int(),
    algorithm: z.literal('Ed25519'),
    publicKey: base64,
    custody: z.enum(keyCustodies).openapi({ description: '`verifier`: registered by the organisation, which keeps the private key; `registry`: made and kept by the registry' }),
    createdAt: z.string(),
    retiredAt: z.string().nullable(),
  })
  .openapi('VerifierKey');

const RegisterKeyBody = z.strictObject({
  publicKey: z.string().min(1).max(400).openapi({ description: 'Ed25519 public key: raw 32 bytes in base64 (as `orebook keygen-verifier` prints it, or Web Crypto’s `raw` export), or SPKI as PEM or base64' }),
  replaces: z.number().int().positive().optional().openapi({ description: 'To rotate: the id of the organisation’s active key of its own, which the new key replaces and retires' }),
});

const VerificationDraft = z
  .object({
    id: z.number().int(),
    site: SiteRef,
    mineral: z.string(),
    periodStart: isoDate,
    periodEnd: isoDate,
    assessmentId: z.number().int(),
    verifier: z.string(),
    declaredKg: kilograms,
    responsibleKg: kilograms,
    document: base64.openapi({ description: 'The exact bytes to sign (RFC 8785 canonical JSON), base64; the same bytes as GET /verification-drafts/{id}/document' }),
    documentSha256: z.string(),
    parsed: z.record(z.string(), z.unknown()).nullable(),
    keyId: z.number().int(),
    publicKey: base64.openapi({ description: 'The organisation’s key the signature must verify with (raw 32 bytes, base64)' }),
    preparedAt: z.string(),
    statementId: z.number().int().nullable().openapi({ description: 'The signed statement, once the signature has been accepted' }),
  })
  .openapi('VerificationDraft');

const SignatureBody = z.strictObject({
  signature: z.string().min(1).max(200).openapi({ description: 'The 64-byte Ed25519 signature over the document’s exact bytes, base64 (what `orebook sign-statement` writes)' }),
});

const SignBody = z.strictObject({
  assessmentId: z.number().int().positive(),
  mineral: z.string().regex(/^[a-z][a-z_]{1,39}$/),
  periodStart: isoDate,
  periodEnd: isoDate,
  responsibleKg: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});
export type SignVerificationBody = z.infer<typeof SignBody>;

function presentSummary(v: VerificationStatement) {
  return {
    id: v.id,
    site: { code: v.siteCode, name: v.siteName },
    mineral: v.mineral,
    periodStart: v.periodStart,
    periodEnd: v.periodEnd,
    assessmentId: v.assessmentId,
    verifier: { code: v.verifierCode, name: v.verifierName },
    declaredKg: v.declaredKg,
    responsibleKg: v.responsibleKg,
    issuedKg: v.drawnKg,
    remainingIssuableKg: v.responsibleKg - v.drawnKg,
    signedAt: v.signedAt.toISOString(),
    signatureValid: verifyStatementSignature(v).valid,
    keyCustody: v.keyCustody,
    keyHeldBy: keyHeldBy(v.keyCustody),
  };
}

export const keyHeldBy = (custody: KeyCustody) => ({ en: verificationsText.t('en', `key_held_by_${custody}`), fr: verificationsText.t('fr', `key_held_by_${custody}`) });

function presentDraft(d: VerificationDraftView) {
  return {
    id: d.id,
    site: { code: d.siteCode, name: d.siteName },
    mineral: d.mineral,
    periodStart: d.periodStart,
    periodEnd: d.periodEnd,
    assessmentId: d.assessmentId,
    verifier: d.verifierCode,
    declaredKg: d.declaredKg,
    responsibleKg: d.responsibleKg,
    document: d.document.toString('base64'),
    documentSha256: documentSha256(d.document),
    parsed: parseVerificationDocument(d.document) as Record<string, unknown> | null,
    keyId: d.keyId,
    publicKey: d.publicKey.toString('base64'),
    preparedAt: d.preparedAt.toISOString(),
    statementId: d.statementId,
  };
}

/**
 * A draft, for a verifier of the organisation it is for. The policy is asked first (of the draft's
 * site when there is one), and a draft of another organisation is not found.
 */
export async function draftForVerifier(db: Queryable, actor: Actor, id: number): Promise<VerificationDraftView> {
  const draft = await getVerificationDraft(db, id);
  authorize(actor, 'verification.sign', { siteCooperativeOrgId: draft?.siteCooperativeOrgId ?? -1 });
  if (!draft || !('orgId' in actor) || actor.orgId !== draft.verifierOrganisationId) throw verificationError('draft_not_found', 404, () => ({ id }));
  return draft;
}

/** The statement as anyone may check it: the signed bytes, the signature and the key, never the signing user. */
function presentVerification(v: VerificationStatement) {
  const check = verifyStatementSignature(v);
  return {
    ...presentSummary(v),
    signatureValid: check.valid,
    signatureProblem: check.reason ?? null,
    algorithm: 'Ed25519' as const,
    document: v.document.toString('base64'),
    documentSha256: documentSha256(v.document),
    parsed: parseVerificationDocument(v.document) as Record<string, unknown> | null,
    signature: v.signature.toString('base64'),
    publicKey: v.publicKey.toString('base64'),
    keyId: v.keyId,
  };
}

const presentKey = (key: { id: number; publicKey: Buffer; custody: string; createdAt: Date; retiredAt: Date | null }) => ({
  id: key.id,
  algorithm: 'Ed25519' as const,
  publicKey: key.publicKey.toString('base64'),
  custody: key.custody as KeyCustody,
  createdAt: key.createdAt.toISOString(),
  retiredAt: key.retiredAt?.toISOString() ?? null,
});

const siteParams = z.object({ code: z.string().max(6).openapi({ example: 'KAM' }) });

/** Verification statements: signing (verifiers), and reading and checking them (everyone). */
export function registerVerificationsApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: 'post',
      path: '/sites/{code}/verifications',
      tags: ['Verifications'],
      summary: 'Sign a verification statement from a submitted assessment (the assessing verifier organisation)',
      description:
        'States that every baseline criterion was met at the site for the mineral and period, and confirms the kilograms of contained metal produced responsibly (at most the declared production of the period). The registry signs with the verifier organisation’s Ed25519 key. Refused with `baseline_not_met`, `exceeds_declared_production`, `verification_period_overlaps`, `verification_period_outside_assessment`, `assessment_not_submitted`, `site_not_active` or `not_assessing_verifier`.',
      security: signedInSecurity,
      request: { params: siteParams, body: { content: { 'application/json': { schema: SignBody } }, required: true } },
      responses: { 201: jsonResponse(Verification, 'Signed'), ...errorResponses(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const statement = await runCommand(db, c.get('actor'), (ctx) => signVerificationStatement(ctx, { site: c.req.valid('param').code, ...c.req.valid('json') }));
      return c.json(presentVerification((await getVerification(db, statement.id))!), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/verifications/{id}',
      tags: ['Verifications'],
      summary: 'A verification statement with its signature, for anyone to check',
      description: 'Check the Ed25519 signature over the base64-decoded `document` with `publicKey`; see /docs/verifications.md. `signatureValid` is the server’s own check.',
      request: { params: z.object({ id: z.coerce.number().int().positive() }) },
      responses: { 200: jsonResponse(Verification), ...errorResponses(400, 404) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'verification.read.public');
      const { id } = c.req.valid('param');
      const statement = await getVerification(c.get('deps').db, id);
      if (!statement) throw verificationError('verification_not_found', 404, () => ({ id }));
      return c.json(presentVerification(statement), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/sites/{code}/verifications',
      tags: ['Verifications'],
      summary: 'The verification statements of a site, by mineral and period',
      request: { params: siteParams, query: z.object({ mineral: z.string().max(40).optional() }) },
      responses: { 200: jsonResponse(z.object({ verifications: z.array(VerificationSummary) })), ...errorResponses(400, 404) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'verification.read.public');
      const db = c.get('deps').db;
      const site = await findSiteByCode(db, c.req.valid('param').code);
      if (!site) throw notFound();
      const { mineral } = c.req.valid('query');
      const rows = await listVerifications(db, { siteId: site.id, ...(mineral ? { mineral } : {}) });
      return c.json({ verifications: rows.map(presentSummary) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/organisations/{code}/verifier-keys',
      tags: ['Verifications'],
      summary: 'The public keys an organisation signs its statements with, current and retired',
      request: { params: z.object({ code: z.string().max(32) }) },
      responses: {
        200: jsonResponse(z.object({ organisation: z.string(), custody: z.enum(keyCustodies).openapi({ description: 'Who holds the key the organisation signs with now' }), keys: z.array(VerifierKey) })),
        ...errorResponses(400, 404),
      },
    }),
    async (c) => {
      authorize(c.get('actor'), 'verification.read.public');
      const db = c.get('deps').db;
      const organisation = await findOrganisation(db, { code: c.req.valid('param').code });
      if (!organisation) throw notFound();
      const keys = await organisationPublicKeys(db, organisation.id);
      return c.json(
        {
          organisation: organisation.code,
          custody: await keyCustodyOf(db, organisation.id),
          keys: keys.map(presentKey),
        },
        200,
      );
    },
  );

  const organisationParams = z.object({ code: z.string().max(32) });
  const organisationOf = async (db: Queryable, code: string) => {
    const found = await findOrganisation(db, { code });
    return found ? { id: found.id, code: found.code } : undefined;
  };

  api.openapi(
    createRoute({
      method: 'post',
      path: '/organisations/{code}/verifier-keys',
      tags: ['Verifications'],
      summary: 'Register a public key whose private half the verifier organisation keeps (its own verifiers)',
      description:
        'From then on the organisation signs its statements itself and the registry never signs for it: whatever key was active is retired (statements it signed stay checkable). With `replaces` (the active own key\'s id) this rotates the key. Journaled. Refused with `verifier_key_malformed`, `verifier_key_already_registered`, `verifier_key_already_active` or `verifier_key_not_active`.',
      security: signedInSecurity,
      request: { params: organisationParams, body: { content: { 'application/json': { schema: RegisterKeyBody } }, required: true } },
      responses: { 201: jsonResponse(VerifierKey, 'Registered'), ...errorResponses(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const organisation = await organisationOf(db, c.req.valid('param').code);
      const body = c.req.valid('json');
      const key = await runCommand(db, c.get('actor'), (ctx) => registerVerifierKey(ctx, { organisation, publicKey: body.publicKey, replaces: body.replaces }));
      return c.json(presentKey(key), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/organisations/{code}/verifier-keys/{id}/retire',
      tags: ['Verifications'],
      summary: 'Retire the organisation’s active key of its own, without a replacement (its own verifiers)',
      description: 'Nothing can be signed in the organisation’s name until it registers another key. Statements the key signed stay valid. Journaled.',
      security: signedInSecurity,
      request: { params: organisationParams.extend({ id: z.coerce.number().int().positive() }) },
      responses: { 200: jsonResponse(VerifierKey, 'Retired'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const { code, id } = c.req.valid('param');
      const organisation = await organisationOf(db, code);
      const key = await runCommand(db, c.get('actor'), (ctx) => retireVerifierKey(ctx, { organisation, keyId: id }));
      return c.json(presentKey(key), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/organisations/{code}/verifier-key-custody',
      tags: ['Verifications'],
      summary: 'Choose who holds the organisation’s signing key: the registry or the verifier (its own verifiers)',
      description: 'Switching retires the active key of the other kind. Journaled. Refused with `key_custody_unchanged` when nothing would change.',
      security: signedInSecurity,
      request: { params: organisationParams, body: { content: { 'application/json': { schema: z.strictObject({ custody: z.enum(keyCustodies) }) } }, required: true } },
      responses: {
        200: jsonResponse(z.object({ organisation: z.string(), custody: z.enum(keyCustodies), retiredKeyId: z.number().int().nullable() })),
        ...errorResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const organisation = await organisationOf(db, c.req.valid('param').code);
      const { custody } = c.req.valid('json');
      const changed = await runCommand(db, c.get('actor'), (ctx) => setKeyCustody(ctx, { organisation, custody }));
      return c.json({ organisation: organisation!.code, ...changed }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/sites/{code}/verification-drafts',
      tags: ['Verifications'],
      summary: 'Prepare a statement for the verifier to sign with a key it holds (the assessing verifier organisation)',
      description:
        'Checks every rule of a statement, as signing does, and fixes the exact canonical bytes to sign, naming the organisation’s active key of its own. Sign them on your own machine (`orebook sign-statement`) or in the browser, then POST the signature to /verification-drafts/{id}/signature. Refused with `no_verifier_key` when the organisation has no key of its own, and with every refusal of signing.',
      security: signedInSecurity,
      request: { params: siteParams, body: { content: { 'application/json': { schema: SignBody } }, required: true } },
      responses: { 201: jsonResponse(VerificationDraft, 'Prepared'), ...errorResponses(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const draft = await runCommand(db, c.get('actor'), (ctx) => prepareVerificationStatement(ctx, { site: c.req.valid('param').code, ...c.req.valid('json') }));
      return c.json(presentDraft((await getVerificationDraft(db, draft.id))!), 201);
    },
  );

  const draftParams = z.object({ id: z.coerce.number().int().positive() });

  api.openapi(
    createRoute({
      method: 'get',
      path: '/verification-drafts/{id}',
      tags: ['Verifications'],
      summary: 'A prepared statement waiting for its verifier’s signature (verifiers of that organisation)',
      security: signedInSecurity,
      request: { params: draftParams },
      responses: { 200: jsonResponse(VerificationDraft), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => c.json(presentDraft(await draftForVerifier(c.get('deps').db, c.get('actor'), c.req.valid('param').id)), 200),
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/verification-drafts/{id}/document',
      tags: ['Verifications'],
      summary: 'The exact bytes to sign, as they are (verifiers of that organisation)',
      description: 'Save the answer as it comes (`curl -o statement.json`) and sign the file’s bytes: `orebook sign-statement --key KEY --in statement.json --out statement.sig`.',
      security: signedInSecurity,
      request: { params: draftParams },
      responses: { 200: jsonResponse(z.record(z.string(), z.unknown()), 'The RFC 8785 canonical JSON document'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const draft = await draftForVerifier(c.get('deps').db, c.get('actor'), c.req.valid('param').id);
      return c.body(new Uint8Array(draft.document), 200, { 'Content-Type': 'application/json', 'Content-Disposition': `attachment; filename="orebook-statement-draft-${draft.id}.json"` }) as never;
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/verification-drafts/{id}/signature',
      tags: ['Verifications'],
      summary: 'Upload the verifier’s signature of a prepared statement; Orebook checks it and the statement is signed',
      description:
        'The signature must verify over the document’s exact bytes with the organisation’s active key of its own. Refused, with nothing written, with `signature_malformed`, `signature_does_not_verify` (other bytes, or another key), `draft_key_not_active` (the key was rotated or retired since: prepare again), `draft_already_signed` or `draft_out_of_date`.',
      security: signedInSecurity,
      request: { params: draftParams, body: { content: { 'application/json': { schema: SignatureBody } }, required: true } },
      responses: { 201: jsonResponse(Verification, 'Signed'), ...errorResponses(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const statement = await runCommand(db, c.get('actor'), (ctx) => submitStatementSignature(ctx, { draftId: c.req.valid('param').id, signature: c.req.valid('json').signature }));
      return c.json(presentVerification((await getVerification(db, statement.id))!), 201);
    },
  );
}
