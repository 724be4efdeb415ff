import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../../core/auth/policies.ts';
import type { Indicator } from '../../core/indicators.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../../web/openapi.ts';
import { defineResult } from '../commands/define-result.ts';
import { setResultTarget } from '../commands/set-result-target.ts';
import { loadResults, type PublishedResult } from '../queries/results.ts';
import { activityForResults } from '../result-input.ts';

const activityParams = z.object({ code: z.string().max(40).openapi({ example: 'OHS-KAM' }) });
const targetParams = activityParams.extend({
  id: z.coerce.number().int().positive().max(2_147_483_647).openapi({ description: 'the result indicator’s id (answered when the result is defined)', example: 1 }),
  year: z.coerce.number().int().positive().max(9999).openapi({ example: 2025 }),
});
const Texts = z.record(z.string().max(40), z.string().max(60));

const ResultBody = z.strictObject({
  type: z.number().int().openapi({ description: 'IATI ResultType: 1 output, 2 outcome, 3 impact, 9 other', example: 2 }),
  titleEn: z.string().max(200),
  titleFr: z.string().max(200),
  descriptionEn: z.string().max(2000).optional(),
  descriptionFr: z.string().max(2000).optional(),
  indicators: z
    .array(
      z.strictObject({
        indicator: z.string().max(80).openapi({ description: 'the Orebook indicator it is computed by (GET /indicators); a public one', example: 'safety.incidents_by_kind' }),
        titleEn: z.string().max(200),
        titleFr: z.string().max(200),
        filters: Texts.optional().openapi({ description: 'filters passed to the indicator, among its `filters`', example: { site: 'KAM' } }),
        selection: Texts.optional().openapi({ description: 'the dimension values summed, among its `disaggregations`; none: every value', example: { severity: 'fatal' } }),
        measure: z.number().int().openapi({ description: 'IATI IndicatorMeasure: 1 unit, 2 percentage', example: 1 }),
        ascending: z.boolean().openapi({ description: 'whether more is better' }),
        baselineYear: z.number().int().openapi({ example: 2023 }),
        baselineValue: z.number(),
      }),
    )
    .max(10),
});
const TargetBody = z.strictObject({ value: z.number() });

const Localized = z.object({ en: z.string(), fr: z.string() });
const ResultSchema = z
  .object({
    id: z.number().int(),
    type: z.number().int().openapi({ description: 'IATI ResultType code' }),
    title: Localized,
    description: Localized.nullable(),
    indicators: z.array(
      z.object({
        id: z.number().int(),
        indicator: z.string(),
        title: Localized,
        filters: z.record(z.string(), z.string()),
        selection: z.record(z.string(), z.string()),
        measure: z.number().int().openapi({ description: 'IATI IndicatorMeasure code' }),
        ascending: z.boolean(),
        baseline: z.object({ year: z.number().int(), value: z.number() }),
        periods: z.array(z.object({ year: z.number().int(), target: z.number(), actual: z.number().nullable().openapi({ description: 'computed from the indicator over the calendar year; null until the year has ended' }) })),
      }),
    ),
  })
  .openapi('ActivityResult');

const describe = (result: PublishedResult) => ({
  id: result.id,
  type: result.type,
  title: result.title,
  description: result.description,
  indicators: result.indicators.map((indicator) => ({
    id: indicator.id,
    indicator: indicator.indicatorId,
    title: indicator.title,
    filters: indicator.filters,
    selection: indicator.selection,
    measure: indicator.measure,
    ascending: indicator.ascending,
    baseline: indicator.baseline,
    periods: indicator.periods,
  })),
});

const appIndicators = (modules: AppEnv['Variables']['modules']): Indicator[] => modules.flatMap((module) => module.indicators ?? []);

/** The results of the alliance's activities, measured by the modules' indicators (issue 13, part 7): public to read, the secretariat's to define. */
export function registerResultsApi(api: OpenAPIHono<AppEnv>): void {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/finance/activities/{code}/results',
      tags: ['Finance'],
      summary: 'An activity’s results as its IATI record publishes them: baseline, and per year the target and the actual computed from the indicator (public)',
      request: { params: activityParams },
      responses: { 200: jsonResponse(z.object({ activity: z.string(), results: z.array(ResultSchema) })), ...errorResponses(404) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'finance.read.public');
      const db = c.get('deps').db;
      const activity = await activityForResults(db, c.req.valid('param').code);
      const results = await loadResults(db, appIndicators(c.get('modules')), new Date(), [activity.id]);
      return c.json({ activity: activity.code, results: (results.get(activity.id) ?? []).map(describe) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/finance/activities/{code}/results',
      tags: ['Finance'],
      summary: 'Define a result of an activity with the indicators it is measured by and their baselines (secretariat)',
      security: signedInSecurity,
      request: { params: activityParams, body: { content: { 'application/json': { schema: ResultBody } }, required: true } },
      responses: { 201: jsonResponse(ResultSchema), ...errorResponses(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const indicators = appIndicators(c.get('modules'));
      const result = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => defineResult(ctx, { activity: c.req.valid('param').code, ...c.req.valid('json') }, indicators));
      return c.json(
        describe({
          id: result.id,
          activityId: result.activityId,
          recordedAt: result.createdAt,
          type: result.typeCode,
          title: { en: result.titleEn, fr: result.titleFr },
          description: result.descriptionEn ? { en: result.descriptionEn, fr: result.descriptionFr } : null,
          indicators: result.indicators.map((row) => ({
            id: row.id,
            indicatorId: row.indicatorId,
            title: { en: row.titleEn, fr: row.titleFr },
            formula: null,
            filters: row.filters,
            selection: row.selection,
            measure: row.measureCode,
            ascending: row.ascending,
            baseline: { year: row.baselineYear, value: row.baselineValue },
            periods: [],
          })),
        }),
        201,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/finance/activities/{code}/results/indicators/{id}/targets/{year}',
      tags: ['Finance'],
      summary: 'Set the target of a result’s indicator for a calendar year of the activity (secretariat)',
      security: signedInSecurity,
      request: { params: targetParams, body: { content: { 'application/json': { schema: TargetBody } }, required: true } },
      responses: { 200: jsonResponse(z.object({ resultIndicator: z.number().int(), year: z.number().int(), value: z.number() })), ...errorResponses(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const { code, id, year } = c.req.valid('param');
      const target = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => setResultTarget(ctx, { activity: code, resultIndicator: id, year, value: c.req.valid('json').value }));
      return c.json({ resultIndicator: target.resultIndicatorId, year: target.year, value: target.value }, 200);
    },
  );
}
