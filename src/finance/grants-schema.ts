import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { organisations } from '../accounts/public.ts';
import { inList } from '../db/columns.ts';
import { files } from '../files/public.ts';
import { financeActivities, financeProgrammeAreas } from './schema.ts';

/** The cost categories of a grant budget and of spending (issue 13). */
export const costCategories = ['staff', 'travel', 'equipment_supplies', 'services_consultants', 'grants_to_partners', 'indirect_costs'] as const;
export type CostCategory = (typeof costCategories)[number];

/** IATI TransactionType codes the finance records carry: 11 incoming commitment, 1 incoming funds, 2 outgoing commitment, 3 disbursement, 4 expenditure. */
export const grantTransactionTypes = [11, 1] as const;
export const spendingTypes = [3, 4] as const;

/**
 * A grant agreement of a donor (an organisation of kind `donor`): its reference, unique per donor,
 * one currency for its total, budget and receipts, the period spending may be charged in, and what
 * it is restricted to (`finance_grant_restrictions`).
 */
export const financeGrants = pgTable(
  'finance_grants',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    donorOrganisationId: integer('donor_organisation_id')
      .notNull()
      .references(() => organisations.id),
    reference: text('reference').notNull(),
    title: text('title').notNull(),
    purpose: text('purpose').notNull(),
    currency: text('currency').notNull(),
    totalMinor: bigint('total_minor', { mode: 'number' }).notNull(),
    signedOn: date('signed_on', { mode: 'string' }).notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('finance_grants_donor_reference_idx').on(t.donorOrganisationId, t.reference),
    check('finance_grants_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('finance_grants_total_positive', sql`${t.totalMinor} > 0`),
    check('finance_grants_period_order', sql`${t.periodEnd} >= ${t.periodStart}`),
  ],
);

/** What a grant may be spent on: an activity, or every activity of a programme area. */
export const financeGrantRestrictions = pgTable(
  'finance_grant_restrictions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    grantId: integer('grant_id')
      .notNull()
      .references(() => financeGrants.id),
    activityId: integer('activity_id').references(() => financeActivities.id),
    areaId: integer('area_id').references(() => financeProgrammeAreas.id),
  },
  (t) => [index('finance_grant_restrictions_grant_idx').on(t.grantId), check('finance_grant_restrictions_one_target', sql`(${t.activityId} is null) <> (${t.areaId} is null)`)],
);

/** The reports a grant agreement asks of the alliance, by their due date. */
export const financeGrantReports = pgTable(
  'finance_grant_reports',
  {
    grantId: integer('grant_id')
      .notNull()
      .references(() => financeGrants.id),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    description: text('description').notNull(),
  },
  (t) => [primaryKey({ columns: [t.grantId, t.dueOn] })],
);

/**
 * A version of a grant's budget. A revision is a new version with its reason; versions and their
 * lines are never updated or deleted, and the grant's current budget is its highest version.
 */
export const financeGrantBudgetVersions = pgTable(
  'finance_grant_budget_versions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    grantId: integer('grant_id')
      .notNull()
      .references(() => financeGrants.id),
    version: integer('version').notNull(),
    reason: text('reason').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('finance_grant_budget_versions_grant_version_idx').on(t.grantId, t.version), check('finance_grant_budget_versions_version_positive', sql`${t.version} >= 1`)],
);

/** A line of a budget version: an activity, a cost category and a year, in the grant's currency. */
export const financeGrantBudgetLines = pgTable(
  'finance_grant_budget_lines',
  {
    versionId: integer('version_id')
      .notNull()
      .references(() => financeGrantBudgetVersions.id),
    activityId: integer('activity_id')
      .notNull()
      .references(() => financeActivities.id),
    costCategory: text('cost_category').notNull(),
    year: smallint('year').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.versionId, t.activityId, t.costCategory, t.year] }),
    check('finance_grant_budget_lines_category_valid', sql`${t.costCategory} in (${inList(costCategories)})`),
    check('finance_grant_budget_lines_amount_nonnegative', sql`${t.amountMinor} >= 0`),
  ],
);

/**
 * Grant money coming in: the donor's commitment (IATI type 11) and the tranches received (type 1),
 * each with the bank or agreement reference that keeps it from being recorded twice. Receipts
 * never add up to more than the grant's total.
 */
export const financeGrantTransactions = pgTable(
  'finance_grant_transactions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    grantId: integer('grant_id')
      .notNull()
      .references(() => financeGrants.id),
    transactionType: smallint('transaction_type').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    valueOn: date('value_on', { mode: 'string' }).notNull(),
    reference: text('reference').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('finance_grant_transactions_reference_idx').on(t.grantId, t.transactionType, t.reference),
    check('finance_grant_transactions_type_valid', sql`${t.transactionType} in (1, 11)`),
    check('finance_grant_transactions_amount_positive', sql`${t.amountMinor} > 0`),
  ],
);

/**
 * An outgoing commitment (IATI type 2): a contract with a partner organisation for an activity.
 */
export const financePartnerCommitments = pgTable(
  'finance_partner_commitments',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    partnerOrganisationId: integer('partner_organisation_id')
      .notNull()
      .references(() => organisations.id),
    activityId: integer('activity_id')
      .notNull()
      .references(() => financeActivities.id),
    reference: text('reference').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    signedOn: date('signed_on', { mode: 'string' }).notNull(),
    description: text('description').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('finance_partner_commitments_reference_idx').on(t.reference),
    check('finance_partner_commitments_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('finance_partner_commitments_amount_positive', sql`${t.amountMinor} > 0`),
  ],
);

/**
 * Money spent: an expenditure (IATI type 4) or a disbursement to an implementing partner (type 3),
 * for an activity and a cost category, paid to an organisation or to an individual. An
 * individual's name is kept for the secretariat only; everywhere else the payee is "individual".
 * The voucher reference keeps a payment from being recorded twice.
 */
export const financeExpenditures = pgTable(
  'finance_expenditures',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    transactionType: smallint('transaction_type').notNull(),
    reference: text('reference').notNull(),
    spentOn: date('spent_on', { mode: 'string' }).notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    activityId: integer('activity_id')
      .notNull()
      .references(() => financeActivities.id),
    costCategory: text('cost_category').notNull(),
    payeeOrganisationId: integer('payee_organisation_id').references(() => organisations.id),
    /** Personal data: shown to the secretariat's admins only, never published or journalled. */
    payeeIndividualName: text('payee_individual_name'),
    description: text('description').notNull(),
    partnerCommitmentId: integer('partner_commitment_id').references(() => financePartnerCommitments.id),
    /** The receipt, readable by the secretariat's admins only (a `personal` file: no generic download serves it). */
    receiptFileId: integer('receipt_file_id').references(() => files.id),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('finance_expenditures_reference_idx').on(t.reference),
    index('finance_expenditures_spent_on_idx').on(t.spentOn),
    check('finance_expenditures_type_valid', sql`${t.transactionType} in (3, 4)`),
    check('finance_expenditures_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('finance_expenditures_amount_positive', sql`${t.amountMinor} > 0`),
    check('finance_expenditures_category_valid', sql`${t.costCategory} in (${inList(costCategories)})`),
    check('finance_expenditures_one_payee', sql`(${t.payeeOrganisationId} is null) <> (${t.payeeIndividualName} is null)`),
    check('finance_expenditures_disbursement_to_organisation', sql`${t.transactionType} <> 3 or ${t.payeeOrganisationId} is not null`),
  ],
);

/**
 * The share of an expenditure charged to one funding source: a grant, or the alliance's
 * unrestricted funds (no grant). An expenditure's allocations sum to its amount. `grant_amount_minor`
 * is the share in the grant's currency, what its budget against actual counts.
 */
export const financeAllocations = pgTable(
  'finance_allocations',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    expenditureId: integer('expenditure_id')
      .notNull()
      .references(() => financeExpenditures.id),
    grantId: integer('grant_id').references(() => financeGrants.id),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    grantAmountMinor: bigint('grant_amount_minor', { mode: 'number' }),
  },
  (t) => [
    index('finance_allocations_expenditure_idx').on(t.expenditureId),
    index('finance_allocations_grant_idx').on(t.grantId),
    uniqueIndex('finance_allocations_one_per_source_idx').on(t.expenditureId, sql`coalesce(${t.grantId}, 0)`),
    check('finance_allocations_amount_positive', sql`${t.amountMinor} > 0`),
    check('finance_allocations_grant_amount', sql`(${t.grantId} is null) = (${t.grantAmountMinor} is null)`),
  ],
);
