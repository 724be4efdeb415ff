import type { Queryable } from '../../db/connect.ts';
import { earliestCheckpointCovering, type Keyring } from '../../journal/public.ts';
import { verifierKey } from '../../core/signed-note.ts';
import type { Certificate } from '../queries/certificates.ts';
import { certificatePath, checkCertificateSignature, parseCertificateDocument, sha256Hex, type CertificateDocument, type SignatureCheck } from './document.ts';

/** A certificate as its readers see it (API, page, PDF): the signed document, the registry's own check of it, and where the journal stands. */
export type CertificateView = {
  certificate: Certificate;
  document: CertificateDocument | null;
  check: SignatureCheck;
  verifierKey: string;
  documentSha256: string;
  /** The earliest signed checkpoint that covers the retirement event, if one does yet. */
  checkpoint: { treeSize: number; signedAt: Date } | null;
  links: { page: string; json: string; pdf: string; tlogProof: string };
};

export async function viewCertificate(db: Queryable, keyring: Keyring, certificate: Certificate): Promise<CertificateView> {
  const document = parseCertificateDocument(certificate.document);
  const checkpoint = document ? await earliestCheckpointCovering(db, document.journal.index) : undefined;
  const page = certificatePath(certificate.retirementId);
  return {
    certificate,
    document,
    check: checkCertificateSignature(certificate, keyring.verifiers),
    verifierKey: verifierKey(certificate.keyName, certificate.publicKey),
    documentSha256: sha256Hex(certificate.document),
    checkpoint: checkpoint ? { treeSize: checkpoint.treeSize, signedAt: checkpoint.signedAt } : null,
    links: { page, json: `/api/v1${page}`, pdf: `${page}.pdf`, tlogProof: `/api/v1${page}.tlog-proof` },
  };
}
