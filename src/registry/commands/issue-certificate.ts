import { sign } from 'node:crypto';
import type { Queryable } from '../../db/connect.ts';
import type { Keyring } from '../../journal/public.ts';
import { rawPublicKey } from '../../core/signed-note.ts';
import { buildCertificateDocument, encodeCertificate, publicBaseUrlOf } from '../certificate/document.ts';
import { certificateError } from '../messages/certificates.ts';
import { findCertificate, retirementFacts, type Certificate } from '../queries/certificates.ts';
import { creditCertificates } from '../schema.ts';

/**
 * Issues the certificate of a retirement: builds its document from the retirement, its serials
 * and its journal entry, signs the canonical bytes with the registry key in force, and keeps
 * both. Idempotent and safe under concurrency: a retirement has one certificate, made once and
 * never changed; a second call (or a concurrent one that lost the race) returns the first.
 *
 * During a key rotation two keys sign; the certificate takes the newest, which goes on signing
 * after the overlap: certificates are kept for years, and the older key's are checkable anyway
 * because every key that ever signed stays published.
 *
 * @param publicBaseUrl where the registry's pages are (default: from the journal's origin); the
 *   certificate names its page there, and its PDF carries that address as a QR code.
 */
export async function issueCertificate(db: Queryable, keyring: Keyring, retirementId: number, publicBaseUrl?: string): Promise<Certificate> {
  const existing = await findCertificate(db, retirementId);
  if (existing) return existing;
  const facts = await retirementFacts(db, retirementId);
  if (!facts) throw certificateError('certificate_not_found', 404, { id: retirementId }, { retirementId });
  const issuedAt = new Date();
  const signer = keyring.signersAt(issuedAt).at(-1)!;
  const publicKey = rawPublicKey(signer.publicKey);
  const document = encodeCertificate(
    buildCertificateDocument(facts, { baseUrl: publicBaseUrl ?? publicBaseUrlOf(keyring.origin), origin: keyring.origin, issuedAt, keyName: signer.name, publicKey }),
  );
  await db
    .insert(creditCertificates)
    .values({ retirementId, document, signature: sign(null, document, signer.privateKey), keyName: signer.name, publicKey, signedAt: issuedAt })
    .onConflictDoNothing({ target: creditCertificates.retirementId });
  return (await findCertificate(db, retirementId))!;
}
