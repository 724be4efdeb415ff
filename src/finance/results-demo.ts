import { childrenIndicators } from '../children/public.ts';
import type { Indicator } from '../core/indicators.ts';
import { runCommand } from '../journal/public.ts';
import { safetyIndicators } from '../safety/public.ts';
import type { DemoContext } from '../web/module.ts';
import { defineResult } from './commands/define-result.ts';
import { setResultTarget } from './commands/set-result-target.ts';
import { yearActual } from './queries/results.ts';
import type { ResultIndicatorProps, ResultProps } from './result-input.ts';

/** The indicators the demo's results are measured by: the safety and children modules' public ones. */
const indicators: readonly Indicator[] = [...safetyIndicators, ...childrenIndicators];

type DemoResult = Omit<ResultProps, 'indicators'> & {
  indicators: (Omit<ResultIndicatorProps, 'baselineValue'> & { baselineValue?: number; targets: Record<number, number> })[];
};

const kamIncidents = (severity: string) => ({ indicator: 'safety.incidents_by_kind', filters: { site: 'KAM' }, selection: { severity }, measure: 1, ascending: false, baselineYear: 2023 });

/**
 * The results of the demo's activities (issue 13, part 7): fewer fatal and serious incidents at
 * Kamilombe (safety indicator, less is better, the 2023 baseline computed from the safety demo's
 * incidents), and children receiving support and no longer in child labour (children indicators,
 * more is better, none before the programme's first cases in 2025), with yearly targets over each
 * activity's dates. The children count of 2025 no longer in child labour is withheld by the
 * children module (it would reveal a count under 5 by subtraction): that year has a target only.
 */
const demoResults: DemoResult[] = [
  {
    activity: 'OHS-KAM',
    type: 2,
    titleEn: 'Fewer fatal and serious incidents at Kamilombe',
    titleFr: 'Moins d’incidents mortels et graves à Kamilombe',
    descriptionEn: 'Covered pits, shoring, protective equipment and training bring down the incidents that kill or keep a digger from work.',
    descriptionFr: 'Puits couverts, boisage, équipements de protection et formation réduisent les incidents qui tuent ou empêchent un creuseur de travailler.',
    indicators: [
      { ...kamIncidents('fatal'), titleEn: 'Fatal incidents at Kamilombe', titleFr: 'Incidents mortels à Kamilombe', targets: { 2024: 0, 2025: 0 } },
      { ...kamIncidents('serious_lost_time'), titleEn: 'Serious (lost-time) incidents at Kamilombe', titleFr: 'Incidents graves (avec arrêt de travail) à Kamilombe', targets: { 2024: 8, 2025: 5 } },
    ],
  },
  {
    activity: 'CHILD-REMEDIATION',
    type: 2,
    titleEn: 'Children out of child labour and in school or training',
    titleFr: 'Des enfants sortis du travail et scolarisés ou en formation',
    descriptionEn: 'Children identified at the site are taken into remediation with their families and followed until they are in school or training and no longer working.',
    descriptionFr: 'Les enfants identifiés sur le site sont pris en charge avec leur famille et suivis jusqu’à ce qu’ils soient scolarisés ou en formation et ne travaillent plus.',
    indicators: [
      {
        indicator: 'children.not_in_child_labour',
        titleEn: 'Children no longer in child labour at the latest follow-up',
        titleFr: 'Enfants sortis du travail à la dernière visite',
        measure: 1,
        ascending: true,
        baselineYear: 2024,
        baselineValue: 0,
        targets: { 2025: 5, 2026: 30 },
      },
      {
        indicator: 'children.receiving_support',
        titleEn: 'Children receiving at least one support of their remediation plan',
        titleFr: 'Enfants recevant au moins un appui de leur plan de remédiation',
        measure: 1,
        ascending: true,
        baselineYear: 2024,
        baselineValue: 0,
        targets: { 2025: 20, 2026: 45 },
      },
    ],
  },
];

/** Defines the demo's results with their baselines and targets (after the activities and the safety and children demos). */
export async function loadResultsDemo(ctx: DemoContext): Promise<void> {
  for (const { indicators: demoIndicators, ...result } of demoResults) {
    const props: ResultIndicatorProps[] = [];
    for (const { targets: _targets, ...indicator } of demoIndicators) {
      const baselineValue =
        indicator.baselineValue ??
        (await yearActual(ctx.db, indicators.find((candidate) => candidate.id === indicator.indicator), { year: indicator.baselineYear, filters: indicator.filters ?? {}, selection: indicator.selection ?? {} }, new Date())) ??
        0;
      props.push({ ...indicator, baselineValue });
    }
    const defined = await runCommand(ctx.db, ctx.system, (c) => defineResult(c, { ...result, indicators: props }, indicators));
    for (const [index, row] of defined.indicators.entries()) {
      for (const [year, value] of Object.entries(demoIndicators[index]!.targets)) {
        await runCommand(ctx.db, ctx.system, (c) => setResultTarget(c, { activity: result.activity, resultIndicator: row.id, year: Number(year), value }));
      }
    }
  }
  ctx.say(`finance: ${demoResults.length} results of activities with their baselines and targets`);
}
