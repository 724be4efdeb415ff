import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { canonicalBytes } from '../core/canonical-json.ts';
import { commitPersonalData, newCommitmentSalt } from '../core/commitment.ts';
import type { Params } from '../core/i18n/index.ts';
import { newPseudonymousCode } from '../core/ids.ts';
import type { Queryable } from '../db/connect.ts';
import type { CommandContext } from '../journal/public.ts';
import type { WorkersTextKey } from './messages/workers.ts';
import { childReferrals, operatorGroups, sexes, workers } from './schema.ts';
import { isIsoDate } from '../core/calendar.ts';
import type { OperatorGroup, Site } from './site-records.ts';

export type Worker = typeof workers.$inferSelect;
export type ChildReferral = typeof childReferrals.$inferSelect;
export type Sex = (typeof sexes)[number];

/** The columns of the register, as an import file names them. */
export const workerColumns = ['full_name', 'sex', 'birth_year', 'operator_group', 'id_number', 'registered_on'] as const;
export type WorkerColumn = (typeof workerColumns)[number];

/** Site work is for adults only (ILO Convention 182: mining is among the worst forms of child labour). */
export const adultAge = 18;
/** Beyond this age a birth year is taken for a typing mistake. */
const oldestAge = 100;

/** A name as it is kept: trimmed, one space between words. */
export function cleanName(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

/** A name as it is compared: cleaned, lower case, without accents (“Kabongo  MWÉ” and “kabongo mwe” are one person). */
export function comparableName(name: string): string {
  return cleanName(name).normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * What makes a person one person at a site: SHA-256 over the canonical JSON of the site code, the
 * comparable name, the birth year and the sex. A second registration or a re-imported file finds
 * the same hash and changes nothing.
 */
export function workerIdentityHash(props: { siteCode: string; fullName: string; birthYear: number; sex: Sex }): Buffer {
  return createHash('sha256')
    .update(canonicalBytes({ site: props.siteCode, name: comparableName(props.fullName), birthYear: props.birthYear, sex: props.sex }))
    .digest();
}

const sexWords: Record<string, Sex> = { f: 'female', female: 'female', femme: 'female', feminin: 'female', m: 'male', male: 'male', h: 'male', homme: 'male', masculin: 'male' };

/** Reads the sex as people write it: F/M, female/male, femme/homme (any case, with or without accents). */
export function parseSex(value: string): Sex | null {
  return sexWords[comparableName(value)] ?? null;
}

/** Finds a site's operator group by its code or by its English or French name. */
export function findGroupByName(groups: readonly OperatorGroup[], value: string): OperatorGroup | undefined {
  const wanted = comparableName(value);
  return groups.find((g) => g.code === wanted || comparableName(g.labelEn) === wanted || comparableName(g.labelFr) === wanted);
}

/** A worker's fields as a person or a file gives them, before checking. */
export type WorkerFields = {
  fullName: string;
  sex: string;
  birthYear: string | number;
  /** Group code, or its English or French name. */
  operatorGroup: string;
  idNumber?: string | null;
  registeredOn: string;
};

/** A worker's fields once checked; `ageYears` is the age in the year of registration. */
export type CheckedWorker = {
  fullName: string;
  sex: Sex;
  birthYear: number;
  group: OperatorGroup;
  idNumber: string | null;
  registeredOn: string;
  ageYears: number;
};

export type WorkerIssue = { column: WorkerColumn; code: WorkersTextKey; params?: Params };

/**
 * Checks a worker's fields against the site's groups and today's date; every problem is reported,
 * each with the column it concerns. Age is year(registeredOn) − birth year: the register keeps only
 * the birth year.
 */
export function checkWorkerFields(input: WorkerFields, groups: readonly OperatorGroup[], today: string): { worker: CheckedWorker; issues: [] } | { worker: null; issues: WorkerIssue[] } {
  const issues: WorkerIssue[] = [];
  const fullName = cleanName(input.fullName);
  if (fullName.length < 2 || fullName.length > 200) issues.push({ column: 'full_name', code: 'name_missing' });
  const sex = parseSex(input.sex);
  if (!sex) issues.push({ column: 'sex', code: 'sex_invalid', params: { value: input.sex } });
  const birthYearText = String(input.birthYear).trim();
  const birthYear = /^\d{4}$/.test(birthYearText) ? Number(birthYearText) : null;
  if (birthYear === null) issues.push({ column: 'birth_year', code: 'birth_year_invalid', params: { value: birthYearText } });
  const group = findGroupByName(groups, input.operatorGroup);
  if (!group) issues.push({ column: 'operator_group', code: 'operator_group_unknown', params: { group: input.operatorGroup } });
  const idNumber = input.idNumber?.trim() || null;
  if (idNumber && idNumber.length > 50) issues.push({ column: 'id_number', code: 'id_number_too_long' });
  const registeredOn = input.registeredOn.trim();
  const dateValid = isIsoDate(registeredOn);
  if (!dateValid) issues.push({ column: 'registered_on', code: 'registered_on_invalid', params: { value: registeredOn } });
  else if (registeredOn > today) issues.push({ column: 'registered_on', code: 'date_in_future', params: { date: registeredOn } });
  let ageYears = 0;
  if (birthYear !== null && dateValid) {
    ageYears = Number(registeredOn.slice(0, 4)) - birthYear;
    if (ageYears < 0) issues.push({ column: 'birth_year', code: 'birth_year_after_registration', params: { birthYear, date: registeredOn } });
    else if (ageYears > oldestAge) issues.push({ column: 'birth_year', code: 'birth_year_impossible', params: { birthYear, age: ageYears, date: registeredOn } });
  }
  if (issues.length > 0 || !sex || !group || birthYear === null) return { worker: null, issues };
  return { worker: { fullName, sex, birthYear, group, idNumber, registeredOn, ageYears }, issues: [] };
}

export async function loadOperatorGroups(db: Queryable, siteId: number): Promise<OperatorGroup[]> {
  return db.select().from(operatorGroups).where(eq(operatorGroups.siteId, siteId));
}

/** The row to insert for a new worker and what the journal may say of them: a code and a salted commitment. */
export function newWorkerRecord(site: Site, worker: CheckedWorker, identityHash: Buffer) {
  const salt = newCommitmentSalt();
  const code = newPseudonymousCode('w');
  const values: typeof workers.$inferInsert = {
    siteId: site.id,
    code,
    fullName: worker.fullName,
    sex: worker.sex,
    birthYear: worker.birthYear,
    operatorGroupId: worker.group.id,
    idNumber: worker.idNumber,
    registeredOn: worker.registeredOn,
    identityHash,
    commitmentSalt: salt,
  };
  const personalData = commitPersonalData(salt, { fullName: worker.fullName, birthYear: worker.birthYear, idNumber: worker.idNumber });
  return { values, code, personalData };
}

/** The referral to insert for a person under 18: no name, a pseudonymous case code the children module takes over. */
export function newReferralRecord(ctx: CommandContext, site: Site, worker: CheckedWorker, identityHash: Buffer, source: ChildReferral['source']) {
  const values: typeof childReferrals.$inferInsert = {
    code: newPseudonymousCode('c'),
    siteId: site.id,
    sex: worker.sex,
    ageYears: worker.ageYears,
    operatorGroupId: worker.group.id,
    referredOn: worker.registeredOn,
    source,
    referredByUserId: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
    identityHash,
  };
  return values;
}
