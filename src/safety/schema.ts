import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, pgTable, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { organisations } from '../accounts/public.ts';
import { inList } from '../db/columns.ts';
import { correctiveActions, operatorGroups, pits, sexes, sites } from '../sites/public.ts';

export const incidentKinds = ['flooding', 'collapse_rockfall', 'fall', 'electrocution', 'equipment', 'air_gas', 'other'] as const;
/** The worst outcome of the incident, in the sector's classes (ICMM): near misses hurt no one. */
export const incidentSeverities = ['fatal', 'serious_lost_time', 'minor_first_aid', 'near_miss'] as const;
/** `withdrawn`: recorded in error; it stays in the record but no figure counts it. */
export const incidentStatuses = ['reported', 'under_investigation', 'closed', 'withdrawn'] as const;
/** Age bands of the people affected (ILO youth and adult bands, with children apart). */
export const ageGroups = ['under_18', '18_24', '25_54', '55_plus', 'unknown'] as const;
/** The sex of people affected; `unknown` where the field officer was not told (a victim already taken away). */
export const personSexes = [...sexes, 'unknown'] as const;
export const interventionKinds = ['covered_pits', 'rain_covers', 'timbering', 'protective_equipment', 'training', 'safety_captains'] as const;

export type IncidentKind = (typeof incidentKinds)[number];
export type IncidentSeverity = (typeof incidentSeverities)[number];
export type IncidentStatus = (typeof incidentStatuses)[number];
export type AgeGroup = (typeof ageGroups)[number];
export type PersonSex = (typeof personSexes)[number];
export type InterventionKind = (typeof interventionKinds)[number];

/**
 * Safety incidents at a site. Never edited: a correction (a status change, a root cause found
 * later, a mistake) is a new row that points at the row it supersedes (`correctsId`); figures
 * count only rows no later row supersedes, and none that is `withdrawn`. `occurredTime` is the
 * local time at the site, when known. Description, action and root cause are free text: restricted.
 */
export const safetyIncidents = pgTable(
  'safety_incidents',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
    pitId: integer('pit_id').references(() => pits.id),
    occurredOn: date('occurred_on', { mode: 'string' }).notNull(),
    occurredTime: text('occurred_time'),
    kind: text('kind', { enum: incidentKinds }).notNull(),
    severity: text('severity', { enum: incidentSeverities }).notNull(),
    status: text('status', { enum: incidentStatuses }).notNull(),
    description: text('description').notNull(),
    immediateAction: text('immediate_action').notNull().default(''),
    rootCause: text('root_cause').notNull().default(''),
    correctsId: integer('corrects_id'),
    correctionReason: text('correction_reason'),
    recordedByOrganisationId: integer('recorded_by_organisation_id').references(() => organisations.id),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('safety_incidents_site_date_idx').on(t.siteId, t.occurredOn),
    uniqueIndex('safety_incidents_corrects_idx').on(t.correctsId),
    check('safety_incidents_kind_valid', sql`${t.kind} in (${inList(incidentKinds)})`),
    check('safety_incidents_severity_valid', sql`${t.severity} in (${inList(incidentSeverities)})`),
    check('safety_incidents_status_valid', sql`${t.status} in (${inList(incidentStatuses)})`),
    check('safety_incidents_time_format', sql`${t.occurredTime} is null or ${t.occurredTime} ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`),
    check('safety_incidents_correction_has_reason', sql`(${t.correctsId} is null) = (${t.correctionReason} is null)`),
  ],
);

/** The people an incident affected, as counts by sex, age group and operator group: never a name. */
export const safetyIncidentPeople = pgTable(
  'safety_incident_people',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    incidentId: integer('incident_id')
      .notNull()
      .references(() => safetyIncidents.id),
    sex: text('sex', { enum: personSexes }).notNull(),
    ageGroup: text('age_group', { enum: ageGroups }).notNull(),
    /** Null when the person is not of a registered group (a visitor, a passer-by). */
    operatorGroupId: integer('operator_group_id').references(() => operatorGroups.id),
    count: smallint('count').notNull(),
  },
  (t) => [
    index('safety_incident_people_incident_idx').on(t.incidentId),
    check('safety_incident_people_sex_valid', sql`${t.sex} in (${inList(personSexes)})`),
    check('safety_incident_people_age_valid', sql`${t.ageGroup} in (${inList(ageGroups)})`),
    check('safety_incident_people_count_positive', sql`${t.count} between 1 and 1000`),
  ],
);

/** The site's corrective actions an incident led to (sites module). */
export const safetyIncidentActions = pgTable(
  'safety_incident_actions',
  {
    incidentId: integer('incident_id')
      .notNull()
      .references(() => safetyIncidents.id),
    correctiveActionId: integer('corrective_action_id')
      .notNull()
      .references(() => correctiveActions.id),
  },
  (t) => [uniqueIndex('safety_incident_actions_pair_idx').on(t.incidentId, t.correctiveActionId)],
);

/**
 * What the programme did to make a site safer: pits covered, rain covers, timbering, protective
 * equipment, training, safety captains. `quantity` counts the kind's natural unit (pits, covers,
 * kits, sessions, captains); cost in minor units of its currency.
 */
export const safetyInterventions = pgTable(
  'safety_interventions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
    kind: text('kind', { enum: interventionKinds }).notNull(),
    deliveredOn: date('delivered_on', { mode: 'string' }).notNull(),
    quantity: integer('quantity').notNull(),
    costMinor: bigint('cost_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    peopleReached: integer('people_reached').notNull(),
    description: text('description').notNull().default(''),
    recordedByOrganisationId: integer('recorded_by_organisation_id').references(() => organisations.id),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('safety_interventions_site_date_idx').on(t.siteId, t.deliveredOn),
    check('safety_interventions_kind_valid', sql`${t.kind} in (${inList(interventionKinds)})`),
    check('safety_interventions_quantity_non_negative', sql`${t.quantity} >= 0`),
    check('safety_interventions_cost_non_negative', sql`${t.costMinor} >= 0`),
    check('safety_interventions_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('safety_interventions_people_non_negative', sql`${t.peopleReached} >= 0`),
  ],
);

/**
 * How a site works, for estimating hours where none are recorded: shift length and days worked
 * per month, from a month on. The setting for a month is the latest one in force then.
 */
export const safetySiteSettings = pgTable(
  'safety_site_settings',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
    /** `YYYY-MM`: the first month the setting applies to. */
    effectiveFrom: text('effective_from').notNull(),
    shiftMinutes: smallint('shift_minutes').notNull(),
    daysWorkedPerMonth: smallint('days_worked_per_month').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('safety_site_settings_site_idx').on(t.siteId, t.effectiveFrom),
    check('safety_site_settings_month_format', sql`${t.effectiveFrom} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`),
    check('safety_site_settings_shift_range', sql`${t.shiftMinutes} between 1 and 1440`),
    check('safety_site_settings_days_range', sql`${t.daysWorkedPerMonth} between 1 and 31`),
  ],
);

/** Hours worked at a site in a month, as recorded (attendance sheets); the latest entry of a month counts. */
export const safetyHoursWorked = pgTable(
  'safety_hours_worked',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
    /** `YYYY-MM`. */
    month: text('month').notNull(),
    hours: bigint('hours', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('safety_hours_site_month_idx').on(t.siteId, t.month),
    check('safety_hours_month_format', sql`${t.month} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`),
    check('safety_hours_non_negative', sql`${t.hours} >= 0`),
  ],
);
