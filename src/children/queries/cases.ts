import { asc, eq, inArray } from 'drizzle-orm';
import { organisations } from '../../accounts/public.ts';
import type { Queryable } from '../../db/connect.ts';
import { sites } from '../../sites/public.ts';
import { nextVisit, overdueVisits, scheduledVisits, type DueVisit, type FollowUpSchedule, type VisitOutcome } from '../follow-up.ts';
import { openName, type ChildNameKey } from '../name-key.ts';
import { childCases, childSupports, childVisits } from '../schema.ts';

/** Where a case stands, in the order cases move through them. */
export const caseStages = ['identified', 'plan_started', 'visited_3_months', 'visited_6_months', 'closed_remediated', 'closed_other'] as const;
export type CaseStage = (typeof caseStages)[number];

type VisitFacts = { dueMonths: number | null; visitedOn: string; outcome: VisitOutcome };

export function stageOf(c: { planStartedOn: string | null; closureReason: string | null }, visits: readonly VisitFacts[], schedule: FollowUpSchedule): CaseStage {
  if (c.closureReason) return c.closureReason === 'remediated' ? 'closed_remediated' : 'closed_other';
  if (!c.planStartedOn) return 'identified';
  const [first, second] = schedule.firstMonths;
  const done = (months: number | undefined) => visits.some((v) => v.dueMonths === months);
  if (second !== undefined && done(second)) return 'visited_6_months';
  if (done(first)) return 'visited_3_months';
  return 'plan_started';
}

/** The latest visit by date (the latest recorded, for two on one day). */
export function latestVisit<V extends VisitFacts & { id: number }>(visits: readonly V[]): V | undefined {
  return [...visits].sort((a, b) => (a.visitedOn === b.visitedOn ? a.id - b.id : a.visitedOn < b.visitedOn ? -1 : 1)).at(-1);
}

const caseColumns = {
  id: childCases.id,
  code: childCases.code,
  siteId: childCases.siteId,
  siteCode: sites.code,
  caseOrganisationId: childCases.caseOrganisationId,
  caseOrganisationCode: organisations.code,
  caseOrganisationName: organisations.name,
  referralId: childCases.referralId,
  sex: childCases.sex,
  ageAtIdentification: childCases.ageAtIdentification,
  activity: childCases.activity,
  community: childCases.community,
  householdHead: childCases.householdHead,
  householdSize: childCases.householdSize,
  identifiedOn: childCases.identifiedOn,
  identifiedBy: childCases.identifiedBy,
  riskLevel: childCases.riskLevel,
  planStartedOn: childCases.planStartedOn,
  closedOn: childCases.closedOn,
  closureReason: childCases.closureReason,
  hasName: childCases.nameKeyId,
  createdAt: childCases.createdAt,
};

export type CaseFilters = { stage?: CaseStage | undefined; site?: string | undefined; risk?: string | undefined; overdue?: boolean | undefined };

export type CaseSummary = Awaited<ReturnType<typeof listCases>>[number];

/**
 * The cases one organisation manages, each with its stage, latest visit, next and overdue visits.
 * Filters narrow by stage, site code, risk level and "has an overdue visit".
 */
export async function listCases(db: Queryable, props: { caseOrganisationId: number; schedule: FollowUpSchedule; today: string; filters?: CaseFilters }) {
  const rows = await db
    .select(caseColumns)
    .from(childCases)
    .innerJoin(sites, eq(sites.id, childCases.siteId))
    .innerJoin(organisations, eq(organisations.id, childCases.caseOrganisationId))
    .where(eq(childCases.caseOrganisationId, props.caseOrganisationId))
    .orderBy(asc(childCases.code));
  const visits = rows.length === 0 ? [] : await db.select().from(childVisits).where(inArray(childVisits.caseId, rows.map((r) => r.id)));
  const filters = props.filters ?? {};
  return rows
    .map(({ hasName, ...row }) => {
      const own = visits.filter((v) => v.caseId === row.id);
      const due: DueVisit[] = row.planStartedOn && !row.closedOn ? scheduledVisits({ planStartedOn: row.planStartedOn, identifiedOn: row.identifiedOn, ageAtIdentification: row.ageAtIdentification }, props.schedule) : [];
      return {
        ...row,
        nameRecorded: hasName !== null,
        stage: stageOf(row, own, props.schedule),
        latestVisit: latestVisit(own) ?? null,
        nextVisit: nextVisit(due, own) ?? null,
        overdue: overdueVisits(due, own, props.today),
      };
    })
    .filter((c) => (!filters.stage || c.stage === filters.stage) && (!filters.site || c.siteCode === filters.site) && (!filters.risk || c.riskLevel === filters.risk) && (!filters.overdue || c.overdue.length > 0));
}

/** One case with its plan and visits, for the readers the policy admits; the name opened when the key is at hand. */
export async function getCase(db: Queryable, props: { caseId: number; schedule: FollowUpSchedule; today: string; nameKey: ChildNameKey | null }) {
  const [row] = await db
    .select({ ...caseColumns, nameCiphertext: childCases.nameCiphertext, nameNonce: childCases.nameNonce, nameTag: childCases.nameTag })
    .from(childCases)
    .innerJoin(sites, eq(sites.id, childCases.siteId))
    .innerJoin(organisations, eq(organisations.id, childCases.caseOrganisationId))
    .where(eq(childCases.id, props.caseId));
  if (!row) return undefined;
  const { nameCiphertext, nameNonce, nameTag, hasName, ...facts } = row;
  const supports = await db
    .select({
      id: childSupports.id,
      kind: childSupports.kind,
      providerCode: organisations.code,
      providerName: organisations.name,
      startedOn: childSupports.startedOn,
      endedOn: childSupports.endedOn,
      costMinor: childSupports.costMinor,
      currency: childSupports.currency,
    })
    .from(childSupports)
    .innerJoin(organisations, eq(organisations.id, childSupports.providerOrganisationId))
    .where(eq(childSupports.caseId, row.id))
    .orderBy(asc(childSupports.startedOn), asc(childSupports.id));
  const visits = await db.select().from(childVisits).where(eq(childVisits.caseId, row.id)).orderBy(asc(childVisits.visitedOn), asc(childVisits.id));
  const due = facts.planStartedOn ? scheduledVisits({ planStartedOn: facts.planStartedOn, identifiedOn: facts.identifiedOn, ageAtIdentification: facts.ageAtIdentification }, props.schedule) : [];
  const sealed = hasName && nameCiphertext && nameNonce && nameTag ? { ciphertext: nameCiphertext, nonce: nameNonce, tag: nameTag, keyId: hasName } : null;
  return {
    ...facts,
    name: sealed ? { recorded: true as const, value: props.nameKey ? openName(props.nameKey, sealed, facts.code) : null } : { recorded: false as const, value: null },
    stage: stageOf(facts, visits, props.schedule),
    supports,
    visits,
    schedule: due.map((d) => ({ ...d, visit: visits.find((v) => v.dueMonths === d.dueMonths) ?? null })),
    overdue: facts.closedOn ? [] : overdueVisits(due, visits, props.today),
  };
}

export type CaseDetail = NonNullable<Awaited<ReturnType<typeof getCase>>>;

/** Who manages a case, for the policy; undefined when there is no such case. */
export async function caseOrganisationOf(db: Queryable, caseId: number): Promise<number | undefined> {
  if (!Number.isSafeInteger(caseId) || caseId <= 0) return undefined;
  const [row] = await db.select({ orgId: childCases.caseOrganisationId }).from(childCases).where(eq(childCases.id, caseId));
  return row?.orgId;
}

/** A case found by its code (`KAM-C-0001`), as a field officer carries it, with who manages it; undefined when there is none. */
export async function findCaseByCode(db: Queryable, code: string): Promise<{ id: number; caseOrganisationId: number } | undefined> {
  const [row] = await db.select({ id: childCases.id, caseOrganisationId: childCases.caseOrganisationId }).from(childCases).where(eq(childCases.code, code));
  return row;
}
