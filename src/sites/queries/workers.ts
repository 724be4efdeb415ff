import { files } from '../../files/public.ts';
import { and, asc, count, desc, eq, gt, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../db/connect.ts';
import { childReferrals, operatorGroups, workers, type sexes } from '../schema.ts';

type Sex = (typeof sexes)[number];

/** Workers on site on a day: registered that day or before, and not yet gone (the exit day is their last day off the count). */
const activeOn = (on: string) => and(lte(workers.registeredOn, on), or(isNull(workers.exitedOn), gt(workers.exitedOn, on)));

/**
 * A page of the worker register, with names and ID numbers: personal data, for the roles the
 * `worker.read` policy admits (the route or page asks it first). Filters by group code, sex and
 * the workers on site on a day.
 */
export async function listWorkers(db: Queryable, props: { siteId: number; group?: string; sex?: Sex; activeOn?: string; limit: number; offset: number }) {
  const conditions: (SQL | undefined)[] = [eq(workers.siteId, props.siteId)];
  if (props.group) conditions.push(eq(operatorGroups.code, props.group));
  if (props.sex) conditions.push(eq(workers.sex, props.sex));
  if (props.activeOn) conditions.push(activeOn(props.activeOn));
  const where = and(...conditions);
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: workers.id,
        code: workers.code,
        fullName: workers.fullName,
        sex: workers.sex,
        birthYear: workers.birthYear,
        idNumber: workers.idNumber,
        groupCode: operatorGroups.code,
        groupLabelEn: operatorGroups.labelEn,
        groupLabelFr: operatorGroups.labelFr,
        registeredOn: workers.registeredOn,
        exitedOn: workers.exitedOn,
      })
      .from(workers)
      .innerJoin(operatorGroups, eq(operatorGroups.id, workers.operatorGroupId))
      .where(where)
      .orderBy(asc(workers.fullName), asc(workers.id))
      .limit(props.limit)
      .offset(props.offset),
    db.select({ n: count() }).from(workers).innerJoin(operatorGroups, eq(operatorGroups.id, workers.operatorGroupId)).where(where),
  ]);
  return { rows, total: Number(total?.n ?? 0) };
}

export async function findWorkerByCode(db: Queryable, siteId: number, code: string) {
  const [worker] = await db
    .select()
    .from(workers)
    .where(and(eq(workers.siteId, siteId), eq(workers.code, code)));
  return worker;
}

export type HeadcountRow = { groupCode: string; labelEn: string; labelFr: string; female: number; male: number; total: number };

/**
 * Workers on site on a day, by operator group and sex, every group of the site listed (zero
 * included). Counts only: no person. The safety rates per 1,000 workers divide by these.
 */
export async function headcount(db: Queryable, props: { siteId: number; on: string }): Promise<HeadcountRow[]> {
  const rows = await db
    .select({
      groupCode: operatorGroups.code,
      labelEn: operatorGroups.labelEn,
      labelFr: operatorGroups.labelFr,
      female: sql<number>`count(${workers.id}) filter (where ${workers.sex} = 'female')`,
      male: sql<number>`count(${workers.id}) filter (where ${workers.sex} = 'male')`,
    })
    .from(operatorGroups)
    .leftJoin(workers, and(eq(workers.operatorGroupId, operatorGroups.id), activeOn(props.on)))
    .where(eq(operatorGroups.siteId, props.siteId))
    .groupBy(operatorGroups.id, operatorGroups.code, operatorGroups.labelEn, operatorGroups.labelFr)
    .orderBy(asc(operatorGroups.id));
  return rows.map((row) => {
    const female = Number(row.female);
    const male = Number(row.male);
    return { groupCode: row.groupCode, labelEn: row.labelEn, labelFr: row.labelFr, female, male, total: female + male };
  });
}

/** All workers on site on a day, by sex. */
export async function headcountTotals(db: Queryable, props: { siteId: number; on: string }) {
  const rows = await headcount(db, props);
  const female = rows.reduce((sum, row) => sum + row.female, 0);
  const male = rows.reduce((sum, row) => sum + row.male, 0);
  return { female, male, total: female + male };
}

/** Child-protection referrals of a site, newest first: case codes, ages and groups, never a name. */
export async function listChildReferrals(db: Queryable, siteId: number) {
  return db
    .select({
      code: childReferrals.code,
      sex: childReferrals.sex,
      ageYears: childReferrals.ageYears,
      groupCode: operatorGroups.code,
      groupLabelEn: operatorGroups.labelEn,
      groupLabelFr: operatorGroups.labelFr,
      referredOn: childReferrals.referredOn,
      source: childReferrals.source,
      status: childReferrals.status,
    })
    .from(childReferrals)
    .leftJoin(operatorGroups, eq(operatorGroups.id, childReferrals.operatorGroupId))
    .where(eq(childReferrals.siteId, siteId))
    .orderBy(desc(childReferrals.referredOn), desc(childReferrals.id));
}

/** A worker's photo (a `personal` file), for the register's own route only. */
export async function workerPhoto(db: Queryable, siteId: number, workerCode: string) {
  const [row] = await db
    .select({ content: files.content, contentType: files.contentType })
    .from(workers)
    .innerJoin(files, eq(files.id, workers.photoFileId))
    .where(and(eq(workers.siteId, siteId), eq(workers.code, workerCode)));
  return row;
}
