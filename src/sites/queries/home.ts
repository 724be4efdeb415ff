import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/connect.ts';
import { assessments, childReferrals, correctiveActions, sites, verificationDrafts } from '../schema.ts';

/** What waits for the secretariat and field officers across sites: reviews due, overdue actions, new referrals. */
export async function siteTasks(db: Queryable, today: string, horizon: string) {
  const reviews = await db.execute(sql`
    select s.code, s.name, q.next_review_on as "nextReviewOn"
    from sites s
    join lateral (select next_review_on from site_qualifications where site_id = s.id order by qualified_on desc, id desc limit 1) q on true
    where q.next_review_on is not null and q.next_review_on <= ${horizon}
    order by q.next_review_on`);
  const overdue = await db
    .select({ code: sites.code, name: sites.name, count: sql<number>`count(*)::int` })
    .from(correctiveActions)
    .innerJoin(sites, eq(sites.id, correctiveActions.siteId))
    .where(and(ne(correctiveActions.status, 'closed'), sql`${correctiveActions.dueOn} < ${today}`))
    .groupBy(sites.code, sites.name)
    .orderBy(asc(sites.code));
  const referrals = await db
    .select({ code: sites.code, name: sites.name, count: sql<number>`count(*)::int` })
    .from(childReferrals)
    .innerJoin(sites, eq(sites.id, childReferrals.siteId))
    .where(eq(childReferrals.status, 'new'))
    .groupBy(sites.code, sites.name)
    .orderBy(asc(sites.code));
  return {
    reviewsDue: (reviews as unknown as { rows: { code: string; name: string; nextReviewOn: string }[] }).rows.map((r) => ({ ...r, nextReviewOn: String(r.nextReviewOn).slice(0, 10) })),
    overdueActions: overdue.map((r) => ({ ...r, count: Number(r.count) })),
    newReferrals: referrals.map((r) => ({ ...r, count: Number(r.count) })),
  };
}

/**
 * A verifier organisation's assessments still in draft, submitted ones no statement rests on yet,
 * and statements prepared for its own key that wait for its signature.
 */
export async function verifierTasks(db: Queryable, organisationId: number) {
  const rows = await db
    .select({
      id: assessments.id,
      status: assessments.status,
      periodStart: assessments.periodStart,
      periodEnd: assessments.periodEnd,
      siteCode: sites.code,
      siteName: sites.name,
      statements: sql<number>`(select count(*)::int from verification_statements v where v.assessment_id = ${assessments.id})`,
    })
    .from(assessments)
    .innerJoin(sites, eq(sites.id, assessments.siteId))
    .where(eq(assessments.verifierOrganisationId, organisationId))
    .orderBy(asc(assessments.periodEnd));
  const awaitingSignature = await db
    .select({ id: verificationDrafts.id, assessmentId: verificationDrafts.assessmentId, periodStart: verificationDrafts.periodStart, periodEnd: verificationDrafts.periodEnd, siteName: sites.name })
    .from(verificationDrafts)
    .innerJoin(sites, eq(sites.id, verificationDrafts.siteId))
    .where(and(eq(verificationDrafts.verifierOrganisationId, organisationId), isNull(verificationDrafts.statementId)))
    .orderBy(asc(verificationDrafts.id));
  const prepared = new Set(awaitingSignature.map((draft) => draft.assessmentId));
  return {
    drafts: rows.filter((r) => r.status === 'draft'),
    unverified: rows.filter((r) => r.status === 'submitted' && Number(r.statements) === 0 && !prepared.has(r.id)),
    awaitingSignature,
  };
}

/** The sites a cooperative operates, for its home page. */
export async function sitesOfCooperative(db: Queryable, organisationId: number) {
  return db.select({ id: sites.id, code: sites.code, name: sites.name }).from(sites).where(eq(sites.cooperativeOrganisationId, organisationId)).orderBy(asc(sites.code));
}
