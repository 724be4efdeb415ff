import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../../core/auth/policies.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse } from '../../web/openapi.ts';
import { publicChildrenSummary } from '../queries/summary.ts';

const errors = errorResponses;
const json = jsonResponse;

const PublicCount = z.union([z.object({ value: z.number().int() }), z.object({ suppressed: z.enum(['fewer_than_5', 'secondary']) })]).openapi('ChildrenPublicCount', {
  description: '{"value": n}, or {"suppressed": "fewer_than_5"} for a count under 5, or {"suppressed": "secondary"} for a count that would reveal one by subtraction',
});
const Breakdown = z.record(z.string(), PublicCount);
const SummarySchema = z
  .object({
    year: z.number().int(),
    threshold: z.number().int(),
    identified: z.object({ total: PublicCount, byAgeGroup: Breakdown, bySex: Breakdown, byActivity: Breakdown, bySite: Breakdown }),
    caseload: PublicCount,
    receivingSupport: z.object({ count: PublicCount, sharePercent: z.number().nullable() }),
    followedUp: PublicCount,
    notInChildLabour: z.object({ count: PublicCount, sharePercent: z.number().nullable() }),
    closed: z.object({ total: PublicCount, byReason: Breakdown }),
    averageDaysToRemediatedClosure: PublicCount,
  })
  .openapi('ChildrenSummary');

const YearQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional().openapi({ description: 'Calendar year; the current one by default' }) });

/** The public aggregate of a year: counts only, every small number suppressed. */
export function registerPublicChildrenApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/children/summary',
      tags: ['Children'],
      summary: 'Public figures of a year (ICI / ECLT conventions): aggregates only, any count under 5 suppressed',
      request: { query: YearQuery },
      responses: { 200: json(SummarySchema), ...errors(400) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'children.read.public');
      const year = c.req.valid('query').year ?? new Date().getUTCFullYear();
      return c.json(await publicChildrenSummary(c.get('deps').db, year), 200);
    },
  );
}
