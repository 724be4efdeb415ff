import { desc, eq } from 'drizzle-orm';
import type { Queryable } from '../db/connect.ts';
import { childReferrals, operatorGroups, sites } from './schema.ts';

/*
 * The worker register's under-18 referrals (registering a worker under 18 refers the child to the
 * child-labour programme instead), as the children module reads and takes them up. The sites module
 * owns the table; the children module's command that confirms a referral marks it taken up inside
 * its own transaction, and its event says so.
 */

export type ReferralToConfirm = {
  id: number;
  code: string;
  siteId: number;
  siteCode: string;
  sex: 'female' | 'male';
  ageYears: number;
  groupCode: string | null;
  referredOn: string;
};

const referralColumns = {
  id: childReferrals.id,
  code: childReferrals.code,
  siteId: childReferrals.siteId,
  siteCode: sites.code,
  sex: childReferrals.sex,
  ageYears: childReferrals.ageYears,
  groupCode: operatorGroups.code,
  referredOn: childReferrals.referredOn,
};

/** Referrals no case has taken up yet, newest first. */
export async function listNewReferrals(db: Queryable): Promise<ReferralToConfirm[]> {
  return db
    .select(referralColumns)
    .from(childReferrals)
    .innerJoin(sites, eq(sites.id, childReferrals.siteId))
    .leftJoin(operatorGroups, eq(operatorGroups.id, childReferrals.operatorGroupId))
    .where(eq(childReferrals.status, 'new'))
    .orderBy(desc(childReferrals.referredOn), desc(childReferrals.id));
}

/** A referral by its code, locked until the command that takes it up commits. */
export async function lockReferral(db: Queryable, code: string): Promise<(ReferralToConfirm & { status: 'new' | 'taken_up' }) | undefined> {
  const [row] = await db
    .select({ ...referralColumns, status: childReferrals.status })
    .from(childReferrals)
    .innerJoin(sites, eq(sites.id, childReferrals.siteId))
    .leftJoin(operatorGroups, eq(operatorGroups.id, childReferrals.operatorGroupId))
    .where(eq(childReferrals.code, code))
    .for('update', { of: childReferrals });
  return row;
}

export async function markReferralTakenUp(db: Queryable, referralId: number): Promise<void> {
  await db.update(childReferrals).set({ status: 'taken_up' }).where(eq(childReferrals.id, referralId));
}
