import { AppError, type ErrorStatus } from '../../core/errors.ts';
import { defineMessages, type Params } from '../../core/i18n/index.ts';

/** The refusals of activities' results and their indicators (issue 13, part 7). */
export const resultErrorText = defineMessages({
  en: {
    activity_not_found: 'There is no activity “{code}”.',
    result_type_invalid: '“{type}” is not an IATI result type: use 1 (output), 2 (outcome), 3 (impact) or 9 (other).',
    result_text_required: 'Give the result’s title in English and in French (each up to 200 characters); its description, if any, up to 2,000 characters in each language.',
    text_characters: 'The titles and descriptions may not hold control characters (other than tabs and line breaks): IATI files are XML, which cannot carry them.',
    indicators_required: 'A result is measured by one to ten indicators.',
    indicator_unknown: 'Orebook has no indicator “{indicator}”: use the id of one listed at /api/v1/indicators.',
    indicator_restricted: 'The indicator “{indicator}” is restricted (it could single out people): a result is published, so it is measured by a public indicator only.',
    indicator_filter_invalid: 'The indicator “{indicator}” takes no filter “{key}”, or its value is not a code of up to 60 letters, digits, dots, colons, underscores or hyphens: its filters are {allowed}.',
    indicator_selection_invalid: 'The indicator “{indicator}” has no dimension “{key}”, or its value is not a code of up to 60 letters, digits, dots, colons, underscores or hyphens: its dimensions are {allowed}.',
    indicator_title_required: 'Give the indicator’s title in English and in French (each up to 200 characters).',
    measure_invalid: '“{measure}” is not a measure Orebook computes: use the IATI IndicatorMeasure 1 (unit) or 2 (percentage).',
    ascending_invalid: 'Say whether more is better (ascending true) or less is (false).',
    baseline_invalid: 'The baseline is a year from 2000 to 2100 and a number.',
    result_indicator_not_found: 'The activity “{code}” has no result indicator {id}.',
    target_year_outside_activity: 'The year {year} is outside the activity’s dates ({start} to {end}): a target is set for a year of the activity.',
    target_value_invalid: 'A target is a number.',
  },
  fr: {
    activity_not_found: 'Il n’existe pas d’activité « {code} ».',
    result_type_invalid: '« {type} » n’est pas un type de résultat IATI : utilisez 1 (produit), 2 (effet), 3 (impact) ou 9 (autre).',
    result_text_required: 'Indiquez l’intitulé du résultat en anglais et en français (200 caractères au plus chacun) ; sa description éventuelle, 2 000 caractères au plus dans chaque langue.',
    text_characters: 'Les intitulés et descriptions ne peuvent pas contenir de caractères de contrôle (hors tabulations et sauts de ligne) : les fichiers IATI sont en XML, qui ne peut pas les porter.',
    indicators_required: 'Un résultat est mesuré par un à dix indicateurs.',
    indicator_unknown: 'Orebook n’a pas d’indicateur « {indicator} » : utilisez l’identifiant de l’un de ceux listés à /api/v1/indicators.',
    indicator_restricted: 'L’indicateur « {indicator} » est restreint (il pourrait désigner des personnes) : un résultat est publié, il se mesure donc par un indicateur public uniquement.',
    indicator_filter_invalid: 'L’indicateur « {indicator} » n’accepte pas de filtre « {key} », ou sa valeur n’est pas un code de 60 lettres, chiffres, points, deux-points, tirets bas ou tirets au plus : ses filtres sont {allowed}.',
    indicator_selection_invalid: 'L’indicateur « {indicator} » n’a pas de dimension « {key} », ou sa valeur n’est pas un code de 60 lettres, chiffres, points, deux-points, tirets bas ou tirets au plus : ses dimensions sont {allowed}.',
    indicator_title_required: 'Indiquez l’intitulé de l’indicateur en anglais et en français (200 caractères au plus chacun).',
    measure_invalid: '« {measure} » n’est pas une mesure calculée par Orebook : utilisez la mesure IATI (IndicatorMeasure) 1 (unité) ou 2 (pourcentage).',
    ascending_invalid: 'Dites si plus est mieux (ascending true) ou si moins l’est (false).',
    baseline_invalid: 'La valeur de référence est une année de 2000 à 2100 et un nombre.',
    result_indicator_not_found: 'L’activité « {code} » n’a pas d’indicateur de résultat {id}.',
    target_year_outside_activity: 'L’année {year} est hors des dates de l’activité (du {start} au {end}) : une cible se fixe pour une année de l’activité.',
    target_value_invalid: 'Une cible est un nombre.',
  },
});

export type ResultErrorCode = (typeof resultErrorText.keys)[number];

/** An error of the results of the finance module, its message in English and French. */
export function resultError(code: ResultErrorCode, status: ErrorStatus, params: Params = {}): AppError {
  return new AppError(code, status, { en: resultErrorText.t('en', code, params), fr: resultErrorText.t('fr', code, params) });
}
