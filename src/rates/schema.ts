import { sql } from 'drizzle-orm';
import { bigint, check, date, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The application's one table of exchange rates: how many units of `currency` one US dollar
 * bought on `rate_on`, in millionths (2,850.5 CDF per USD is 2,850,500,000), with where the rate
 * comes from. The US dollar is the base every rate is quoted against, so it has no row. One rate
 * per currency and day, never changed: figures were converted with it.
 */
export const exchangeRates = pgTable(
  'exchange_rates',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    currency: text('currency').notNull(),
    rateOn: date('rate_on', { mode: 'string' }).notNull(),
    unitsPerUsdMicro: bigint('units_per_usd_micro', { mode: 'number' }).notNull(),
    source: text('source').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('exchange_rates_day_idx').on(t.currency, t.rateOn),
    check('exchange_rates_currency_format', sql`${t.currency} ~ '^[A-Z]{3}$' and ${t.currency} <> 'USD'`),
    check('exchange_rates_positive', sql`${t.unitsPerUsdMicro} > 0`),
    check('exchange_rates_source_present', sql`length(trim(${t.source})) > 0`),
  ],
);

export type ExchangeRate = typeof exchangeRates.$inferSelect;
