import { defineMessages } from '../../core/i18n/index.ts';

export const childrenHomeText = defineMessages({
  en: {
    home_children: 'Child remediation',
    home_overdue: '{count, plural, one {# case} other {# cases}} with a follow-up visit overdue',
    home_referrals: '{count, plural, one {# referral} other {# referrals}} from the worker register to confirm',
    home_open_cases: 'open cases your organisation manages',
    home_no_tasks: 'No visit is overdue and no referral waits.',
  },
  fr: {
    home_children: 'Remédiation des enfants',
    home_overdue: '{count} cas avec une visite de suivi en retard',
    home_referrals: '{count, plural, one {# signalement} other {# signalements}} du registre des travailleurs à confirmer',
    home_open_cases: 'cas ouverts gérés par votre organisation',
    home_no_tasks: 'Aucune visite en retard, aucun signalement en attente.',
  },
});
