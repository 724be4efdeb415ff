import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, jsonb, pgTable, smallint, text, timestamp, uniqueIndex, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { organisations } from '../accounts/public.ts';
import { bytea, inList } from '../db/columns.ts';
import { minerals, sites, verificationStatements } from '../sites/public.ts';

export const creditAccountKinds = ['issuance', 'holding'] as const;
export const creditAccountStatuses = ['pending', 'approved', 'suspended'] as const;
export const blockStates = ['held', 'retired', 'cancelled'] as const;

/**
 * Registry accounts. The one `issuance` account belongs to the secretariat and receives every new
 * batch; organisations open `holding` accounts, which an admin approves after checking the
 * know-your-customer details. Only approved accounts send or receive credits. The KYC contact is
 * personal data: the journal carries a salted commitment to the KYC fields, never the fields.
 */
export const creditAccounts = pgTable(
  'credit_accounts',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    kind: text('kind', { enum: creditAccountKinds }).notNull(),
    /** What the holder calls the account, e.g. “Retirements 2025”. */
    name: text('name').notNull(),
    status: text('status', { enum: creditAccountStatuses }).notNull().default('pending'),
    /** KYC: the company's legal name, country (ISO 3166 alpha-2), registration number and contact email. */
    legalName: text('legal_name').notNull(),
    country: text('country').notNull(),
    registrationNumber: text('registration_number'),
    contactEmail: text('contact_email'),
    commitmentSalt: bytea('commitment_salt').notNull(),
    approvedAt: timestamp('approved_at', { withTimezone: true, mode: 'date' }),
    suspendedAt: timestamp('suspended_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('credit_accounts_organisation_idx').on(t.organisationId),
    uniqueIndex('credit_accounts_one_issuance_idx')
      .on(t.kind)
      .where(sql`${t.kind} = 'issuance'`),
    check('credit_accounts_kind_valid', sql`${t.kind} in (${inList(creditAccountKinds)})`),
    check('credit_accounts_status_valid', sql`${t.status} in (${inList(creditAccountStatuses)})`),
    check('credit_accounts_country_format', sql`${t.country} ~ '^[A-Z]{2}$'`),
    check('credit_accounts_holding_kyc', sql`${t.kind} = 'issuance' or (${t.registrationNumber} is not null and ${t.contactEmail} is not null)`),
    check('credit_accounts_approved_has_time', sql`${t.status} <> 'approved' or ${t.approvedAt} is not null`),
    check('credit_accounts_suspended_has_time', sql`${t.status} <> 'suspended' or ${t.suspendedAt} is not null`),
  ],
);

/**
 * A batch of credits issued from a signed verification statement: units 1..quantity_kg, one unit
 * per kilogram of contained metal (1 credit = 1,000 units). The serial prefix
 * `RMC-{CO|CU}-{country}-{SITE}-{VINTAGE}-{BATCH}` names it for good; BATCH counts the batches of
 * one mineral, site and vintage from 1. The vintage is the year the statement's period ends in.
 * Never changed or removed (trigger).
 */
export const creditBatches = pgTable(
  'credit_batches',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    serialPrefix: text('serial_prefix').notNull(),
    mineral: text('mineral')
      .notNull()
      .references(() => minerals.code),
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
    siteCode: text('site_code').notNull(),
    country: text('country').notNull(),
    vintage: smallint('vintage').notNull(),
    batchNumber: integer('batch_number').notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    statementId: integer('statement_id')
      .notNull()
      .references(() => verificationStatements.id),
    quantityKg: bigint('quantity_kg', { mode: 'number' }).notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('credit_batches_serial_prefix_idx').on(t.serialPrefix),
    uniqueIndex('credit_batches_number_idx').on(t.mineral, t.siteId, t.vintage, t.batchNumber),
    index('credit_batches_statement_idx').on(t.statementId),
    check('credit_batches_quantity_positive', sql`${t.quantityKg} > 0`),
    check('credit_batches_number_positive', sql`${t.batchNumber} > 0`),
    check('credit_batches_period_order', sql`${t.periodEnd} >= ${t.periodStart}`),
    check('credit_batches_vintage_is_period_end_year', sql`${t.vintage} = extract(year from ${t.periodEnd})`),
    check('credit_batches_country_format', sql`${t.country} ~ '^[A-Z]{2}$'`),
  ],
);

/** What transfers credits between accounts; a reversal is a new transfer that points at the one it undoes. */
export const creditTransfers = pgTable(
  'credit_transfers',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    fromAccountId: integer('from_account_id')
      .notNull()
      .references(() => creditAccounts.id),
    toAccountId: integer('to_account_id')
      .notNull()
      .references(() => creditAccounts.id),
    quantityKg: bigint('quantity_kg', { mode: 'number' }).notNull(),
    reversesTransferId: integer('reverses_transfer_id').references((): AnyPgColumn => creditTransfers.id),
    /** Why an admin reversed a transfer; only on reversals. */
    reason: text('reason'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('credit_transfers_from_idx').on(t.fromAccountId),
    index('credit_transfers_to_idx').on(t.toAccountId),
    uniqueIndex('credit_transfers_reverses_idx')
      .on(t.reversesTransferId)
      .where(sql`${t.reversesTransferId} is not null`),
    check('credit_transfers_quantity_positive', sql`${t.quantityKg} > 0`),
    check('credit_transfers_distinct_accounts', sql`${t.fromAccountId} <> ${t.toAccountId}`),
    check('credit_transfers_reversal_has_reason', sql`(${t.reversesTransferId} is null) = (${t.reason} is null)`),
  ],
);

/** Exactly which unit ranges a transfer moved. */
export const creditTransferBlocks = pgTable(
  'credit_transfer_blocks',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    transferId: integer('transfer_id')
      .notNull()
      .references(() => creditTransfers.id),
    batchId: integer('batch_id')
      .notNull()
      .references(() => creditBatches.id),
    firstUnit: bigint('first_unit', { mode: 'number' }).notNull(),
    lastUnit: bigint('last_unit', { mode: 'number' }).notNull(),
  },
  (t) => [index('credit_transfer_blocks_transfer_idx').on(t.transferId), check('credit_transfer_blocks_range_valid', sql`${t.firstUnit} >= 1 and ${t.lastUnit} >= ${t.firstUnit}`)],
);

/**
 * A holder retires credits against a claim; irreversible. The beneficiary is a company's legal
 * name and public, like the whole claim. The retired units are the blocks in state `retired` that
 * point here (they never change again), so no separate list of ranges is kept.
 */
export const creditRetirements = pgTable(
  'credit_retirements',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    accountId: integer('account_id')
      .notNull()
      .references(() => creditAccounts.id),
    quantityKg: bigint('quantity_kg', { mode: 'number' }).notNull(),
    beneficiary: text('beneficiary').notNull(),
    claimPeriodStart: date('claim_period_start', { mode: 'string' }).notNull(),
    claimPeriodEnd: date('claim_period_end', { mode: 'string' }).notNull(),
    /** What the claim covers: a product line and its units, or the company's total use. */
    covers: text('covers').notNull(),
    footprintReference: text('footprint_reference'),
    publicStatement: text('public_statement').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('credit_retirements_account_idx').on(t.accountId),
    check('credit_retirements_quantity_positive', sql`${t.quantityKg} > 0`),
    check('credit_retirements_claim_period_order', sql`${t.claimPeriodEnd} >= ${t.claimPeriodStart}`),
    check('credit_retirements_beneficiary_present', sql`length(trim(${t.beneficiary})) > 0`),
  ],
);

/** An admin cancels erroneously issued units still in the issuance account; the cancelled blocks point here. */
export const creditCancellations = pgTable(
  'credit_cancellations',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    batchId: integer('batch_id')
      .notNull()
      .references(() => creditBatches.id),
    accountId: integer('account_id')
      .notNull()
      .references(() => creditAccounts.id),
    quantityKg: bigint('quantity_kg', { mode: 'number' }).notNull(),
    reason: text('reason').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('credit_cancellations_batch_idx').on(t.batchId), check('credit_cancellations_quantity_positive', sql`${t.quantityKg} > 0`)],
);

/**
 * The serial ledger: contiguous unit ranges of one batch, each in one state and one account (the
 * holder, or the account it was retired or cancelled from). A block never changes: moving,
 * retiring or cancelling part of it marks it superseded and inserts its pieces, each pointing at
 * it (`parent_block_id`), so every block that ever existed stays. The live blocks
 * (`superseded_at is null`) of a batch never overlap (EXCLUDE constraint) and tile 1..quantity.
 * A trigger allows one update only, setting `superseded_at` of a held block; retired and
 * cancelled blocks never change at all.
 */
export const creditBlocks = pgTable(
  'credit_blocks',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    batchId: integer('batch_id')
      .notNull()
      .references(() => creditBatches.id),
    firstUnit: bigint('first_unit', { mode: 'number' }).notNull(),
    lastUnit: bigint('last_unit', { mode: 'number' }).notNull(),
    quantityKg: bigint('quantity_kg', { mode: 'number' })
      .notNull()
      .generatedAlwaysAs(sql`last_unit - first_unit + 1`),
    state: text('state', { enum: blockStates }).notNull(),
    accountId: integer('account_id')
      .notNull()
      .references(() => creditAccounts.id),
    retirementId: integer('retirement_id').references(() => creditRetirements.id),
    cancellationId: integer('cancellation_id').references(() => creditCancellations.id),
    parentBlockId: integer('parent_block_id').references((): AnyPgColumn => creditBlocks.id),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    supersededAt: timestamp('superseded_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('credit_blocks_account_live_idx')
      .on(t.accountId, t.batchId, t.firstUnit)
      .where(sql`${t.supersededAt} is null`),
    index('credit_blocks_parent_idx').on(t.parentBlockId),
    index('credit_blocks_retirement_idx').on(t.retirementId),
    index('credit_blocks_cancellation_idx').on(t.cancellationId),
    check('credit_blocks_range_valid', sql`${t.firstUnit} >= 1 and ${t.lastUnit} >= ${t.firstUnit}`),
    check('credit_blocks_state_valid', sql`${t.state} in (${inList(blockStates)})`),
    check('credit_blocks_retired_has_retirement', sql`(${t.state} = 'retired') = (${t.retirementId} is not null)`),
    check('credit_blocks_cancelled_has_cancellation', sql`(${t.state} = 'cancelled') = (${t.cancellationId} is not null)`),
    check('credit_blocks_final_never_superseded', sql`${t.state} = 'held' or ${t.supersededAt} is null`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Sales: reference prices, the price schedule, orders, payments and the premium owed to site funds.
// Money is an integer in minor units (cents) with its ISO 4217 currency; nothing here is updated.

export const priceRules = ['ten_percent_of_three_year_average', 'manual'] as const;

/**
 * A reference price of a mineral for a year (for example the yearly average cobalt price, USD
 * per tonne), with where it comes from: the provenance of the credit price computed from it.
 */
export const referencePrices = pgTable(
  'reference_prices',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    mineral: text('mineral')
      .notNull()
      .references(() => minerals.code),
    year: smallint('year').notNull(),
    currency: text('currency').notNull(),
    /** Price of one tonne of contained metal, in minor units of the currency. */
    pricePerTonneMinor: bigint('price_per_tonne_minor', { mode: 'number' }).notNull(),
    /** Where the figure comes from, e.g. “LME cobalt, yearly average of official cash settlement”. */
    source: text('source').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('reference_prices_year_idx').on(t.mineral, t.year, t.currency),
    check('reference_prices_price_positive', sql`${t.pricePerTonneMinor} > 0`),
    check('reference_prices_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('reference_prices_year_range', sql`${t.year} between 1900 and 2999`),
    check('reference_prices_source_present', sql`length(trim(${t.source})) > 0`),
  ],
);

/**
 * The price schedule: the credit price per tonne of a mineral and vintage, and how it was set. A
 * new row replaces the previous one for new orders (the latest row of a mineral, vintage and
 * currency is in force); orders keep the price they were made at. `rule_inputs` records the
 * reference prices a computed price came from; a manual price carries its reason. The registry
 * fee (basis points of the sale) stays with the secretariat; the rest is the site fund's premium.
 */
export const creditPrices = pgTable(
  'credit_prices',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    mineral: text('mineral')
      .notNull()
      .references(() => minerals.code),
    vintage: smallint('vintage').notNull(),
    currency: text('currency').notNull(),
    pricePerTonneMinor: bigint('price_per_tonne_minor', { mode: 'number' }).notNull(),
    rule: text('rule', { enum: priceRules }).notNull(),
    ruleInputs: jsonb('rule_inputs').notNull().default({}),
    reason: text('reason'),
    registryFeeBasisPoints: integer('registry_fee_basis_points').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('credit_prices_schedule_idx').on(t.mineral, t.vintage, t.currency, t.id),
    check('credit_prices_price_positive', sql`${t.pricePerTonneMinor} > 0`),
    check('credit_prices_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('credit_prices_rule_valid', sql`${t.rule} in (${inList(priceRules)})`),
    check('credit_prices_manual_has_reason', sql`${t.rule} <> 'manual' or length(trim(coalesce(${t.reason}, ''))) > 0`),
    check('credit_prices_fee_range', sql`${t.registryFeeBasisPoints} between 0 and 10000`),
  ],
);

/**
 * A buyer's order: a quantity of one mineral, vintage and site, to be delivered into one of its
 * approved accounts, at the price in force when ordered. The invoice is the order itself
 * (`invoice_number`, amounts); while unpaid and not expired it reserves its quantity in the
 * issuance account; after `expires_at` it reserves nothing. Paid when a payment points at it.
 * amount = premium + fee.
 */
export const creditOrders = pgTable(
  'credit_orders',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    invoiceNumber: text('invoice_number').notNull(),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    accountId: integer('account_id')
      .notNull()
      .references(() => creditAccounts.id),
    mineral: text('mineral')
      .notNull()
      .references(() => minerals.code),
    vintage: smallint('vintage').notNull(),
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
    quantityKg: bigint('quantity_kg', { mode: 'number' }).notNull(),
    priceId: integer('price_id')
      .notNull()
      .references(() => creditPrices.id),
    currency: text('currency').notNull(),
    pricePerTonneMinor: bigint('price_per_tonne_minor', { mode: 'number' }).notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    feeMinor: bigint('fee_minor', { mode: 'number' }).notNull(),
    premiumMinor: bigint('premium_minor', { mode: 'number' }).notNull(),
    /** The buyer's own reference (purchase order number), printed on the invoice. */
    buyerReference: text('buyer_reference'),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('credit_orders_invoice_number_idx').on(t.invoiceNumber),
    index('credit_orders_organisation_idx').on(t.organisationId),
    index('credit_orders_reservation_idx').on(t.mineral, t.vintage, t.siteId, t.expiresAt),
    check('credit_orders_quantity_positive', sql`${t.quantityKg} > 0`),
    check('credit_orders_amounts', sql`${t.amountMinor} > 0 and ${t.feeMinor} >= 0 and ${t.premiumMinor} >= 0 and ${t.amountMinor} = ${t.feeMinor} + ${t.premiumMinor}`),
    check('credit_orders_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('credit_orders_expiry_after_creation', sql`${t.expiresAt} > ${t.createdAt}`),
  ],
);

/**
 * The secretariat records that an order was paid: at most one payment per order (unique index),
 * and the transfer that delivered the credits from the issuance account to the buyer's.
 */
export const creditPayments = pgTable(
  'credit_payments',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    orderId: integer('order_id')
      .notNull()
      .references(() => creditOrders.id),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    receivedOn: date('received_on', { mode: 'string' }).notNull(),
    /** The bank's reference of the payment. */
    reference: text('reference').notNull(),
    transferId: integer('transfer_id')
      .notNull()
      .references(() => creditTransfers.id),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('credit_payments_order_idx').on(t.orderId),
    uniqueIndex('credit_payments_transfer_idx').on(t.transferId),
    check('credit_payments_amount_positive', sql`${t.amountMinor} > 0`),
    check('credit_payments_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

/**
 * The premium a paid sale owes to a site's fund, and the registry fee the secretariat keeps. The
 * fund module turns each row into ledger income (pointing back at it); until then it is an amount
 * owed to the site's fund.
 */
export const creditPremiums = pgTable(
  'credit_premiums',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    paymentId: integer('payment_id')
      .notNull()
      .references(() => creditPayments.id),
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
    quantityKg: bigint('quantity_kg', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    premiumMinor: bigint('premium_minor', { mode: 'number' }).notNull(),
    feeMinor: bigint('fee_minor', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('credit_premiums_payment_site_idx').on(t.paymentId, t.siteId),
    index('credit_premiums_site_idx').on(t.siteId),
    check('credit_premiums_quantity_positive', sql`${t.quantityKg} > 0`),
    check('credit_premiums_amounts', sql`${t.premiumMinor} >= 0 and ${t.feeMinor} >= 0`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Certificates

/**
 * The certificate of a retirement: the bytes of its RFC 8785 canonical JSON and the registry
 * key's Ed25519 signature over them, made once after the retirement commits and never changed.
 * `key_name` and `public_key` say which registry key signed (it may have been rotated since).
 */
export const creditCertificates = pgTable('credit_certificates', {
  retirementId: integer('retirement_id')
    .primaryKey()
    .references(() => creditRetirements.id),
  document: bytea('document').notNull(),
  signature: bytea('signature').notNull(),
  keyName: text('key_name').notNull(),
  publicKey: bytea('public_key').notNull(),
  signedAt: timestamp('signed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

// ---------------------------------------------------------------------------------------------
// Footprints

/** A buyer's product line and how much of a mineral one unit contains (milligrams, so 8.5 g is 8,500). */
export const footprintProductLines = pgTable(
  'footprint_product_lines',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    name: text('name').notNull(),
    mineral: text('mineral')
      .notNull()
      .references(() => minerals.code),
    milligramsPerUnit: bigint('milligrams_per_unit', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('footprint_product_lines_name_idx').on(t.organisationId, t.name), check('footprint_product_lines_content_positive', sql`${t.milligramsPerUnit} > 0`)],
);

/**
 * A footprint calculation: units sold per product line in a claim period, and the kilograms of
 * contained metal to cover (rounded up). Its `reference` (e.g. `FP-FAIRPHONE-3`) is what a
 * retirement names as its footprint reference, so coverage is the retirements that name it.
 */
export const footprintCalculations = pgTable(
  'footprint_calculations',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    reference: text('reference').notNull(),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    mineral: text('mineral')
      .notNull()
      .references(() => minerals.code),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    requiredKg: bigint('required_kg', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('footprint_calculations_reference_idx').on(t.reference),
    index('footprint_calculations_organisation_idx').on(t.organisationId),
    check('footprint_calculations_period_order', sql`${t.periodEnd} >= ${t.periodStart}`),
    check('footprint_calculations_required_nonnegative', sql`${t.requiredKg} >= 0`),
  ],
);

/** One line of a footprint calculation: units sold of a product line, at the content it had then. */
export const footprintLines = pgTable(
  'footprint_lines',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    calculationId: integer('calculation_id')
      .notNull()
      .references(() => footprintCalculations.id),
    productLineId: integer('product_line_id')
      .notNull()
      .references(() => footprintProductLines.id),
    unitsSold: bigint('units_sold', { mode: 'number' }).notNull(),
    milligramsPerUnit: bigint('milligrams_per_unit', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('footprint_lines_product_idx').on(t.calculationId, t.productLineId),
    check('footprint_lines_units_nonnegative', sql`${t.unitsSold} >= 0`),
    check('footprint_lines_content_positive', sql`${t.milligramsPerUnit} > 0`),
  ],
);
