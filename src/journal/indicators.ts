import type { Indicator } from '../core/indicators.ts';
import { eventsPerMonth } from './queries.ts';

/** Journal events per month and type: how much the programme recorded, month by month. */
export const journalEventsPerMonth: Indicator = {
  id: 'journal.events_per_month',
  label: { en: 'Journal events per month', fr: 'Événements du journal par mois' },
  unit: { en: 'events', fr: 'événements' },
  formula: {
    en: 'Count of journal entries whose recorded time (UTC) falls in the month, by event type.',
    fr: 'Nombre d’entrées du journal dont l’heure d’enregistrement (UTC) tombe dans le mois, par type d’événement.',
  },
  disaggregations: ['month', 'type'],
  filters: ['type'],
  visibility: 'public',
  async compute(db, { period, filters }) {
    const rows = await eventsPerMonth(db, period);
    return rows
      .filter((row) => !filters.type || row.type === filters.type)
      .map((row) => ({ value: row.events, dimensions: { month: row.month, type: row.type } }));
  },
};
