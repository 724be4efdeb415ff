import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../core/auth/policies.ts';
import { coreError, notFound } from '../core/errors.ts';
import { findIndicator, type Indicator } from '../core/indicators.ts';
import type { AppEnv } from './context.ts';
import { errorResponses, jsonResponse } from './openapi.ts';

const Localized = z.object({ en: z.string(), fr: z.string() });
const IndicatorInfo = z
  .object({
    id: z.string(),
    label: Localized,
    unit: Localized,
    formula: Localized,
    disaggregations: z.array(z.string()),
    filters: z.array(z.string()),
    visibility: z.enum(['public', 'restricted']),
  })
  .openapi('Indicator');

const describe = (indicator: Indicator) => ({
  id: indicator.id,
  label: indicator.label,
  unit: indicator.unit,
  formula: indicator.formula,
  disaggregations: [...indicator.disaggregations],
  filters: [...indicator.filters],
  visibility: indicator.visibility,
});

const dateOnly = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

/** Every module's indicators, listed and computed through one contract. */
export function registerIndicatorApi(api: OpenAPIHono<AppEnv>, indicators: readonly Indicator[]) {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/indicators',
      tags: ['Indicators'],
      summary: 'The indicators Orebook computes, with their formulas',
      responses: { 200: jsonResponse(z.object({ indicators: z.array(IndicatorInfo) })) },
    }),
    (c) => c.json({ indicators: indicators.map(describe) }, 200),
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/indicators/{id}',
      tags: ['Indicators'],
      summary: 'Compute an indicator for a period [from, to) and filters (other query keys)',
      request: {
        params: z.object({ id: z.string() }),
        query: z.object({ from: dateOnly, to: dateOnly }).passthrough(),
      },
      responses: {
        200: jsonResponse(
          z.object({
            indicator: IndicatorInfo,
            period: z.object({ from: z.string(), to: z.string() }),
            values: z.array(z.object({ value: z.number(), dimensions: z.record(z.string(), z.string()) })),
          }),
        ),
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const indicator = findIndicator(indicators, c.req.valid('param').id);
      if (!indicator) throw notFound();
      authorize(c.get('actor'), indicator.visibility === 'public' ? 'indicator.read.public' : 'indicator.read.restricted');
      const { from, to, ...rest } = c.req.valid('query') as Record<string, string>;
      const period = { from: new Date(`${from}T00:00:00Z`), to: new Date(`${to}T00:00:00Z`) };
      if (period.to <= period.from) throw coreError('validation_failed', 400, { fields: 'to' }, [{ path: 'to', code: 'custom', message: 'the period must end after it starts' }]);
      const filters = Object.fromEntries(Object.entries(rest).filter(([key]) => indicator.filters.includes(key)));
      const values = await indicator.compute(c.get('deps').db, { period, filters });
      return c.json({ indicator: describe(indicator), period: { from: from!, to: to! }, values }, 200);
    },
  );
}
