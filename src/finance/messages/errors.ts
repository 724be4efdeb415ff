import { AppError, type ErrorStatus } from '../../core/errors.ts';
import { defineMessages, type Params } from '../../core/i18n/index.ts';

export const financeErrorText = defineMessages({
  en: {
    area_code_invalid: '“{code}” cannot be an area code: use 2 to 40 lower-case letters, digits or underscores, starting with a letter (e.g. child_labour).',
    area_label_required: 'Give the area’s name in English and in French (each up to 200 characters).',
    area_exists: 'There is already a programme area “{code}”.',
    area_not_found: 'There is no programme area “{code}”.',
    sectors_required: 'Give the area one to ten OECD DAC sectors, each once.',
    sector_unknown: '“{sector}” is not an active OECD DAC 5-digit sector code (IATI Sector codelist).',
    sector_percentages: 'The sector shares must be whole percentages from 1 to 100 that sum to 100; these sum to {total}.',
    activity_code_invalid: '“{code}” cannot be an activity code: use 1 to 40 capital letters, digits or hyphens, starting with a letter or digit (e.g. CREDIT-DIGITAL).',
    activity_exists: 'There is already an activity “{code}”.',
    activity_not_found: 'There is no activity “{code}”.',
    text_required: 'Give the activity’s title (up to 200 characters) and description (up to 4,000 characters) in English and in French.',
    text_characters: 'The titles and descriptions may not hold control characters (other than tabs and line breaks): IATI files are XML, which cannot carry them.',
    date_invalid: '“{date}” is not a date: write it year-month-day, e.g. 2025-01-31.',
    planned_dates_order: 'The planned end date comes before the planned start date.',
    actual_dates_order: 'The actual end date comes before the actual start date.',
    actual_end_without_start: 'An activity that has actually ended must also have its actual start date.',
    status_invalid: '“{status}” is not an IATI activity status: use 1 (pipeline), 2 (implementation), 3 (finalisation), 4 (closed), 5 (cancelled) or 6 (suspended).',
    participants_required: 'Name at least one participating organisation and at most twenty.',
    role_invalid: '“{role}” is not an IATI organisation role: use 1 (funding), 2 (accountable), 3 (extending) or 4 (implementing).',
    participant_party: 'Each participating organisation is either an organisation of Orebook (its code) or a name (up to 200 characters), not both.',
    organisation_not_found: 'There is no organisation “{organisation}”.',
    iati_ref_invalid: '“{ref}” is not an IATI organisation identifier: letters, digits, dots, hyphens and underscores, e.g. XM-DAC-41114 or NL-KVK-12345678.',
    site_not_found: 'There is no site “{site}”.',
  },
  fr: {
    area_code_invalid: '« {code} » ne peut pas être un code de domaine : utilisez de 2 à 40 lettres minuscules, chiffres ou tirets bas, en commençant par une lettre (par ex. child_labour).',
    area_label_required: 'Indiquez le nom du domaine en anglais et en français (200 caractères au plus chacun).',
    area_exists: 'Il existe déjà un domaine de programme « {code} ».',
    area_not_found: 'Il n’existe pas de domaine de programme « {code} ».',
    sectors_required: 'Donnez au domaine de un à dix secteurs CAD de l’OCDE, chacun une seule fois.',
    sector_unknown: '« {sector} » n’est pas un code actif de secteur CAD de l’OCDE à 5 chiffres (liste de codes Sector de l’IITA).',
    sector_percentages: 'Les parts des secteurs sont des pourcentages entiers de 1 à 100 dont la somme fait 100 ; ici, elle fait {total}.',
    activity_code_invalid: '« {code} » ne peut pas être un code d’activité : utilisez de 1 à 40 lettres majuscules, chiffres ou tirets, en commençant par une lettre ou un chiffre (par ex. CREDIT-DIGITAL).',
    activity_exists: 'Il existe déjà une activité « {code} ».',
    activity_not_found: 'Il n’existe pas d’activité « {code} ».',
    text_required: 'Indiquez le titre (200 caractères au plus) et la description (4 000 caractères au plus) de l’activité, en anglais et en français.',
    text_characters: 'Les titres et descriptions ne peuvent pas contenir de caractères de contrôle (hors tabulations et retours à la ligne) : les fichiers IITA sont en XML, qui ne peut pas les porter.',
    date_invalid: '« {date} » n’est pas une date : écrivez-la année-mois-jour, par ex. 2025-01-31.',
    planned_dates_order: 'La date de fin prévue précède la date de début prévue.',
    actual_dates_order: 'La date de fin effective précède la date de début effective.',
    actual_end_without_start: 'Une activité effectivement terminée doit aussi avoir sa date de début effective.',
    status_invalid: '« {status} » n’est pas un statut d’activité IITA : utilisez 1 (en préparation), 2 (en cours), 3 (en finalisation), 4 (clôturée), 5 (annulée) ou 6 (suspendue).',
    participants_required: 'Indiquez au moins une organisation participante et au plus vingt.',
    role_invalid: '« {role} » n’est pas un rôle d’organisation IITA : utilisez 1 (financement), 2 (responsable), 3 (intermédiaire) ou 4 (mise en œuvre).',
    participant_party: 'Chaque organisation participante est soit une organisation d’Orebook (son code), soit un nom (200 caractères au plus), pas les deux.',
    organisation_not_found: 'Il n’existe pas d’organisation « {organisation} ».',
    iati_ref_invalid: '« {ref} » n’est pas un identifiant d’organisation IITA : lettres, chiffres, points, tirets et tirets bas, par ex. XM-DAC-41114 ou NL-KVK-12345678.',
    site_not_found: 'Il n’existe pas de site « {site} ».',
  },
});

export type FinanceErrorCode = (typeof financeErrorText.keys)[number];

/** An error of the finance module, its message in English and French. */
export function financeError(code: FinanceErrorCode, status: ErrorStatus, params: Params = {}): AppError {
  return new AppError(code, status, { en: financeErrorText.t('en', code, params), fr: financeErrorText.t('fr', code, params) });
}
