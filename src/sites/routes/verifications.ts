import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { findOrganisation } from '../../accounts/public.ts';
import { authorize } from '../../core/auth/policies.ts';
import { notFound } from '../../core/errors.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../../web/openapi.ts';
import { organisationPublicKeys } from '../organisation-keys.ts';
import { signVerificationStatement } from '../commands/verifications/sign-verification-statement.ts';
import { verificationError } from '../messages/verifications.ts';
import {
  documentSha256,
  findSiteByCode,
  getVerification,
  listVerifications,
  parseVerificationDocument,
  verifyStatementSignature,
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
  .object({ id: z.number().int(), algorithm: z.literal('Ed25519'), publicKey: base64, createdAt: z.string(), retiredAt: z.string().nullable() })
  .openapi('VerifierKey');

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
  };
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
      responses: { 200: jsonResponse(z.object({ organisation: z.string(), keys: z.array(VerifierKey) })), ...errorResponses(400, 404) },
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
          keys: keys.map((key) => ({
            id: key.id,
            algorithm: 'Ed25519' as const,
            publicKey: key.publicKey.toString('base64'),
            createdAt: key.createdAt.toISOString(),
            retiredAt: key.retiredAt?.toISOString() ?? null,
          })),
        },
        200,
      );
    },
  );
}
