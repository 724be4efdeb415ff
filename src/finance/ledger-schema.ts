import { sql } from 'drizzle-orm';
import { check, integer, pgTable, text, timestamp, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { inList } from '../db/columns.ts';
import { files } from '../files/public.ts';
import { costCategories, financeExpenditures, financeGrants } from './grants-schema.ts';
import { financeActivities } from './schema.ts';

/** What an account of the books is to Orebook: spending (on an activity, in a cost category, charged to a grant or to unrestricted funds), or not spending (a bank, payable or income account). */
export const ledgerTreatments = ['spending', 'not_spending'] as const;

/**
 * The mapping from the accounts of the alliance's books to Orebook's activities and cost
 * categories, kept so that each month's ledger export imports the same way.
 */
export const financeLedgerAccounts = pgTable(
  'finance_ledger_accounts',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    code: text('code').notNull(),
    name: text('name').notNull().default(''),
    treatment: text('treatment', { enum: ledgerTreatments }).notNull(),
    activityId: integer('activity_id').references(() => financeActivities.id),
    costCategory: text('cost_category'),
    /** The grant its spending is charged to; none: the unrestricted funds. */
    grantId: integer('grant_id').references(() => financeGrants.id),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('finance_ledger_accounts_code_idx').on(t.code),
    check('finance_ledger_accounts_treatment_valid', sql`${t.treatment} in (${inList(ledgerTreatments)})`),
    check('finance_ledger_accounts_category_valid', sql`${t.costCategory} is null or ${t.costCategory} in (${inList(costCategories)})`),
    check(
      'finance_ledger_accounts_spending_mapped',
      sql`(${t.treatment} = 'spending') = (${t.activityId} is not null and ${t.costCategory} is not null) and (${t.treatment} = 'spending' or ${t.grantId} is null)`,
    ),
  ],
);

/** A ledger export imported: the file (kept as restricted evidence: it names people), and what it gave. */
export const financeLedgerImports = pgTable('finance_ledger_imports', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  fileId: integer('file_id')
    .notNull()
    .references(() => files.id),
  fileSha256: text('file_sha256').notNull(),
  currency: text('currency').notNull(),
  postings: integer('postings').notNull(),
  imported: integer('imported').notNull(),
  alreadyImported: integer('already_imported').notNull(),
  notSpending: integer('not_spending').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** Every posting taken from a ledger, by its key: the same posting is never imported twice. */
export const financeLedgerPostings = pgTable(
  'finance_ledger_postings',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    key: text('key').notNull(),
    importId: integer('import_id')
      .notNull()
      .references(() => financeLedgerImports.id),
    account: text('account').notNull(),
    /** The spending it became; none for a posting on an account that is not spending. */
    expenditureId: integer('expenditure_id').references(() => financeExpenditures.id),
  },
  (t) => [uniqueIndex('finance_ledger_postings_key_idx').on(t.key), index('finance_ledger_postings_import_idx').on(t.importId)],
);
