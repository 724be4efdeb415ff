import { createHash, verify } from 'node:crypto';
import { canonicalBytes } from '../../core/canonical-json.ts';
import { keyHash, rawPublicKey, type NoteVerifier } from '../../core/signed-note.ts';

/**
 * The certificate of a retirement: a document of RFC 8785 canonical JSON that states the claim,
 * the serials retired and where the retirement stands in the public journal, signed with Ed25519
 * by the registry's key. docs/certificates.md describes it for people who check it offline.
 */

export const certificateType = 'orebook.retirement-certificate';
export const certificateVersion = 1;

/** A retired range of serials, with the batch facts a reader needs without asking the registry. */
export type CertificateRange = {
  serials: string;
  batch: string;
  firstUnit: number;
  lastUnit: number;
  quantityKg: number;
  mineral: string;
  site: { code: string; name: string };
  country: string;
  vintage: number;
  period: { start: string; end: string };
};

export type CertificateDocument = {
  type: typeof certificateType;
  version: typeof certificateVersion;
  retirementId: number;
  url: string;
  retiredAt: string;
  quantity: { kg: number; tonnes: string };
  serials: CertificateRange[];
  beneficiary: string;
  claimPeriod: { start: string; end: string };
  covers: string;
  footprintReference: string | null;
  publicStatement: string;
  /** The retirement event in the journal: its leaf index and the SHA-256 (hex) of its stored bytes. */
  journal: { origin: string; index: number; entrySha256: string };
  issuedAt: string;
  key: { name: string; keyHash: string; publicKey: string };
};

/** What the registry's tables say about a retirement: everything a certificate states, except how it was issued. */
export type RetirementFacts = Pick<CertificateDocument, 'retirementId' | 'beneficiary' | 'claimPeriod' | 'covers' | 'footprintReference' | 'publicStatement'> & {
  retiredAt: Date;
  quantityKg: number;
  ranges: CertificateRange[];
  journalEntry: { index: number; bytes: Buffer };
};

/** How a certificate was issued: where its page is, when, and with which key. */
export type Issuance = { baseUrl: string; origin: string; issuedAt: Date; keyName: string; publicKey: Buffer };

/** Tonnes with three decimals, computed from the integer kilograms so no float rounding can creep in. */
export function tonnesText(kilograms: number): string {
  return `${Math.floor(kilograms / 1000)}.${String(kilograms % 1000).padStart(3, '0')}`;
}

/**
 * The public address of the registry, from the journal's origin: a log origin is a schema-less
 * URL (`orebook.example.org/journal`), so the site is that address without its `/journal` path.
 */
export function publicBaseUrlOf(origin: string): string {
  return `https://${origin.replace(/\/journal$/, '')}`;
}

export const certificatePath = (retirementId: number) => `/certificates/${retirementId}`;

/** Where the registry's site is, as the certificate's own address names it; null when the address is not the certificate's page. */
export function siteOf(document: CertificateDocument): string | null {
  const path = certificatePath(document.retirementId);
  return typeof document.url === 'string' && document.url.endsWith(path) ? document.url.slice(0, -path.length) : null;
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function buildCertificateDocument(facts: RetirementFacts, issuance: Issuance): CertificateDocument {
  return {
    type: certificateType,
    version: certificateVersion,
    retirementId: facts.retirementId,
    url: `${issuance.baseUrl.replace(/\/+$/, '')}${certificatePath(facts.retirementId)}`,
    retiredAt: facts.retiredAt.toISOString(),
    quantity: { kg: facts.quantityKg, tonnes: tonnesText(facts.quantityKg) },
    serials: facts.ranges,
    beneficiary: facts.beneficiary,
    claimPeriod: facts.claimPeriod,
    covers: facts.covers,
    footprintReference: facts.footprintReference,
    publicStatement: facts.publicStatement,
    journal: { origin: issuance.origin, index: facts.journalEntry.index, entrySha256: sha256Hex(facts.journalEntry.bytes) },
    issuedAt: issuance.issuedAt.toISOString(),
    key: { name: issuance.keyName, keyHash: keyHash(issuance.keyName, issuance.publicKey).toString('hex'), publicKey: issuance.publicKey.toString('base64') },
  };
}

export const encodeCertificate = (document: CertificateDocument): Buffer => canonicalBytes(document);

/** The document stored as bytes, parsed; null when the bytes are not a certificate of this format. */
export function parseCertificateDocument(bytes: Buffer): CertificateDocument | null {
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as Partial<CertificateDocument> | null;
    return parsed?.type === certificateType && parsed.version === certificateVersion ? (parsed as CertificateDocument) : null;
  } catch {
    return null;
  }
}

function isCanonical(document: CertificateDocument, bytes: Buffer): boolean {
  try {
    return encodeCertificate(document).equals(bytes);
  } catch {
    return false;
  }
}

export type StoredCertificate = { document: Buffer; signature: Buffer; keyName: string; publicKey: Buffer };

export type SignatureCheck = { valid: true; problem: null } | { valid: false; problem: 'not_a_certificate' | 'not_canonical' | 'key_mismatch' | 'unknown_key' | 'signature_mismatch' };

/**
 * Checks a certificate as a reader would: its bytes are a canonical certificate document, the key
 * it names is the one it is stored with and one of the registry's (current or retired), and the
 * Ed25519 signature over the exact bytes holds.
 */
export function checkCertificateSignature(certificate: StoredCertificate, registryKeys: readonly NoteVerifier[]): SignatureCheck {
  const document = parseCertificateDocument(certificate.document);
  if (!document) return { valid: false, problem: 'not_a_certificate' };
  if (!isCanonical(document, certificate.document)) return { valid: false, problem: 'not_canonical' };
  const stored = certificate.publicKey.toString('base64');
  if (document.key?.publicKey !== stored || document.key.name !== certificate.keyName) return { valid: false, problem: 'key_mismatch' };
  const key = registryKeys.find((k) => k.name === certificate.keyName && rawPublicKey(k.publicKey).equals(certificate.publicKey));
  if (!key) return { valid: false, problem: 'unknown_key' };
  if (certificate.signature.length !== 64 || !verify(null, certificate.document, key.publicKey, certificate.signature)) return { valid: false, problem: 'signature_mismatch' };
  return { valid: true, problem: null };
}
