import { defineMessages } from '../../core/i18n/index.ts';

export const fundHomeText = defineMessages({
  en: {
    home_fund: 'Site funds',
    home_to_decide: '{site}: “{title}” waits for the committee’s decision',
    home_to_pay: '{site}: “{title}” is approved; tranches to pay',
    home_premiums: '{count} premium(s) received from credit sales, to book into the site funds',
    home_no_tasks: 'No proposal waits for a decision and no premium is left to book.',
  },
  fr: {
    home_fund: 'Fonds des sites',
    home_to_decide: '{site} : « {title} » attend la décision du comité',
    home_to_pay: '{site} : « {title} » est approuvé ; des tranches restent à verser',
    home_premiums: '{count} prime(s) reçue(s) des ventes de crédits, à comptabiliser dans les fonds des sites',
    home_no_tasks: 'Aucune proposition n’attend de décision et aucune prime ne reste à comptabiliser.',
  },
});
