import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, index, integer, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { organisations } from '../accounts/public.ts';
import { baseCurrency } from '../rates/public.ts';
import { inList } from '../db/columns.ts';
import { files } from '../files/public.ts';
import { registryKeys } from '../registry/public.ts';
import { sites } from '../sites/public.ts';

/** The four areas the Fund Allocation Committee funds (DOMAIN.md). */
export const fundAreas = ['health_safety', 'child_rights', 'cooperative_governance', 'environment'] as const;
export type FundArea = (typeof fundAreas)[number];

/** Ledger accounts of a fund, per currency. Asset and expense accounts carry debit balances (>= 0), income accounts credit balances (<= 0). */
export const ledgerAccountKinds = ['available', 'committed', 'disbursed', 'income_premium', 'income_grant', 'income_other'] as const;
export type LedgerAccountKind = (typeof ledgerAccountKinds)[number];
export const incomeSources = ['premium', 'grant', 'other'] as const;
export type IncomeSource = (typeof incomeSources)[number];
export const transactionKinds = ['income', 'commitment', 'disbursement', 'release'] as const;
export const proposalStatuses = ['draft', 'submitted', 'approved', 'rejected', 'in_progress', 'completed', 'cancelled'] as const;
export type ProposalStatus = (typeof proposalStatuses)[number];
export const voteChoices = ['yes', 'no', 'abstain'] as const;
export type VoteChoice = (typeof voteChoices)[number];

/** The currency the fund reports in (its public account says `usdMinor`): the rates' base; other currencies convert at the rate recorded for the transaction's date. */
export const reportingCurrency = baseCurrency;

/**
 * A site's premium fund and the rules its committee decides by, set by the secretariat. Quorum:
 * at least `quorum_basis_points` of the members in office present. Majority: a proposal passes when
 * its yes votes are more than `majority_basis_points` of the yes and no votes (abstentions count
 * for neither). Every group in `required_groups` must have a member present for any decision.
 * Members' names are public only when the committee decides so (`publish_member_names`).
 */
export const funds = pgTable(
  'funds',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
    quorumBasisPoints: integer('quorum_basis_points').notNull().default(5000),
    majorityBasisPoints: integer('majority_basis_points').notNull().default(5000),
    requiredGroups: text('required_groups').array().notNull().default(sql`'{}'::text[]`),
    publishMemberNames: boolean('publish_member_names').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('funds_site_idx').on(t.siteId),
    check('funds_quorum_range', sql`${t.quorumBasisPoints} between 1 and 10000`),
    check('funds_majority_range', sql`${t.majorityBasisPoints} between 0 and 9999`),
  ],
);

/** A committee member: a person (personal data: never in the journal), the group they represent, and their term. */
export const fundCommitteeMembers = pgTable(
  'fund_committee_members',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    fundId: integer('fund_id')
      .notNull()
      .references(() => funds.id),
    personName: text('person_name').notNull(),
    /** `alliance`, `cooperative`, or an operator group code of the site (e.g. `washers`). */
    groupCode: text('group_code').notNull(),
    termStart: date('term_start', { mode: 'string' }).notNull(),
    termEnd: date('term_end', { mode: 'string' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('fund_committee_members_fund_idx').on(t.fundId),
    check('fund_committee_members_term_order', sql`${t.termEnd} >= ${t.termStart}`),
    check('fund_committee_members_group_format', sql`${t.groupCode} ~ '^[a-z][a-z_]{1,39}$'`),
    check('fund_committee_members_name_present', sql`length(trim(${t.personName})) > 0`),
  ],
);

/** A committee meeting: its date, agenda and minutes (in French or English). */
export const fundMeetings = pgTable(
  'fund_meetings',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    fundId: integer('fund_id')
      .notNull()
      .references(() => funds.id),
    heldOn: date('held_on', { mode: 'string' }).notNull(),
    agenda: text('agenda').notNull(),
    minutes: text('minutes').notNull().default(''),
    minutesLanguage: text('minutes_language', { enum: ['fr', 'en'] }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('fund_meetings_fund_idx').on(t.fundId), check('fund_meetings_language_valid', sql`${t.minutesLanguage} in ('fr', 'en')`)],
);

/** Who was present at a meeting. */
export const fundMeetingAttendance = pgTable(
  'fund_meeting_attendance',
  {
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => fundMeetings.id),
    memberId: integer('member_id')
      .notNull()
      .references(() => fundCommitteeMembers.id),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.memberId] })],
);

/**
 * A proposal to the committee, which becomes a project once approved. The requested amount is the
 * sum of its budget lines; `approved_minor` is what the approval committed from the fund.
 */
export const fundProposals = pgTable(
  'fund_proposals',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    fundId: integer('fund_id')
      .notNull()
      .references(() => funds.id),
    title: text('title').notNull(),
    area: text('area', { enum: fundAreas }).notNull(),
    description: text('description').notNull(),
    expectedBenefit: text('expected_benefit').notNull(),
    /** How the benefit will be measured, e.g. “pits covered; miners working under covered pits”. */
    measure: text('measure').notNull(),
    currency: text('currency').notNull(),
    requestedMinor: bigint('requested_minor', { mode: 'number' }).notNull(),
    approvedMinor: bigint('approved_minor', { mode: 'number' }),
    proposerOrganisationId: integer('proposer_organisation_id').references(() => organisations.id),
    status: text('status', { enum: proposalStatuses }).notNull().default('draft'),
    decisionMeetingId: integer('decision_meeting_id').references(() => fundMeetings.id),
    cancelReason: text('cancel_reason'),
    submittedAt: timestamp('submitted_at', { withTimezone: true, mode: 'date' }),
    decidedOn: date('decided_on', { mode: 'string' }),
    completedOn: date('completed_on', { mode: 'string' }),
    completionSummary: text('completion_summary'),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('fund_proposals_fund_idx').on(t.fundId, t.status),
    check('fund_proposals_area_valid', sql`${t.area} in (${inList(fundAreas)})`),
    check('fund_proposals_status_valid', sql`${t.status} in (${inList(proposalStatuses)})`),
    check('fund_proposals_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('fund_proposals_requested_positive', sql`${t.requestedMinor} > 0`),
    check('fund_proposals_approved_within_request', sql`${t.approvedMinor} is null or (${t.approvedMinor} > 0 and ${t.approvedMinor} <= ${t.requestedMinor})`),
    check('fund_proposals_approved_has_amount', sql`${t.status} not in ('approved', 'in_progress', 'completed') or ${t.approvedMinor} is not null`),
    check('fund_proposals_decided_at_meeting', sql`${t.status} not in ('approved', 'rejected', 'in_progress', 'completed') or ${t.decisionMeetingId} is not null`),
    check('fund_proposals_cancel_has_reason', sql`(${t.status} = 'cancelled') = (${t.cancelReason} is not null)`),
    check('fund_proposals_completed_has_report', sql`${t.status} <> 'completed' or (${t.completedOn} is not null and ${t.completionSummary} is not null)`),
  ],
);

/** A line of a proposal's budget, and once completed, what it really cost. */
export const fundBudgetLines = pgTable(
  'fund_budget_lines',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    proposalId: integer('proposal_id')
      .notNull()
      .references(() => fundProposals.id),
    position: smallint('position').notNull(),
    description: text('description').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    finalCostMinor: bigint('final_cost_minor', { mode: 'number' }),
  },
  (t) => [
    uniqueIndex('fund_budget_lines_position_idx').on(t.proposalId, t.position),
    check('fund_budget_lines_amount_positive', sql`${t.amountMinor} > 0`),
    check('fund_budget_lines_final_nonnegative', sql`${t.finalCostMinor} is null or ${t.finalCostMinor} >= 0`),
  ],
);

/** Each member's vote on a proposal at the meeting that decided it: one vote per member and proposal. */
export const fundVotes = pgTable(
  'fund_votes',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => fundMeetings.id),
    proposalId: integer('proposal_id')
      .notNull()
      .references(() => fundProposals.id),
    memberId: integer('member_id')
      .notNull()
      .references(() => fundCommitteeMembers.id),
    vote: text('vote', { enum: voteChoices }).notNull(),
  },
  (t) => [uniqueIndex('fund_votes_once_idx').on(t.proposalId, t.memberId), check('fund_votes_choice_valid', sql`${t.vote} in (${inList(voteChoices)})`)],
);

/** Completion photos of a project (stored as public files). */
export const fundCompletionPhotos = pgTable(
  'fund_completion_photos',
  {
    proposalId: integer('proposal_id')
      .notNull()
      .references(() => fundProposals.id),
    fileId: integer('file_id')
      .notNull()
      .references(() => files.id),
  },
  (t) => [primaryKey({ columns: [t.proposalId, t.fileId] })],
);

/**
 * The fund's ledger accounts. `balance_minor` is kept by a trigger on `fund_entries` (never
 * written by the application, a second trigger refuses it), so it is always the sum of the
 * account's entries; the CHECK makes the database refuse any entry that would overdraw an asset
 * account, above all the available balance. A project's commitment and spending have accounts of
 * their own, so no disbursement can exceed what its approval committed.
 */
export const fundLedgerAccounts = pgTable(
  'fund_ledger_accounts',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    fundId: integer('fund_id')
      .notNull()
      .references(() => funds.id),
    currency: text('currency').notNull(),
    kind: text('kind', { enum: ledgerAccountKinds }).notNull(),
    proposalId: integer('proposal_id').references(() => fundProposals.id),
    balanceMinor: bigint('balance_minor', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    uniqueIndex('fund_ledger_accounts_fund_idx')
      .on(t.fundId, t.currency, t.kind)
      .where(sql`${t.proposalId} is null`),
    uniqueIndex('fund_ledger_accounts_project_idx')
      .on(t.fundId, t.currency, t.kind, t.proposalId)
      .where(sql`${t.proposalId} is not null`),
    check('fund_ledger_accounts_kind_valid', sql`${t.kind} in (${inList(ledgerAccountKinds)})`),
    check('fund_ledger_accounts_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('fund_ledger_accounts_project_accounts', sql`(${t.kind} in ('committed', 'disbursed')) = (${t.proposalId} is not null)`),
    check('fund_ledger_accounts_never_overdrawn', sql`(${t.kind} in ('available', 'committed', 'disbursed') and ${t.balanceMinor} >= 0) or (${t.kind} like 'income_%' and ${t.balanceMinor} <= 0)`),
  ],
);

/**
 * A ledger transaction: income (a credit premium booked once, a grant, other income), a
 * commitment when a project is approved, a disbursement (a tranche paid against a receipt) or a
 * release of what a completed or cancelled project did not use. Its entries sum to zero.
 * Never changed or removed.
 */
export const fundTransactions = pgTable(
  'fund_transactions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    fundId: integer('fund_id')
      .notNull()
      .references(() => funds.id),
    kind: text('kind', { enum: transactionKinds }).notNull(),
    source: text('source', { enum: incomeSources }),
    currency: text('currency').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    occurredOn: date('occurred_on', { mode: 'string' }).notNull(),
    /** The registry's record of the premium a paid sale owes the site: booked once only. */
    creditPremiumId: integer('credit_premium_id').references(registryKeys.creditPremiumId),
    proposalId: integer('proposal_id').references(() => fundProposals.id),
    /** A disbursement's receipt (restricted file). */
    receiptFileId: integer('receipt_file_id').references(() => files.id),
    /** Who paid in or was paid: an organisation or supplier, never a person. */
    counterparty: text('counterparty'),
    description: text('description').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('fund_transactions_fund_idx').on(t.fundId, t.occurredOn),
    index('fund_transactions_proposal_idx').on(t.proposalId),
    uniqueIndex('fund_transactions_premium_once_idx')
      .on(t.creditPremiumId)
      .where(sql`${t.creditPremiumId} is not null`),
    check('fund_transactions_kind_valid', sql`${t.kind} in (${inList(transactionKinds)})`),
    check('fund_transactions_amount_positive', sql`${t.amountMinor} > 0`),
    check('fund_transactions_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('fund_transactions_income_has_source', sql`(${t.kind} = 'income') = (${t.source} is not null)`),
    check('fund_transactions_premium_is_income', sql`${t.creditPremiumId} is null or ${t.source} = 'premium'`),
    check('fund_transactions_project_kinds', sql`(${t.kind} in ('commitment', 'disbursement', 'release')) = (${t.proposalId} is not null)`),
    check('fund_transactions_disbursement_receipt', sql`${t.kind} <> 'disbursement' or ${t.receiptFileId} is not null`),
  ],
);

/** The entries of a transaction: signed amounts (debit positive, credit negative) on the fund's accounts. */
export const fundEntries = pgTable(
  'fund_entries',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    transactionId: integer('transaction_id')
      .notNull()
      .references(() => fundTransactions.id),
    accountId: integer('account_id')
      .notNull()
      .references(() => fundLedgerAccounts.id),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
  },
  (t) => [index('fund_entries_transaction_idx').on(t.transactionId), index('fund_entries_account_idx').on(t.accountId), check('fund_entries_amount_nonzero', sql`${t.amountMinor} <> 0`)],
);
