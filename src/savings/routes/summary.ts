import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../../core/auth/policies.ts';
import { isoDateOf } from '../../core/calendar.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses as errors, jsonResponse as json } from '../../web/openapi.ts';
import { savingsFigures, yearWindow } from '../queries/figures.ts';
import { tags } from './openapi.ts';

const YearQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional().openapi({ description: 'Calendar year; the current one by default' }) });

const Ratio = z.number().nullable().openapi({ description: 'A fraction from 0 to 1; null when there is nothing to divide by' });
const SummarySchema = z
  .object({
    year: z.number().int(),
    from: z.string(),
    to: z.string().openapi({ description: 'The day stock figures are taken on' }),
    currency: z.string(),
    groups: z.number().int(),
    members: z.number().int(),
    shareOfWomen: Ratio,
    savingsMinor: z.number().int(),
    savingsPerMemberMinor: z.number().int().nullable(),
    loansOutstandingMinor: z.number().int(),
    loanFundUtilisation: Ratio,
    portfolioAtRisk30: Ratio,
    annualisedReturnOnSavings: z.number().nullable(),
    meetings: z.number().int(),
    attendanceRate: Ratio,
    socialFundMinor: z.number().int(),
    shareOuts: z.object({ count: z.number().int(), paidOutMinor: z.number().int() }),
    enterprisesActive: z.number().int(),
    enterprisesFinancedByGroupLoan: z.number().int(),
    months: z.array(z.object({ month: z.string(), savingsMinor: z.number().int(), loansMinor: z.number().int(), socialFundMinor: z.number().int() })),
  })
  .openapi('SavingsSummary');

/** The public aggregate over all groups: no member, no group named. */
export function registerSavingsSummaryApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/savings/summary',
      tags,
      summary: 'Public figures of a year (SEEP / SAVIX conventions): aggregates over all groups, no member',
      request: { query: YearQuery },
      responses: { 200: json(SummarySchema), ...errors(400) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'savings.read.public');
      const year = c.req.valid('query').year ?? new Date().getUTCFullYear();
      const figures = await savingsFigures(c.get('deps').db, yearWindow(year, isoDateOf(new Date())));
      return c.json({ year, ...figures }, 200);
    },
  );
}
