import { isoDateOf } from '../../core/calendar.ts';
import { asc, eq, sql } from 'drizzle-orm';
import { organisations } from '../../accounts/public.ts';
import type { Queryable } from '../../db/connect.ts';
import { siteQualifications, sites } from '../schema.ts';
import { compareWithPrevious, latestScoresByArea } from './assessments.ts';
import { listCorrectiveActions, overdueCorrectiveActions } from './corrective-actions.ts';
import { monthlyProduction } from './production.ts';
import { listVerifications } from './verifications.ts';
import { headcount } from './workers.ts';

/** Today's date in UTC as YYYY-MM-DD: the day headcounts and overdue lists are computed for. */
export function todayIso(now = new Date()): string {
  return isoDateOf(now);
}

/** Twelve whole months ending with the month of `today`. */
export function lastTwelveMonths(today: string): { from: string; to: string; months: string[] } {
  const [year, month] = today.split('-').map(Number) as [number, number];
  const months: string[] = [];
  for (let i = 11; i >= 0; i--) {
    const d = new Date(Date.UTC(year, month - 1 - i, 1));
    months.push(d.toISOString().slice(0, 7));
  }
  const end = new Date(Date.UTC(year, month, 0));
  return { from: `${months[0]}-01`, to: end.toISOString().slice(0, 10), months };
}

/** The public facts of every site, with its current qualification and pit counts: no person. */
export async function listPublicSites(db: Queryable) {
  const current = sql`(select q.id from site_qualifications q where q.site_id = ${sites.id} order by q.qualified_on desc, q.id desc limit 1)`;
  return db
    .select({
      id: sites.id,
      code: sites.code,
      name: sites.name,
      province: sites.province,
      town: sites.town,
      latitudeE6: sites.latitudeE6,
      longitudeE6: sites.longitudeE6,
      concessionHolder: sites.concessionHolder,
      status: sites.status,
      cooperativeOrganisationId: sites.cooperativeOrganisationId,
      cooperativeCode: organisations.code,
      cooperativeName: organisations.name,
      qualificationLevel: siteQualifications.level,
      qualifiedOn: siteQualifications.qualifiedOn,
      nextReviewOn: siteQualifications.nextReviewOn,
      pitsTotal: sql<number>`(select count(*)::int from pits p where p.site_id = ${sites.id} and p.active)`,
      pitsCovered: sql<number>`(select count(*)::int from pits p where p.site_id = ${sites.id} and p.active and p.covered)`,
    })
    .from(sites)
    .innerJoin(organisations, eq(organisations.id, sites.cooperativeOrganisationId))
    .leftJoin(siteQualifications, eq(siteQualifications.id, current))
    .orderBy(asc(sites.name));
}

export type PublicSite = Awaited<ReturnType<typeof listPublicSites>>[number];

export async function findPublicSite(db: Queryable, code: string): Promise<PublicSite | undefined> {
  const all = await listPublicSites(db);
  return all.find((site) => site.code === code);
}

/**
 * Everything the public may know about a site, in one place for its page and its API answer:
 * facts, qualification, headcount by group and sex, production by month, the latest scores,
 * corrective actions and signed statements. No person appears in it.
 */
export async function siteOverview(db: Queryable, site: PublicSite, today: string) {
  const period = lastTwelveMonths(today);
  const [groups, production, scores, actions, overdue, verifications] = await Promise.all([
    headcount(db, { siteId: site.id, on: today }),
    monthlyProduction(db, { siteId: site.id, from: period.from, to: period.to }),
    latestScoresByArea(db, site.id),
    listCorrectiveActions(db, { siteId: site.id }),
    overdueCorrectiveActions(db, site.id, today),
    listVerifications(db, { siteId: site.id }),
  ]);
  const comparison = scores ? await compareWithPrevious(db, scores.assessmentId) : null;
  const overdueIds = new Set(overdue.map((action) => action.id));
  const female = groups.reduce((sum, g) => sum + g.female, 0);
  const total = groups.reduce((sum, g) => sum + g.total, 0);
  return {
    headcount: { on: today, total, female, male: total - female, groups },
    production: { months: period.months, rows: production },
    scores,
    comparison,
    correctiveActions: actions.map((action) => ({
      id: action.id,
      title: action.title,
      criterionCode: action.criterionCode,
      dueOn: action.dueOn,
      status: action.status,
      closedOn: action.closedOn,
      overdue: overdueIds.has(action.id),
    })),
    verifications: verifications.map((v) => ({
      id: v.id,
      mineral: v.mineral,
      periodStart: v.periodStart,
      periodEnd: v.periodEnd,
      responsibleKg: v.responsibleKg,
      verifierCode: v.verifierCode,
      verifierName: v.verifierName,
      keyCustody: v.keyCustody,
      signedAt: v.signedAt,
    })),
  };
}
