import { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { enterpriseCodePattern } from '../codes.ts';
import { checkPastDate, parseProps } from '../command-input.ts';
import { savingsError } from '../messages/errors.ts';
import { savingsEnterpriseRevenues, savingsEnterprises } from '../schema.ts';

export const enterpriseRevenueSchema = z
  .strictObject({
    enterpriseCode: z.string().regex(enterpriseCodePattern),
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).openapi({ example: '2025-03' }),
    revenueMinor: z.number().int().min(0).max(1_000_000_000_000).openapi({ description: 'Takings of the month, CDF centimes' }),
    profitMinor: z.number().int().min(-1_000_000_000_000).max(1_000_000_000_000).nullable().default(null).openapi({ description: 'Takings less the month’s costs, CDF centimes; negative for a loss; at most the takings' }),
    jobsCreated: z.number().int().min(0).max(1000).nullable().default(null).openapi({ description: 'Paid jobs the enterprise gives now besides its owner’s; replaces the last figure when given' }),
  })
  .openapi('RecordEnterpriseRevenue');

export type RecordRevenueProps = z.input<typeof enterpriseRevenueSchema>;

/** Records (or corrects) an enterprise's takings for one month; the latest report of a month stands. */
export async function recordEnterpriseRevenue(ctx: CommandContext, props: RecordRevenueProps): Promise<{ enterpriseCode: string; month: string; revenueMinor: number; profitMinor: number | null; jobsCreated: number | null }> {
  authorize(ctx.actor, 'savings.record');
  const input = parseProps(enterpriseRevenueSchema, props);
  const [enterprise] = await ctx.tx.select().from(savingsEnterprises).where(eq(savingsEnterprises.code, input.enterpriseCode));
  if (!enterprise) throw savingsError('enterprise_not_found', 404, { enterprise: input.enterpriseCode });
  checkPastDate(ctx, `${input.month}-01`);
  if (input.profitMinor !== null && input.profitMinor > input.revenueMinor) throw savingsError('profit_above_takings', 422);
  if (input.jobsCreated !== null) await ctx.tx.update(savingsEnterprises).set({ jobsCreated: input.jobsCreated }).where(eq(savingsEnterprises.id, enterprise.id));
  await ctx.tx
    .insert(savingsEnterpriseRevenues)
    .values({ enterpriseId: enterprise.id, month: input.month, revenueMinor: input.revenueMinor, profitMinor: input.profitMinor })
    .onConflictDoUpdate({ target: [savingsEnterpriseRevenues.enterpriseId, savingsEnterpriseRevenues.month], set: { revenueMinor: input.revenueMinor, profitMinor: input.profitMinor } });
  await appendEvent(ctx, {
    type: 'savings.enterprise_revenue_recorded',
    subject: `savings_enterprise:${enterprise.code}`,
    payload: { enterprise: enterprise.code, month: input.month, revenueMinor: input.revenueMinor, profitMinor: input.profitMinor, jobsCreated: input.jobsCreated, currency: 'CDF' },
  });
  return { enterpriseCode: enterprise.code, month: input.month, revenueMinor: input.revenueMinor, profitMinor: input.profitMinor, jobsCreated: input.jobsCreated };
}
