import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../db/connect.ts';
import type { CommandContext } from '../journal/public.ts';
import { savingsError } from './messages/errors.ts';
import { savingsCycles, savingsGroups } from './schema.ts';

export type SavingsGroup = typeof savingsGroups.$inferSelect;
export type SavingsCycle = typeof savingsCycles.$inferSelect;

/** The group a command names by its code; refused (404) when there is none. */
export async function findGroup(db: Queryable, code: string): Promise<SavingsGroup> {
  const [group] = await db.select().from(savingsGroups).where(eq(savingsGroups.code, code));
  if (!group) throw savingsError('group_not_found', 404, { group: code });
  return group;
}

/** The cycle, locked for the rest of the command: meetings and the share-out of one cycle never cross, so balances checked stay true. */
export async function lockOpenCycle(ctx: CommandContext, group: SavingsGroup, number: number): Promise<SavingsCycle> {
  const [cycle] = await ctx.tx
    .select()
    .from(savingsCycles)
    .where(and(eq(savingsCycles.groupId, group.id), eq(savingsCycles.number, number)))
    .for('update');
  if (!cycle) throw savingsError('cycle_not_found', 404, { group: group.code, cycle: number });
  if (cycle.status !== 'open') throw savingsError('cycle_shared_out', 409, { group: group.code, cycle: number });
  return cycle;
}
