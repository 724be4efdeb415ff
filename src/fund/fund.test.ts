import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../../test/factories/registry.ts';
import { insertSite } from '../../test/factories/sites.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { problemsAfter } from '../../test/invariants.ts';
import { runInvariants } from '../core/invariants.ts';
import { rowsOf } from '../db/connect.ts';
import { runCommand } from '../journal/public.ts';
import { convertWith, rateBookOf, recordExchangeRate } from '../rates/public.ts';
import { cancelProject, completeProject } from './commands/close-project.ts';
import { decideProposal } from './commands/decide-proposal.ts';
import { disburseTranche } from './commands/disburse-tranche.ts';
import { accountBalance, fundOf } from './ledger.ts';
import { recordIncome } from './commands/record-income.ts';
import { countDecision } from './committee-rules.ts';
import { fundInvariants } from './invariants.ts';
import { budgetLinesOf } from './queries/committee.ts';
import { balanceMismatches, fundBalances } from './queries/ledger.ts';
import { publicFundReport } from './queries/public-report.ts';
import { fundWithCommittee, meetingOf, pngFile, submittedProposal } from './test-support.ts';

let t: TestContext;
let site: string;
let members: { id: number }[];
let committee: ReturnType<typeof actorOf>;
const admin = system;

beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  site = (await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'FND' })).site.code;
  committee = actorOf(cooperative, 'committee');
  ({ members } = await fundWithCommittee(t.db, admin, site));
});
afterAll(() => t?.close());

const ids = (...indexes: number[]) => indexes.map((i) => members[i]!.id);
const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as { code: string; status: number });

async function expectInvariantsHold() {
  const results = await runInvariants(t.db, fundInvariants);
  expect(results.filter((r) => r.problems.length > 0)).toEqual([]);
}

describe('The decision rules', () => {
  const rules = { quorumBasisPoints: 6000, majorityBasisPoints: 5000, requiredGroups: ['washers'] };
  it('needs the quorum share of members in office present, rounded up', () => {
    expect(countDecision(rules, { membersInOffice: 5, presentGroups: ['washers', 'alliance'], votes: ['yes', 'yes'] })).toMatchObject({ quorumNeeded: 3, present: 2 });
    expect(countDecision(rules, { membersInOffice: 5, presentGroups: ['washers', 'alliance', 'diggers'], votes: [] }).quorumNeeded).toBe(3);
  });
  it('names the required groups not present', () => {
    expect(countDecision(rules, { membersInOffice: 5, presentGroups: ['alliance', 'diggers', 'cooperative'], votes: [] }).missingGroups).toEqual(['washers']);
  });
  it('approves on more than the majority share of yes and no votes; a tie or abstentions alone reject', () => {
    expect(countDecision(rules, { membersInOffice: 5, presentGroups: [], votes: ['yes', 'yes', 'no'] }).outcome).toBe('approved');
    expect(countDecision(rules, { membersInOffice: 5, presentGroups: [], votes: ['yes', 'no', 'abstain'] }).outcome).toBe('rejected');
    expect(countDecision(rules, { membersInOffice: 5, presentGroups: [], votes: ['abstain', 'abstain'] }).outcome).toBe('rejected');
    expect(countDecision({ ...rules, majorityBasisPoints: 6666 }, { membersInOffice: 5, presentGroups: [], votes: ['yes', 'yes', 'no'] }).outcome).toBe('approved');
    expect(countDecision({ ...rules, majorityBasisPoints: 6667 }, { membersInOffice: 5, presentGroups: [], votes: ['yes', 'yes', 'no'] }).outcome).toBe('rejected');
  });
});

describe('A committee meeting decides a proposal', () => {
  it('refuses a decision without quorum, without the washers, with a vote by an absent member or a member voting twice, and writes nothing', async () => {
    const proposal = await submittedProposal(t.db, committee, site);
    const journalBefore = await t.db.execute(sql`select count(*)::int as n from journal_entries`);
    const thin = await meetingOf(t.db, committee, site, ids(0, 2));
    expect(await refusal(runCommand(t.db, committee, (c) => decideProposal(c, { meetingId: thin.id, proposalId: proposal.id, votes: [{ memberId: members[0]!.id, vote: 'yes' }] })))).toMatchObject({ code: 'quorum_not_met', status: 422 });
    const noWashers = await meetingOf(t.db, committee, site, ids(0, 1, 4));
    expect(await refusal(runCommand(t.db, committee, (c) => decideProposal(c, { meetingId: noWashers.id, proposalId: proposal.id, votes: [] })))).toMatchObject({ code: 'required_group_absent' });
    const full = await meetingOf(t.db, committee, site, ids(0, 1, 2));
    expect(await refusal(runCommand(t.db, committee, (c) => decideProposal(c, { meetingId: full.id, proposalId: proposal.id, votes: [{ memberId: members[4]!.id, vote: 'yes' }] })))).toMatchObject({ code: 'voter_not_present' });
    expect(await refusal(runCommand(t.db, committee, (c) => decideProposal(c, { meetingId: full.id, proposalId: proposal.id, votes: [{ memberId: members[0]!.id, vote: 'yes' }, { memberId: members[0]!.id, vote: 'no' }] })))).toMatchObject({ code: 'vote_twice' });
    const journalAfter = await t.db.execute(sql`select count(*)::int as n from journal_entries`);
    // Three meetings were recorded, nothing else.
    expect((journalAfter as unknown as { rows: { n: number }[] }).rows[0]!.n - (journalBefore as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(3);
    expect(await accountBalance(t.db, { fundId: proposal.fundId, currency: 'USD', kind: 'committed', proposalId: proposal.id })).toBe(0);
  });

  it('approves with the members’ votes, commits the amount from the available balance, and refuses a second decision', async () => {
    const proposal = await submittedProposal(t.db, committee, site);
    const fund = await fundOf(t.db, site);
    const before = (await fundBalances(t.db, fund.id)).find((b) => b.currency === 'USD')!.available;
    const meeting = await meetingOf(t.db, committee, site, ids(0, 1, 2, 3));
    const votes = [{ memberId: members[0]!.id, vote: 'yes' as const }, { memberId: members[1]!.id, vote: 'yes' as const }, { memberId: members[2]!.id, vote: 'no' as const }, { memberId: members[3]!.id, vote: 'abstain' as const }];
    const { proposal: decided } = await runCommand(t.db, committee, (c) => decideProposal(c, { meetingId: meeting.id, proposalId: proposal.id, votes }));
    expect(decided).toMatchObject({ status: 'approved', approvedMinor: 500_000 });
    const after = (await fundBalances(t.db, fund.id)).find((b) => b.currency === 'USD')!;
    expect(after.available).toBe(before - 500_000);
    expect(await accountBalance(t.db, { fundId: fund.id, currency: 'USD', kind: 'committed', proposalId: proposal.id })).toBe(500_000);
    expect(await refusal(runCommand(t.db, committee, (c) => decideProposal(c, { meetingId: meeting.id, proposalId: proposal.id, votes: [] })))).toMatchObject({ code: 'proposal_status', status: 409 });
    // The journal names members by id only.
    const events = await t.db.execute(sql`select convert_from(bytes, 'UTF8') as event from journal_entries where type like 'fund.%'`);
    const text = (events as unknown as { rows: { event: string }[] }).rows.map((r) => r.event).join('\n');
    expect(text).toContain(`"memberId":${members[0]!.id}`);
    expect(text).not.toContain('Alice Alliance');
    expect(text).not.toContain('Laveuse');
    await expectInvariantsHold();
  });

  it('refuses to approve more than the fund has available', async () => {
    const proposal = await submittedProposal(t.db, committee, site, [900_000_000]);
    const meeting = await meetingOf(t.db, committee, site, ids(0, 1, 2));
    const votes = ids(0, 1, 2).map((memberId) => ({ memberId, vote: 'yes' as const }));
    expect(await refusal(runCommand(t.db, committee, (c) => decideProposal(c, { meetingId: meeting.id, proposalId: proposal.id, votes })))).toMatchObject({ code: 'insufficient_available', status: 422 });
  });
});

describe('Tranches, completion and cancellation', () => {
  async function approvedProject(amounts = [300_000, 200_000]) {
    const proposal = await submittedProposal(t.db, committee, site, amounts);
    const meeting = await meetingOf(t.db, committee, site, ids(0, 1, 2));
    await runCommand(t.db, committee, (c) => decideProposal(c, { meetingId: meeting.id, proposalId: proposal.id, votes: ids(0, 1, 2).map((memberId) => ({ memberId, vote: 'yes' as const })) }));
    return proposal;
  }

  it('pays tranches up to the approval, refuses one beyond it, completes with final costs and releases the rest', async () => {
    const project = await approvedProject();
    const pay = (amountMinor: number) => runCommand(t.db, admin, (c) => disburseTranche(c, { proposalId: project.id, amountMinor, paidOn: '2026-04-01', counterparty: 'Quincaillerie Lualaba', receipt: pngFile() }));
    await pay(250_000);
    expect(await refusal(pay(250_001))).toMatchObject({ code: 'exceeds_commitment', status: 422 });
    expect(await refusal(runCommand(t.db, admin, (c) => disburseTranche(c, { proposalId: project.id, amountMinor: 10, paidOn: '2026-04-01', counterparty: 'X', receipt: { ...pngFile(), content: Buffer.alloc(0) } })))).toMatchObject({ code: 'receipt_required' });
    await pay(200_000);
    const lines = await budgetLinesOf(t.db, [project.id]);
    const completed = await runCommand(t.db, admin, (c) => completeProject(c, { proposalId: project.id, completedOn: '2026-05-01', summary: 'Covers installed over 12 tunnel entries.', finalCosts: { [lines[0]!.id]: 260_000, [lines[1]!.id]: 190_000 }, photos: [pngFile('covers.png')] }));
    expect(completed.status).toBe('completed');
    expect(await accountBalance(t.db, { fundId: project.fundId, currency: 'USD', kind: 'committed', proposalId: project.id })).toBe(0);
    const report = await publicFundReport(t.db, site, '2026-06-01');
    const shown = report.projects.find((p) => p.id === project.id)!;
    expect(shown).toMatchObject({ status: 'completed', disbursedMinor: 450_000, completion: { finalCostMinor: 450_000, budgetMinor: 500_000 } });
    expect(shown.completion!.photos).toHaveLength(1);
    await expectInvariantsHold();
  });

  it('cancels an approved project with a reason and gives its commitment back', async () => {
    const project = await approvedProject([100_000]);
    const fund = await fundOf(t.db, site);
    const before = (await fundBalances(t.db, fund.id)).find((b) => b.currency === 'USD')!.available;
    expect(await refusal(runCommand(t.db, admin, (c) => cancelProject(c, { proposalId: project.id, reason: ' ' })))).toMatchObject({ code: 'cancel_reason_required' });
    await runCommand(t.db, admin, (c) => cancelProject(c, { proposalId: project.id, reason: 'The supplier could not deliver before the rains.' }));
    expect((await fundBalances(t.db, fund.id)).find((b) => b.currency === 'USD')!.available).toBe(before + 100_000);
    await expectInvariantsHold();
  });
});

describe('The ledger', () => {
  it('keeps every balance equal to the sum of its entries, and verify notices when it is not', async () => {
    expect(await balanceMismatches(t.db)).toEqual([]);
    const [row] = (await t.db.execute(sql`select count(*)::int as n from fund_entries`) as unknown as { rows: { n: number }[] }).rows;
    expect(row!.n).toBeGreaterThan(10);
    // Only the entries trigger may change a balance: a direct update is refused.
    await expect(t.db.execute(sql`update fund_ledger_accounts set balance_minor = balance_minor + 1 where kind = 'available'`)).rejects.toThrow();
    // With the guards off (as a careless restore might), verify catches the difference: one problem per tampered account.
    const tampered = rowsOf<{ id: number }>(await t.db.execute(sql`select id from fund_ledger_accounts where kind = 'available' order by id`)).map((r) => r.id);
    expect(tampered.length).toBeGreaterThan(0);
    const problems = await problemsAfter(t.db, fundInvariants, async (tx) => {
      await tx.execute(sql`alter table fund_ledger_accounts disable trigger user`);
      await tx.execute(sql`update fund_ledger_accounts set balance_minor = balance_minor + 1 where kind = 'available'`);
    });
    expect(Object.keys(problems)).toEqual(['fund.balance_is_sum_of_entries']);
    expect(problems['fund.balance_is_sum_of_entries']!.map((p) => Number(/account (\d+) /.exec(p)?.[1])).sort((a, b) => a - b)).toEqual(tampered);
    await expectInvariantsHold();
  });

  it('refuses in the database an entry that would overdraw the available balance', async () => {
    const fund = await fundOf(t.db, site);
    const available = (await fundBalances(t.db, fund.id)).find((b) => b.currency === 'USD')!.available;
    await expect(
      t.db.transaction(async (tx) => {
        const [txn] = (await tx.execute(sql`insert into fund_transactions (fund_id, kind, currency, amount_minor, occurred_on, proposal_id) values (${fund.id}, 'release', 'USD', 1, '2026-01-01', (select min(id) from fund_proposals)) returning id`) as unknown as { rows: { id: number }[] }).rows;
        const [account] = (await tx.execute(sql`select id from fund_ledger_accounts where fund_id = ${fund.id} and kind = 'available' and currency = 'USD'`) as unknown as { rows: { id: number }[] }).rows;
        await tx.execute(sql`insert into fund_entries (transaction_id, account_id, amount_minor) values (${txn!.id}, ${account!.id}, ${-(available + 1)})`);
      }),
    ).rejects.toThrow();
  });

  it('needs a rate for the day of an amount in another currency, and converts with it', async () => {
    expect(await refusal(runCommand(t.db, admin, (c) => recordIncome(c, { site, source: 'other', amountMinor: 2_850_000_00, currency: 'CDF', receivedOn: '2026-02-02', counterparty: 'CMDS' })))).toMatchObject({ code: 'rate_missing', status: 422 });
    await runCommand(t.db, admin, (c) => recordExchangeRate(c, { currency: 'CDF', rateOn: '2026-02-02', unitsPerUsdMicro: 2_850_000_000, source: 'BCC daily rate' }));
    expect(await refusal(runCommand(t.db, admin, (c) => recordExchangeRate(c, { currency: 'CDF', rateOn: '2026-02-02', unitsPerUsdMicro: 1, source: 'again' })))).toMatchObject({ code: 'rate_exists', status: 409 });
    await runCommand(t.db, admin, (c) => recordIncome(c, { site, source: 'other', amountMinor: 2_850_000_00, currency: 'CDF', receivedOn: '2026-02-02', counterparty: 'CMDS' }));
    const report = await publicFundReport(t.db, site, '2026-06-01');
    expect(report.moneyIn.find((m) => m.currency === 'CDF')).toMatchObject({ source: 'other', amountMinor: 2_850_000_00, usdMinor: 100_000 });
    expect(report.ratesUsed).toEqual([{ currency: 'CDF', rateOn: '2026-02-02', unitsPerUsdMicro: 2_850_000_000, source: 'BCC daily rate' }]);
    const book = rateBookOf([{ id: 1, currency: 'CDF', rateOn: '2026-02-02', unitsPerUsdMicro: 2_850_000_000, source: 'BCC daily rate' }]);
    const toUsd = (amountMinor: number) => convertWith(book, { amountMinor, from: 'CDF', to: 'USD', on: '2026-02-02' }).amountMinor;
    expect(toUsd(1)).toBe(0);
    expect(toUsd(2_850_00)).toBe(100);
  });

  it('refuses a proposal in an unknown area', async () => {
    const { draftProposal } = await import('./commands/draft-proposal.ts');
    expect(
      await refusal(runCommand(t.db, committee, (c) => draftProposal(c, { site, title: 'X', area: 'roads', description: 'd', expectedBenefit: 'b', measure: 'm', currency: 'USD', budgetLines: [{ description: 'a', amountMinor: 1 }] }))),
    ).toMatchObject({ code: 'area_unknown', status: 422 });
  });
});
