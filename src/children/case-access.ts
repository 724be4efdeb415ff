import type { Context } from 'hono';
import { authorize } from '../core/auth/policies.ts';
import { organisationOf, type Actor } from '../core/auth/roles.ts';
import { isoDateOf } from '../core/calendar.ts';
import { coreError, notFound } from '../core/errors.ts';
import type { Database, Queryable } from '../db/connect.ts';
import type { AppEnv } from '../web/context.ts';
import { isCaseManagementOrganisation } from './case-organisations.ts';
import { loadFollowUpSchedule } from './follow-up.ts';
import { caseOrganisationOf, getCase } from './queries/cases.ts';

/*
 * How a request reaches cases and referrals to read them: the reader checked against the policy,
 * and the case loaded with its name opened when the server holds the key. Writing is the
 * commands' own check (see case-writes.ts).
 */

/** The key that seals children's names, as the server loaded it (outside the database). */
export const nameKeyOf = (c: Context<AppEnv>) => c.get('deps').childNameKey;

/** Checks that the actor may read a case (403 for one of another organisation, or one that does not exist). */
export async function authorizeCaseRead(db: Database, actor: Actor, caseId: number): Promise<void> {
  const caseOrgId = (await caseOrganisationOf(db, caseId)) ?? -1;
  authorize(actor, 'children.case.read', { caseOrgId });
  if (caseOrgId === -1) throw notFound();
}

/** A case with its plan, visits and schedule, for a reader or writer the policy has admitted. */
export async function loadCaseDetail(c: Context<AppEnv>, caseId: number) {
  const db = c.get('deps').db;
  const detail = await getCase(db, { caseId, schedule: await loadFollowUpSchedule(db), today: isoDateOf(new Date()), nameKey: nameKeyOf(c) });
  if (!detail) throw notFound();
  return detail;
}

/**
 * Referrals name a child's age, sex and site before any case exists: only the admin and field users
 * of an organisation that may manage cases read them (a cooperative's field officer does not).
 */
export async function assertReadsReferrals(db: Queryable, actor: Actor): Promise<void> {
  authorize(actor, 'children.case.list');
  const organisationId = organisationOf(actor);
  if (organisationId === null || !(await isCaseManagementOrganisation(db, organisationId))) throw coreError('forbidden', 403);
}
