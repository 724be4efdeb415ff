import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../../test/factories/registry.ts';
import { insertSite } from '../../test/factories/sites.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { runInvariants } from '../core/invariants.ts';
import { runCommand } from '../journal/public.ts';
import { decideProposal } from './commands/decide-proposal.ts';
import { disburseTranche } from './commands/disburse-tranche.ts';
import { accountBalance } from './ledger.ts';
import { fundInvariants } from './invariants.ts';
import { fundWithCommittee, meetingOf, pngFile, submittedProposal } from './test-support.ts';

/** Runs on PGlite and, with DATABASE_URL, on PostgreSQL, where the commands really run at once. */
let t: TestContext;
let site: string;
let members: { id: number }[];
let committee: ReturnType<typeof actorOf>;

beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  site = (await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'CCY' })).site.code;
  committee = actorOf(cooperative, 'committee');
  ({ members } = await fundWithCommittee(t.db, system, site, 1_000_000));
});
afterAll(() => t?.close());

async function together<T>(commands: (() => Promise<T>)[]) {
  const outcomes = await Promise.allSettled(commands.map((command) => command()));
  return { succeeded: outcomes.filter((o) => o.status === 'fulfilled').length, failed: outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as { code?: string }) };
}

describe('Concurrent fund commands', () => {
  it('ten tranches paid at once against one approval: only those that fit are paid, nothing is overdrawn', async () => {
    const proposal = await submittedProposal(t.db, committee, site, [500_000]);
    const meeting = await meetingOf(t.db, committee, site, members.slice(0, 3).map((m) => m.id));
    await runCommand(t.db, committee, (c) => decideProposal(c, { meetingId: meeting.id, proposalId: proposal.id, votes: members.slice(0, 3).map((m) => ({ memberId: m.id, vote: 'yes' as const })) }));
    const { succeeded, failed } = await together(
      Array.from({ length: 10 }, () => () => runCommand(t.db, system, (c) => disburseTranche(c, { proposalId: proposal.id, amountMinor: 120_000, paidOn: '2026-04-01', counterparty: 'Supplier', receipt: pngFile() }))),
    );
    expect(succeeded).toBe(4);
    expect(failed.map((e) => e.code)).toEqual(Array(6).fill('exceeds_commitment'));
    expect(await accountBalance(t.db, { fundId: proposal.fundId, currency: 'USD', kind: 'disbursed', proposalId: proposal.id })).toBe(480_000);
    expect(await accountBalance(t.db, { fundId: proposal.fundId, currency: 'USD', kind: 'committed', proposalId: proposal.id })).toBe(20_000);
    const results = await runInvariants(t.db, fundInvariants);
    expect(results.filter((r) => r.problems.length > 0)).toEqual([]);
  });

  it('approvals decided at once never commit more than the available balance', async () => {
    const available = await accountBalance(t.db, { fundId: (await submittedProposal(t.db, committee, site, [1])).fundId, currency: 'USD', kind: 'available' });
    const proposals = await Promise.all(Array.from({ length: 4 }, () => submittedProposal(t.db, committee, site, [Math.floor(available / 3)])));
    const meeting = await meetingOf(t.db, committee, site, members.slice(0, 3).map((m) => m.id));
    const { succeeded, failed } = await together(
      proposals.map((p) => () => runCommand(t.db, committee, (c) => decideProposal(c, { meetingId: meeting.id, proposalId: p.id, votes: members.slice(0, 3).map((m) => ({ memberId: m.id, vote: 'yes' as const })) }))),
    );
    expect(succeeded).toBe(3);
    expect(failed.map((e) => e.code)).toEqual(['insufficient_available']);
    expect(await accountBalance(t.db, { fundId: proposals[0]!.fundId, currency: 'USD', kind: 'available' })).toBe(available - 3 * Math.floor(available / 3));
  });
});
