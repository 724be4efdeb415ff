import { z } from '@hono/zod-openapi';
import { eq, sql } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { savingsError } from '../messages/errors.ts';
import { enterpriseSectors, savingsEnterpriseRevenues, savingsEnterprises, savingsLoans, savingsMembers } from '../schema.ts';
import { memberCodePattern } from './record-meeting.ts';
import { checkPastDate, parseProps } from './shared.ts';

export const registerEnterpriseSchema = z
  .strictObject({
    ownerMemberCode: z.string().regex(memberCodePattern),
    sector: z.enum(enterpriseSectors),
    startedOn: z.iso.date(),
    financingLoanId: z.number().int().positive().nullable().default(null).openapi({ description: 'The group loan that financed it, if one did' }),
  })
  .openapi('RegisterSavingsEnterprise');

export const enterpriseRevenueSchema = z
  .strictObject({
    enterpriseCode: z.string().regex(/^[A-Z]{3,6}-VSLA-\d{2,3}-E\d{2,3}$/),
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).openapi({ example: '2025-03' }),
    revenueMinor: z.number().int().min(0).max(1_000_000_000_000).openapi({ description: 'Takings of the month, CDF centimes' }),
  })
  .openapi('RecordEnterpriseRevenue');

export type RegisterEnterpriseProps = z.input<typeof registerEnterpriseSchema>;
export type RecordRevenueProps = z.input<typeof enterpriseRevenueSchema>;
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
    .values({ code, ownerMemberId: owner.id, sector: input.sector, startedOn: input.startedOn, financingLoanId: input.financingLoanId })
    .returning();
  await appendEvent(ctx, {
    type: 'savings.enterprise_registered',
    subject: `savings_enterprise:${code}`,
    payload: { code, group: groupCode, sector: input.sector, startedOn: input.startedOn, financedByGroupLoan: input.financingLoanId !== null },
  });
  return enterprise!;
}

/** Records (or corrects) an enterprise's takings for one month; the latest report of a month stands. */
export async function recordEnterpriseRevenue(ctx: CommandContext, props: RecordRevenueProps): Promise<{ enterpriseCode: string; month: string; revenueMinor: number }> {
  authorize(ctx.actor, 'savings.record');
  const input = parseProps(enterpriseRevenueSchema, props);
  const [enterprise] = await ctx.tx.select().from(savingsEnterprises).where(eq(savingsEnterprises.code, input.enterpriseCode));
  if (!enterprise) throw savingsError('enterprise_not_found', 404, { enterprise: input.enterpriseCode });
  checkPastDate(ctx, `${input.month}-01`);
  await ctx.tx
    .insert(savingsEnterpriseRevenues)
    .values({ enterpriseId: enterprise.id, month: input.month, revenueMinor: input.revenueMinor })
    .onConflictDoUpdate({ target: [savingsEnterpriseRevenues.enterpriseId, savingsEnterpriseRevenues.month], set: { revenueMinor: input.revenueMinor } });
  await appendEvent(ctx, {
    type: 'savings.enterprise_revenue_recorded',
    subject: `savings_enterprise:${enterprise.code}`,
    payload: { enterprise: enterprise.code, month: input.month, revenueMinor: input.revenueMinor, currency: 'CDF' },
  });
  return { enterpriseCode: enterprise.code, month: input.month, revenueMinor: input.revenueMinor };
}
