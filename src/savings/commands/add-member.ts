import { z } from '@hono/zod-openapi';
import { eq, sql } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { sexes } from '../../sites/public.ts';
import { groupCodePattern } from '../codes.ts';
import { checkPastDate, parseProps } from '../command-input.ts';
import { findGroup } from '../lookups.ts';
import { savingsError } from '../messages/errors.ts';
import { committeeRoles, savingsMembers } from '../schema.ts';

export const addMemberSchema = z
  .strictObject({
    groupCode: z.string().regex(groupCodePattern),
    name: z.string().trim().min(1).max(200).openapi({ description: 'Personal data: shown only to the programme’s staff' }),
    sex: z.enum(sexes),
    committeeRole: z.enum(committeeRoles).default('member'),
    joinedOn: z.iso.date(),
  })
  .openapi('AddSavingsMember');

export type AddMemberProps = z.input<typeof addMemberSchema>;
export type SavingsMember = typeof savingsMembers.$inferSelect;

/**
 * Adds a member and gives her the group's next member code (`KAM-VSLA-01-M07`). The journal knows
 * her by that code only: her name and sex stay in the restricted tables.
 */
export async function addMember(ctx: CommandContext, props: AddMemberProps): Promise<SavingsMember> {
  authorize(ctx.actor, 'savings.record');
  const input = parseProps(addMemberSchema, props);
  checkPastDate(ctx, input.joinedOn);
  const group = await findGroup(ctx.tx, input.groupCode);
  if (input.joinedOn < group.formedOn) throw savingsError('meeting_before_joining', 422, { member: input.groupCode, joinedOn: group.formedOn, date: input.joinedOn });
  await ctx.tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`savings_member_code:${group.id}`}))`);
  const [count] = await ctx.tx.select({ n: sql<number>`count(*)::int` }).from(savingsMembers).where(eq(savingsMembers.groupId, group.id));
  const code = `${group.code}-M${String(Number(count?.n ?? 0) + 1).padStart(2, '0')}`;
  const [member] = await ctx.tx
    .insert(savingsMembers)
    .values({ groupId: group.id, code, name: input.name, sex: input.sex, committeeRole: input.committeeRole, joinedOn: input.joinedOn })
    .returning();
  await appendEvent(ctx, { type: 'savings.member_added', subject: `savings_member:${code}`, payload: { group: group.code, member: code, joinedOn: input.joinedOn } });
  return member!;
}
