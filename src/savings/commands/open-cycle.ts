import { z } from '@hono/zod-openapi';
import { and, eq, gte, lte, sql } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { groupCodePattern } from '../codes.ts';
import { parseProps } from '../command-input.ts';
import { findGroup, type SavingsCycle } from '../lookups.ts';
import { savingsError } from '../messages/errors.ts';
import { savingsCycles } from '../schema.ts';

export const openCycleSchema = z
  .strictObject({
    groupCode: z.string().regex(groupCodePattern),
    startsOn: z.iso.date(),
    endsOn: z.iso.date(),
    sharePriceMinor: z.number().int().min(1).max(100_000_000).openapi({ description: 'Price of one share in CDF centimes', example: 50_000 }),
    maxSharesPerMeeting: z.number().int().min(1).max(10).default(5),
    monthlyInterestBps: z.number().int().min(0).max(5000).openapi({ description: 'Monthly flat interest in basis points (10 % = 1000)', example: 1000 }),
    socialFundContributionMinor: z.number().int().min(0).max(100_000_000).openapi({ description: 'Each member’s social-fund contribution a meeting, CDF centimes' }),
  })
  .openapi('OpenSavingsCycle');

export type OpenCycleProps = z.input<typeof openCycleSchema>;

/** Opens the group's next cycle with its rules (the constitution the members agreed for the year). */
export async function openCycle(ctx: CommandContext, props: OpenCycleProps): Promise<SavingsCycle> {
  authorize(ctx.actor, 'savings.record');
  const input = parseProps(openCycleSchema, props);
  if (input.endsOn <= input.startsOn) throw savingsError('cycle_rules_invalid', 422);
  const group = await findGroup(ctx.tx, input.groupCode);
  await ctx.tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`savings_cycles:${group.id}`}))`);
  const [overlap] = await ctx.tx
    .select()
    .from(savingsCycles)
    .where(and(eq(savingsCycles.groupId, group.id), lte(savingsCycles.startsOn, input.endsOn), gte(savingsCycles.endsOn, input.startsOn)));
  if (overlap) throw savingsError('cycle_overlaps', 409, { group: group.code, startsOn: overlap.startsOn, endsOn: overlap.endsOn });
  const [count] = await ctx.tx.select({ n: sql<number>`count(*)::int` }).from(savingsCycles).where(eq(savingsCycles.groupId, group.id));
  const [cycle] = await ctx.tx
    .insert(savingsCycles)
    .values({
      groupId: group.id,
      number: Number(count?.n ?? 0) + 1,
      startsOn: input.startsOn,
      endsOn: input.endsOn,
      sharePriceMinor: input.sharePriceMinor,
      maxSharesPerMeeting: input.maxSharesPerMeeting,
      monthlyInterestBps: input.monthlyInterestBps,
      socialFundContributionMinor: input.socialFundContributionMinor,
    })
    .returning();
  const { id: _id, groupId: _groupId, ...rules } = cycle!;
  await appendEvent(ctx, { type: 'savings.cycle_opened', subject: `savings_cycle:${cycle!.id}`, payload: { group: group.code, ...rules } });
  return cycle!;
}
