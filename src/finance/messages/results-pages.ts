import { defineMessages } from '../../core/i18n/index.ts';

/** The results of what a grant funds, on the grant's page. */
export const resultsPageText = defineMessages({
  en: {
    results_title: 'Results of what this grant funds',
    results_lead: 'What the activities this grant funds set out to change, measured by Orebook’s public indicators: the baseline, each year’s target, and the actual once the year has ended.',
    results_none: 'No result is recorded yet for the activities this grant funds.',
    result_of: 'Activity {activity} · {type}',
    type_1: 'output',
    type_2: 'outcome',
    type_3: 'impact',
    type_9: 'other',
    more_is_better: 'more is better',
    less_is_better: 'less is better',
    baseline: 'baseline {value} in {year}',
    col_year: 'Year',
    col_target: 'Target',
    col_actual: 'Actual',
    actual_none: 'not yet, or not shown',
  },
  fr: {
    results_title: 'Résultats de ce que finance cette subvention',
    results_lead: 'Ce que les activités financées par cette subvention visent à changer, mesuré par les indicateurs publics d’Orebook : la situation de départ, la cible de chaque année, et le réalisé une fois l’année terminée.',
    results_none: 'Aucun résultat n’est encore enregistré pour les activités que finance cette subvention.',
    result_of: 'Activité {activity} · {type}',
    type_1: 'extrant',
    type_2: 'effet',
    type_3: 'impact',
    type_9: 'autre',
    more_is_better: 'plus est mieux',
    less_is_better: 'moins est mieux',
    baseline: 'situation de départ {value} en {year}',
    col_year: 'Année',
    col_target: 'Cible',
    col_actual: 'Réalisé',
    actual_none: 'pas encore, ou non publié',
  },
});
