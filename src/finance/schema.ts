import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { inList } from '../db/columns.ts';
import { organisations } from '../accounts/public.ts';
import { sites } from '../sites/public.ts';

/**
 * IATI ActivityStatus codes (codelist ActivityStatus, IATI 2.03): 1 pipeline/identification,
 * 2 implementation, 3 finalisation, 4 closed, 5 cancelled, 6 suspended.
 */
export const activityStatusCodes = [1, 2, 3, 4, 5, 6] as const;
/** IATI OrganisationRole codes: 1 funding, 2 accountable, 3 extending, 4 implementing. */
export const organisationRoleCodes = [1, 2, 3, 4] as const;

/**
 * A programme area of the alliance (occupational health and safety, child labour remediation, ...),
 * set by the secretariat. Its activities are reported to IATI under the area's DAC sectors.
 */
export const financeProgrammeAreas = pgTable(
  'finance_programme_areas',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    code: text('code').notNull(),
    labelEn: text('label_en').notNull(),
    labelFr: text('label_fr').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('finance_programme_areas_code_idx').on(t.code), check('finance_programme_areas_code_format', sql`${t.code} ~ '^[a-z][a-z0-9_]{1,39}$'`)],
);

/**
 * The OECD DAC 5-digit sectors (IATI Sector codelist, vocabulary 1) an area's work falls under, with
 * the share of each in whole percent; an area's shares sum to 100 (checked by the commands, which
 * replace an area's sectors together).
 */
export const financeAreaSectors = pgTable(
  'finance_area_sectors',
  {
    areaId: integer('area_id')
      .notNull()
      .references(() => financeProgrammeAreas.id),
    sectorCode: text('sector_code').notNull(),
    percentage: smallint('percentage').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.areaId, t.sectorCode] }),
    check('finance_area_sectors_code_format', sql`${t.sectorCode} ~ '^[0-9]{5}$'`),
    check('finance_area_sectors_percentage_range', sql`${t.percentage} between 1 and 100`),
  ],
);

/**
 * An activity as IATI understands it: published as `{reporting-org-ref}-{code}`, with its title and
 * description in English and French, planned and actual dates, and its IATI status.
 */
export const financeActivities = pgTable(
  'finance_activities',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    code: text('code').notNull(),
    areaId: integer('area_id')
      .notNull()
      .references(() => financeProgrammeAreas.id),
    titleEn: text('title_en').notNull(),
    titleFr: text('title_fr').notNull(),
    descriptionEn: text('description_en').notNull(),
    descriptionFr: text('description_fr').notNull(),
    plannedStart: date('planned_start', { mode: 'string' }).notNull(),
    plannedEnd: date('planned_end', { mode: 'string' }),
    actualStart: date('actual_start', { mode: 'string' }),
    actualEnd: date('actual_end', { mode: 'string' }),
    statusCode: smallint('status_code').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('finance_activities_code_idx').on(t.code),
    check('finance_activities_code_format', sql`${t.code} ~ '^[A-Z0-9][A-Z0-9-]{0,39}$'`),
    check('finance_activities_status_valid', sql`${t.statusCode} between 1 and 6`),
    check('finance_activities_planned_order', sql`${t.plannedEnd} is null or ${t.plannedEnd} >= ${t.plannedStart}`),
    check('finance_activities_actual_order', sql`${t.actualEnd} is null or (${t.actualStart} is not null and ${t.actualEnd} >= ${t.actualStart})`),
  ],
);

/** The sites where an activity happens. */
export const financeActivitySites = pgTable(
  'finance_activity_sites',
  {
    activityId: integer('activity_id')
      .notNull()
      .references(() => financeActivities.id),
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
  },
  (t) => [primaryKey({ columns: [t.activityId, t.siteId] })],
);

/**
 * An organisation taking part in an activity, in an IATI OrganisationRole: one known to Orebook
 * (`organisation_id`) or one named here (`name`), either with its IATI organisation identifier when
 * it has one. Only organisations: a person never takes part by name.
 */
export const financeParticipatingOrgs = pgTable(
  'finance_participating_orgs',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    activityId: integer('activity_id')
      .notNull()
      .references(() => financeActivities.id),
    roleCode: smallint('role_code').notNull(),
    organisationId: integer('organisation_id').references(() => organisations.id),
    name: text('name'),
    iatiRef: text('iati_ref'),
  },
  (t) => [
    index('finance_participating_orgs_activity_idx').on(t.activityId),
    check('finance_participating_orgs_role_valid', sql`${t.roleCode} between 1 and 4`),
    check('finance_participating_orgs_one_party', sql`(${t.organisationId} is null) <> (${t.name} is null)`),
    check('finance_participating_orgs_ref_format', sql`${t.iatiRef} is null or ${t.iatiRef} ~ '^[A-Za-z0-9][A-Za-z0-9._-]{1,99}$'`),
  ],
);

// Grants, budgets and spending (issue 13, parts 3 and 4) have their own file.
export * from './grants-schema.ts';

// ---------------------------------------------------------------------------------------------
// Members and their contributions (issue 13, part 2)

/** Where a member stands in the cobalt supply chain, or beside it. */
export const membershipCategories = ['upstream', 'midstream', 'downstream', 'civil_society', 'associate'] as const;
export const membershipStatuses = ['active', 'suspended', 'left'] as const;
/** How a member's yearly contribution is set: its category's fixed amount, or scaled by its declared cobalt use. */
export const contributionRules = ['category_fixed', 'cobalt_scaled'] as const;

/**
 * An organisation's membership of the alliance (one per organisation): since when, in which
 * category, its status, and the rule of its yearly contribution. A member on the scaled rule
 * declares its yearly cobalt use (kilograms of contained cobalt), which the next calls use.
 */
export const financeMemberships = pgTable(
  'finance_memberships',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    category: text('category', { enum: membershipCategories }).notNull(),
    status: text('status', { enum: membershipStatuses }).notNull().default('active'),
    memberSince: date('member_since', { mode: 'string' }).notNull(),
    rule: text('rule', { enum: contributionRules }).notNull(),
    declaredCobaltKg: bigint('declared_cobalt_kg', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('finance_memberships_organisation_idx').on(t.organisationId),
    check('finance_memberships_category_valid', sql`${t.category} in (${inList(membershipCategories)})`),
    check('finance_memberships_status_valid', sql`${t.status} in (${inList(membershipStatuses)})`),
    check('finance_memberships_rule_valid', sql`${t.rule} in (${inList(contributionRules)})`),
    check('finance_memberships_scaled_declares', sql`${t.rule} <> 'cobalt_scaled' or ${t.declaredCobaltKg} is not null`),
    check('finance_memberships_declared_positive', sql`${t.declaredCobaltKg} is null or ${t.declaredCobaltKg} >= 0`),
  ],
);

/**
 * The contribution rates of one category for one year, set by the secretariat: the fixed amount a
 * member on the category rule pays, and the scale for members on the cobalt rule (an amount per
 * tonne of declared cobalt use, at least the floor, at most the cap). Fixed once a call uses it.
 */
export const financeContributionRates = pgTable(
  'finance_contribution_rates',
  {
    year: smallint('year').notNull(),
    category: text('category', { enum: membershipCategories }).notNull(),
    currency: text('currency').notNull(),
    fixedAmountMinor: bigint('fixed_amount_minor', { mode: 'number' }).notNull(),
    perTonneMinor: bigint('per_tonne_minor', { mode: 'number' }).notNull(),
    floorMinor: bigint('floor_minor', { mode: 'number' }).notNull(),
    capMinor: bigint('cap_minor', { mode: 'number' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.year, t.category] }),
    check('finance_contribution_rates_category_valid', sql`${t.category} in (${inList(membershipCategories)})`),
    check('finance_contribution_rates_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('finance_contribution_rates_year_range', sql`${t.year} between 2000 and 2100`),
    check('finance_contribution_rates_amounts', sql`${t.fixedAmountMinor} > 0 and ${t.perTonneMinor} > 0 and ${t.floorMinor} > 0 and ${t.capMinor} >= ${t.floorMinor}`),
  ],
);

/**
 * A member's contribution call for a year: its number (the invoice's), the amount computed from the
 * member's rule and the year's rates, and `basis`, how it was computed (the rule, the rates and the
 * declared use it took), so the amount can be recomputed and checked. One per member and year.
 */
export const financeContributionCalls = pgTable(
  'finance_contribution_calls',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    number: text('number').notNull(),
    membershipId: integer('membership_id')
      .notNull()
      .references(() => financeMemberships.id),
    year: smallint('year').notNull(),
    currency: text('currency').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    basis: jsonb('basis').notNull(),
    issuedOn: date('issued_on', { mode: 'string' }).notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('finance_contribution_calls_number_idx').on(t.number),
    uniqueIndex('finance_contribution_calls_member_year_idx').on(t.membershipId, t.year),
    check('finance_contribution_calls_amount_positive', sql`${t.amountMinor} > 0`),
    check('finance_contribution_calls_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('finance_contribution_calls_due_after_issue', sql`${t.dueOn} >= ${t.issuedOn}`),
  ],
);

/**
 * Money received against a call, in the call's currency; a call may be paid in several parts,
 * never beyond its amount (checked by the command under a lock on the call, and by `orebook
 * verify`). The bank's reference is unique per call, so the same payment is never recorded twice.
 */
export const financeContributionPayments = pgTable(
  'finance_contribution_payments',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    callId: integer('call_id')
      .notNull()
      .references(() => financeContributionCalls.id),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    receivedOn: date('received_on', { mode: 'string' }).notNull(),
    reference: text('reference').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('finance_contribution_payments_reference_idx').on(t.callId, t.reference),
    check('finance_contribution_payments_amount_positive', sql`${t.amountMinor} > 0`),
    check('finance_contribution_payments_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

// The general-ledger import (issue 13, part 4) has its own file.
export * from './ledger-schema.ts';

// The results of activities, measured by the modules' indicators (issue 13, part 7), have their own file.
export * from './results-schema.ts';
