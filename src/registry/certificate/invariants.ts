import canonicalize from 'canonicalize';
import type { Invariant } from '../../core/invariants.ts';
import { ed25519PublicKey, openNote, parseCheckpoint, type NoteVerifier } from '../../core/signed-note.ts';
import type { Queryable } from '../../db/connect.ts';
import { listCheckpoints } from '../../journal/public.ts';
import { listCertificates, retirementFacts, type Certificate } from '../queries/certificates.ts';
import { buildCertificateDocument, checkCertificateSignature, encodeCertificate, parseCertificateDocument, siteOf, type CertificateDocument } from './document.ts';

const keyLabel = (certificate: Certificate) => `${certificate.keyName} key ${certificate.publicKey.toString('base64')}`;

/**
 * The registry keys, as the journal shows them: each certificate key that signed at least one
 * checkpoint. `orebook verify` checks every checkpoint against the registry's published keys (or
 * the auditor's `--key`s), so a key found here is one of them; this check needs no keyring.
 */
async function keysThatSignedCheckpoints(db: Queryable, certificates: readonly Certificate[]): Promise<Map<string, NoteVerifier>> {
  const notes = (await listCheckpoints(db)).map((checkpoint) => checkpoint.note);
  const found = new Map<string, NoteVerifier>();
  for (const certificate of certificates) {
    const label = keyLabel(certificate);
    if (found.has(label) || certificate.publicKey.length !== 32) continue;
    const verifier = { name: certificate.keyName, publicKey: ed25519PublicKey(certificate.publicKey) };
    const signed = notes.some((note) => {
      try {
        return openNote(note, [verifier]).verifiedBy.length > 0;
      } catch {
        return false;
      }
    });
    if (signed) found.set(label, verifier);
  }
  return found;
}

/** The top-level fields in which two documents differ, for a message a person can act on. */
function differingFields(stored: CertificateDocument, expected: CertificateDocument): string[] {
  const keys = new Set([...Object.keys(stored), ...Object.keys(expected)]) as Set<keyof CertificateDocument>;
  return [...keys].filter((key) => canonicalize(stored[key]) !== canonicalize(expected[key])).sort();
}

/** The certificates' checks for `orebook verify`. */
export const certificateInvariants: Invariant[] = [
  {
    id: 'registry.certificates_signed',
    description: 'Every certificate is a canonical certificate document whose Ed25519 signature verifies with a registry key that signs the journal’s checkpoints',
    async check(db, problem) {
      const certificates = await listCertificates(db);
      const keys = await keysThatSignedCheckpoints(db, certificates);
      for (const certificate of certificates) {
        const key = keys.get(keyLabel(certificate));
        const check = checkCertificateSignature(certificate, key ? [key] : []);
        if (check.valid) continue;
        if (check.problem === 'unknown_key') problem(`certificate ${certificate.retirementId}: signed with ${keyLabel(certificate)}, which signed no checkpoint of the journal`);
        else problem(`certificate ${certificate.retirementId}: its signature does not verify (${check.problem})`);
      }
    },
  },
  {
    id: 'registry.certificates_match_retirements',
    description: 'Every certificate states exactly its retirement: claim, quantity, serials, journal entry and the log’s origin',
    async check(db, problem) {
      const origins = new Set((await listCheckpoints(db)).map((checkpoint) => parseCheckpoint(checkpoint.note.slice(0, checkpoint.note.lastIndexOf('\n\n') + 1)).origin));
      for (const certificate of await listCertificates(db)) {
        const id = certificate.retirementId;
        const stored = parseCertificateDocument(certificate.document);
        const site = stored && siteOf(stored);
        if (!stored || stored.retirementId !== id || !site) {
          problem(`certificate ${id}: its document is not a certificate of retirement ${id} with the address of its page`);
          continue;
        }
        const facts = await retirementFacts(db, id);
        if (!facts) {
          problem(`certificate ${id}: there is no retirement ${id}`);
          continue;
        }
        const expected = buildCertificateDocument(facts, { baseUrl: site, origin: stored.journal.origin, issuedAt: certificate.signedAt, keyName: certificate.keyName, publicKey: certificate.publicKey });
        if (!encodeCertificate(expected).equals(certificate.document)) {
          problem(`certificate ${id}: its document differs from retirement ${id} in ${differingFields(stored, expected).join(', ') || 'its bytes'}`);
        }
        if (origins.size > 0 && !origins.has(stored.journal.origin)) problem(`certificate ${id}: it names the log ${stored.journal.origin}, which signed no checkpoint here`);
      }
    },
  },
];
