import { isIsoDate, isoDateOf } from '../core/calendar.ts';
import { databaseErrorCode } from '../db/transaction.ts';
import { siteError } from './messages/sites.ts';
import { defaultOperatorGroups, operatorGroups, pits, qualificationLevels, siteQualifications, sites } from './schema.ts';

export type Site = typeof sites.$inferSelect;
export type Pit = typeof pits.$inferSelect;
export type OperatorGroup = typeof operatorGroups.$inferSelect;
export type SiteQualification = typeof siteQualifications.$inferSelect;
export type QualificationLevel = (typeof qualificationLevels)[number];

export const siteCodePattern = /^[A-Z]{3,6}$/;
export const pitCodePattern = /^[A-Z0-9][A-Z0-9-]{0,19}$/;
export const operatorGroupCodePattern = /^[a-z][a-z_]{1,39}$/;

/** The groups every new site starts with, as the programme names them in English and French. */
export const defaultOperatorGroupLabels: Record<(typeof defaultOperatorGroups)[number], { en: string; fr: string }> = {
  diggers: { en: 'Diggers', fr: 'Creuseurs' },
  pit_owners: { en: 'Pit owners', fr: 'Propriétaires de puits' },
  washers: { en: 'Washers', fr: 'Laveuses et laveurs' },
  transporters: { en: 'Transporters', fr: 'Transporteurs' },
  sellers: { en: 'Sellers', fr: 'Vendeurs' },
  depot_workers: { en: 'Depot workers', fr: 'Travailleurs des dépôts' },
  sanitation_agents: { en: 'Sanitation agents', fr: 'Agents d’assainissement' },
  safety_captains: { en: 'Safety captains', fr: 'Capitaines de sécurité' },
};

/** Refuses a date that is not a real date, or (for facts already observed) one after today. */
export function assertPastDate(date: string, now: Date): void {
  if (!isIsoDate(date)) throw siteError('date_invalid', 422, { date });
  if (date > isoDateOf(now)) throw siteError('date_in_future', 422, { date });
}

/** Decimal degrees, as given to the API, in the integer millionths the database keeps. */
export function degreesToE6(degrees: number): number {
  return Math.round(degrees * 1_000_000);
}

export const uniqueViolation = (error: unknown) => databaseErrorCode(error) === '23505';
