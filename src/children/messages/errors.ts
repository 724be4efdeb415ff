import { AppError, type ErrorStatus } from '../../core/errors.ts';
import { defineMessages, type Locale, type Params } from '../../core/i18n/index.ts';

/** What the children module refuses, and why, in words a field officer can act on. */
export const childrenErrors = defineMessages({
  en: {
    site_unknown: 'There is no site with the code “{site}”.',
    case_not_found: 'There is no such case.',
    referral_not_found: 'There is no referral “{referral}” waiting to be confirmed.',
    referral_already_confirmed: 'This referral has already been confirmed as a case.',
    age_not_minor: 'A child is under 18 at identification: {age} is not. A person of 18 or over is not a child-labour case.',
    age_invalid: 'Write the age in whole years, from 0 to 17.',
    date_invalid: 'Write the date as YYYY-MM-DD, for example 2025-03-31 (not “{date}”).',
    date_in_future: 'The date {date} is in the future.',
    visit_before_identification: 'The visit on {date} is before the child was identified ({identifiedOn}). Check the date.',
    support_before_identification: 'The support cannot start on {date}, before the child was identified ({identifiedOn}).',
    support_end_before_start: 'The support ends ({endedOn}) before it starts ({startedOn}).',
    closure_before_identification: 'The case cannot close on {date}, before the child was identified ({identifiedOn}).',
    case_organisation_not_accredited: 'Only a case-management organisation (a partner organisation or the secretariat) manages cases; {organisation} is not one.',
    provider_not_accredited: 'The provider “{provider}” is not an accredited case-management organisation.',
    cost_invalid: 'Write the cost as a number with at most two decimals, for example 45.50.',
    currency_invalid: 'The currency must be a three-letter ISO code such as USD or CDF.',
    name_key_missing: 'This server has no key to encrypt children’s names, so no name can be recorded. Leave the name empty, or ask the administrator to set OREBOOK_CHILDREN_KEY.',
    name_too_long: 'A name has at most 200 characters.',
    community_missing: 'Name the community or neighbourhood where the child lives.',
    household_size_invalid: 'The household has between 1 and 50 people.',
    case_closed: 'This case was closed on {date}: nothing more can be recorded on it.',
    scheduled_visit_recorded: 'The {months}-month visit of this case is already recorded (on {date}).',
    visit_not_scheduled: 'No visit is due {months} months after the plan starts; the schedule is {schedule}.',
    visit_needs_plan: 'Scheduled visits are counted from the start of the remediation plan: add a support first.',
    closure_rule_not_met: 'The case can close as remediated only when the child was found not working, in school or training, at both the 3-month and the 6-month visits ({problem}).',
    closure_rule_missing_visit: 'the {months}-month visit is not recorded',
    closure_rule_working: 'the {months}-month visit found the child working',
    closure_rule_not_found: 'the {months}-month visit did not find the child',
    year_invalid: 'Choose a year between 2000 and 2100.',
    choice_invalid: '“{value}” is not one of: {choices}.',
  },
  fr: {
    site_unknown: 'Il n’existe pas de site avec le code « {site} ».',
    case_not_found: 'Ce cas n’existe pas.',
    referral_not_found: 'Aucun signalement « {referral} » n’attend de confirmation.',
    referral_already_confirmed: 'Ce signalement a déjà été confirmé comme cas.',
    age_not_minor: 'Un enfant a moins de 18 ans à l’identification, ce qui n’est pas le cas de {age} ans. Une personne de 18 ans ou plus n’est pas un cas de travail des enfants.',
    age_invalid: 'Indiquez l’âge en années entières, de 0 à 17.',
    date_invalid: 'Écrivez la date au format AAAA-MM-JJ, par exemple 2025-03-31 (et non « {date} »).',
    date_in_future: 'La date du {date} est dans le futur.',
    visit_before_identification: 'La visite du {date} est antérieure à l’identification de l’enfant ({identifiedOn}). Vérifiez la date.',
    support_before_identification: 'L’appui ne peut pas commencer le {date}, avant l’identification de l’enfant ({identifiedOn}).',
    support_end_before_start: 'L’appui se termine ({endedOn}) avant de commencer ({startedOn}).',
    closure_before_identification: 'Le cas ne peut pas être clôturé le {date}, avant l’identification de l’enfant ({identifiedOn}).',
    case_organisation_not_accredited: 'Seule une organisation de gestion de cas (un partenaire ou le secrétariat) gère des cas ; {organisation} n’en est pas une.',
    provider_not_accredited: 'Le prestataire « {provider} » n’est pas une organisation de gestion de cas accréditée.',
    cost_invalid: 'Écrivez le coût en chiffres avec au plus deux décimales, par exemple 45.50.',
    currency_invalid: 'La devise doit être un code ISO de trois lettres, comme USD ou CDF.',
    name_key_missing: 'Ce serveur n’a pas de clé pour chiffrer les noms des enfants : aucun nom ne peut être enregistré. Laissez le nom vide ou demandez à l’administrateur de définir OREBOOK_CHILDREN_KEY.',
    name_too_long: 'Un nom compte au plus 200 caractères.',
    community_missing: 'Indiquez la communauté ou le quartier où vit l’enfant.',
    household_size_invalid: 'Le ménage compte entre 1 et 50 personnes.',
    case_closed: 'Ce cas a été clôturé le {date} : rien ne peut plus y être enregistré.',
    scheduled_visit_recorded: 'La visite à {months} mois de ce cas est déjà enregistrée (le {date}).',
    visit_not_scheduled: 'Aucune visite n’est prévue {months} mois après le début du plan ; le calendrier est {schedule}.',
    visit_needs_plan: 'Les visites prévues se comptent à partir du début du plan de remédiation : ajoutez d’abord un appui.',
    closure_rule_not_met: 'Le cas ne peut être clôturé comme remédié que si l’enfant a été trouvé sans travailler, scolarisé ou en formation, aux visites à 3 mois et à 6 mois ({problem}).',
    closure_rule_missing_visit: 'la visite à {months} mois n’est pas enregistrée',
    closure_rule_working: 'la visite à {months} mois a trouvé l’enfant au travail',
    closure_rule_not_found: 'la visite à {months} mois n’a pas trouvé l’enfant',
    year_invalid: 'Choisissez une année entre 2000 et 2100.',
    choice_invalid: '« {value} » ne fait pas partie de : {choices}.',
  },
});

export type ChildrenErrorCode = (typeof childrenErrors.keys)[number];

/** An error of this module; `params` may depend on the language when a parameter is itself a sentence. */
export function childrenError(code: ChildrenErrorCode, status: ErrorStatus, params: Params | ((locale: Locale) => Params) = {}, details?: unknown): AppError {
  const paramsFor = typeof params === 'function' ? params : () => params;
  return new AppError(code, status, { en: childrenErrors.t('en', code, paramsFor('en')), fr: childrenErrors.t('fr', code, paramsFor('fr')) }, details);
}

/** Refuses a value outside its list (the API's schemas catch these first; commands hold the rule for every caller). */
export function assertChoice<T extends string>(value: string, choices: readonly T[]): asserts value is T {
  if (!(choices as readonly string[]).includes(value)) throw childrenError('choice_invalid', 422, { value, choices: choices.join(', ') });
}
