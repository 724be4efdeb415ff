import { demoActors } from '../accounts/public.ts';
import { runCommand } from '../journal/public.ts';
import type { DemoContext } from '../web/module.ts';
import { bookPremium } from './commands/book-premium.ts';
import { cancelProject, completeProject } from './commands/close-project.ts';
import { appointMember } from './commands/appoint-member.ts';
import { setCommitteeRules } from './commands/set-committee-rules.ts';
import { decideProposal } from './commands/decide-proposal.ts';
import { disburseTranche } from './commands/disburse-tranche.ts';
import { draftProposal, submitProposal, type DraftProposalProps } from './commands/draft-proposal.ts';
import { recordIncome } from './commands/record-income.ts';
import { recordMeeting } from './commands/record-meeting.ts';
import { budgetLinesOf } from './queries/committee.ts';
import { unbookedPremiums } from './queries/ledger.ts';
import type { VoteChoice } from './schema.ts';

const site = 'KAM';
const usd = (dollars: number) => dollars * 100;
const cdf = (francs: number) => francs * 100;
/** A 1×1 PNG: the demo's stand-in for a photo of the work. */
const photo = (name: string) => ({ filename: name, contentType: 'image/png', content: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64') });
const receipt = (number: string, supplier: string) => ({ filename: `receipt-${number}.txt`, contentType: 'text/plain', content: Buffer.from(`Receipt ${number}\n${supplier}\n(demonstration data)\n`) });

/** Invented members: the alliance's representative, the cooperative's, and the main operator groups (two women washers). */
const members: [string, string][] = [
  ['Patrick Mbuyi', 'alliance'],
  ['Odette Kasongo', 'cooperative'],
  ['Mamie Tshibangu', 'washers'],
  ['Rachel Mujinga', 'washers'],
  ['Serge Ngoy', 'diggers'],
  ['Aimé Kalala', 'transporters'],
  ['Nathalie Mwanza', 'sellers'],
];

/**
 * The Kamilombe fund: the premium of the registry demo's paid sales booked as income, a CMDS
 * contribution in Congolese francs at the day's rate (recorded by the rates module's demo), a committee of seven with the washers
 * required, two meetings, five projects from the programme (rain covers and boots completed,
 * metal sheets and school kits funded, bookkeeping training cancelled) and one rejected proposal.
 */
export async function loadFundDemo(ctx: DemoContext): Promise<void> {
  const admin = ctx.system;
  const actors = await demoActors(ctx);
  const committee = actors['committee@orebook.demo']!;
  const cooperative = actors['cooperative@orebook.demo']!;
  const run = <T>(actor: typeof admin, command: Parameters<typeof runCommand<T>>[2]) => runCommand(ctx.db, actor, command);

  for (const premium of await unbookedPremiums(ctx.db, site)) await run(admin, (c) => bookPremium(c, { creditPremiumId: premium.id }));

  // The francs convert with the rates module's demo rates of 2 and 5 March 2026 (src/rates/demo.ts).
  await run(admin, (c) => recordIncome(c, { site, source: 'other', amountMinor: cdf(5_700_000), currency: 'CDF', receivedOn: '2026-03-02', counterparty: 'CMDS', description: 'Cooperative contribution from its depot fees' }));

  const ids: number[] = [];
  for (const [personName, groupCode] of members) ids.push((await run(admin, (c) => appointMember(c, { site, personName, groupCode, termStart: '2026-01-01', termEnd: '2027-12-31' }))).id);
  await run(admin, (c) => setCommitteeRules(c, { site, quorumBasisPoints: 6000, majorityBasisPoints: 5000, requiredGroups: ['washers'], publishMemberNames: false }));

  const propose = async (actor: typeof admin, props: Omit<DraftProposalProps, 'site'>) => {
    const draft = await run(actor, (c) => draftProposal(c, { site, ...props }));
    return run(actor, (c) => submitProposal(c, { proposalId: draft.id }));
  };
  const covers = await propose(committee, {
    title: 'Tarpaulin rain covers over tunnel entries',
    area: 'health_safety',
    description: 'Heavy tarpaulins on timber frames over the 15 tunnel entries most exposed to run-off, before the rains.',
    expectedBenefit: 'No tunnel flooded by run-off this rainy season.',
    measure: 'Entries covered; flooding incidents recorded by the safety captains.',
    currency: 'USD',
    budgetLines: [{ description: 'Tarpaulins, 6 × 8 m', amountMinor: usd(2_700) }, { description: 'Timber and fixings', amountMinor: usd(1_200) }, { description: 'Installation by the safety captains', amountMinor: usd(600) }],
  });
  const boots = await propose(committee, {
    title: 'Boots and gloves for washers',
    area: 'health_safety',
    description: 'Wader boots and chemical-resistant gloves for the women washers, who now hire boots by the day.',
    expectedBenefit: 'Washers work with protected feet and hands.',
    measure: 'Washers equipped; skin injuries reported at the health post.',
    currency: 'CDF',
    budgetLines: [{ description: 'Wader boots, 150 pairs', amountMinor: cdf(3_150_000) }, { description: 'Gloves, 300 pairs', amountMinor: cdf(1_125_000) }],
  });
  const motorbike = await propose(cooperative, {
    title: 'Motorbike for the cooperative’s site manager',
    area: 'cooperative_governance',
    description: 'A motorbike to travel between the site and the town offices.',
    expectedBenefit: 'Faster administration.',
    measure: 'Trips made.',
    currency: 'USD',
    budgetLines: [{ description: 'Motorbike', amountMinor: usd(4_800) }],
  });

  const vote = (present: number[], choices: VoteChoice[]) => present.map((i, n) => ({ memberId: ids[i]!, vote: choices[n]! }));
  const march = await run(committee, (c) =>
    recordMeeting(c, { site, heldOn: '2026-03-05', agenda: '1. Pluies : bâches. 2. EPI des laveuses. 3. Moto de la coopérative.', minutes: 'Le comité approuve les bâches et les EPI des laveuses ; la moto est rejetée, hors des domaines prioritaires.', minutesLanguage: 'fr', attendeeIds: [0, 1, 2, 3, 4, 6].map((i) => ids[i]!) }),
  );
  const everyone = [0, 1, 2, 3, 4, 6];
  await run(committee, (c) => decideProposal(c, { meetingId: march.id, proposalId: covers.id, votes: vote(everyone, ['yes', 'yes', 'yes', 'yes', 'yes', 'yes']) }));
  await run(committee, (c) => decideProposal(c, { meetingId: march.id, proposalId: boots.id, votes: vote(everyone, ['yes', 'abstain', 'yes', 'yes', 'yes', 'yes']) }));
  await run(committee, (c) => decideProposal(c, { meetingId: march.id, proposalId: motorbike.id, votes: vote(everyone, ['no', 'yes', 'no', 'no', 'no', 'abstain']) }));

  const pay = (proposalId: number, amountMinor: number, paidOn: string, supplier: string, number: string) =>
    run(admin, (c) => disburseTranche(c, { proposalId, amountMinor, paidOn, counterparty: supplier, receipt: receipt(number, supplier) }));
  await pay(covers.id, usd(3_000), '2026-03-20', 'Quincaillerie du Lualaba (demo)', 'QL-0320');
  await pay(boots.id, cdf(4_275_000), '2026-03-20', 'Ets Mukeba Équipements (demo)', 'EME-118');
  await pay(covers.id, usd(1_380), '2026-04-15', 'Quincaillerie du Lualaba (demo)', 'QL-0415');
  const complete = async (proposalId: number, completedOn: string, summary: string, finalCosts: number[], photos: string[]) => {
    const lines = await budgetLinesOf(ctx.db, [proposalId]);
    await run(admin, (c) => completeProject(c, { proposalId, completedOn, summary, finalCosts: Object.fromEntries(lines.map((l, i) => [l.id, finalCosts[i]!])), photos: photos.map(photo) }));
  };
  await complete(covers.id, '2026-04-20', 'Fifteen tunnel entries covered before the rains; no tunnel flooded by run-off in April.', [usd(2_640), usd(1_140), usd(600)], ['rain-covers-1.png', 'rain-covers-2.png']);
  await complete(boots.id, '2026-03-20', '150 washers received wader boots and two pairs of gloves each.', [cdf(3_150_000), cdf(1_125_000)], ['washers-boots.png']);

  const sheets = await propose(committee, {
    title: 'Pit covering with metal sheets',
    area: 'health_safety',
    description: 'Cover 12 of the uncovered pits with corrugated metal sheets on steel frames.',
    expectedBenefit: 'Fewer falls and collapses at open pits.',
    measure: 'Pits covered out of the uncovered pits of the census; miners working under covered pits.',
    currency: 'USD',
    budgetLines: [{ description: 'Metal sheets, 1,200', amountMinor: usd(12_000) }, { description: 'Steel frames', amountMinor: usd(4_500) }, { description: 'Labour', amountMinor: usd(1_500) }],
  });
  const kits = await propose(committee, {
    title: 'School kits for children in remediation',
    area: 'child_rights',
    description: 'School kits and uniforms for the children back at school under their remediation plans.',
    expectedBenefit: 'Children stay in school.',
    measure: 'Children equipped; attendance at the 3- and 6-month follow-up visits.',
    currency: 'USD',
    budgetLines: [{ description: 'Kits and uniforms, 80 children', amountMinor: usd(3_200) }],
  });
  const training = await propose(cooperative, {
    title: 'Cooperative bookkeeping training',
    area: 'cooperative_governance',
    description: 'A five-day course in double-entry bookkeeping for the cooperative’s cashiers.',
    expectedBenefit: 'Accounts the members can read.',
    measure: 'Cashiers trained; monthly accounts published to members.',
    currency: 'USD',
    budgetLines: [{ description: 'Trainer', amountMinor: usd(1_800) }, { description: 'Materials and meals', amountMinor: usd(600) }],
  });
  const july = await run(committee, (c) =>
    recordMeeting(c, { site, heldOn: '2026-07-10', agenda: 'Premium of the 2025 sale: metal sheets, school kits, bookkeeping training.', minutes: 'All three proposals approved.', minutesLanguage: 'en', attendeeIds: [0, 1, 2, 5, 6].map((i) => ids[i]!) }),
  );
  const presentInJuly = [0, 1, 2, 5, 6];
  for (const proposal of [sheets, kits, training]) await run(committee, (c) => decideProposal(c, { meetingId: july.id, proposalId: proposal.id, votes: vote(presentInJuly, ['yes', 'yes', 'yes', 'yes', 'no']) }));
  await pay(sheets.id, usd(10_000), '2026-07-25', 'Tôlerie de Kolwezi (demo)', 'TK-2207');
  await pay(kits.id, usd(3_200), '2026-08-01', 'Librairie Saint-Paul (demo)', 'LSP-0801');
  await run(admin, (c) => cancelProject(c, { proposalId: training.id, reason: 'The trainer withdrew; the cooperative will join the alliance’s regional course instead, at no cost to the fund.' }));

  ctx.say(`fund: ${site} fund with premium booked, 6 proposals (2 completed, 2 funded, 1 rejected, 1 cancelled)`);
}
