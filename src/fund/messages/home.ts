import { defineMessages } from '../../core/i18n/index.ts';

export const fundHomeText = defineMessages({
  en: {
    home_fund: 'Site funds',
    home_to_decide: '{site}: “{title}” waits for the committee’s decision',
    home_to_pay: '{site}: “{title}” is approved; tranches to pay',
    home_premiums: '{count, plural, one {# premium} other {# premiums}} received from credit sales, to book into the site funds',
    home_meeting_to_decide: '{site}: record the committee’s votes at the meeting of {date}',
    home_meeting_to_hold: '{site}: {count, plural, one {# proposal waits} other {# proposals wait}} for a committee meeting; record the meeting',
    home_no_tasks: 'No proposal waits for a decision and no premium is left to book.',
  },
  fr: {
    home_fund: 'Fonds des sites',
    home_to_decide: '{site} : « {title} » attend la décision du comité',
    home_to_pay: '{site} : « {title} » est approuvé ; des tranches restent à verser',
    home_premiums: '{count, plural, one {# prime reçue} other {# primes reçues}} des ventes de crédits, à comptabiliser dans les fonds des sites',
    home_meeting_to_decide: '{site} : enregistrez les votes du comité à la réunion du {date}',
    home_meeting_to_hold: '{site} : {count, plural, one {# proposition attend} other {# propositions attendent}} une réunion du comité ; enregistrez la réunion',
    home_no_tasks: 'Aucune proposition n’attend de décision et aucune prime ne reste à comptabiliser.',
  },
});
