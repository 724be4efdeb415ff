import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, index, integer, pgTable, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { organisations } from '../accounts/public.ts';
import { inList } from '../db/columns.ts';
import { sexes } from '../sites/public.ts';

/** The committee of a VSLA (CARE / VSL Associates model): five elected officers and two money counters. */
export const committeeRoles = ['chair', 'secretary', 'treasurer', 'key_keeper', 'money_counter', 'member'] as const;
export const cycleStatuses = ['open', 'shared_out'] as const;
export const enterpriseSectors = ['retail', 'food', 'tailoring', 'agriculture', 'livestock', 'crafts', 'services', 'transport', 'other'] as const;

/** A village savings and loan association. Its code is public (`KAM-VSLA-01`); its members are not. */
export const savingsGroups = pgTable(
  'savings_groups',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    community: text('community').notNull(),
    /** The organisation that trains and accompanies the group (the secretariat or a partner). */
    facilitatorOrganisationId: integer('facilitator_organisation_id')
      .notNull()
      .references(() => organisations.id),
    formedOn: date('formed_on', { mode: 'string' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('savings_groups_code_idx').on(t.code), check('savings_groups_code_format', sql`${t.code} ~ '^[A-Z]{3,6}-VSLA-[0-9]{2,3}$'`)],
);

/** A member of a group. Personal data: the name never leaves the restricted pages; elsewhere a member is its code. */
export const savingsMembers = pgTable(
  'savings_members',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    groupId: integer('group_id')
      .notNull()
      .references(() => savingsGroups.id),
    /** `KAM-VSLA-01-M07`: the group's code and a sequence, never derived from the name. */
    code: text('code').notNull(),
    name: text('name').notNull(),
    sex: text('sex', { enum: sexes }).notNull(),
    committeeRole: text('committee_role', { enum: committeeRoles }).notNull().default('member'),
    joinedOn: date('joined_on', { mode: 'string' }).notNull(),
  },
  (t) => [
    uniqueIndex('savings_members_code_idx').on(t.code),
    index('savings_members_group_idx').on(t.groupId),
    check('savings_members_sex_valid', sql`${t.sex} in (${inList(sexes)})`),
    check('savings_members_role_valid', sql`${t.committeeRole} in (${inList(committeeRoles)})`),
  ],
);

/**
 * One savings cycle (usually a year) with its rules. Amounts are CDF minor units (centimes); the
 * monthly interest rate is in basis points (10 % a month = 1000).
 */
export const savingsCycles = pgTable(
  'savings_cycles',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    groupId: integer('group_id')
      .notNull()
      .references(() => savingsGroups.id),
    number: smallint('number').notNull(),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }).notNull(),
    currency: text('currency').notNull().default('CDF'),
    sharePriceMinor: integer('share_price_minor').notNull(),
    maxSharesPerMeeting: smallint('max_shares_per_meeting').notNull(),
    monthlyInterestBps: integer('monthly_interest_bps').notNull(),
    socialFundContributionMinor: integer('social_fund_contribution_minor').notNull(),
    status: text('status', { enum: cycleStatuses }).notNull().default('open'),
  },
  (t) => [
    uniqueIndex('savings_cycles_group_number_idx').on(t.groupId, t.number),
    check('savings_cycles_dates', sql`${t.startsOn} < ${t.endsOn}`),
    check('savings_cycles_share_price', sql`${t.sharePriceMinor} > 0`),
    check('savings_cycles_max_shares', sql`${t.maxSharesPerMeeting} between 1 and 10`),
    check('savings_cycles_interest', sql`${t.monthlyInterestBps} between 0 and 5000`),
    check('savings_cycles_social_fund', sql`${t.socialFundContributionMinor} >= 0`),
    check('savings_cycles_status_valid', sql`${t.status} in (${inList(cycleStatuses)})`),
    check('savings_cycles_currency', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

export const savingsMeetings = pgTable(
  'savings_meetings',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    cycleId: integer('cycle_id')
      .notNull()
      .references(() => savingsCycles.id),
    heldOn: date('held_on', { mode: 'string' }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('savings_meetings_cycle_date_idx').on(t.cycleId, t.heldOn)],
);

/** One line of the group's ledger for one meeting: what one member did. */
export const savingsMeetingEntries = pgTable(
  'savings_meeting_entries',
  {
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => savingsMeetings.id),
    memberId: integer('member_id')
      .notNull()
      .references(() => savingsMembers.id),
    present: boolean('present').notNull(),
    shares: smallint('shares').notNull(),
    socialFundMinor: integer('social_fund_minor').notNull(),
    fineMinor: integer('fine_minor').notNull(),
    repaymentMinor: integer('repayment_minor').notNull(),
  },
  (t) => [
    uniqueIndex('savings_meeting_entries_pk').on(t.meetingId, t.memberId),
    index('savings_meeting_entries_member_idx').on(t.memberId),
    check('savings_meeting_entries_amounts', sql`${t.shares} >= 0 and ${t.socialFundMinor} >= 0 and ${t.fineMinor} >= 0 and ${t.repaymentMinor} >= 0`),
  ],
);

/**
 * A loan from the group's loan fund. Interest is flat, charged at issue on the principal for each
 * started month of the term (the usual VSLA practice), so what is due is fixed when the loan is made.
 */
export const savingsLoans = pgTable(
  'savings_loans',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => savingsMeetings.id),
    memberId: integer('member_id')
      .notNull()
      .references(() => savingsMembers.id),
    principalMinor: integer('principal_minor').notNull(),
    interestMinor: integer('interest_minor').notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    /** Paid back so far, interest first; kept beside the repayments so a balance is read, not summed. */
    repaidMinor: integer('repaid_minor').notNull().default(0),
  },
  (t) => [
    index('savings_loans_member_idx').on(t.memberId),
    index('savings_loans_meeting_idx').on(t.meetingId),
    check('savings_loans_principal', sql`${t.principalMinor} > 0 and ${t.interestMinor} >= 0`),
    check('savings_loans_repaid', sql`${t.repaidMinor} between 0 and ${t.principalMinor} + ${t.interestMinor}`),
  ],
);

/** Each repayment applied to a loan at a meeting (a member's repayment goes to her oldest loan first). */
export const savingsRepayments = pgTable(
  'savings_repayments',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    loanId: integer('loan_id')
      .notNull()
      .references(() => savingsLoans.id),
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => savingsMeetings.id),
    amountMinor: integer('amount_minor').notNull(),
    interestMinor: integer('interest_minor').notNull(),
  },
  (t) => [
    index('savings_repayments_loan_idx').on(t.loanId),
    check('savings_repayments_amount', sql`${t.amountMinor} > 0 and ${t.interestMinor} between 0 and ${t.amountMinor}`),
  ],
);

/** The end of a cycle: the loan fund shared out in proportion to shares. One per cycle. */
export const savingsShareOuts = pgTable(
  'savings_share_outs',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    cycleId: integer('cycle_id')
      .notNull()
      .references(() => savingsCycles.id),
    heldOn: date('held_on', { mode: 'string' }).notNull(),
    totalShares: integer('total_shares').notNull(),
    fundMinor: bigint('fund_minor', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('savings_share_outs_cycle_idx').on(t.cycleId), check('savings_share_outs_amounts', sql`${t.totalShares} > 0 and ${t.fundMinor} >= 0`)],
);

export const savingsPayouts = pgTable(
  'savings_payouts',
  {
    shareOutId: integer('share_out_id')
      .notNull()
      .references(() => savingsShareOuts.id),
    memberId: integer('member_id')
      .notNull()
      .references(() => savingsMembers.id),
    shares: integer('shares').notNull(),
    payoutMinor: bigint('payout_minor', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('savings_payouts_pk').on(t.shareOutId, t.memberId), check('savings_payouts_amounts', sql`${t.shares} >= 0 and ${t.payoutMinor} >= 0`)],
);

/** A member's micro-enterprise, and the group loan that financed it, if one did. */
export const savingsEnterprises = pgTable(
  'savings_enterprises',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    /** `KAM-VSLA-01-E03`: public like the group code, never the owner's name. */
    code: text('code').notNull(),
    ownerMemberId: integer('owner_member_id')
      .notNull()
      .references(() => savingsMembers.id),
    sector: text('sector', { enum: enterpriseSectors }).notNull(),
    startedOn: date('started_on', { mode: 'string' }).notNull(),
    financingLoanId: integer('financing_loan_id').references(() => savingsLoans.id),
    closedOn: date('closed_on', { mode: 'string' }),
    /** Paid jobs the enterprise gives besides its owner's, as last reported; null until reported. */
    jobsCreated: integer('jobs_created'),
  },
  (t) => [
    uniqueIndex('savings_enterprises_code_idx').on(t.code),
    index('savings_enterprises_owner_idx').on(t.ownerMemberId),
    check('savings_enterprises_sector_valid', sql`${t.sector} in (${inList(enterpriseSectors)})`),
    check('savings_enterprises_closed_after_start', sql`${t.closedOn} is null or ${t.closedOn} >= ${t.startedOn}`),
    check('savings_enterprises_jobs_range', sql`${t.jobsCreated} is null or ${t.jobsCreated} between 0 and 1000`),
  ],
);

/** What an enterprise took in one month, as its owner reports it (a snapshot, corrected by a newer one). */
export const savingsEnterpriseRevenues = pgTable(
  'savings_enterprise_revenues',
  {
    enterpriseId: integer('enterprise_id')
      .notNull()
      .references(() => savingsEnterprises.id),
    month: text('month').notNull(),
    revenueMinor: integer('revenue_minor').notNull(),
    /** Takings less the month's costs, as the owner reports it; negative for a loss, null when not reported. */
    profitMinor: integer('profit_minor'),
    currency: text('currency').notNull().default('CDF'),
  },
  (t) => [
    uniqueIndex('savings_enterprise_revenues_pk').on(t.enterpriseId, t.month),
    check('savings_enterprise_revenues_month', sql`${t.month} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`),
    check('savings_enterprise_revenues_amount', sql`${t.revenueMinor} >= 0`),
    check('savings_enterprise_revenues_profit_within_takings', sql`${t.profitMinor} is null or ${t.profitMinor} <= ${t.revenueMinor}`),
  ],
);
