import { sql } from 'drizzle-orm';
import { bigint, check, date, index, integer, pgTable, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { organisations, users } from '../accounts/public.ts';
import { bytea, inList } from '../db/columns.ts';
import { childReferrals, sexes, sites } from '../sites/public.ts';

/** What the child was doing at the site when identified (the activities ICI reports hazardous work by). */
export const childActivities = ['digging', 'washing_sorting', 'transporting', 'selling', 'other'] as const;
export const riskLevels = ['low', 'medium', 'high'] as const;
/** Who found the child: the community-based child labour monitoring system's usual sources. */
export const identificationSources = ['field_officer', 'community_monitor', 'cooperative', 'teacher', 'worker_register', 'other'] as const;
export const householdHeads = ['both_parents', 'one_parent', 'grandparent', 'other_relative', 'child_headed', 'other'] as const;
export const supportKinds = [
  'health_check',
  'school_enrolment',
  'catch_up_classes',
  'vocational_training',
  'monthly_stipend',
  'vocational_kit',
  'household_savings_group',
  'siblings_school_support',
] as const;
/** What a follow-up visit found. `not_found` is not "not working": it never counts towards closure. */
export const visitOutcomes = ['in_school_or_training', 'working', 'not_found'] as const;
export const closureReasons = ['remediated', 'reached_18', 'lost_to_follow_up', 'transferred'] as const;

/**
 * A child identified in child labour at a site, followed by an accredited case-management
 * organisation. Sensitive: only admin and field users of `caseOrganisationId` read it. The code is
 * pseudonymous (`KAM-C-0001`, a per-site sequence, never derived from a name) and never leaves the
 * case-management side; the public journal knows a case by its numeric id only. A name is optional
 * and, when recorded, stored only as AES-256-GCM ciphertext under a key kept outside the database.
 */
export const childCases = pgTable(
  'child_cases',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    code: text('code').notNull(),
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
    /** The worker-register referral this case confirms, if it came from one (at most one case each). */
    referralId: integer('referral_id').references(() => childReferrals.id),
    caseOrganisationId: integer('case_organisation_id')
      .notNull()
      .references(() => organisations.id),
    sex: text('sex', { enum: sexes }).notNull(),
    ageAtIdentification: smallint('age_at_identification').notNull(),
    activity: text('activity', { enum: childActivities }).notNull(),
    community: text('community').notNull(),
    householdHead: text('household_head', { enum: householdHeads }).notNull(),
    householdSize: smallint('household_size').notNull(),
    identifiedOn: date('identified_on', { mode: 'string' }).notNull(),
    identifiedBy: text('identified_by', { enum: identificationSources }).notNull(),
    riskLevel: text('risk_level', { enum: riskLevels }).notNull(),
    /** AES-256-GCM of the child's name, with its 12-byte nonce, 16-byte tag and the key's id. */
    nameCiphertext: bytea('name_ciphertext'),
    nameNonce: bytea('name_nonce'),
    nameTag: bytea('name_tag'),
    nameKeyId: text('name_key_id'),
    /** The start of the remediation plan: the first support's start date; follow-up visits are due from it. */
    planStartedOn: date('plan_started_on', { mode: 'string' }),
    closedOn: date('closed_on', { mode: 'string' }),
    closureReason: text('closure_reason', { enum: closureReasons }),
    recordedByUserId: integer('recorded_by_user_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('child_cases_code_idx').on(t.code),
    uniqueIndex('child_cases_referral_idx').on(t.referralId),
    index('child_cases_org_idx').on(t.caseOrganisationId),
    check('child_cases_code_format', sql`${t.code} ~ '^[A-Z]{3,6}-C-[0-9]{4,}$'`),
    check('child_cases_sex_valid', sql`${t.sex} in (${inList(sexes)})`),
    check('child_cases_age_minor', sql`${t.ageAtIdentification} between 0 and 17`),
    check('child_cases_activity_valid', sql`${t.activity} in (${inList(childActivities)})`),
    check('child_cases_household_head_valid', sql`${t.householdHead} in (${inList(householdHeads)})`),
    check('child_cases_household_size_range', sql`${t.householdSize} between 1 and 50`),
    check('child_cases_identified_by_valid', sql`${t.identifiedBy} in (${inList(identificationSources)})`),
    check('child_cases_risk_valid', sql`${t.riskLevel} in (${inList(riskLevels)})`),
    check(
      'child_cases_name_sealed_whole',
      sql`(${t.nameCiphertext} is null) = (${t.nameNonce} is null) and (${t.nameNonce} is null) = (${t.nameTag} is null) and (${t.nameTag} is null) = (${t.nameKeyId} is null)`,
    ),
    check('child_cases_plan_after_identification', sql`${t.planStartedOn} is null or ${t.planStartedOn} >= ${t.identifiedOn}`),
    check('child_cases_closure_whole', sql`(${t.closedOn} is null) = (${t.closureReason} is null)`),
    check('child_cases_closure_reason_valid', sql`${t.closureReason} is null or ${t.closureReason} in (${inList(closureReasons)})`),
    check('child_cases_closed_after_identification', sql`${t.closedOn} is null or ${t.closedOn} >= ${t.identifiedOn}`),
  ],
);

/** One support of a case's remediation plan, from an accredited case-management organisation. */
export const childSupports = pgTable(
  'child_supports',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    caseId: integer('case_id')
      .notNull()
      .references(() => childCases.id),
    kind: text('kind', { enum: supportKinds }).notNull(),
    providerOrganisationId: integer('provider_organisation_id')
      .notNull()
      .references(() => organisations.id),
    startedOn: date('started_on', { mode: 'string' }).notNull(),
    endedOn: date('ended_on', { mode: 'string' }),
    costMinor: bigint('cost_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('child_supports_case_idx').on(t.caseId),
    check('child_supports_kind_valid', sql`${t.kind} in (${inList(supportKinds)})`),
    check('child_supports_dates_order', sql`${t.endedOn} is null or ${t.endedOn} >= ${t.startedOn}`),
    check('child_supports_cost_non_negative', sql`${t.costMinor} >= 0`),
    check('child_supports_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

/**
 * A follow-up visit. `dueMonths` names the scheduled visit it is (3, 6, then yearly: 18, 30 ...
 * months after the plan started); an unscheduled visit has none. One visit per scheduled point.
 */
export const childVisits = pgTable(
  'child_visits',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    caseId: integer('case_id')
      .notNull()
      .references(() => childCases.id),
    dueMonths: smallint('due_months'),
    visitedOn: date('visited_on', { mode: 'string' }).notNull(),
    outcome: text('outcome', { enum: visitOutcomes }).notNull(),
    recordedByUserId: integer('recorded_by_user_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('child_visits_case_idx').on(t.caseId, t.visitedOn),
    uniqueIndex('child_visits_scheduled_idx').on(t.caseId, t.dueMonths),
    check('child_visits_outcome_valid', sql`${t.outcome} in (${inList(visitOutcomes)})`),
    check('child_visits_due_months_range', sql`${t.dueMonths} is null or ${t.dueMonths} between 1 and 240`),
  ],
);
