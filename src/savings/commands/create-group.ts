import { z } from '@hono/zod-openapi';
import { eq, sql } from 'drizzle-orm';
import { findOrganisation } from '../../accounts/public.ts';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { sexes } from '../../sites/public.ts';
import { groupCodePattern } from '../codes.ts';
import { checkPastDate, parseProps } from '../command-input.ts';
import type { SavingsGroup } from '../lookups.ts';
import { savingsError } from '../messages/errors.ts';
import { committeeRoles, savingsGroups, savingsMembers } from '../schema.ts';

export const createGroupSchema = z
  .strictObject({
    code: z.string().regex(groupCodePattern).openapi({ example: 'KAM-VSLA-01' }),
    name: z.string().trim().min(1).max(200).openapi({ example: 'Tujenge Pamoja' }),
    community: z.string().trim().min(1).max(200).openapi({ example: 'Cité Gécamines' }),
    facilitator: z.string().min(1).max(60).openapi({ description: 'Code of the facilitating organisation', example: 'fca' }),
    formedOn: z.iso.date(),
    members: z
      .array(z.strictObject({ name: z.string().trim().min(1).max(200), sex: z.enum(sexes), committeeRole: z.enum(committeeRoles).default('member') }))
      .max(60)
      .default([])
      .openapi({ description: 'The founding members, who join on the formation date; each gets the next member code' }),
  })
  .openapi('CreateSavingsGroup');

export type CreateGroupProps = z.input<typeof createGroupSchema>;

/** Registers a savings group with the organisation that facilitates it, and its founding members (`KAM-VSLA-01-M01`, …). */
export async function createGroup(ctx: CommandContext, props: CreateGroupProps): Promise<SavingsGroup> {
  authorize(ctx.actor, 'savings.record');
  const input = parseProps(createGroupSchema, props);
  checkPastDate(ctx, input.formedOn);
  const facilitator = await findOrganisation(ctx.tx, { code: input.facilitator });
  if (!facilitator) throw savingsError('facilitator_not_found', 422, { organisation: input.facilitator });
  await ctx.tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`savings_group:${input.code}`}))`);
  const [taken] = await ctx.tx.select({ id: savingsGroups.id }).from(savingsGroups).where(eq(savingsGroups.code, input.code));
  if (taken) throw savingsError('group_code_taken', 409, { group: input.code });
  const [group] = await ctx.tx
    .insert(savingsGroups)
    .values({ code: input.code, name: input.name, community: input.community, facilitatorOrganisationId: facilitator.id, formedOn: input.formedOn })
    .returning();
  const memberCodes = input.members.map((_, index) => `${group!.code}-M${String(index + 1).padStart(2, '0')}`);
  if (input.members.length > 0) {
    await ctx.tx
      .insert(savingsMembers)
      .values(input.members.map((m, index) => ({ groupId: group!.id, code: memberCodes[index]!, name: m.name, sex: m.sex, committeeRole: m.committeeRole, joinedOn: input.formedOn })));
  }
  await appendEvent(ctx, {
    type: 'savings.group_created',
    subject: `savings_group:${group!.code}`,
    // A count, not a member list: who belongs to a group stays in the restricted tables.
    payload: { code: group!.code, community: group!.community, facilitator: facilitator.code, formedOn: group!.formedOn, foundingMembers: memberCodes.length },
  });
  return group!;
}
