import { demoActors } from '../accounts/public.ts';
import { runCommand } from '../journal/public.ts';
import { headcountTotals, raiseCorrectiveAction, siteByCode } from '../sites/public.ts';
import type { DemoContext } from '../web/module.ts';
import { correctIncident } from './commands/correct-incident.ts';
import { recordHoursWorked } from './commands/record-hours-worked.ts';
import { recordIncident } from './commands/record-incident.ts';
import { recordIntervention } from './commands/record-intervention.ts';
import { setWorkPattern } from './commands/set-work-pattern.ts';
import type { IncidentFacts, PeopleCount } from './incident-rules.ts';
import { lastDayOfMonth } from './rates.ts';

type Random = () => number;
const pick = <T,>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const pad = (n: number) => String(n).padStart(2, '0');
/** Pits 148 to 270 were uncovered in the 2023 census: floods strike there. */
const uncoveredPit = (random: Random) => `P${String(148 + Math.floor(random() * 123)).padStart(3, '0')}`;
const anyPit = (random: Random) => `P${String(1 + Math.floor(random() * 270)).padStart(3, '0')}`;
const rainy = (month: number) => month >= 11 || month <= 4;

const floodDescriptions = [
  'Après une forte pluie, l’eau a envahi la galerie et les creuseurs sont remontés en urgence.',
  'Montée rapide de l’eau dans le puits pendant l’orage de l’après-midi.',
  'Infiltration d’eau par l’entrée non couverte ; le boisage a cédé en partie.',
];
const otherIncidents: { kind: IncidentFacts['kind']; description: string; people: () => PeopleCount[] }[] = [
  { kind: 'fall', description: 'Chute en descendant l’échelle du puits.', people: () => [{ sex: 'male', ageGroup: '25_54', operatorGroup: 'diggers', count: 1 }] },
  { kind: 'fall', description: 'Glissade au bord du bassin de lavage.', people: () => [{ sex: 'female', ageGroup: '18_24', operatorGroup: 'washers', count: 1 }] },
  { kind: 'collapse_rockfall', description: 'Chute de pierres à l’entrée de la galerie.', people: () => [{ sex: 'male', ageGroup: '25_54', operatorGroup: 'diggers', count: 2 }] },
  { kind: 'equipment', description: 'Blessure à la main avec le treuil de remontée des sacs.', people: () => [{ sex: 'male', ageGroup: '18_24', operatorGroup: 'transporters', count: 1 }] },
  { kind: 'air_gas', description: 'Malaise dans une galerie mal aérée, près de la motopompe.', people: () => [{ sex: 'male', ageGroup: '25_54', operatorGroup: 'diggers', count: 1 }] },
];

/** How bad a flood was: before the rain covers, one in three hurt someone seriously. */
function floodSeverity(random: Random, covered: boolean): IncidentFacts['severity'] {
  const r = random();
  if (covered) return r < 0.1 ? 'serious_lost_time' : r < 0.45 ? 'minor_first_aid' : 'near_miss';
  return r < 0.08 ? 'fatal' : r < 0.4 ? 'serious_lost_time' : r < 0.75 ? 'minor_first_aid' : 'near_miss';
}

const floodPeople = (random: Random, severity: IncidentFacts['severity']): PeopleCount[] =>
  severity === 'near_miss' ? [] : [{ sex: 'male', ageGroup: pick(random, ['18_24', '25_54'] as const), operatorGroup: 'diggers', count: severity === 'fatal' ? 1 : 1 + Math.floor(random() * 3) }];

/**
 * Three years of safety at the pilot site: floods in the rainy season (November to April), fewer
 * and milder after the rain covers and covered pits of early 2024; an electrocution in November
 * 2023 that led to electrical-risk briefings and a corrective action; interventions with their
 * costs; hours recorded from the attendance sheets from 2025, estimated before.
 */
export async function loadSafetyDemo(ctx: DemoContext): Promise<void> {
  const actors = await demoActors(ctx);
  const field = actors['field@orebook.demo']!;
  const cooperative = actors['cooperative@orebook.demo']!;
  const random = ctx.random;
  const site = (await siteByCode(ctx.db, 'KAM'))!;
  const siteId = site.id;

  await runCommand(ctx.db, cooperative, (c) => setWorkPattern(c, { siteId, effectiveFrom: '2023-01', shiftMinutes: 480, daysWorkedPerMonth: 24 }));

  const record = (facts: IncidentFacts) => runCommand(ctx.db, field, (c) => recordIncident(c, { siteId, ...facts }));
  let incidents = 0;
  for (const year of [2023, 2024, 2025]) {
    for (let month = 1; month <= 12; month++) {
      const covered = year > 2024 || (year === 2024 && month >= 4);
      const floods = rainy(month) ? (covered ? (random() < 0.6 ? 1 : 0) : 2 + Math.floor(random() * 2)) : 0;
      for (let i = 0; i < floods; i++) {
        const severity = floodSeverity(random, covered);
        await record({
          occurredOn: `${year}-${pad(month)}-${pad(1 + Math.floor(random() * 27))}`,
          occurredTime: `${pad(13 + Math.floor(random() * 5))}:${pad(Math.floor(random() * 60))}`,
          pit: uncoveredPit(random),
          kind: 'flooding',
          severity,
          status: year < 2025 ? 'closed' : 'reported',
          description: pick(random, floodDescriptions),
          immediateAction: 'Évacuation du puits, pompage, premiers soins au poste de santé.',
          rootCause: covered ? '' : 'Entrée du puits sans bâche ni rigole de drainage.',
          people: floodPeople(random, severity),
        });
        incidents++;
      }
      const others = Math.floor(random() * 3);
      for (let i = 0; i < others; i++) {
        const incident = pick(random, otherIncidents);
        const severity = pick(random, ['minor_first_aid', 'minor_first_aid', 'near_miss', covered ? 'near_miss' : 'serious_lost_time'] as const);
        await record({
          occurredOn: `${year}-${pad(month)}-${pad(1 + Math.floor(random() * 27))}`,
          occurredTime: `${pad(7 + Math.floor(random() * 10))}:${pad(Math.floor(random() * 60))}`,
          pit: anyPit(random),
          kind: incident.kind,
          severity,
          status: year < 2025 ? 'closed' : 'under_investigation',
          description: incident.description,
          people: severity === 'near_miss' ? [] : incident.people(),
        });
        incidents++;
      }
    }
  }

  const cables = await runCommand(ctx.db, ctx.system, (c) =>
    raiseCorrectiveAction(c, { siteId, title: 'Bury and protect the cables of the dewatering pumps', owner: 'Site electrician', dueOn: '2024-02-29', costEstimate: '2400', currency: 'USD' }),
  );
  const electrocution: IncidentFacts = {
    occurredOn: '2023-11-14',
    occurredTime: '10:20',
    pit: 'P041',
    kind: 'electrocution',
    severity: 'serious_lost_time',
    status: 'under_investigation',
    description: 'Un creuseur a touché un câble dénudé de la motopompe d’exhaure en descendant dans le puits.',
    immediateAction: 'Courant coupé, victime conduite à l’hôpital de Kolwezi.',
    people: [{ sex: 'male', ageGroup: '25_54', operatorGroup: 'diggers', count: 1 }],
  };
  const shock = await record(electrocution);
  await runCommand(ctx.db, field, (c) =>
    correctIncident(c, {
      siteId,
      correctsId: shock.id,
      reason: 'Enquête terminée ; action corrective ouverte.',
      ...electrocution,
      status: 'closed',
      rootCause: 'Câbles des pompes posés à même le sol, sans protection ni disjoncteur différentiel.',
      correctiveActionIds: [cables.id],
    }),
  );
  incidents++;

  const interventions = [
    { kind: 'training', deliveredOn: '2023-12-06', quantity: 6, costMinor: 120_000, peopleReached: 320, description: 'Causeries sur le risque électrique après l’électrocution de novembre.' },
    { kind: 'rain_covers', deliveredOn: '2024-02-20', quantity: 120, costMinor: 360_000, peopleReached: 900, description: 'Bâches au-dessus des entrées de galeries.' },
    { kind: 'covered_pits', deliveredOn: '2024-03-15', quantity: 3, costMinor: 1_875_000, peopleReached: 240, description: '2 500 tôles et charpente pour trois puits.' },
    { kind: 'protective_equipment', deliveredOn: '2024-04-10', quantity: 150, costMinor: 450_000, peopleReached: 150, description: 'Bottes, gants, lunettes et masques pour les agents d’assainissement.' },
    { kind: 'covered_pits', deliveredOn: '2024-05-22', quantity: 3, costMinor: 1_875_000, peopleReached: 240, description: '2 500 tôles et charpente pour trois puits.' },
    { kind: 'safety_captains', deliveredOn: '2024-06-18', quantity: 20, costMinor: 200_000, peopleReached: 20, description: 'Formation et gilets des capitaines de sécurité.' },
    { kind: 'timbering', deliveredOn: '2024-09-12', quantity: 15, costMinor: 600_000, peopleReached: 300, description: 'Boisage des galeries les plus exposées.' },
    { kind: 'training', deliveredOn: '2025-01-15', quantity: 4, costMinor: 80_000, peopleReached: 260, description: 'Rappel des consignes en saison des pluies.' },
    { kind: 'rain_covers', deliveredOn: '2025-10-20', quantity: 80, costMinor: 240_000, peopleReached: 600, description: 'Remplacement des bâches usées avant la saison des pluies.' },
  ];
  for (const intervention of interventions) {
    await runCommand(ctx.db, ctx.system, (c) => recordIntervention(c, { siteId, currency: 'USD', ...intervention }));
  }

  // From 2025 the cooperative counts hours from the attendance sheets; earlier months stay estimated.
  for (let month = 1; month <= 12; month++) {
    const { total } = await headcountTotals(ctx.db, { siteId, on: lastDayOfMonth(`2025-${pad(month)}`) });
    const hours = Math.round(total * 24 * 8 * (0.85 + random() * 0.1));
    await runCommand(ctx.db, cooperative, (c) => recordHoursWorked(c, { siteId, month: `2025-${pad(month)}`, hours }));
  }
  ctx.say(`safety at KAM: ${incidents} incidents, ${interventions.length} interventions`);
}
