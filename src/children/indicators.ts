import type { Indicator, IndicatorPeriod, IndicatorValue } from '../core/indicators.ts';
import type { Localized } from '../core/i18n/index.ts';
import type { Queryable } from '../db/connect.ts';
import { publicChildrenSummary, type PublicChildrenSummary } from './queries/summary.ts';
import { shown, type PublicCount } from '../core/small-numbers.ts';

/**
 * Every figure is computed for whole calendar years (each year the period touches), never for an
 * arbitrary range: two overlapping ranges could otherwise be subtracted down to a few children.
 * Cells suppressed in the public summary (under 5, or revealing one by subtraction) are left out.
 */
function yearsOf(period: IndicatorPeriod): number[] {
  const first = period.from.getUTCFullYear();
  const last = new Date(period.to.getTime() - 1).getUTCFullYear();
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
}

const suppressionNote: Localized = {
  en: ' Counted per calendar year; a figure under 5 children, or one that would reveal such a figure by subtraction, is left out (shown as “fewer than 5”).',
  fr: ' Compté par année civile ; un chiffre de moins de 5 enfants, ou qui en révélerait un par soustraction, est omis (affiché « moins de 5 »).',
};

const children: Localized = { en: 'children', fr: 'enfants' };

function yearlyIndicator(props: { id: string; label: Localized; unit?: Localized; formula: Localized; disaggregations?: readonly string[]; values: (summary: PublicChildrenSummary) => { count: PublicCount | number | null; dimensions?: Record<string, string> }[] }): Indicator {
  return {
    id: `children.${props.id}`,
    label: props.label,
    unit: props.unit ?? children,
    formula: { en: props.formula.en + suppressionNote.en, fr: props.formula.fr + suppressionNote.fr },
    disaggregations: ['year', ...(props.disaggregations ?? [])],
    filters: [],
    visibility: 'public',
    async compute(db: Queryable, { period }) {
      const values: IndicatorValue[] = [];
      for (const year of yearsOf(period)) {
        const summary = await publicChildrenSummary(db, year);
        for (const { count, dimensions } of props.values(summary)) {
          const value = typeof count === 'number' ? count : count && shown(count) ? count.value : null;
          if (value !== null) values.push({ value, dimensions: { year: String(year), ...dimensions } });
        }
      }
      return values;
    },
  };
}

const breakdown = (name: string, cells: Record<string, PublicCount>) => Object.entries(cells).map(([category, count]) => ({ count, dimensions: { breakdown: name, category } }));

export const childrenIdentified = yearlyIndicator({
  id: 'identified',
  label: { en: 'Children identified in child labour', fr: 'Enfants identifiés en situation de travail' },
  formula: {
    en: 'Cases whose identification date falls in the year (ICI / ECLT: children identified), in total and by age group (5–11, 12–14, 15–17), sex, activity at the site and site.',
    fr: 'Cas dont la date d’identification tombe dans l’année (ICI / ECLT : enfants identifiés), au total et par tranche d’âge (5–11, 12–14, 15–17), sexe, activité sur le site et site.',
  },
  disaggregations: ['breakdown', 'category'],
  values: (s) => [
    { count: s.identified.total, dimensions: { breakdown: 'total', category: 'all' } },
    ...breakdown('age_group', s.identified.byAgeGroup),
    ...breakdown('sex', s.identified.bySex),
    ...breakdown('activity', s.identified.byActivity),
    ...breakdown('site', s.identified.bySite),
  ],
});

export const childrenCaseload = yearlyIndicator({
  id: 'caseload',
  label: { en: 'Children in the caseload', fr: 'Enfants suivis (charge de cas)' },
  formula: { en: 'Cases identified on or before 31 December and not closed before 1 January of the year.', fr: 'Cas identifiés au plus tard le 31 décembre et non clôturés avant le 1er janvier de l’année.' },
  values: (s) => [{ count: s.caseload }],
});

export const childrenReceivingSupport = yearlyIndicator({
  id: 'receiving_support',
  label: { en: 'Children receiving at least one support', fr: 'Enfants recevant au moins un appui' },
  formula: { en: 'Caseload children with at least one support of their remediation plan started by 31 December (ICI: children supported).', fr: 'Enfants de la charge de cas ayant au moins un appui de leur plan de remédiation commencé au 31 décembre (ICI : enfants appuyés).' },
  values: (s) => [{ count: s.receivingSupport.count }],
});

export const childrenReceivingSupportShare = yearlyIndicator({
  id: 'receiving_support_share',
  label: { en: 'Share of children receiving at least one support', fr: 'Part des enfants recevant au moins un appui' },
  unit: { en: 'percent', fr: 'pour cent' },
  formula: { en: '100 × children receiving at least one support ÷ caseload, one decimal.', fr: '100 × enfants recevant au moins un appui ÷ charge de cas, une décimale.' },
  values: (s) => [{ count: s.receivingSupport.sharePercent }],
});

export const childrenFollowedUp = yearlyIndicator({
  id: 'followed_up',
  label: { en: 'Children followed up', fr: 'Enfants suivis par une visite' },
  formula: { en: 'Caseload children with at least one follow-up visit on or before 31 December.', fr: 'Enfants de la charge de cas ayant reçu au moins une visite de suivi au 31 décembre.' },
  values: (s) => [{ count: s.followedUp }],
});

export const childrenNotInChildLabour = yearlyIndicator({
  id: 'not_in_child_labour',
  label: { en: 'Children no longer in child labour at the latest follow-up', fr: 'Enfants sortis du travail à la dernière visite' },
  formula: {
    en: 'Children followed up whose latest visit by 31 December found them in school or training and not working (ECLT: no longer in child labour at latest follow-up). A visit that did not find the child does not count as not working.',
    fr: 'Enfants suivis dont la dernière visite au 31 décembre les a trouvés scolarisés ou en formation, sans travailler (ECLT : plus en situation de travail au dernier suivi). Une visite qui n’a pas trouvé l’enfant ne compte pas comme « ne travaille pas ».',
  },
  values: (s) => [{ count: s.notInChildLabour.count }],
});

export const childrenNotInChildLabourShare = yearlyIndicator({
  id: 'not_in_child_labour_share',
  label: { en: 'Share no longer in child labour at the latest follow-up', fr: 'Part sortie du travail à la dernière visite' },
  unit: { en: 'percent', fr: 'pour cent' },
  formula: { en: '100 × children not in child labour at the latest follow-up ÷ children followed up, one decimal.', fr: '100 × enfants sortis du travail à la dernière visite ÷ enfants suivis, une décimale.' },
  values: (s) => [{ count: s.notInChildLabour.sharePercent }],
});

export const childrenCasesClosed = yearlyIndicator({
  id: 'cases_closed',
  label: { en: 'Cases closed', fr: 'Cas clôturés' },
  formula: {
    en: 'Cases whose closure date falls in the year, in total and by reason (remediated: not working at the 3- and 6-month visits; reached 18; lost to follow-up; transferred).',
    fr: 'Cas dont la date de clôture tombe dans l’année, au total et par motif (remédié : ne travaillait pas aux visites à 3 et 6 mois ; 18 ans atteints ; perdu de vue ; transféré).',
  },
  disaggregations: ['breakdown', 'category'],
  values: (s) => [{ count: s.closed.total, dimensions: { breakdown: 'total', category: 'all' } }, ...breakdown('reason', s.closed.byReason)],
});

export const childrenDaysToClosure = yearlyIndicator({
  id: 'average_days_to_closure',
  label: { en: 'Average time from identification to closure as remediated', fr: 'Durée moyenne de l’identification à la clôture comme remédié' },
  unit: { en: 'days', fr: 'jours' },
  formula: { en: 'Mean of (closure date − identification date) in days over the cases closed as remediated in the year, rounded to a whole day; left out when fewer than 5 such cases.', fr: 'Moyenne de (date de clôture − date d’identification) en jours sur les cas clôturés comme remédiés dans l’année, arrondie au jour ; omise pour moins de 5 cas.' },
  values: (s) => [{ count: s.averageDaysToRemediatedClosure }],
});

export const childrenIndicators: readonly Indicator[] = [
  childrenIdentified,
  childrenCaseload,
  childrenReceivingSupport,
  childrenReceivingSupportShare,
  childrenFollowedUp,
  childrenNotInChildLabour,
  childrenNotInChildLabourShare,
  childrenCasesClosed,
  childrenDaysToClosure,
];
