import { asc } from 'drizzle-orm';
import { isoDateOf } from '../core/calendar.ts';
import type { Indicator, IndicatorPeriod, IndicatorValue } from '../core/indicators.ts';
import type { Queryable } from '../db/connect.ts';
import { sites } from '../sites/public.ts';
import { changeOf, exposureOf, recordableCount, type SeverityCounts } from './rates.ts';
import { incidentCounts, interventionTotals, monthExposures, peopleAffectedCounts, severityRates } from './queries/figures.ts';
import { incidentSeverities } from './schema.ts';

const lastDay = (period: IndicatorPeriod) => isoDateOf(new Date(period.to.getTime() - 86_400_000));
const range = (period: IndicatorPeriod) => ({ from: isoDateOf(period.from), to: lastDay(period) });
/** Rates keep two decimals, as every page and report shows them. */
const round2 = (value: number) => Math.round(value * 100) / 100;

/** Months `YYYY-MM` the period touches that have started by today. */
function monthsOf(period: IndicatorPeriod): string[] {
  const months: string[] = [];
  const end = [lastDay(period), isoDateOf(new Date())].sort()[0]!.slice(0, 7);
  for (let cursor = new Date(Date.UTC(period.from.getUTCFullYear(), period.from.getUTCMonth(), 1)); isoDateOf(cursor).slice(0, 7) <= end; cursor.setUTCMonth(cursor.getUTCMonth() + 1)) {
    months.push(isoDateOf(cursor).slice(0, 7));
  }
  return months;
}

async function perSite(db: Queryable, filters: Record<string, string>, compute: (site: { id: number; code: string }) => Promise<IndicatorValue[]>): Promise<IndicatorValue[]> {
  const rows = await db.select({ id: sites.id, code: sites.code }).from(sites).orderBy(asc(sites.code));
  const chosen = filters.site ? rows.filter((site) => site.code === filters.site) : rows;
  return (await Promise.all(chosen.map(compute))).flat();
}

async function severityCounts(db: Queryable, siteId: number, period: IndicatorPeriod): Promise<SeverityCounts> {
  const counts = Object.fromEntries(incidentSeverities.map((s) => [s, 0])) as SeverityCounts;
  for (const row of await incidentCounts(db, { siteId, ...range(period) })) counts[row.severity] += row.incidents;
  return counts;
}

const countsNote = {
  en: 'Incidents counted through the latest entry of each (corrections applied), withdrawn ones left out.',
  fr: 'Incidents comptés par leur dernière entrée (corrections appliquées), sans ceux qui ont été retirés.',
};

export const incidentsByMonth: Indicator = {
  id: 'safety.incidents_by_month',
  zeroWhenAbsent: true,
  label: { en: 'Safety incidents by month and severity', fr: 'Incidents de sécurité par mois et par gravité' },
  unit: { en: 'incidents', fr: 'incidents' },
  formula: { en: `Number of incidents that occurred in the month, by severity (ICMM classes). ${countsNote.en}`, fr: `Nombre d’incidents survenus dans le mois, par gravité (classes de l’ICMM). ${countsNote.fr}` },
  disaggregations: ['site', 'month', 'severity'],
  filters: ['site', 'severity'],
  visibility: 'public',
  async compute(db, { period, filters }) {
    return perSite(db, filters, async (site) => {
      const totals = new Map<string, number>();
      for (const row of await incidentCounts(db, { siteId: site.id, ...range(period) })) {
        if (filters.severity && row.severity !== filters.severity) continue;
        const key = `${row.month}|${row.severity}`;
        totals.set(key, (totals.get(key) ?? 0) + row.incidents);
      }
      return [...totals].map(([key, value]) => {
        const [month, severity] = key.split('|') as [string, string];
        return { value, dimensions: { site: site.code, month, severity } };
      });
    });
  },
};

export const incidentsByKind: Indicator = {
  id: 'safety.incidents_by_kind',
  zeroWhenAbsent: true,
  label: { en: 'Safety incidents by cause and severity', fr: 'Incidents de sécurité par cause et par gravité' },
  unit: { en: 'incidents', fr: 'incidents' },
  formula: { en: `Number of incidents that occurred in the period, by kind (cause) and severity. ${countsNote.en}`, fr: `Nombre d’incidents survenus dans la période, par type (cause) et par gravité. ${countsNote.fr}` },
  disaggregations: ['site', 'kind', 'severity'],
  filters: ['site'],
  visibility: 'public',
  async compute(db, { period, filters }) {
    return perSite(db, filters, async (site) => {
      const totals = new Map<string, number>();
      for (const row of await incidentCounts(db, { siteId: site.id, ...range(period) })) totals.set(`${row.kind}|${row.severity}`, (totals.get(`${row.kind}|${row.severity}`) ?? 0) + row.incidents);
      return [...totals].map(([key, value]) => {
        const [kind, severity] = key.split('|') as [string, string];
        return { value, dimensions: { site: site.code, kind, severity } };
      });
    });
  },
};

export const peopleAffected: Indicator = {
  id: 'safety.people_affected',
  label: { en: 'People affected by safety incidents, by sex, age group and operator group', fr: 'Personnes touchées par les incidents de sécurité, par sexe, âge et groupe d’opérateurs' },
  unit: { en: 'people', fr: 'personnes' },
  formula: {
    en: `Sum of the people each incident affected, at the incident’s severity. ${countsNote.en} Restricted: crossed small counts could single someone out.`,
    fr: `Somme des personnes touchées par chaque incident, à la gravité de l’incident. ${countsNote.fr} Restreint : de petits effectifs croisés pourraient désigner quelqu’un.`,
  },
  disaggregations: ['site', 'severity', 'sex', 'age_group', 'group'],
  filters: ['site'],
  visibility: 'restricted',
  async compute(db, { period, filters }) {
    return perSite(db, filters, async (site) =>
      (await peopleAffectedCounts(db, { siteId: site.id, ...range(period) })).map((row) => ({
        value: row.people,
        dimensions: { site: site.code, severity: row.severity, sex: row.sex, age_group: row.ageGroup, group: row.operatorGroup ?? 'none' },
      })),
    );
  },
};

export const incidentRates: Indicator = {
  id: 'safety.incident_rates',
  label: { en: 'Incident rates per 1,000 workers and per 200,000 and 1,000,000 hours worked', fr: 'Taux d’incidents pour 1 000 travailleurs et pour 200 000 et 1 000 000 heures travaillées' },
  unit: { en: 'incidents per base', fr: 'incidents par base' },
  formula: {
    en: 'Incidents × 1,000 ÷ average headcount (mean of month-end headcounts in the register; ILO incidence rate); incidents × 200,000 ÷ hours worked (OSHA); incidents × 1,000,000 ÷ hours worked (ICMM). Hours are those recorded for the month, else workers × days worked × shift length; `estimated` = yes when any month is estimated. Recordable = fatal + serious + minor.',
    fr: 'Incidents × 1 000 ÷ effectif moyen (moyenne des effectifs de fin de mois au registre ; taux d’incidence de l’OIT) ; incidents × 200 000 ÷ heures travaillées (OSHA) ; incidents × 1 000 000 ÷ heures travaillées (ICMM). Heures enregistrées pour le mois, sinon travailleurs × jours travaillés × durée du poste ; `estimated` = yes dès qu’un mois est estimé. Enregistrables = mortels + graves + légers.',
  },
  disaggregations: ['site', 'severity', 'base', 'estimated'],
  filters: ['site'],
  visibility: 'public',
  async compute(db, { period, filters }) {
    return perSite(db, filters, async (site) => {
      const exposure = exposureOf(await monthExposures(db, { siteId: site.id, months: monthsOf(period), today: isoDateOf(new Date()) }));
      const rates = severityRates(await severityCounts(db, site.id, period), exposure);
      return Object.entries(rates).flatMap(([severity, r]) =>
        (
          [
            ['per_1000_workers', r.per1000Workers, false],
            ['per_200000_hours', r.per200kHours, r.estimated],
            ['per_1000000_hours', r.per1mHours, r.estimated],
          ] as const
        )
          .filter(([, value]) => value !== null)
          .map(([base, value, estimated]) => ({ value: round2(value!), dimensions: { site: site.code, severity, base, estimated: estimated ? 'yes' : 'no' } })),
      );
    });
  },
};

export const hoursWorked: Indicator = {
  id: 'safety.hours_worked',
  label: { en: 'Hours worked, recorded or estimated', fr: 'Heures travaillées, enregistrées ou estimées' },
  unit: { en: 'hours', fr: 'heures' },
  formula: {
    en: 'Per month: the latest hours recorded for the month; otherwise estimated as headcount on the month’s last day × days worked per month × shift length, from the site’s work pattern in force (8 h and 26 days when none is set).',
    fr: 'Par mois : les dernières heures enregistrées pour le mois ; sinon estimées comme effectif du dernier jour du mois × jours travaillés par mois × durée du poste, selon le régime de travail du site en vigueur (8 h et 26 jours à défaut).',
  },
  disaggregations: ['site', 'month', 'source'],
  filters: ['site'],
  visibility: 'public',
  async compute(db, { period, filters }) {
    return perSite(db, filters, async (site) =>
      (await monthExposures(db, { siteId: site.id, months: monthsOf(period), today: isoDateOf(new Date()) })).map((m) => {
        const exposure = exposureOf([m]);
        return { value: Math.round(exposure.hoursWorked), dimensions: { site: site.code, month: m.month, source: exposure.estimated ? 'estimated' : 'recorded' } };
      }),
    );
  },
};

export const averageHeadcount: Indicator = {
  id: 'safety.average_headcount',
  label: { en: 'Average headcount for safety rates', fr: 'Effectif moyen pour les taux de sécurité' },
  unit: { en: 'workers', fr: 'travailleurs' },
  formula: { en: 'Mean of the headcounts in the worker register on the last day of each month of the period (today for the month under way).', fr: 'Moyenne des effectifs du registre des travailleurs au dernier jour de chaque mois de la période (aujourd’hui pour le mois en cours).' },
  disaggregations: ['site'],
  filters: ['site'],
  visibility: 'public',
  async compute(db, { period, filters }) {
    return perSite(db, filters, async (site) => {
      const exposure = exposureOf(await monthExposures(db, { siteId: site.id, months: monthsOf(period), today: isoDateOf(new Date()) }));
      return exposure.months === 0 ? [] : [{ value: round2(exposure.averageHeadcount), dimensions: { site: site.code } }];
    });
  },
};

export const yearOnYearChange: Indicator = {
  id: 'safety.year_on_year_change',
  label: { en: 'Change in incidents since the same period a year before, by severity', fr: 'Évolution des incidents depuis la même période un an plus tôt, par gravité' },
  unit: { en: 'incidents or percent', fr: 'incidents ou pour cent' },
  formula: {
    en: 'difference = incidents in the period − incidents in the same period a year earlier; percent = 100 × difference ÷ the earlier count (none when it is zero).',
    fr: 'différence = incidents de la période − incidents de la même période un an plus tôt ; pourcentage = 100 × différence ÷ nombre antérieur (aucun s’il est nul).',
  },
  disaggregations: ['site', 'severity', 'measure'],
  filters: ['site'],
  visibility: 'public',
  async compute(db, { period, filters }) {
    const yearBefore = (date: Date) => new Date(Date.UTC(date.getUTCFullYear() - 1, date.getUTCMonth(), date.getUTCDate()));
    return perSite(db, filters, async (site) => {
      const current = await severityCounts(db, site.id, period);
      const previous = await severityCounts(db, site.id, { from: yearBefore(period.from), to: yearBefore(period.to) });
      const pairs: [string, number, number][] = [...incidentSeverities.map((s) => [s, current[s], previous[s]] as [string, number, number]), ['recordable', recordableCount(current), recordableCount(previous)]];
      return pairs.flatMap(([severity, now, before]) => {
        const change = changeOf(now, before);
        return [
          { value: change.difference, dimensions: { site: site.code, severity, measure: 'difference' } },
          ...(change.percent === null ? [] : [{ value: round2(change.percent), dimensions: { site: site.code, severity, measure: 'percent' } }]),
        ];
      });
    });
  },
};

export const interventions: Indicator = {
  id: 'safety.interventions',
  label: { en: 'Safety interventions: quantity, people reached and cost', fr: 'Interventions de sécurité : quantité, personnes touchées et coût' },
  unit: { en: 'units, people or minor units of the currency', fr: 'unités, personnes ou unités mineures de la devise' },
  formula: { en: 'Sums over interventions delivered in the period, per kind and currency; cost in minor units (cents).', fr: 'Sommes des interventions réalisées dans la période, par type et par devise ; coût en unités mineures (centimes).' },
  disaggregations: ['site', 'kind', 'measure', 'currency'],
  filters: ['site'],
  visibility: 'public',
  async compute(db, { period, filters }) {
    return perSite(db, filters, async (site) =>
      (await interventionTotals(db, { siteId: site.id, ...range(period) })).flatMap((row) => [
        { value: row.quantity, dimensions: { site: site.code, kind: row.kind, measure: 'quantity', currency: row.currency } },
        { value: row.peopleReached, dimensions: { site: site.code, kind: row.kind, measure: 'people_reached', currency: row.currency } },
        { value: row.costMinor, dimensions: { site: site.code, kind: row.kind, measure: 'cost_minor', currency: row.currency } },
      ]),
    );
  },
};

export const safetyIndicators: readonly Indicator[] = [incidentsByMonth, incidentsByKind, peopleAffected, incidentRates, hoursWorked, averageHeadcount, yearOnYearChange, interventions];
