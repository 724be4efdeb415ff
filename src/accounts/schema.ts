import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { organisationKinds, userRoles } from '../core/auth/roles.ts';
import { bytea, inList } from '../db/columns.ts';

export const organisations = pgTable(
  'organisations',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    /** Short, permanent, public code used in the journal and in URLs (e.g. `cmds`). */
    code: text('code').notNull(),
    name: text('name').notNull(),
    kind: text('kind', { enum: organisationKinds }).notNull(),
    country: text('country').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('organisations_code_idx').on(t.code),
    check('organisations_kind_valid', sql`${t.kind} in (${inList(organisationKinds)})`),
    check('organisations_code_format', sql`${t.code} ~ '^[a-z0-9][a-z0-9-]{1,31}$'`),
    check('organisations_country_format', sql`${t.country} ~ '^[A-Z]{2}$'`),
  ],
);

/**
 * Users are personal data: email and display name never leave this table except to admins and
 * the user themself. The journal knows a user only by `code` and a salted commitment.
 */
export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    code: text('code').notNull(),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: userRoles }).notNull(),
    locale: text('locale').notNull().default('en'),
    passwordHash: text('password_hash').notNull(),
    commitmentSalt: bytea('commitment_salt').notNull(),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    /** Set when an admin deactivates the user: no sign-in, no session, no token of theirs works until reactivated. */
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true, mode: 'date' }),
    /** Set by an admin's password reset: the temporary password signs in only to choose a new one. */
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_idx').on(sql`lower(${t.email})`),
    uniqueIndex('users_code_idx').on(t.code),
    check('users_role_valid', sql`${t.role} in (${inList(userRoles)})`),
    check('users_failed_logins_non_negative', sql`${t.failedLogins} >= 0`),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    /** SHA-256 of the cookie value; the cookie itself is never stored. */
    tokenHash: bytea('token_hash').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [uniqueIndex('sessions_token_hash_idx').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    name: text('name').notNull(),
    /** The first characters of the token, shown in lists so people can tell tokens apart. */
    prefix: text('prefix').notNull(),
    tokenHash: bytea('token_hash').notNull(),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    role: text('role', { enum: userRoles }).notNull(),
    createdByUserId: integer('created_by_user_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('api_tokens_token_hash_idx').on(t.tokenHash),
    check('api_tokens_role_valid', sql`${t.role} in (${inList(userRoles)})`),
  ],
);
