import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, index, integer, pgTable, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { organisations, users } from '../accounts/public.ts';
import { bytea, inList } from '../db/columns.ts';
import { files } from '../files/public.ts';

export const siteStatuses = ['active', 'suspended', 'closed'] as const;
/** The DRC's national site qualification (green: may produce and sell; yellow: may, under a plan; red: may not; blue: not yet assessed). */
export const qualificationLevels = ['green', 'yellow', 'red', 'blue'] as const;
export const defaultOperatorGroups = ['diggers', 'pit_owners', 'washers', 'transporters', 'sellers', 'depot_workers', 'sanitation_agents', 'safety_captains'] as const;
export const sexes = ['female', 'male'] as const;
export const standardAreas = ['health_safety', 'child_rights', 'cooperative_governance', 'environment', 'legality_traceability'] as const;
export const criterionLevels = ['baseline', 'progress'] as const;
export const ratings = ['met', 'partly_met', 'not_met', 'not_applicable'] as const;
export const correctiveActionStatuses = ['open', 'in_progress', 'closed'] as const;

export const sites = pgTable(
  'sites',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    /** Short permanent public code, used in serials (`KAM`) and URLs. */
    code: text('code').notNull(),
    name: text('name').notNull(),
    province: text('province').notNull(),
    town: text('town').notNull(),
    /** Coordinates in millionths of a degree (WGS 84), integers like every stored quantity. */
    latitudeE6: integer('latitude_e6').notNull(),
    longitudeE6: integer('longitude_e6').notNull(),
    concessionHolder: text('concession_holder').notNull(),
    cooperativeOrganisationId: integer('cooperative_organisation_id')
      .notNull()
      .references(() => organisations.id),
    status: text('status', { enum: siteStatuses }).notNull().default('active'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('sites_code_idx').on(t.code),
    check('sites_code_format', sql`${t.code} ~ '^[A-Z]{3,6}$'`),
    check('sites_status_valid', sql`${t.status} in (${inList(siteStatuses)})`),
    check('sites_latitude_range', sql`${t.latitudeE6} between -90000000 and 90000000`),
    check('sites_longitude_range', sql`${t.longitudeE6} between -180000000 and 180000000`),
  ],
);

/** Qualification decisions, newest last; the current one is the latest by date. */
export const siteQualifications = pgTable(
  'site_qualifications',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
    level: text('level', { enum: qualificationLevels }).notNull(),
    qualifiedOn: date('qualified_on', { mode: 'string' }).notNull(),
    /** Green sites are reviewed yearly, yellow every six months; red and blue have no set review. */
    nextReviewOn: date('next_review_on', { mode: 'string' }),
    decidedBy: text('decided_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [check('site_qualifications_level_valid', sql`${t.level} in (${inList(qualificationLevels)})`), index('site_qualifications_site_idx').on(t.siteId)],
);

export const pits = pgTable(
  'pits',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
    code: text('code').notNull(),
    covered: boolean('covered').notNull(),
    active: boolean('active').notNull().default(true),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('pits_site_code_idx').on(t.siteId, t.code)],
);

export const operatorGroups = pgTable(
  'operator_groups',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
    code: text('code').notNull(),
    labelEn: text('label_en').notNull(),
    labelFr: text('label_fr').notNull(),
  },
  (t) => [uniqueIndex('operator_groups_site_code_idx').on(t.siteId, t.code), check('operator_groups_code_format', sql`${t.code} ~ '^[a-z][a-z_]{1,39}$'`)],
);

/**
 * The worker register: personal data. Only admins, field officers and the site's own cooperative
 * see names and ID numbers; everyone else sees counts. The journal knows a worker by `code` and a
 * salted commitment. `identityHash` (SHA-256 of site, normalised name, birth year and sex) makes a
 * re-import of the same person change nothing.
 */
export const workers = pgTable(
  'workers',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
    code: text('code').notNull(),
    fullName: text('full_name').notNull(),
    sex: text('sex', { enum: sexes }).notNull(),
    birthYear: smallint('birth_year').notNull(),
    operatorGroupId: integer('operator_group_id')
      .notNull()
      .references(() => operatorGroups.id),
    idNumber: text('id_number'),
    photoFileId: integer('photo_file_id').references(() => files.id),
    registeredOn: date('registered_on', { mode: 'string' }).notNull(),
    exitedOn: date('exited_on', { mode: 'string' }),
    identityHash: bytea('identity_hash').notNull(),
    commitmentSalt: bytea('commitment_salt').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('workers_code_idx').on(t.code),
    uniqueIndex('workers_site_identity_idx').on(t.siteId, t.identityHash),
    index('workers_site_group_idx').on(t.siteId, t.operatorGroupId),
    check('workers_sex_valid', sql`${t.sex} in (${inList(sexes)})`),
    check('workers_birth_year_range', sql`${t.birthYear} between 1900 and 2100`),
    check('workers_exit_after_registration', sql`${t.exitedOn} is null or ${t.exitedOn} >= ${t.registeredOn}`),
  ],
);

/**
 * A person under 18 who came to register for site work: refused, and referred for child
 * protection instead. No name is kept here; the children module confirms the case with the field
 * officer. `code` is the pseudonymous case code the children module takes over.
 */
export const childReferrals = pgTable(
  'child_referrals',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    code: text('code').notNull(),
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
    sex: text('sex', { enum: sexes }).notNull(),
    ageYears: smallint('age_years').notNull(),
    operatorGroupId: integer('operator_group_id').references(() => operatorGroups.id),
    referredOn: date('referred_on', { mode: 'string' }).notNull(),
    source: text('source', { enum: ['worker_registration', 'worker_import'] }).notNull(),
    referredByUserId: integer('referred_by_user_id').references(() => users.id),
    status: text('status', { enum: ['new', 'taken_up'] }).notNull().default('new'),
    /** As for workers: a re-imported file refers the same child only once. */
    identityHash: bytea('identity_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('child_referrals_code_idx').on(t.code),
    uniqueIndex('child_referrals_site_identity_idx').on(t.siteId, t.identityHash),
    check('child_referrals_age_minor', sql`${t.ageYears} between 0 and 17`),
  ],
);

/** Minerals that can be declared and credited; cobalt and copper to start (seeded by migration). */
export const minerals = pgTable('minerals', {
  code: text('code').primaryKey(),
  symbol: text('symbol').notNull(),
  labelEn: text('label_en').notNull(),
  labelFr: text('label_fr').notNull(),
});

/**
 * Production declarations, per day or per lot. Never edited: a correction is a new row that points
 * at the row it corrects (`correctsId`), and totals count only rows that no later row corrects.
 * Tonnages are kilograms of ore; the grade is in hundredths of a percent (basis points);
 * contained metal = round(dry ore kg × grade / 10,000), computed on entry.
 */
export const productionDeclarations = pgTable(
  'production_declarations',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
    mineral: text('mineral')
      .notNull()
      .references(() => minerals.code),
    producedOn: date('produced_on', { mode: 'string' }).notNull(),
    lotReference: text('lot_reference'),
    wetOreKg: bigint('wet_ore_kg', { mode: 'number' }).notNull(),
    dryOreKg: bigint('dry_ore_kg', { mode: 'number' }).notNull(),
    gradeBasisPoints: integer('grade_basis_points').notNull(),
    containedKg: bigint('contained_kg', { mode: 'number' }).notNull(),
    buyer: text('buyer').notNull(),
    evidenceFileId: integer('evidence_file_id').references(() => files.id),
    correctsId: integer('corrects_id'),
    correctionReason: text('correction_reason'),
    declaredByOrganisationId: integer('declared_by_organisation_id').references(() => organisations.id),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('production_site_mineral_date_idx').on(t.siteId, t.mineral, t.producedOn),
    uniqueIndex('production_corrects_idx').on(t.correctsId),
    check('production_wet_non_negative', sql`${t.wetOreKg} >= 0`),
    check('production_dry_within_wet', sql`${t.dryOreKg} >= 0 and ${t.dryOreKg} <= ${t.wetOreKg}`),
    check('production_grade_range', sql`${t.gradeBasisPoints} between 0 and 10000`),
    check('production_contained_computed', sql`${t.containedKg} = round(${t.dryOreKg}::numeric * ${t.gradeBasisPoints} / 10000)`),
    check('production_correction_has_reason', sql`(${t.correctsId} is null) = (${t.correctionReason} is null)`),
  ],
);

/** Versions of the standard; an assessment keeps the version it was made against. */
export const standardVersions = pgTable(
  'standard_versions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    version: text('version').notNull(),
    status: text('status', { enum: ['draft', 'published'] }).notNull().default('draft'),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('standard_versions_version_idx').on(t.version), check('standard_versions_published_has_date', sql`(${t.status} = 'published') = (${t.publishedAt} is not null)`)],
);

export const standardCriteria = pgTable(
  'standard_criteria',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    versionId: integer('version_id')
      .notNull()
      .references(() => standardVersions.id),
    code: text('code').notNull(),
    area: text('area', { enum: standardAreas }).notNull(),
    level: text('level', { enum: criterionLevels }).notNull(),
    position: integer('position').notNull(),
    textEn: text('text_en').notNull(),
    textFr: text('text_fr').notNull(),
    guidanceEn: text('guidance_en').notNull(),
    guidanceFr: text('guidance_fr').notNull(),
  },
  (t) => [
    uniqueIndex('standard_criteria_version_code_idx').on(t.versionId, t.code),
    check('standard_criteria_area_valid', sql`${t.area} in (${inList(standardAreas)})`),
    check('standard_criteria_level_valid', sql`${t.level} in (${inList(criterionLevels)})`),
  ],
);

export const assessments = pgTable(
  'assessments',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
    verifierOrganisationId: integer('verifier_organisation_id')
      .notNull()
      .references(() => organisations.id),
    standardVersionId: integer('standard_version_id')
      .notNull()
      .references(() => standardVersions.id),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    status: text('status', { enum: ['draft', 'submitted'] }).notNull().default('draft'),
    submittedAt: timestamp('submitted_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('assessments_site_idx').on(t.siteId),
    check('assessments_period_order', sql`${t.periodEnd} >= ${t.periodStart}`),
    check('assessments_submitted_has_time', sql`(${t.status} = 'submitted') = (${t.submittedAt} is not null)`),
  ],
);

export const assessmentResponses = pgTable(
  'assessment_responses',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    assessmentId: integer('assessment_id')
      .notNull()
      .references(() => assessments.id),
    criterionId: integer('criterion_id')
      .notNull()
      .references(() => standardCriteria.id),
    rating: text('rating', { enum: ratings }).notNull(),
    notes: text('notes').notNull().default(''),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('assessment_responses_criterion_idx').on(t.assessmentId, t.criterionId), check('assessment_responses_rating_valid', sql`${t.rating} in (${inList(ratings)})`)],
);

export const assessmentEvidence = pgTable(
  'assessment_evidence',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    responseId: integer('response_id')
      .notNull()
      .references(() => assessmentResponses.id),
    fileId: integer('file_id')
      .notNull()
      .references(() => files.id),
  },
  (t) => [uniqueIndex('assessment_evidence_unique_idx').on(t.responseId, t.fileId)],
);

/** Findings become corrective actions; overdue ones are listed on the site page. */
export const correctiveActions = pgTable(
  'corrective_actions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
    assessmentId: integer('assessment_id').references(() => assessments.id),
    criterionId: integer('criterion_id').references(() => standardCriteria.id),
    title: text('title').notNull(),
    owner: text('owner').notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    costEstimateMinor: bigint('cost_estimate_minor', { mode: 'number' }).notNull().default(0),
    currency: text('currency').notNull().default('USD'),
    status: text('status', { enum: correctiveActionStatuses }).notNull().default('open'),
    closedOn: date('closed_on', { mode: 'string' }),
    closureNote: text('closure_note'),
    closureEvidenceFileId: integer('closure_evidence_file_id').references(() => files.id),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('corrective_actions_site_idx').on(t.siteId, t.status),
    check('corrective_actions_status_valid', sql`${t.status} in (${inList(correctiveActionStatuses)})`),
    check('corrective_actions_cost_non_negative', sql`${t.costEstimateMinor} >= 0`),
    check('corrective_actions_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('corrective_actions_closed_has_date', sql`(${t.status} = 'closed') = (${t.closedOn} is not null)`),
  ],
);

/** Who holds the private half of an organisation's signing key: the registry's server, or the verifier itself. */
export const keyCustodies = ['registry', 'verifier'] as const;
export type KeyCustody = (typeof keyCustodies)[number];

/**
 * Ed25519 keys with which organisations (verifiers first) sign what they state. A key is held
 * either by the registry (it keeps the private half, PKCS#8, and signs when one of the
 * organisation's verifiers confirms) or by the verifier (only the public half is here; the
 * verifier signs on its own machine). An organisation has at most one active key; retired keys stay
 * so that the statements they signed stay checkable.
 */
export const organisationKeys = pgTable(
  'organisation_keys',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    publicKey: bytea('public_key').notNull(),
    custody: text('custody').notNull().default('registry'),
    /** Only for a key the registry holds. */
    privateKeyPkcs8: bytea('private_key_pkcs8'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    retiredAt: timestamp('retired_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('organisation_keys_org_idx').on(t.organisationId),
    uniqueIndex('organisation_keys_public_key_unique').on(t.publicKey),
    uniqueIndex('organisation_keys_one_active').on(t.organisationId).where(sql`${t.retiredAt} is null`),
    check('organisation_keys_custody_valid', sql`${t.custody} in (${inList(keyCustodies)})`),
    check('organisation_keys_private_half_with_registry', sql`(${t.custody} = 'registry') = (${t.privateKeyPkcs8} is not null)`),
  ],
);

/**
 * Each organisation's choice of who holds its signing key. No row: the registry holds it (as before
 * verifiers could hold their own). With `verifier`, the registry never signs for the organisation.
 */
export const organisationKeyCustody = pgTable(
  'organisation_key_custody',
  {
    organisationId: integer('organisation_id')
      .primaryKey()
      .references(() => organisations.id),
    custody: text('custody').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [check('organisation_key_custody_valid', sql`${t.custody} in (${inList(keyCustodies)})`)],
);

/**
 * A verifier's signed statement that, for a site, mineral and period, every baseline criterion was
 * met and `responsibleKg` of contained metal was produced to the standard. The only source the
 * registry may issue credits from. Periods of one site and mineral never overlap (an EXCLUDE
 * constraint in the custom migration).
 */
export const verificationStatements = pgTable(
  'verification_statements',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
    mineral: text('mineral')
      .notNull()
      .references(() => minerals.code),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    assessmentId: integer('assessment_id')
      .notNull()
      .references(() => assessments.id),
    verifierOrganisationId: integer('verifier_organisation_id')
      .notNull()
      .references(() => organisations.id),
    declaredKg: bigint('declared_kg', { mode: 'number' }).notNull(),
    responsibleKg: bigint('responsible_kg', { mode: 'number' }).notNull(),
    /** The exact RFC 8785 bytes that were signed. */
    document: bytea('document').notNull(),
    signature: bytea('signature').notNull(),
    keyId: integer('key_id')
      .notNull()
      .references(() => organisationKeys.id),
    signedByUserId: integer('signed_by_user_id').references(() => users.id),
    signedAt: timestamp('signed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    check('verification_period_order', sql`${t.periodEnd} >= ${t.periodStart}`),
    check('verification_responsible_positive', sql`${t.responsibleKg} > 0`),
    check('verification_within_declared', sql`${t.responsibleKg} <= ${t.declaredKg}`),
  ],
);

/**
 * A statement prepared for a verifier that holds its own key: the exact canonical bytes it is to
 * sign, naming the key it is to be signed with. Once the verifier's signature over these bytes is
 * accepted, it becomes a verification statement (`statementId`) and the draft is never signed again.
 */
export const verificationDrafts = pgTable(
  'verification_drafts',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    siteId: integer('site_id')
      .notNull()
      .references(() => sites.id),
    mineral: text('mineral')
      .notNull()
      .references(() => minerals.code),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    assessmentId: integer('assessment_id')
      .notNull()
      .references(() => assessments.id),
    verifierOrganisationId: integer('verifier_organisation_id')
      .notNull()
      .references(() => organisations.id),
    declaredKg: bigint('declared_kg', { mode: 'number' }).notNull(),
    responsibleKg: bigint('responsible_kg', { mode: 'number' }).notNull(),
    /** The exact RFC 8785 bytes to be signed. */
    document: bytea('document').notNull(),
    keyId: integer('key_id')
      .notNull()
      .references(() => organisationKeys.id),
    preparedByUserId: integer('prepared_by_user_id').references(() => users.id),
    preparedAt: timestamp('prepared_at', { withTimezone: true, mode: 'date' }).notNull(),
    statementId: integer('statement_id').references(() => verificationStatements.id),
  },
  (t) => [index('verification_drafts_org_idx').on(t.verifierOrganisationId), uniqueIndex('verification_drafts_statement_unique').on(t.statementId)],
);

/**
 * What has been drawn from a statement's verified quantity: positive when the registry issues a
 * batch, negative when it cancels issued units. Remaining issuable = responsible − sum of draws,
 * never below zero.
 */
export const verificationDraws = pgTable(
  'verification_draws',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    statementId: integer('statement_id')
      .notNull()
      .references(() => verificationStatements.id),
    quantityKg: bigint('quantity_kg', { mode: 'number' }).notNull(),
    reference: text('reference').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('verification_draws_statement_idx').on(t.statementId), check('verification_draws_non_zero', sql`${t.quantityKg} <> 0`)],
);
