import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { organisations } from '../accounts/public.ts';

/**
 * Every field submission Orebook took in, by form and submission id (KoboToolbox `_uuid`, ODK
 * `meta/instanceID`), with the record it created. The unique key is what makes an import
 * idempotent: the same export imported twice finds its submissions here and adds nothing.
 * Written in the same transaction as the record, by the import of that row; never changed.
 */
export const importedSubmissions = pgTable(
  'imported_submissions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    form: text('form').notNull(),
    formVersion: text('form_version').notNull(),
    submissionUuid: text('submission_uuid').notNull(),
    /** The record the submission created, as `kind:id` (the subject of its journal event). */
    record: text('record').notNull(),
    /** The journal entry of the command that created the record. */
    journalSeq: integer('journal_seq').notNull(),
    importedByOrganisationId: integer('imported_by_organisation_id').references(() => organisations.id),
    importedAt: timestamp('imported_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('imported_submissions_form_uuid_idx').on(t.form, t.submissionUuid),
    index('imported_submissions_record_idx').on(t.record),
    check('imported_submissions_form_format', sql`${t.form} ~ '^[a-z][a-z_]{1,39}$'`),
    check('imported_submissions_uuid_not_blank', sql`length(btrim(${t.submissionUuid})) between 1 and 200`),
    check('imported_submissions_record_format', sql`${t.record} ~ '^[a-z_]+:[0-9]+$'`),
  ],
);
