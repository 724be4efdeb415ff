import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../../core/auth/policies.ts';
import { notFound } from '../../core/errors.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse } from '../../web/openapi.ts';
import { qualificationLevels, siteStatuses, standardAreas } from '../schema.ts';
import { findPublicSite, listPublicSites, siteOverview, todayIso, type PublicSite } from '../queries/public-site.ts';

const Qualification = z.object({ level: z.enum(qualificationLevels), qualifiedOn: z.string(), nextReviewOn: z.string().nullable() }).nullable();
const SiteSummary = z
  .object({
    code: z.string(),
    name: z.string(),
    province: z.string(),
    town: z.string(),
    coordinates: z.object({ latitude: z.number(), longitude: z.number() }),
    concessionHolder: z.string(),
    status: z.enum(siteStatuses),
    cooperative: z.object({ code: z.string(), name: z.string() }),
    qualification: Qualification,
    pits: z.object({ total: z.number().int(), covered: z.number().int() }),
  })
  .openapi('SiteSummary');
const Tenths = z.number().int().nullable().openapi({ description: 'score in tenths of a percent (875 = 87.5 %), null when nothing applicable' });
const SiteDetail = SiteSummary.extend({
  headcount: z.object({
    on: z.string(),
    total: z.number().int(),
    female: z.number().int(),
    male: z.number().int(),
    groups: z.array(z.object({ group: z.string(), labelEn: z.string(), labelFr: z.string(), female: z.number().int(), male: z.number().int(), total: z.number().int() })),
  }),
  production: z.array(z.object({ month: z.string(), mineral: z.string(), containedKg: z.number().int(), dryOreKg: z.number().int() })),
  assessment: z
    .object({
      assessmentId: z.number().int(),
      periodStart: z.string(),
      periodEnd: z.string(),
      standardVersion: z.string(),
      areas: z.record(z.enum(standardAreas), Tenths),
      overall: Tenths,
      baselineMet: z.boolean(),
      changeSincePrevious: z.record(z.string(), Tenths).nullable(),
    })
    .nullable(),
  correctiveActions: z.array(
    z.object({ id: z.number().int(), title: z.string(), criterionCode: z.string().nullable(), dueOn: z.string(), status: z.string(), closedOn: z.string().nullable(), overdue: z.boolean() }),
  ),
  verifications: z.array(
    z.object({ id: z.number().int(), mineral: z.string(), periodStart: z.string(), periodEnd: z.string(), responsibleKg: z.number().int(), verifier: z.string(), signedAt: z.string(), keyCustody: z.enum(['registry', 'verifier']).openapi({ description: 'Who held the key that signed: the verifier, or the registry operator' }) }),
  ),
}).openapi('SiteDetail');

function presentSummary(site: PublicSite) {
  return {
    code: site.code,
    name: site.name,
    province: site.province,
    town: site.town,
    coordinates: { latitude: site.latitudeE6 / 1e6, longitude: site.longitudeE6 / 1e6 },
    concessionHolder: site.concessionHolder,
    status: site.status,
    cooperative: { code: site.cooperativeCode, name: site.cooperativeName },
    qualification: site.qualificationLevel ? { level: site.qualificationLevel, qualifiedOn: site.qualifiedOn!, nextReviewOn: site.nextReviewOn } : null,
    pits: { total: site.pitsTotal, covered: site.pitsCovered },
  };
}

/** The public side of the sites: facts, qualification, headcounts, production, scores; never a person. */
export function registerPublicSitesApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/sites',
      tags: ['Sites'],
      summary: 'Partner sites with their qualification and pits (public)',
      responses: { 200: jsonResponse(z.object({ sites: z.array(SiteSummary) })) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'site.read.public');
      const rows = await listPublicSites(c.get('deps').db);
      return c.json({ sites: rows.map(presentSummary) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/sites/{code}',
      tags: ['Sites'],
      summary: 'One site: facts, headcount by group and sex, production by month, latest scores, corrective actions, verifications (public)',
      request: { params: z.object({ code: z.string() }), query: z.object({ on: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }) },
      responses: { 200: jsonResponse(SiteDetail), ...errorResponses(400, 404) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'site.read.public');
      const db = c.get('deps').db;
      const site = await findPublicSite(db, c.req.valid('param').code);
      if (!site) throw notFound();
      const overview = await siteOverview(db, site, c.req.valid('query').on ?? todayIso());
      const scores = overview.scores;
      return c.json(
        {
          ...presentSummary(site),
          headcount: { ...overview.headcount, groups: overview.headcount.groups.map(({ groupCode, ...rest }) => ({ group: groupCode, ...rest })) },
          production: overview.production.rows.map((row) => ({ month: row.month, mineral: row.mineral, containedKg: row.containedKg, dryOreKg: row.dryOreKg })),
          assessment: scores
            ? {
                assessmentId: scores.assessmentId,
                periodStart: scores.periodStart,
                periodEnd: scores.periodEnd,
                standardVersion: scores.standardVersion.version,
                areas: scores.areas,
                overall: scores.overall,
                baselineMet: scores.baseline.met,
                changeSincePrevious: overview.comparison?.previous
                  ? { ...Object.fromEntries(Object.entries(overview.comparison.areas).map(([area, change]) => [area, change.change])), overall: overview.comparison.overall.change }
                  : null,
              }
            : null,
          correctiveActions: overview.correctiveActions,
          verifications: overview.verifications.map((v) => ({ ...v, verifier: v.verifierName, signedAt: v.signedAt.toISOString() })),
        },
        200,
      );
    },
  );
}
