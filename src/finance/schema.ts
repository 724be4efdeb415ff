import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
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

// The general-ledger import (issue 13, part 4) has its own file.
export * from './ledger-schema.ts';
