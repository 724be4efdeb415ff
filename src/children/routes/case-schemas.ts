import { z } from '@hono/zod-openapi';
import { sexes } from '../../sites/public.ts';
import { supportCurrencies } from '../commands/add-support.ts';
import { caseStages, type CaseDetail, type CaseSummary } from '../queries/cases.ts';
import { childActivities, closureReasons, householdHeads, identificationSources, riskLevels, supportKinds, visitOutcomes } from '../schema.ts';

/* The API's shapes of a case, shared by its areas: the request bodies, the answers, and how a case is presented in them. */

const IsoDate = z.iso.date().openapi({ example: '2025-03-31' });
export const CaseParams = z.object({ id: z.coerce.number().int().positive().openapi({ description: 'The case’s internal number' }) });

const Circumstances = {
  activity: z.enum(childActivities),
  community: z.string().trim().min(1).max(200).openapi({ description: 'Community or neighbourhood where the child lives' }),
  householdHead: z.enum(householdHeads),
  householdSize: z.number().int().min(1).max(50),
  riskLevel: z.enum(riskLevels),
  name: z.string().trim().max(200).nullable().optional().openapi({ description: 'Optional; stored only encrypted, with a key kept outside the database' }),
};

export const OpenCaseBody = z
  .strictObject({
    site: z.string().min(1).max(10).openapi({ example: 'KAM' }),
    sex: z.enum(sexes),
    ageAtIdentification: z.number().int().min(0).max(120).openapi({ description: 'Whole years; 18 or over is refused' }),
    identifiedOn: IsoDate,
    identifiedBy: z.enum(identificationSources),
    ...Circumstances,
  })
  .openapi('OpenChildCase');
export const ConfirmBody = z.strictObject(Circumstances).openapi('ConfirmChildReferral');
export const SupportBody = z
  .strictObject({
    kind: z.enum(supportKinds),
    provider: z.string().min(1).max(60).openapi({ description: 'Code of an accredited case-management organisation', example: 'kolwezi-care' }),
    startedOn: IsoDate,
    endedOn: IsoDate.nullable().optional(),
    costMinor: z.number().int().min(0).openapi({ description: 'In minor units of the currency (cents)' }),
    currency: z.enum(Object.keys(supportCurrencies) as ['USD', 'CDF']),
  })
  .openapi('AddChildSupport');
export const VisitBody = z
  .strictObject({
    visitedOn: IsoDate,
    outcome: z.enum(visitOutcomes),
    dueMonths: z.number().int().min(1).max(240).nullable().openapi({ description: 'The scheduled visit (3, 6, 18 … months after the plan starts), or null for a visit outside the schedule' }),
  })
  .openapi('RecordChildVisit');
export const CloseBody = z.strictObject({ closedOn: IsoDate, reason: z.enum(closureReasons) }).openapi('CloseChildCase');

const Due = z.object({ dueMonths: z.number().int(), dueOn: z.string() });
const Visit = z.object({ id: z.number().int(), dueMonths: z.number().int().nullable(), visitedOn: z.string(), outcome: z.enum(visitOutcomes) });
export const CaseSummarySchema = z
  .object({
    id: z.number().int(),
    code: z.string().openapi({ description: 'Pseudonymous case code, for the case-management side only', example: 'XYZ-C-0042' }),
    site: z.string(),
    caseOrganisation: z.string(),
    sex: z.enum(sexes),
    ageAtIdentification: z.number().int(),
    activity: z.enum(childActivities),
    riskLevel: z.enum(riskLevels),
    identifiedOn: z.string(),
    planStartedOn: z.string().nullable(),
    stage: z.enum(caseStages),
    latestVisit: Visit.nullable(),
    nextVisit: Due.nullable(),
    overdueVisits: z.array(Due),
    closedOn: z.string().nullable(),
    closureReason: z.enum(closureReasons).nullable(),
  })
  .openapi('ChildCaseSummary');
export const CaseDetailSchema = CaseSummarySchema.extend({
  referred: z.boolean(),
  community: z.string(),
  householdHead: z.enum(householdHeads),
  householdSize: z.number().int(),
  identifiedBy: z.enum(identificationSources),
  name: z.object({ recorded: z.boolean(), value: z.string().nullable().openapi({ description: 'Null when none is recorded or this server lacks the key' }) }),
  supports: z.array(
    z.object({ id: z.number().int(), kind: z.enum(supportKinds), provider: z.string(), startedOn: z.string(), endedOn: z.string().nullable(), costMinor: z.number().int(), currency: z.string() }),
  ),
  visits: z.array(Visit),
  schedule: z.array(Due.extend({ visited: z.boolean() })),
}).openapi('ChildCase');

const presentVisit = (v: { id: number; dueMonths: number | null; visitedOn: string; outcome: (typeof visitOutcomes)[number] }) => ({ id: v.id, dueMonths: v.dueMonths, visitedOn: v.visitedOn, outcome: v.outcome });

/** What a case's summary and its detail both say of it. */
const caseFacts = (c: CaseSummary | CaseDetail) => ({
    id: c.id,
    code: c.code,
    site: c.siteCode,
    caseOrganisation: c.caseOrganisationCode,
    sex: c.sex,
    ageAtIdentification: c.ageAtIdentification,
    activity: c.activity,
    riskLevel: c.riskLevel,
    identifiedOn: c.identifiedOn,
    planStartedOn: c.planStartedOn,
    stage: c.stage,
});

export function presentSummary(c: CaseSummary): z.infer<typeof CaseSummarySchema> {
  return {
    ...caseFacts(c),
    latestVisit: c.latestVisit && presentVisit(c.latestVisit),
    nextVisit: c.nextVisit,
    overdueVisits: c.overdue,
    closedOn: c.closedOn,
    closureReason: c.closureReason,
  };
}

export function presentDetail(c: CaseDetail): z.infer<typeof CaseDetailSchema> {
  return {
    ...caseFacts(c),
    latestVisit: c.visits.length > 0 ? presentVisit(c.visits.at(-1)!) : null,
    nextVisit: c.schedule.find((d) => !d.visit && !c.closedOn) ?? null,
    overdueVisits: c.overdue,
    closedOn: c.closedOn,
    closureReason: c.closureReason,
    referred: c.referralId !== null,
    community: c.community,
    householdHead: c.householdHead,
    householdSize: c.householdSize,
    identifiedBy: c.identifiedBy,
    name: c.name,
    supports: c.supports.map((s) => ({ id: s.id, kind: s.kind, provider: s.providerCode, startedOn: s.startedOn, endedOn: s.endedOn, costMinor: s.costMinor, currency: s.currency })),
    visits: c.visits.map(presentVisit),
    schedule: c.schedule.map((d) => ({ dueMonths: d.dueMonths, dueOn: d.dueOn, visited: d.visit !== null })),
  };
}
