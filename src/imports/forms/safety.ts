import { type AgeGroup, ageGroups, costCurrencies, type IncidentKind, incidentKinds, incidentSeverities, type IncidentSeverity, type InterventionKind, interventionKinds, parseCost, recordIncident, recordIntervention, safetyError, safetySite, safetyText } from '../../safety/public.ts';
import { sexes } from '../../sites/public.ts';
import type { CommandContext } from '../../journal/public.ts';
import { answer, staticChoices, type ChoiceList, type FormDefinition } from './definition.ts';
import { siteField } from './site.ts';

const sexList: ChoiceList = { name: 'sex', choices: staticChoices(sexes, (s) => safetyText.localized(`sex_${s as (typeof sexes)[number]}`)) };
const ageGroupList: ChoiceList = { name: 'age_group', choices: staticChoices(ageGroups, (a) => safetyText.localized(`age_${a as AgeGroup}`)) };
const incidentKindList: ChoiceList = { name: 'incident_kind', choices: staticChoices(incidentKinds, (k) => safetyText.localized(`kind_${k as IncidentKind}`)) };
const severityList: ChoiceList = { name: 'incident_severity', choices: staticChoices(incidentSeverities, (s) => safetyText.localized(`severity_${s as IncidentSeverity}`)) };
const interventionKindList: ChoiceList = {
  name: 'intervention_kind',
  choices: staticChoices(interventionKinds, (k) => safetyText.localized(`intervention_${k as InterventionKind}`)),
};
const currencyList: ChoiceList = { name: 'currency', choices: staticChoices(Object.keys(costCurrencies), (c) => ({ en: c, fr: c })) };

/** The site of a safety record; the safety commands check that the actor may record there. */
async function safetySiteFor(ctx: CommandContext, code: string) {
  const site = await safetySite(ctx.tx, code);
  if (!site) throw safetyError('site_not_found', 404, { site: code }, [{ field: 'site' }]);
  return site;
}

/** Kobo records a time with seconds and a UTC offset (`09:30:00.000+01:00`); the module takes `HH:MM`. */
const clockTime = (value: string | null) => (value && /^\d{2}:\d{2}(:|$)/.test(value) ? value.slice(0, 5) : value);

export const safetyIncidentForm: FormDefinition = {
  id: 'safety_incident',
  eventType: 'safety.incident_recorded',
  version: '2025.1',
  title: { en: 'Safety incident', fr: 'Incident de sécurité' },
  fields: [
    siteField('incident'),
    { name: 'occurred_on', group: 'incident', type: 'date', required: true, label: { en: 'Date of the incident', fr: 'Date de l’incident' }, constraint: '. <= today()' },
    { name: 'occurred_time', group: 'incident', type: 'time', required: false, label: { en: 'Time of the incident', fr: 'Heure de l’incident' } },
    { name: 'pit', group: 'incident', type: 'text', required: false, label: { en: 'Pit code (if at a pit)', fr: 'Code du puits (si à un puits)' } },
    { name: 'kind', group: 'incident', type: 'select_one', required: true, list: incidentKindList, label: safetyText.localized('kind_label') },
    { name: 'severity', group: 'incident', type: 'select_one', required: true, list: severityList, label: safetyText.localized('severity_label'), hint: safetyText.localized('severity_hint') },
    { name: 'description', group: 'incident', type: 'text', required: true, label: { en: 'What happened', fr: 'Ce qui s’est passé' } },
    { name: 'immediate_action', group: 'incident', type: 'text', required: false, label: { en: 'Immediate action taken', fr: 'Mesure immédiate prise' } },
    { name: 'affected_sex', group: 'affected', type: 'select_one', required: false, list: sexList, label: safetyText.localized('sex_label') },
    { name: 'affected_age_group', group: 'affected', type: 'select_one', required: false, list: ageGroupList, label: safetyText.localized('age_label') },
    { name: 'affected_operator_group', group: 'affected', type: 'text', required: false, label: { en: 'Operator group code (if any)', fr: 'Code du groupe d’opérateurs (le cas échéant)' } },
    { name: 'affected_count', group: 'affected', type: 'integer', required: false, label: { en: 'Number of people affected', fr: 'Nombre de personnes touchées' }, constraint: '. >= 0 and . <= 1000' },
  ],
  async record(ctx, answers) {
    const site = await safetySiteFor(ctx, answer.required(answers, 'site'));
    const count = answer.optionalInteger(answers, 'affected_count') ?? 0;
    const people =
      count > 0 || answer.optional(answers, 'affected_sex') !== null
        ? [{ sex: answer.required(answers, 'affected_sex'), ageGroup: answer.optional(answers, 'affected_age_group') ?? 'unknown', operatorGroup: answer.optional(answers, 'affected_operator_group'), count }]
        : [];
    const incident = await recordIncident(ctx, {
      siteId: site.id,
      occurredOn: answer.date(answers, 'occurred_on'),
      occurredTime: clockTime(answer.optional(answers, 'occurred_time')),
      pit: answer.optional(answers, 'pit'),
      kind: answer.required(answers, 'kind'),
      severity: answer.required(answers, 'severity'),
      description: answer.text(answers, 'description'),
      immediateAction: answer.text(answers, 'immediate_action'),
      people,
    });
    return `safety_incident:${incident.id}`;
  },
};

export const safetyInterventionForm: FormDefinition = {
  id: 'safety_intervention',
  eventType: 'safety.intervention_recorded',
  version: '2025.1',
  title: { en: 'Safety intervention', fr: 'Intervention de sécurité' },
  fields: [
    siteField('intervention'),
    { name: 'kind', group: 'intervention', type: 'select_one', required: true, list: interventionKindList, label: safetyText.localized('intervention_kind_label') },
    { name: 'delivered_on', group: 'intervention', type: 'date', required: true, label: { en: 'Date delivered', fr: 'Date de réalisation' }, constraint: '. <= today()' },
    { name: 'quantity', group: 'intervention', type: 'integer', required: true, label: { en: 'Quantity (pits, covers, kits, sessions, captains)', fr: 'Quantité (puits, bâches, kits, séances, capitaines)' }, constraint: '. >= 0' },
    { name: 'cost', group: 'intervention', type: 'decimal', required: true, label: { en: 'Cost', fr: 'Coût' }, hint: safetyText.localized('cost_hint'), constraint: '. >= 0' },
    { name: 'currency', group: 'intervention', type: 'select_one', required: true, list: currencyList, label: safetyText.localized('currency_label') },
    { name: 'people_reached', group: 'intervention', type: 'integer', required: true, label: { en: 'People reached', fr: 'Personnes atteintes' }, constraint: '. >= 0' },
    { name: 'description', group: 'intervention', type: 'text', required: false, label: safetyText.localized('intervention_description_label') },
  ],
  async record(ctx, answers) {
    const site = await safetySiteFor(ctx, answer.required(answers, 'site'));
    const currency = answer.required(answers, 'currency');
    const intervention = await recordIntervention(ctx, {
      siteId: site.id,
      kind: answer.required(answers, 'kind'),
      deliveredOn: answer.date(answers, 'delivered_on'),
      quantity: answer.integer(answers, 'quantity'),
      costMinor: parseCost(answer.required(answers, 'cost'), currency),
      currency,
      peopleReached: answer.integer(answers, 'people_reached'),
      description: answer.text(answers, 'description'),
    });
    return `safety_intervention:${intervention.id}`;
  },
};
