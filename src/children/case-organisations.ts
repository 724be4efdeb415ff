import { findOrganisation } from '../accounts/public.ts';
import type { Queryable } from '../db/connect.ts';

/** Organisations that may manage cases and provide supports: partners accredited for case management, and the secretariat's own field team. */
const caseManagementKinds = new Set(['partner', 'secretariat']);

export async function isCaseManagementOrganisation(db: Queryable, organisationId: number): Promise<{ code: string } | null> {
  const organisation = await findOrganisation(db, { id: organisationId });
  return organisation && caseManagementKinds.has(organisation.kind) ? { code: organisation.code } : null;
}
