import { organisationOf } from '../../core/auth/roles.ts';
import { childActivities, type ChildActivity, childrenText, findCaseByCode, type HouseholdHead, householdHeads, type IdentificationSource, identificationSources, openCase, recordVisit, type RiskLevel, riskLevels, type Sex, type VisitOutcome, visitOutcomes } from '../../children/public.ts';
import { sexes } from '../../sites/public.ts';
import { importsError } from '../messages/imports.ts';
import { answer, staticChoices, type ChoiceList, type FormDefinition } from './definition.ts';
import { siteField } from './site.ts';

const t = childrenText.localized;
const sexList: ChoiceList = { name: 'child_sex', choices: staticChoices(sexes, (s) => t(`sex_${s as Sex}`)) };
const activityList: ChoiceList = { name: 'activity', choices: staticChoices(childActivities, (a) => t(`activity_${a as ChildActivity}`)) };
const householdHeadList: ChoiceList = { name: 'household_head', choices: staticChoices(householdHeads, (h) => t(`head_${h as HouseholdHead}`)) };
const identifiedByList: ChoiceList = { name: 'identified_by', choices: staticChoices(identificationSources, (s) => t(`by_${s as IdentificationSource}`)) };
const riskList: ChoiceList = { name: 'risk_level', choices: staticChoices(riskLevels, (r) => t(`risk_${r as RiskLevel}`)) };
const outcomeList: ChoiceList = { name: 'visit_outcome', choices: staticChoices(visitOutcomes, (o) => t(`outcome_${o as VisitOutcome}`)) };

/**
 * Opens a case from the field: the case is managed by the importing officer's organisation, as
 * when the officer opens it in Orebook. A name, if collected, is sealed by the module.
 */
export const childCaseForm: FormDefinition = {
  id: 'child_case',
  eventType: 'children.case_opened',
  version: '2025.1',
  title: { en: 'Child identified at a site', fr: 'Enfant identifié sur un site' },
  fields: [
    siteField('child'),
    { name: 'sex', group: 'child', type: 'select_one', required: true, list: sexList, label: t('sex') },
    { name: 'age_at_identification', group: 'child', type: 'integer', required: true, label: t('age'), constraint: '. >= 0 and . < 18' },
    { name: 'activity', group: 'child', type: 'select_one', required: true, list: activityList, label: t('activity') },
    { name: 'identified_on', group: 'child', type: 'date', required: true, label: t('identified_on'), constraint: '. <= today()' },
    { name: 'identified_by', group: 'child', type: 'select_one', required: true, list: identifiedByList, label: t('identified_by') },
    { name: 'risk_level', group: 'child', type: 'select_one', required: true, list: riskList, label: t('risk') },
    { name: 'community', group: 'household', type: 'text', required: true, label: t('community') },
    { name: 'household_head', group: 'household', type: 'select_one', required: true, list: householdHeadList, label: t('household_head') },
    { name: 'household_size', group: 'household', type: 'integer', required: true, label: t('household_size'), constraint: '. >= 1 and . <= 50' },
    { name: 'name', group: 'household', type: 'text', required: false, label: t('name'), hint: t('name_hint') },
  ],
  async record(ctx, answers, env) {
    const created = await openCase(ctx, {
      siteCode: answer.required(answers, 'site'),
      // The command checks every choice against the module's lists and refuses with its own message.
      sex: answer.required(answers, 'sex') as Sex,
      ageAtIdentification: answer.integer(answers, 'age_at_identification'),
      activity: answer.required(answers, 'activity') as ChildActivity,
      identifiedOn: answer.date(answers, 'identified_on'),
      identifiedBy: answer.required(answers, 'identified_by') as IdentificationSource,
      riskLevel: answer.required(answers, 'risk_level') as RiskLevel,
      community: answer.text(answers, 'community'),
      householdHead: answer.required(answers, 'household_head') as HouseholdHead,
      householdSize: answer.integer(answers, 'household_size'),
      name: answer.optional(answers, 'name'),
      nameKey: env.childNameKey,
      caseOrganisationId: organisationOf(ctx.actor) ?? -1,
    });
    return `child_case:${created.id}`;
  },
};

/** A follow-up visit, found by the case code the officer carries (`KAM-C-0001`), never a name. */
export const childVisitForm: FormDefinition = {
  id: 'child_visit',
  eventType: 'children.visit_recorded',
  version: '2025.1',
  title: { en: 'Follow-up visit of a child', fr: 'Visite de suivi d’un enfant' },
  fields: [
    { name: 'case_code', group: 'visit', type: 'text', required: true, label: t('case_code'), constraint: "regex(., '^[A-Z]{3,6}-C-[0-9]{4,}$')" },
    { name: 'visited_on', group: 'visit', type: 'date', required: true, label: t('visited_on'), constraint: '. <= today()' },
    { name: 'outcome', group: 'visit', type: 'select_one', required: true, list: outcomeList, label: t('outcome') },
    {
      name: 'due_months',
      group: 'visit',
      type: 'integer',
      required: false,
      label: { en: 'Scheduled visit (months after the plan started)', fr: 'Visite prévue (mois après le début du plan)' },
      hint: { en: 'Leave empty for a visit outside the schedule.', fr: 'Laissez vide pour une visite hors calendrier.' },
    },
  ],
  async record(ctx, answers) {
    const code = answer.required(answers, 'case_code');
    // Another organisation's case is not found either: an import does not tell whether a code exists.
    const found = await findCaseByCode(ctx.tx, code);
    if (!found || found.caseOrganisationId !== organisationOf(ctx.actor)) throw importsError('case_not_found', 404, { case: code }, [{ field: 'case_code' }]);
    const visit = await recordVisit(ctx, {
      caseId: found.id,
      visitedOn: answer.date(answers, 'visited_on'),
      outcome: answer.required(answers, 'outcome') as VisitOutcome,
      dueMonths: answer.optionalInteger(answers, 'due_months'),
    });
    return `child_visit:${visit.id}`;
  },
};
