import { defineMessages } from '../../core/i18n/index.ts';

export const safetyHomeText = defineMessages({
  en: {
    home_safety: 'Safety',
    home_record: '{site}: record an incident or a near miss',
    home_incidents: 'incidents recorded at {site} this year',
  },
  fr: {
    home_safety: 'Sécurité',
    home_record: '{site} : enregistrer un incident ou un presque-accident',
    home_incidents: 'incidents enregistrés à {site} cette année',
  },
});
