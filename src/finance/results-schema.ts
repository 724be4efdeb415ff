import { sql } from 'drizzle-orm';
import { boolean, check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import { financeActivities } from './schema.ts';

/** IATI ResultType codes (codelist ResultType, 2.03): 1 output, 2 outcome, 3 impact, 9 other. */
export const resultTypeCodes = [1, 2, 3, 9] as const;
/** IATI IndicatorMeasure codes Orebook's figures can be: 1 unit, 2 percentage (3 nominal, 4 ordinal and 5 qualitative are not computed). */
export const indicatorMeasureCodes = [1, 2] as const;

/**
 * A result of an activity as IATI reports it (issue 13, part 7): an output, outcome or impact, with
 * its title and description in English and French. What it is measured by are its indicators.
 */
export const financeResults = pgTable(
  'finance_results',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    activityId: integer('activity_id')
      .notNull()
      .references(() => financeActivities.id),
    typeCode: smallint('type_code').notNull(),
    titleEn: text('title_en').notNull(),
    titleFr: text('title_fr').notNull(),
    descriptionEn: text('description_en').notNull().default(''),
    descriptionFr: text('description_fr').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('finance_results_activity_idx').on(t.activityId), check('finance_results_type_valid', sql`${t.typeCode} in (1, 2, 3, 9)`)],
);

/**
 * An indicator of a result: the Orebook indicator (a public one, `safety.incidents_by_kind`) it is
 * computed by, the filters passed to it and the dimension values summed (`{"severity":"fatal"}`;
 * empty: every value), its IATI measure and direction, and its baseline. The actual of a year is
 * computed from the indicator when the activity file is made, never stored.
 */
export const financeResultIndicators = pgTable(
  'finance_result_indicators',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    resultId: integer('result_id')
      .notNull()
      .references(() => financeResults.id),
    indicatorId: text('indicator_id').notNull(),
    titleEn: text('title_en').notNull(),
    titleFr: text('title_fr').notNull(),
    filters: jsonb('filters').$type<Record<string, string>>().notNull(),
    selection: jsonb('selection').$type<Record<string, string>>().notNull(),
    measureCode: smallint('measure_code').notNull(),
    ascending: boolean('ascending').notNull(),
    baselineYear: smallint('baseline_year').notNull(),
    baselineValue: doublePrecision('baseline_value').notNull(),
  },
  (t) => [
    index('finance_result_indicators_result_idx').on(t.resultId),
    check('finance_result_indicators_measure_valid', sql`${t.measureCode} in (1, 2)`),
    check('finance_result_indicators_baseline_year_range', sql`${t.baselineYear} between 2000 and 2100`),
  ],
);

/** The target of a result's indicator for one calendar year, within the activity's dates; set again, it replaces the year's target. */
export const financeResultTargets = pgTable(
  'finance_result_targets',
  {
    resultIndicatorId: integer('result_indicator_id')
      .notNull()
      .references(() => financeResultIndicators.id),
    year: smallint('year').notNull(),
    value: doublePrecision('value').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.resultIndicatorId, t.year] }), check('finance_result_targets_year_range', sql`${t.year} between 2000 and 2100`)],
);
