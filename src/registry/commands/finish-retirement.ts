import type { Database } from '../../db/connect.ts';
import { type JournalTreeCache, type Keyring, signCheckpoint } from '../../journal/public.ts';
import { certificateError } from '../messages/certificates.ts';
import { findCertificate, retirementExists, type Certificate } from '../queries/certificates.ts';
import { issueCertificate } from './issue-certificate.ts';

/**
 * What follows a committed retirement, outside its transaction: a checkpoint signed over the log
 * that now holds the retirement event (so its inclusion proof can be given at once), then the
 * retirement's signed certificate. Idempotent: calling it again for the same retirement changes
 * nothing and returns the same certificate. If the process stops between the commit and this,
 * the first read of the certificate finishes the retirement instead.
 */
export async function finishRetirement(
  deps: { db: Database; keyring: Keyring; journalTree?: JournalTreeCache; publicBaseUrl?: string },
  retirementId: number,
): Promise<Certificate> {
  await signCheckpoint(deps.db, deps.keyring, 'retirement', deps.journalTree);
  return issueCertificate(deps.db, deps.keyring, retirementId, deps.publicBaseUrl);
}

/**
 * The certificate of a retirement, finishing the retirement first if that never happened (the
 * process stopped between its commit and `finishRetirement`). Throws `certificate_not_found`
 * (404) for a retirement that does not exist, before signing anything.
 */
export async function ensureCertificate(deps: Parameters<typeof finishRetirement>[0], retirementId: number): Promise<Certificate> {
  const existing = await findCertificate(deps.db, retirementId);
  if (existing) return existing;
  if (!(await retirementExists(deps.db, retirementId))) throw certificateError('certificate_not_found', 404, { id: retirementId }, { retirementId });
  return finishRetirement(deps, retirementId);
}
