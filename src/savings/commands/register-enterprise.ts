import { z } from '@hono/zod-openapi';
import { eq, sql } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { memberCodePattern } from '../codes.ts';
import { checkPastDate, parseProps } from '../command-input.ts';
import { savingsError } from '../messages/errors.ts';
import { enterpriseSectors, savingsEnterprises, savingsLoans, savingsMembers } from '../schema.ts';

export const registerEnterpriseSchema = z
  .strictObject({
    ownerMemberCode: z.string().regex(memberCodePattern),
    sector: z.enum(enterpriseSectors),
    startedOn: z.iso.date(),
    financingLoanId: z.number().int().positive().nullable().default(null).openapi({ description: 'The group loan that financed it, if one did' }),
    jobsCreated: z.number().int().min(0).max(1000).nullable().default(null).openapi({ description: 'Paid jobs it gives besides its owner’s, where known' }),
  })
  .openapi('RegisterSavingsEnterprise');

export type RegisterEnterpriseProps = z.input<typeof registerEnterpriseSchema>;
export type SavingsEnterprise = typeof savingsEnterprises.$inferSelect;

/** Registers a member's micro-enterprise under a public code of the group (`KAM-VSLA-01-E03`). */
export async function registerEnterprise(ctx: CommandContext, props: RegisterEnterpriseProps): Promise<SavingsEnterprise> {
  authorize(ctx.actor, 'savings.record');
  const input = parseProps(registerEnterpriseSchema, props);
  checkPastDate(ctx, input.startedOn);
  const [owner] = await ctx.tx.select().from(savingsMembers).where(eq(savingsMembers.code, input.ownerMemberCode));
  if (!owner) throw savingsError('member_unknown', 422, { group: input.ownerMemberCode.replace(/-M\d+$/, ''), member: input.ownerMemberCode });
  if (input.financingLoanId !== null) {
    const [loan] = await ctx.tx.select({ memberId: savingsLoans.memberId }).from(savingsLoans).where(eq(savingsLoans.id, input.financingLoanId));
    if (loan?.memberId !== owner.id) throw savingsError('enterprise_loan_invalid', 422, { loan: input.financingLoanId });
  }
  const groupCode = owner.code.replace(/-M\d+$/, '');
  await ctx.tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`savings_enterprise_code:${groupCode}`}))`);
  const [count] = await ctx.tx.select({ n: sql<number>`count(*)::int` }).from(savingsEnterprises).where(sql`${savingsEnterprises.code} like ${`${groupCode}-E%`}`);
  const code = `${groupCode}-E${String(Number(count?.n ?? 0) + 1).padStart(2, '0')}`;
  const [enterprise] = await ctx.tx
    .insert(savingsEnterprises)
    .values({ code, ownerMemberId: owner.id, sector: input.sector, startedOn: input.startedOn, financingLoanId: input.financingLoanId, jobsCreated: input.jobsCreated })
    .returning();
  await appendEvent(ctx, {
    type: 'savings.enterprise_registered',
    subject: `savings_enterprise:${code}`,
    payload: { code, group: groupCode, sector: input.sector, startedOn: input.startedOn, financedByGroupLoan: input.financingLoanId !== null, jobsCreated: input.jobsCreated },
  });
  return enterprise!;
}
