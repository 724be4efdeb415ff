import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { keyHash } from '../../core/signed-note.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse } from '../../web/openapi.ts';
import { certificatePdfResponse, certificateViewOf, publicCertificate, retirementIdOf } from '../certificate/responses.ts';
import type { CertificateView } from '../certificate/view.ts';
import { certificateError } from '../messages/certificates.ts';
import { retirementTlogProof } from '../queries/certificates.ts';

const base64 = (description: string) => z.string().openapi({ description: `${description}, base64 (standard alphabet, padded)` });

const Certificate = z
  .object({
    retirementId: z.number().int(),
    document: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'The signed document, parsed, for reading. Check the signature over `documentBytes`, never over a re-encoding of this.' }),
    documentBytes: base64('The exact bytes that were signed: the RFC 8785 canonical JSON of the document'),
    documentSha256: z.string().openapi({ description: 'SHA-256 of the document bytes, hex' }),
    signature: base64('The 64-byte Ed25519 signature over the document bytes'),
    algorithm: z.literal('Ed25519'),
    keyName: z.string().openapi({ description: 'The registry key’s name: the journal’s origin' }),
    keyHash: z.string().openapi({ description: 'The key hash (C2SP signed-note), 8 hex digits, as in /.well-known/orebook-key' }),
    publicKey: base64('The raw 32-byte Ed25519 public key that signed'),
    verifierKey: z.string().openapi({ description: 'The same key as a signed-note verifier key `<name>+<hash>+<base64>`' }),
    signatureValid: z.boolean().openapi({ description: 'Whether the signature verifies with one of the registry’s published keys: the server’s own check, do your own' }),
    signatureProblem: z.enum(['not_a_certificate', 'not_canonical', 'key_mismatch', 'unknown_key', 'signature_mismatch']).nullable(),
    issuedAt: z.string(),
    checkpoint: z.object({ treeSize: z.number().int(), signedAt: z.string() }).nullable().openapi({ description: 'The earliest signed checkpoint that covers the retirement event; null until one does' }),
    links: z.object({ page: z.string(), json: z.string(), pdf: z.string(), tlogProof: z.string() }),
  })
  .openapi('RetirementCertificate');

const idParam = z.object({ id: z.string().regex(/^\d{1,12}$/).openapi({ example: '12', description: 'The retirement’s number' }) });

export function presentCertificate(view: CertificateView) {
  const { certificate } = view;
  return {
    retirementId: certificate.retirementId,
    document: view.document as Record<string, unknown> | null,
    documentBytes: certificate.document.toString('base64'),
    documentSha256: view.documentSha256,
    signature: certificate.signature.toString('base64'),
    algorithm: 'Ed25519' as const,
    keyName: certificate.keyName,
    keyHash: keyHash(certificate.keyName, certificate.publicKey).toString('hex'),
    publicKey: certificate.publicKey.toString('base64'),
    verifierKey: view.verifierKey,
    signatureValid: view.check.valid,
    signatureProblem: view.check.problem,
    issuedAt: certificate.signedAt.toISOString(),
    checkpoint: view.checkpoint && { treeSize: view.checkpoint.treeSize, signedAt: view.checkpoint.signedAt.toISOString() },
    links: view.links,
  };
}

const suffixed = (suffix: string) => `/certificates/:file{[0-9]{1,12}\\.${suffix.replace('-', '\\-')}}`;
const idOfFile = (c: Context<AppEnv>) => retirementIdOf(c.req.param('file')!.split('.')[0]!);

/**
 * Retirement certificates, public: the signed document, its PDF, and the retirement event's
 * proof of inclusion in the journal (C2SP tlog-proof). The suffixed paths are plain routes with a
 * checked parameter (the OpenAPI router cannot put a suffix after a parameter) described in the
 * OpenAPI document by hand, and registered before `/certificates/{id}` so that they win.
 */
export function registerCertificatesApi(api: OpenAPIHono<AppEnv>): void {
  api.get(suffixed('tlog-proof'), async (c) => {
    const id = idOfFile(c);
    await publicCertificate(c, id);
    const deps = c.get('deps');
    const proof = await retirementTlogProof(deps.db, deps.journalTree, id);
    if (!proof) throw certificateError('certificate_not_found', 404, { id }, { retirementId: id });
    if (!proof.checkpoint) {
      throw certificateError('retirement_not_checkpointed', 409, { id, index: proof.entry.index, size: proof.latestSize }, { retirementId: id, index: proof.entry.index, checkpointSize: proof.latestSize });
    }
    return c.body(proof.text, 200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Disposition': `inline; filename="orebook-certificate-${id}.tlog-proof"` });
  });
  api.openAPIRegistry.registerPath({
    method: 'get',
    path: '/certificates/{id}.tlog-proof',
    tags: ['Registry'],
    summary: 'The retirement event’s proof of inclusion in the journal, as a C2SP tlog-proof (public)',
    description:
      'The `extra` line carries the exact bytes of the `registry.credits_retired` journal entry (base64); then come its index, the RFC 6962 inclusion proof and the earliest signed checkpoint whose tree holds it. See docs/certificates.md.',
    request: { params: idParam },
    responses: { 200: { description: 'The proof', content: { 'text/plain': { schema: z.string() } } }, ...errorResponses(404, 409) },
  });

  api.get(suffixed('pdf'), (c) => certificatePdfResponse(c, idOfFile(c)));
  api.openAPIRegistry.registerPath({
    method: 'get',
    path: '/certificates/{id}.pdf',
    tags: ['Registry'],
    summary: 'The certificate as a PDF, in the reader’s language (`?lang=fr`), with a QR code of its public page (public)',
    request: { params: idParam },
    responses: { 200: { description: 'The PDF', content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } } }, ...errorResponses(404) },
  });

  api.openapi(
    createRoute({
      method: 'get',
      path: '/certificates/{id}',
      tags: ['Registry'],
      summary: 'The signed certificate of a retirement, and whether its signature verifies (public)',
      request: { params: idParam },
      responses: { 200: jsonResponse(Certificate), ...errorResponses(400, 404) },
    }),
    async (c) => {
      const view = await certificateViewOf(c, retirementIdOf(c.req.valid('param').id));
      return c.json(presentCertificate(view), 200);
    },
  );
}
