import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { Indicator } from '../../core/indicators.ts';
import type { Queryable } from '../../db/connect.ts';
import { reportingCurrencyOf } from '../../rates/public.ts';
import { listPublishedActivities, type PublishedActivity } from '../queries/activities.ts';
import { loadResults, resultNumber, type PublishedResult } from '../queries/results.ts';
import { defaultCurrencyOf, loadActivityFinance, type ActivityFinance } from './activity-finance.ts';
import { iatiIdentifier, recipientCountry, reportingOrg } from './reporting-org.ts';
import { narratives, periodElements, valueElement } from './xml-parts.ts';

/** ActivityDateType codes (IATI 2.03): 1 planned start, 2 actual start, 3 planned end, 4 actual end. */
const activityDates = [
  ['1', 'plannedStart'],
  ['2', 'actualStart'],
  ['3', 'plannedEnd'],
  ['4', 'actualEnd'],
] as const;

/** An activity with everything its IATI record holds: the activity, its money and places, the currency its amounts default to, and its results. */
export type IatiActivity = PublishedActivity & ActivityFinance & { defaultCurrency: string; results: PublishedResult[] };

/**
 * Every activity, in code order, ready for the activity file. `indicators` are the ones the app
 * computes (every module's), from which the results' actuals are computed as of `now`.
 */
export async function listIatiActivities(db: Queryable, indicators: readonly Indicator[] = [], now: Date = new Date()): Promise<IatiActivity[]> {
  const activities = await listPublishedActivities(db);
  const finance = await loadActivityFinance(db, activities);
  const results = await loadResults(db, indicators, now);
  const reportingCurrency = await reportingCurrencyOf(db);
  return activities.map((activity) => {
    const own = finance.get(activity.id)!;
    return { ...activity, ...own, defaultCurrency: defaultCurrencyOf(own, reportingCurrency), results: results.get(activity.id) ?? [] };
  });
}

/**
 * A result with its indicators in the schema's order: title, description, then each indicator
 * (measure, ascending) with its title, description (the formula), baseline, and a period per year
 * with its target and, once the year has ended, its actual.
 */
function resultElement(parent: XMLBuilder, result: PublishedResult): void {
  const element = parent.ele('result', { type: String(result.type) });
  narratives(element.ele('title'), result.title);
  if (result.description) narratives(element.ele('description'), result.description);
  for (const indicator of result.indicators) {
    const indicatorElement = element.ele('indicator', { measure: String(indicator.measure), ascending: String(indicator.ascending) });
    narratives(indicatorElement.ele('title'), indicator.title);
    if (indicator.formula) narratives(indicatorElement.ele('description'), indicator.formula);
    const { year, value } = indicator.baseline;
    indicatorElement.ele('baseline', { year: String(year), 'iso-date': `${year}-12-31`, value: String(resultNumber(value)) });
    for (const period of indicator.periods) {
      const periodElement = indicatorElement.ele('period');
      periodElements(periodElement, `${period.year}-01-01`, `${period.year}-12-31`);
      periodElement.ele('target', { value: String(resultNumber(period.target)) });
      if (period.actual !== null) periodElement.ele('actual', { value: String(period.actual) });
    }
  }
}

/**
 * The IATI 2.03 activity file of the alliance's activities, its elements in the order the schema
 * requires (iati-activities-schema.xsd). Publishes organisations and codes only, never a person.
 */
export function activitiesXml(activities: readonly IatiActivity[], generatedAt: Date): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('iati-activities', { version: '2.03', 'generated-datetime': generatedAt.toISOString() });
  for (const activity of activities) {
    const currency = activity.defaultCurrency;
    const recorded = [activity.updatedAt, activity.lastRecordedAt, ...activity.results.map((result) => result.recordedAt)].filter((date): date is Date => date !== null);
    const lastUpdated = new Date(Math.max(...recorded.map((date) => date.getTime())));
    const element = root.ele('iati-activity', { 'last-updated-datetime': lastUpdated.toISOString(), 'xml:lang': 'en', 'default-currency': currency });
    element.ele('iati-identifier').txt(iatiIdentifier(activity.code));
    narratives(element.ele('reporting-org', { ref: reportingOrg.ref, type: reportingOrg.type }), { en: reportingOrg.nameEn, fr: reportingOrg.nameFr });
    narratives(element.ele('title'), { en: activity.titleEn, fr: activity.titleFr });
    narratives(element.ele('description', { type: '1' }), { en: activity.descriptionEn, fr: activity.descriptionFr });
    for (const participant of activity.participants) {
      const attributes: Record<string, string> = { role: String(participant.roleCode) };
      if (participant.iatiRef) attributes.ref = participant.iatiRef;
      element.ele('participating-org', attributes).ele('narrative').txt(participant.name);
    }
    element.ele('activity-status', { code: String(activity.statusCode) });
    for (const [type, field] of activityDates) {
      const date = activity[field];
      if (date) element.ele('activity-date', { type, 'iso-date': date });
    }
    element.ele('recipient-country', { code: recipientCountry, percentage: '100' });
    for (const site of activity.locations) {
      const location = element.ele('location', { ref: site.ref });
      location.ele('name').ele('narrative').txt(site.name);
      location.ele('description').ele('narrative').txt(`${site.town}, ${site.province}`);
    }
    for (const sector of activity.sectors) element.ele('sector', { vocabulary: '1', code: sector.code, percentage: String(sector.percentage) });
    for (const budget of activity.budgets) {
      const budgetElement = element.ele('budget', { type: budget.type, status: '2' });
      periodElements(budgetElement, budget.periodStart, budget.periodEnd);
      valueElement(budgetElement, budget.value, currency);
    }
    for (const transaction of activity.transactions) {
      const transactionElement = element.ele('transaction', transaction.ref ? { ref: transaction.ref } : {});
      transactionElement.ele('transaction-type', { code: String(transaction.type) });
      transactionElement.ele('transaction-date', { 'iso-date': transaction.date });
      valueElement(transactionElement, transaction.value, currency);
      if (transaction.description) narratives(transactionElement.ele('description'), transaction.description);
      if (transaction.providerOrg) transactionElement.ele('provider-org').ele('narrative').txt(transaction.providerOrg);
      if (transaction.receiverOrg) transactionElement.ele('receiver-org').ele('narrative').txt(transaction.receiverOrg);
    }
    for (const result of activity.results) resultElement(element, result);
  }
  return root.end({ prettyPrint: true });
}
