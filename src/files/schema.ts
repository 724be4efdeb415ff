import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { organisations } from '../accounts/public.ts';
import { bytea } from '../db/columns.ts';

/**
 * Uploaded evidence (assay certificates, assessment evidence, receipts, photos). The content lives
 * in the database so that a backup holds everything; the SHA-256 is what the journal cites.
 * `restricted` files are for the roles that handle the record they belong to; `public` ones
 * (for example completion photos of a fund project) anyone may fetch; `personal` ones (a worker's
 * photo) only through the route of the record they belong to, which asks that record's policy.
 */
export const files = pgTable(
  'files',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    sha256: bytea('sha256').notNull(),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    content: bytea('content').notNull(),
    visibility: text('visibility', { enum: ['restricted', 'public', 'personal'] }).notNull().default('restricted'),
    uploadedByOrganisationId: integer('uploaded_by_organisation_id').references(() => organisations.id),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    check('files_size_non_negative', sql`${t.sizeBytes} >= 0`),
    check('files_visibility_valid', sql`${t.visibility} in ('restricted', 'public', 'personal')`),
    index('files_sha256_idx').on(t.sha256),
  ],
);
