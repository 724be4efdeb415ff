import { defineMessages } from '../../core/i18n/index.ts';

export const childrenHomeText = defineMessages({
  en: {
    home_children: 'Child remediation',
    home_overdue: '{count} case(s) with a follow-up visit overdue',
    home_referrals: '{count} referral(s) from the worker register to confirm',
    home_open_cases: 'open cases your organisation manages',
    home_no_tasks: 'No visit is overdue and no referral waits.',
  },
  fr: {
    home_children: 'Remédiation des enfants',
    home_overdue: '{count} cas avec une visite de suivi en retard',
    home_referrals: '{count} signalement(s) du registre des travailleurs à confirmer',
    home_open_cases: 'cas ouverts gérés par votre organisation',
    home_no_tasks: 'Aucune visite en retard, aucun signalement en attente.',
  },
});
