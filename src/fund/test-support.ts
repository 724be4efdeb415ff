import { runCommand } from '../journal/public.ts';
import type { Actor } from '../core/auth/roles.ts';
import type { Database } from '../db/connect.ts';
import { appointMember } from './commands/appoint-member.ts';
import { setCommitteeRules } from './commands/set-committee-rules.ts';
import { draftProposal, submitProposal } from './commands/draft-proposal.ts';
import { recordIncome } from './commands/record-income.ts';
import { recordMeeting } from './commands/record-meeting.ts';

/** A receipt or photo as a form would upload it. */
export const pngFile = (name = 'receipt.png') => ({ filename: name, contentType: 'image/png', content: Buffer.from(`\x89PNG fake image ${name}`) });

/**
 * A site's fund with a committee of five (alliance, cooperative, two washers, a digger), the
 * washers required, a grant of `grantMinor` USD, and a submitted proposal: what the fund's tests
 * build on.
 */
export async function fundWithCommittee(db: Database, admin: Actor, site: string, grantMinor = 5_000_000) {
  const term = { termStart: '2025-01-01', termEnd: '2027-12-31' };
  const members = [];
  for (const [personName, groupCode] of [
    ['Alice Alliance', 'alliance'],
    ['Bernard Coop', 'cooperative'],
    ['Chantal Laveuse', 'washers'],
    ['Denise Laveuse', 'washers'],
    ['Emile Creuseur', 'diggers'],
  ] as const) {
    members.push(await runCommand(db, admin, (c) => appointMember(c, { site, personName, groupCode, ...term })));
  }
  await runCommand(db, admin, (c) => setCommitteeRules(c, { site, quorumBasisPoints: 6000, majorityBasisPoints: 5000, requiredGroups: ['washers'], publishMemberNames: false }));
  await runCommand(db, admin, (c) => recordIncome(c, { site, source: 'grant', amountMinor: grantMinor, currency: 'USD', receivedOn: '2026-01-10', counterparty: 'Demo donor' }));
  return { members };
}

export async function submittedProposal(db: Database, actor: Actor, site: string, amounts: number[] = [300_000, 200_000], currency = 'USD') {
  const proposal = await runCommand(db, actor, (c) =>
    draftProposal(c, {
      site,
      title: 'Tarpaulin rain covers over tunnel entries',
      area: 'health_safety',
      description: 'Cover the entries of the tunnels most exposed to flooding.',
      expectedBenefit: 'Fewer floodings of tunnels in the rainy season.',
      measure: 'Tunnel entries covered; flooding incidents.',
      currency,
      budgetLines: amounts.map((amountMinor, i) => ({ description: `Line ${i + 1}`, amountMinor })),
    }),
  );
  return runCommand(db, actor, (c) => submitProposal(c, { proposalId: proposal.id }));
}

export async function meetingOf(db: Database, actor: Actor, site: string, attendeeIds: number[], heldOn = '2026-03-01') {
  return runCommand(db, actor, (c) => recordMeeting(c, { site, heldOn, agenda: 'Proposals', minutes: 'Procès-verbal', minutesLanguage: 'fr', attendeeIds }));
}
