import { and, asc, eq, gte, lt } from 'drizzle-orm';
import { isoDateOf } from '../core/calendar.ts';
import type { Indicator, IndicatorPeriod, IndicatorValue } from '../core/indicators.ts';
import type { Queryable } from '../db/connect.ts';
import { assessmentScores } from './queries/assessments.ts';
import { correctiveActionCounts } from './queries/corrective-actions.ts';
import { monthlyProduction } from './queries/production.ts';
import { headcount } from './queries/workers.ts';
import { assessments, sites, standardAreas } from './schema.ts';

/** Stock figures (headcounts) are taken on the last day of the period. */
const lastDay = (period: IndicatorPeriod) => isoDateOf(new Date(period.to.getTime() - 86_400_000));

/** Computes values site by site (all sites, or the one named by the `site` filter). */
async function perSite(db: Queryable, filters: Record<string, string>, compute: (site: { id: number; code: string }) => Promise<IndicatorValue[]>): Promise<IndicatorValue[]> {
  const rows = await db.select({ id: sites.id, code: sites.code }).from(sites).orderBy(asc(sites.code));
  const chosen = filters.site ? rows.filter((site) => site.code === filters.site) : rows;
  return (await Promise.all(chosen.map(compute))).flat();
}

export const workersByGroupAndSex: Indicator = {
  id: 'sites.workers_by_group_and_sex',
  label: { en: 'Registered workers by operator group and sex', fr: 'Travailleurs enregistrés par groupe d’opérateurs et par sexe' },
  unit: { en: 'workers', fr: 'travailleurs' },
  formula: {
    en: 'Workers in the register on the last day of the period: registered on or before it and not exited by it.',
    fr: 'Travailleurs inscrits au registre le dernier jour de la période : enregistrés au plus tard ce jour-là et non sortis.',
  },
  disaggregations: ['site', 'group', 'sex'],
  filters: ['site'],
  visibility: 'public',
  async compute(db, { period, filters }) {
    const on = lastDay(period);
    return perSite(db, filters, async (site) =>
      (await headcount(db, { siteId: site.id, on })).flatMap((group) => [
        { value: group.female, dimensions: { site: site.code, group: group.groupCode, sex: 'female' } },
        { value: group.male, dimensions: { site: site.code, group: group.groupCode, sex: 'male' } },
      ]),
    );
  },
};

export const shareOfWomen: Indicator = {
  id: 'sites.share_of_women',
  label: { en: 'Share of women among registered workers', fr: 'Part des femmes parmi les travailleurs enregistrés' },
  unit: { en: 'percent', fr: 'pour cent' },
  formula: {
    en: '100 × women ÷ all workers in the register on the last day of the period; empty when no worker is registered.',
    fr: '100 × femmes ÷ ensemble des travailleurs inscrits le dernier jour de la période ; vide sans travailleur inscrit.',
  },
  disaggregations: ['site'],
  filters: ['site'],
  visibility: 'public',
  async compute(db, { period, filters }) {
    const on = lastDay(period);
    return perSite(db, filters, async (site) => {
      const groups = await headcount(db, { siteId: site.id, on });
      const total = groups.reduce((sum, g) => sum + g.total, 0);
      const women = groups.reduce((sum, g) => sum + g.female, 0);
      return total === 0 ? [] : [{ value: Math.round((1000 * women) / total) / 10, dimensions: { site: site.code } }];
    });
  },
};

export const productionByMonth: Indicator = {
  id: 'sites.production_by_month',
  label: { en: 'Contained metal declared, by month and mineral', fr: 'Métal contenu déclaré, par mois et par minerai' },
  unit: { en: 'kg of contained metal', fr: 'kg de métal contenu' },
  formula: {
    en: 'Sum of contained metal (dry ore × assay grade) of production declarations dated in the month, counting a corrected declaration only through its latest correction.',
    fr: 'Somme du métal contenu (minerai sec × teneur) des déclarations datées du mois, une déclaration corrigée ne comptant que par sa dernière correction.',
  },
  disaggregations: ['site', 'month', 'mineral'],
  filters: ['site', 'mineral'],
  visibility: 'public',
  async compute(db, { period, filters }) {
    return perSite(db, filters, async (site) =>
      (await monthlyProduction(db, { siteId: site.id, from: isoDateOf(period.from), to: lastDay(period) }))
        .filter((row) => !filters.mineral || row.mineral === filters.mineral)
        .map((row) => ({ value: row.containedKg, dimensions: { site: site.code, month: row.month, mineral: row.mineral } })),
    );
  },
};

export const assessmentScoresByArea: Indicator = {
  id: 'sites.assessment_scores_by_area',
  label: { en: 'Assessment scores by area of the standard', fr: 'Scores d’évaluation par domaine du référentiel' },
  unit: { en: 'percent', fr: 'pour cent' },
  formula: {
    en: 'For each site, the latest assessment submitted in the period: per area, 100 × (met + ½ partly met) ÷ criteria rated other than not applicable.',
    fr: 'Pour chaque site, la dernière évaluation soumise dans la période : par domaine, 100 × (satisfaits + ½ partiellement) ÷ critères notés autrement que « sans objet ».',
  },
  disaggregations: ['site', 'area'],
  filters: ['site'],
  visibility: 'public',
  async compute(db, { period, filters }) {
    return perSite(db, filters, async (site) => {
      const [latest] = await db
        .select({ id: assessments.id })
        .from(assessments)
        .where(and(eq(assessments.siteId, site.id), eq(assessments.status, 'submitted'), gte(assessments.submittedAt, period.from), lt(assessments.submittedAt, period.to)))
        .orderBy(asc(assessments.submittedAt))
        .then((rows) => rows.slice(-1));
      if (!latest) return [];
      const scores = await assessmentScores(db, latest.id);
      const byArea: [string, number | null][] = [...standardAreas.map((area) => [area, scores.areas[area]] as [string, number | null]), ['overall', scores.overall]];
      return byArea.filter(([, tenths]) => tenths !== null).map(([area, tenths]) => ({ value: tenths! / 10, dimensions: { site: site.code, area } }));
    });
  },
};

export const correctiveActionsOpenAndClosed: Indicator = {
  id: 'sites.corrective_actions',
  label: { en: 'Corrective actions open, closed and closed on time', fr: 'Actions correctives ouvertes, clôturées et clôturées à temps' },
  unit: { en: 'actions', fr: 'actions' },
  formula: {
    en: 'Closed: closed within the period; on time: closed on or before the due date; open: raised before the end of the period and not closed by then; overdue: open with a due date before the end of the period.',
    fr: 'Clôturées : clôturées dans la période ; à temps : au plus tard à l’échéance ; ouvertes : ouvertes avant la fin de la période et non clôturées alors ; en retard : ouvertes avec une échéance avant la fin de la période.',
  },
  disaggregations: ['site', 'state'],
  filters: ['site'],
  visibility: 'public',
  async compute(db, { period, filters }) {
    return perSite(db, filters, async (site) => {
      const counts = await correctiveActionCounts(db, { siteId: site.id, from: period.from, to: period.to });
      return (['open', 'overdue', 'closed', 'closedOnTime'] as const).map((state) => ({
        value: counts[state],
        dimensions: { site: site.code, state: state === 'closedOnTime' ? 'closed_on_time' : state },
      }));
    });
  },
};

export const sitesIndicators: readonly Indicator[] = [workersByGroupAndSex, shareOfWomen, productionByMonth, assessmentScoresByArea, correctiveActionsOpenAndClosed];
