import { runCommand } from '../journal/public.ts';
import type { DemoContext } from '../web/module.ts';
import type { ActivityProps } from './activity-input.ts';
import { createActivity } from './commands/create-activity.ts';
import { createProgrammeArea } from './commands/create-programme-area.ts';
import { createFinanceDemoOrganisations, loadGrantsDemo } from './grants-demo.ts';
import { loadLedgerDemo } from './ledger-demo.ts';
import { loadMembersDemo } from './members-demo.ts';
import { loadResultsDemo } from './results-demo.ts';
import { reportingOrg } from './iati/reporting-org.ts';
import { allianceProgrammeAreas } from './programme-areas.ts';
import { financeMoneyDays, recordDemoRates } from './rates-demo.ts';

const funding = 1;
const accountable = 2;
const extending = 3;
const implementing = 4;
const alliance = { organisation: 'fca', iatiRef: reportingOrg.ref };

/**
 * The alliance's activities at the demo's site, Kamilombe, one or more per programme area: the
 * EPRM-funded scaling and digitisation of the credit mechanism (2024–2026) and the programme work
 * the alliance runs with the cooperative and its partners. Dates and partners are illustrative.
 */
const demoActivities: ActivityProps[] = [
  {
    code: 'CREDIT-DIGITAL',
    area: 'credit_mechanism',
    titleEn: 'Scale and digitise the cobalt credit mechanism',
    titleFr: 'Étendre et numériser le mécanisme de crédits cobalt',
    descriptionEn: 'Bring more artisanal sites into the Responsible Minerals Credit mechanism, and move its production records, verifications and credit registry online so that buyers and donors can follow them.',
    descriptionFr: 'Faire entrer davantage de sites artisanaux dans le mécanisme de crédits pour des minerais responsables, et mettre en ligne ses registres de production, ses vérifications et son registre de crédits afin que les acheteurs et les bailleurs puissent les suivre.',
    plannedStart: '2024-01-01',
    plannedEnd: '2026-12-31',
    actualStart: '2024-03-01',
    status: 2,
    sites: ['KAM'],
    participants: [
      { role: funding, organisation: 'eprm' },
      { role: accountable, ...alliance },
      { role: implementing, ...alliance },
    ],
  },
  {
    code: 'OHS-KAM',
    area: 'health_safety',
    titleEn: 'Safer pits at Kamilombe',
    titleFr: 'Des puits plus sûrs à Kamilombe',
    descriptionEn: 'Pit covers and shoring, protective equipment, first-aid posts and safety training for the diggers and washers of the site.',
    descriptionFr: 'Couvertures et boisage des puits, équipements de protection, postes de premiers secours et formation à la sécurité pour les creuseurs et les laveuses du site.',
    plannedStart: '2024-04-01',
    plannedEnd: '2025-12-31',
    actualStart: '2024-05-06',
    actualEnd: '2025-12-19',
    status: 3,
    sites: ['KAM'],
    participants: [
      { role: funding, ...alliance },
      { role: implementing, organisation: 'cmds' },
    ],
  },
  {
    code: 'CHILD-REMEDIATION',
    area: 'child_labour',
    titleEn: 'Children out of the mines and back to school',
    titleFr: 'Des enfants hors des mines et de retour à l’école',
    descriptionEn: 'Identify children working at the site, take them into remediation with their families, and follow their schooling or training.',
    descriptionFr: 'Identifier les enfants qui travaillent sur le site, les prendre en charge avec leur famille et suivre leur scolarité ou leur formation.',
    plannedStart: '2024-06-01',
    plannedEnd: '2026-06-30',
    actualStart: '2024-06-17',
    status: 2,
    sites: ['KAM'],
    participants: [
      { role: funding, ...alliance },
      { role: implementing, organisation: 'kolwezi-care' },
    ],
  },
  {
    code: 'SAVINGS-GROUPS',
    area: 'economic_resilience',
    titleEn: 'Savings groups and micro-enterprises around Kamilombe',
    titleFr: 'Groupes d’épargne et micro-entreprises autour de Kamilombe',
    descriptionEn: 'Start and accompany village savings and loan groups, and help members open small businesses outside the pits.',
    descriptionFr: 'Créer et accompagner des groupes d’épargne et de crédit villageois, et aider leurs membres à ouvrir de petites activités hors des puits.',
    plannedStart: '2025-01-01',
    plannedEnd: '2026-12-31',
    actualStart: '2025-02-03',
    status: 2,
    sites: ['KAM'],
    participants: [
      { role: funding, ...alliance },
      { role: implementing, organisation: 'cmds' },
      { role: implementing, organisation: 'tujenge' },
    ],
  },
  {
    code: 'SITE-QUALIFICATION',
    area: 'formalisation',
    titleEn: 'Qualification of Kamilombe as a legal artisanal site',
    titleFr: 'Qualification de Kamilombe comme site artisanal légal',
    descriptionEn: 'Prepare the site and the cooperative for the joint qualification mission of the mining administration, up to its yellow qualification.',
    descriptionFr: 'Préparer le site et la coopérative à la mission conjointe de qualification de l’administration minière, jusqu’à sa qualification jaune.',
    plannedStart: '2023-07-01',
    plannedEnd: '2024-03-31',
    actualStart: '2023-07-10',
    actualEnd: '2024-03-15',
    status: 4,
    sites: ['KAM'],
    participants: [
      { role: extending, ...alliance },
      { role: implementing, organisation: 'cmds' },
      { role: implementing, name: 'Service d’Assistance et d’Encadrement de l’Exploitation Minière Artisanale et de Petit Échelle (SAEMAPE)' },
    ],
  },
  {
    code: 'SECRETARIAT',
    area: 'governance',
    titleEn: 'Governance and secretariat of the alliance',
    titleFr: 'Gouvernance et secrétariat de l’alliance',
    descriptionEn: 'The alliance’s board, members’ meetings, secretariat, and its reporting to members, donors and the public.',
    descriptionFr: 'Le conseil de l’alliance, les réunions de ses membres, son secrétariat et ses comptes rendus aux membres, aux bailleurs et au public.',
    plannedStart: '2023-01-01',
    actualStart: '2023-01-01',
    status: 2,
    sites: [],
    participants: [
      { role: accountable, ...alliance },
      { role: implementing, ...alliance },
    ],
  },
];

/**
 * The six programme areas and the alliance's activities, which the IATI activity file publishes;
 * the grants, partner contracts and spending; the members and their contributions; the field
 * office's ledger export; and the exchange rate of every day money moved, so that 2023, 2024 and
 * 2025 each have a full year of finance to state in either reporting currency.
 */
export async function loadFinanceDemo(ctx: DemoContext): Promise<void> {
  await createFinanceDemoOrganisations(ctx);
  for (const area of allianceProgrammeAreas) await runCommand(ctx.db, ctx.system, (c) => createProgrammeArea(c, area));
  for (const activity of demoActivities) await runCommand(ctx.db, ctx.system, (c) => createActivity(c, activity));
  ctx.say(`finance: ${allianceProgrammeAreas.length} programme areas, ${demoActivities.length} IATI activities`);
  await loadGrantsDemo(ctx);
  await loadMembersDemo(ctx);
  await loadResultsDemo(ctx);
  await loadLedgerDemo(ctx);
  ctx.say(`finance: ${await recordDemoRates(ctx, await financeMoneyDays(ctx))} more exchange rates for the statements`);
}
