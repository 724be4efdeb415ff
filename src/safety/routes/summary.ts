import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../../core/auth/policies.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses as errors, jsonResponse as json } from '../../web/openapi.ts';
import { safetyError } from '../messages/errors.ts';
import type { YearFigures } from '../queries/figures.ts';
import { safetySites, siteSafetySummary, type SiteSafetySummary } from '../queries/summary.ts';
import type { Exposure, Rates } from '../rates.ts';
import { incidentSeverities } from '../schema.ts';
import { today, Year } from './shared.ts';

const RateSchema = z
  .object({
    count: z.number().int(),
    per1000Workers: z.number().nullable(),
    per200kHours: z.number().nullable(),
    per1mHours: z.number().nullable(),
    estimated: z.boolean().openapi({ description: 'True when the hours behind the hours-based rates are (partly) estimated' }),
  })
  .openapi('SafetyRates');
const severityKeys = [...incidentSeverities, 'recordable'] as const;
const BySeverity = z.object(Object.fromEntries(incidentSeverities.map((s) => [s, z.number().int()])) as Record<(typeof incidentSeverities)[number], z.ZodNumber>);
const ExposureSchema = z
  .object({
    months: z.number().int(),
    averageHeadcount: z.number(),
    hoursWorked: z.number(),
    recordedHours: z.number(),
    estimatedHours: z.number(),
    estimated: z.boolean().openapi({ description: 'True when at least one month’s hours are estimated (workers × days worked × shift length)' }),
    estimatedMonths: z.array(z.string()),
  })
  .openapi('SafetyExposure');
const Change = z.object({ current: z.number().int(), previous: z.number().int(), difference: z.number().int(), percent: z.number().nullable() });
const Suppressible = z.object({ key: z.string(), people: z.number().int().nullable(), suppressed: z.boolean().openapi({ description: 'From 1 to 4 people: published as “fewer than 5”' }) });

const SiteSummary = z
  .object({
    site: z.object({ code: z.string(), name: z.string() }),
    year: z.number().int(),
    incidents: z.object({
      bySeverity: BySeverity,
      byKind: z.record(z.string(), z.number().int()),
      byMonth: z.array(z.object({ month: z.string(), bySeverity: BySeverity })),
    }),
    peopleAffected: z.object({ bySeverity: BySeverity, bySex: z.array(Suppressible), byAgeGroup: z.array(Suppressible), byOperatorGroup: z.array(Suppressible) }),
    exposure: ExposureSchema,
    rates: z.object(Object.fromEntries(severityKeys.map((s) => [s, RateSchema])) as Record<(typeof severityKeys)[number], typeof RateSchema>),
    previousYear: z.object({ year: z.number().int(), bySeverity: BySeverity, rates: z.object({ recordable: RateSchema }) }),
    yearOnYear: z.object(Object.fromEntries(severityKeys.map((s) => [s, Change])) as Record<(typeof severityKeys)[number], typeof Change>),
    interventions: z.array(z.object({ kind: z.string(), currency: z.string(), interventions: z.number().int(), quantity: z.number().int(), costMinor: z.number().int(), peopleReached: z.number().int() })),
  })
  .openapi('SafetySiteSummary');

/** Two decimals: enough for a rate, and the same figure on every page and report. */
const round2 = (value: number | null) => (value === null ? null : Math.round(value * 100) / 100);
const presentRates = (rates: Rates) => ({ ...rates, per1000Workers: round2(rates.per1000Workers), per200kHours: round2(rates.per200kHours), per1mHours: round2(rates.per1mHours) });
const presentExposure = (e: Exposure) => ({
  months: e.months,
  averageHeadcount: round2(e.averageHeadcount)!,
  hoursWorked: Math.round(e.hoursWorked),
  recordedHours: e.recordedHours,
  estimatedHours: Math.round(e.estimatedHours),
  estimated: e.estimated,
  estimatedMonths: e.estimatedMonths,
});
const presentYearRates = (figures: YearFigures) => Object.fromEntries(Object.entries(figures.rates).map(([k, r]) => [k, presentRates(r)])) as Record<(typeof severityKeys)[number], ReturnType<typeof presentRates>>;

function presentSummary(summary: SiteSafetySummary): z.infer<typeof SiteSummary> {
  const { current, previous } = summary;
  return {
    site: summary.site,
    year: current.year,
    incidents: { bySeverity: current.bySeverity, byKind: current.byKind, byMonth: current.byMonth },
    peopleAffected: { bySeverity: current.peopleBySeverity, ...summary.peopleAffected },
    exposure: presentExposure(current.exposure),
    rates: presentYearRates(current),
    previousYear: { year: previous.year, bySeverity: previous.bySeverity, rates: { recordable: presentRates(previous.rates.recordable) } },
    yearOnYear: Object.fromEntries(Object.entries(summary.yearOnYear).map(([k, c]) => [k, { ...c, percent: round2(c.percent) }])) as z.infer<typeof SiteSummary>['yearOnYear'],
    interventions: summary.interventions,
  };
}

/** The public safety figures: counts and rates per site, nothing that could identify a person. */
export function registerSafetySummaryApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/safety/summary',
      tags: ['Safety'],
      summary: 'Public safety figures of a year: counts and rates only, per site',
      description:
        'Incidents by severity, kind and month; people affected by severity, and by sex, age group and operator group over the year with counts of 1 to 4 shown as “fewer than 5”; rates per 1,000 workers and per 200,000 and 1,000,000 hours (flagged `estimated` when hours are estimated); the year before and the change; interventions and their cost. No description, no person.',
      request: { query: z.object({ year: Year.optional(), site: z.string().max(6).optional() }) },
      responses: { 200: json(z.object({ year: z.number().int(), sites: z.array(SiteSummary) })), ...errors(400, 404) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'safety.read.public');
      const db = c.get('deps').db;
      const query = c.req.valid('query');
      const year = query.year ?? new Date().getUTCFullYear();
      const sites = await safetySites(db, query.site);
      if (query.site && sites.length === 0) throw safetyError('site_not_found', 404, { site: query.site });
      const summaries = await Promise.all(sites.map((site) => siteSafetySummary(db, { site, year, today: today() })));
      return c.json({ year, sites: summaries.map(presentSummary) }, 200);
    },
  );
}
