import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { PublishedActivity } from '../queries/activities.ts';
import { iatiDefaultCurrency, iatiIdentifier, recipientCountry, reportingOrg } from './reporting-org.ts';

/** ActivityDateType codes (IATI 2.03): 1 planned start, 2 actual start, 3 planned end, 4 actual end. */
const activityDates = [
  ['1', 'plannedStart'],
  ['2', 'actualStart'],
  ['3', 'plannedEnd'],
  ['4', 'actualEnd'],
] as const;

function narratives(parent: XMLBuilder, texts: { en: string; fr: string }): void {
  parent.ele('narrative', { 'xml:lang': 'en' }).txt(texts.en);
  parent.ele('narrative', { 'xml:lang': 'fr' }).txt(texts.fr);
}

/**
 * The IATI 2.03 activity file of the alliance's activities, its elements in the order the schema
 * requires (iati-activities-schema.xsd). Publishes organisations and codes only, never a person.
 */
export function activitiesXml(activities: readonly PublishedActivity[], generatedAt: Date): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('iati-activities', { version: '2.03', 'generated-datetime': generatedAt.toISOString() });
  for (const activity of activities) {
    const element = root.ele('iati-activity', { 'last-updated-datetime': activity.updatedAt.toISOString(), 'xml:lang': 'en', 'default-currency': iatiDefaultCurrency });
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
    for (const sector of activity.sectors) element.ele('sector', { vocabulary: '1', code: sector.code, percentage: String(sector.percentage) });
  }
  return root.end({ prettyPrint: true });
}
