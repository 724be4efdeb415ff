import { count } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, jsonRequest, type TestContext } from '../../test/harness.ts';
import { journalSize, listEntries } from '../journal/public.ts';
import { savingsLoans, savingsMeetingEntries, savingsMeetings, savingsRepayments } from './schema.ts';

/**
 * A small cycle worked by hand through the API: three weekly meetings, a loan and its repayment, the
 * share-out, and the year's figures. Every bad input is refused with nothing written.
 */
let t: TestContext;
let admin: string;
const group = 'TST-VSLA-01';
const m = (n: number) => `${group}-M0${n}`;
const names = ['Mwamini Kabange', 'Esther Ngoy', 'Jeanne Mbuyu', 'Patrick Ilunga'];

const post = (path: string, body: unknown, locale = 'en') => t.app.request(`/api/v1${path}`, jsonRequest('POST', body, { authorization: `Bearer ${admin}`, 'accept-language': locale }));
const get = (path: string) => t.app.request(`/api/v1${path}`, { headers: { authorization: `Bearer ${admin}` } });
const n = async (table: PgTable) => Number((await t.db.select({ n: count() }).from(table))[0]!.n);
const footprint = async () => [await journalSize(t.db), await n(savingsMeetings), await n(savingsMeetingEntries), await n(savingsLoans), await n(savingsRepayments)];

const meeting = (meetingDate: string, members: object[], loans: object[] = []) => ({ groupCode: group, cycle: 1, meetingDate, members, loans });

beforeAll(async () => {
  t = await createTestContext();
  const fca = await t.buildOrganisation({ kind: 'secretariat', code: 'tst-fca' });
  admin = (await t.buildToken({ role: 'admin', organisationId: fca.id })).token;
  const created = await post('/savings/groups', {
    code: group,
    name: 'Tujenge',
    community: 'Kasulo',
    facilitator: 'tst-fca',
    formedOn: '2024-12-01',
    members: [
      { name: names[0], sex: 'female', committeeRole: 'chair' },
      { name: names[1], sex: 'female', committeeRole: 'treasurer' },
      { name: names[2], sex: 'female' },
      { name: names[3], sex: 'male' },
    ],
  });
  expect(created.status).toBe(201);
  const cycle = await post(`/savings/groups/${group}/cycles`, {
    startsOn: '2025-01-01',
    endsOn: '2025-12-31',
    sharePriceMinor: 10_000,
    maxSharesPerMeeting: 5,
    monthlyInterestBps: 1000,
    socialFundContributionMinor: 2_000,
  });
  expect(cycle.status).toBe(201);
});
afterAll(() => t.close());

describe('savings ledger', () => {
  it('records a meeting with its loan, absent members included', async () => {
    const response = await post(
      '/savings/meetings',
      meeting(
        '2025-01-07',
        [
          { memberCode: m(1), present: true, shares: 5, socialFundMinor: 2_000 },
          { memberCode: m(2), present: true, shares: 4, socialFundMinor: 2_000 },
          { memberCode: m(3), present: true, shares: 3, socialFundMinor: 2_000 },
        ],
        // 100 000 for two months at 10 % a month: 20 000 interest.
        [{ memberCode: m(1), principalMinor: 100_000, dueDate: '2025-03-07' }],
      ),
    );
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ membersPresent: 3, membersListed: 4, sharesBought: 12, savingsMinor: 120_000, socialFundMinor: 6_000, loansIssued: 1, loansMinor: 100_000 });
    const [loan] = await t.db.select().from(savingsLoans);
    expect(loan).toMatchObject({ principalMinor: 100_000, interestMinor: 20_000, repaidMinor: 0, dueOn: '2025-03-07' });
  });

  it('refuses bad input with a stable code, in the reader’s language, writing nothing', async () => {
    const before = await footprint();
    const row = (over: object = {}) => ({ memberCode: m(2), present: true, shares: 1, ...over });
    const cases: [object, number, string][] = [
      [meeting('2025-01-14', [row({ shares: 6 })]), 422, 'shares_above_maximum'],
      [meeting('2025-01-14', [row({ repaymentMinor: 1 })]), 422, 'repayment_above_balance'],
      [meeting('2025-01-14', [row({ memberCode: m(1), repaymentMinor: 120_001 })]), 422, 'repayment_above_balance'],
      [meeting('2026-01-06', [row()]), 422, 'meeting_outside_cycle'],
      [meeting('2024-12-31', [row()]), 422, 'meeting_outside_cycle'],
      [meeting('2025-01-14', [row({ memberCode: `${group}-M09` })]), 422, 'member_unknown'],
      [meeting('2025-01-14', [row(), row()]), 422, 'member_listed_twice'],
      [meeting('2025-01-14', [row()], [{ memberCode: m(3), principalMinor: 40_000, dueDate: '2025-02-14' }]), 422, 'loan_above_fund'],
      [meeting('2025-01-14', [row()], [{ memberCode: m(3), principalMinor: 1_000, dueDate: '2025-01-14' }]), 422, 'loan_invalid'],
      [meeting('2025-01-07', [row()]), 409, 'meeting_already_recorded'],
      [{ ...meeting('2025-01-14', [row()]), cycle: 2 }, 404, 'cycle_not_found'],
      [{ ...meeting('2025-01-14', [row()]), groupCode: 'TST-VSLA-99' }, 404, 'group_not_found'],
      [meeting('2025-01-14', [row({ shares: -1 })]), 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const response = await post('/savings/meetings', body);
      expect({ code, status: response.status }).toEqual({ code, status });
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    const french = await post('/savings/meetings', meeting('2025-01-14', [row({ shares: 6 })]), 'fr');
    expect(((await french.json()) as { error: { message: string } }).error.message).toBe(`Le membre ${m(2)} a acheté 6 parts ; le cycle en permet au plus 5 par réunion.`);
    expect(await footprint()).toEqual(before);
  });

  it('applies repayments interest first, then refuses a share-out while a loan is unpaid', async () => {
    const second = await post(
      '/savings/meetings',
      meeting('2025-01-14', [
        { memberCode: m(1), present: true, shares: 2, repaymentMinor: 60_000 },
        { memberCode: m(2), present: true, shares: 5 },
        { memberCode: m(3), present: true, shares: 5 },
        { memberCode: m(4), present: true, shares: 0, fineMinor: 500 },
      ]),
    );
    expect(second.status).toBe(201);
    const [repayment] = await t.db.select().from(savingsRepayments);
    expect(repayment).toMatchObject({ amountMinor: 60_000, interestMinor: 20_000 });
    const early = await post(`/savings/groups/${group}/cycles/1/share-out`, { heldOn: '2025-01-20' });
    expect(early.status).toBe(409);
    expect(((await early.json()) as { error: { code: string } }).error.code).toBe('loans_outstanding');
  });

  it('shares out the fund exactly, as computed by hand', async () => {
    const third = await post(
      '/savings/meetings',
      meeting('2025-01-21', [
        { memberCode: m(1), present: true, shares: 1, repaymentMinor: 60_000 },
        { memberCode: m(2), present: true, shares: 0 },
        { memberCode: m(3), present: false, shares: 0 },
        { memberCode: m(4), present: true, shares: 3 },
      ]),
    );
    expect(third.status).toBe(201);
    const before = await post(`/savings/groups/${group}/cycles/1/share-out`, { heldOn: '2025-01-20' });
    expect(((await before.json()) as { error: { code: string } }).error.code).toBe('share_out_before_last_meeting');

    // Shares: M01 5+2+1 = 8, M02 4+5 = 9, M03 3+5 = 8, M04 3: 28 shares, savings 280 000.
    // Fund = savings 280 000 + fines 500 + repaid 120 000 − lent 100 000 = 300 500.
    // 300 500 × 8 / 28 = 85 857 r 4; × 9 / 28 = 96 589 r 8; × 3 / 28 = 32 196 r 12.
    // Floors add up to 300 499; the one centime left goes to M04, the largest remainder.
    const response = await post(`/savings/groups/${group}/cycles/1/share-out`, { heldOn: '2025-01-28' });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({
      groupCode: group,
      cycle: 1,
      fundMinor: 300_500,
      totalShares: 28,
      currency: 'CDF',
      payouts: [
        { memberCode: m(1), shares: 8, payoutMinor: 85_857 },
        { memberCode: m(2), shares: 9, payoutMinor: 96_589 },
        { memberCode: m(3), shares: 8, payoutMinor: 85_857 },
        { memberCode: m(4), shares: 3, payoutMinor: 32_197 },
      ],
    });
    const late = await post('/savings/meetings', meeting('2025-02-04', [{ memberCode: m(1), present: true, shares: 1 }]));
    expect(((await late.json()) as { error: { code: string } }).error.code).toBe('cycle_shared_out');
    const cycle = (await (await get(`/savings/groups/${group}/cycles/1`)).json()) as { members: { memberCode: string; payoutMinor: number }[]; loans: { balanceMinor: number }[] };
    expect(cycle.members.map((p) => p.payoutMinor)).toEqual([85_857, 96_589, 85_857, 32_197]);
    expect(cycle.loans).toEqual([expect.objectContaining({ balanceMinor: 0 })]);
  });

  it('publishes the year’s figures to anyone, without a member', async () => {
    const loanId = (await t.db.select().from(savingsLoans))[0]!.id;
    expect((await post('/savings/enterprises', { ownerMemberCode: m(1), sector: 'retail', startedOn: '2025-02-01', financingLoanId: loanId })).status).toBe(201);
    const wrongLoan = await post('/savings/enterprises', { ownerMemberCode: m(2), sector: 'food', startedOn: '2025-02-01', financingLoanId: loanId });
    expect(((await wrongLoan.json()) as { error: { code: string } }).error.code).toBe('enterprise_loan_invalid');
    expect((await post('/savings/enterprises/revenues', { enterpriseCode: `${group}-E01`, month: '2025-03', revenueMinor: 450_000 })).status).toBe(201);

    const response = await t.app.request('/api/v1/savings/summary?year=2025');
    expect(response.status).toBe(200);
    const text = await response.text();
    for (const name of names) expect(text).not.toContain(name);
    expect(text).not.toMatch(/-M\d\d/);
    const summary = JSON.parse(text) as Record<string, unknown>;
    expect(summary).toMatchObject({
      groups: 1,
      members: 4,
      shareOfWomen: 0.75,
      savingsMinor: 280_000,
      savingsPerMemberMinor: 70_000,
      loansOutstandingMinor: 0,
      loanFundUtilisation: 0,
      portfolioAtRisk30: null,
      meetings: 3,
      // 3 of 4, 4 of 4, 3 of 4
      attendanceRate: 10 / 12,
      socialFundMinor: 6_000,
      shareOuts: { count: 1, paidOutMinor: 300_500 },
      enterprisesActive: 1,
      enterprisesFinancedByGroupLoan: 1,
    });
    // Income 20 000 interest + 500 fines over 28 days (1–28 January, the share-out), on savings of 280 000.
    expect(summary.annualisedReturnOnSavings).toBeCloseTo((20_500 * 365) / 28 / 280_000, 12);
    expect(await (await t.app.request('/api/v1/savings/summary?year=2024')).json()).toMatchObject({ groups: 0, members: 0, shareOfWomen: null });
  });

  it('keeps names out of the journal', async () => {
    const events = await listEntries(t.db, 0, await journalSize(t.db));
    const text = events.map((e) => Buffer.from(e.bytes).toString('utf8')).join('\n');
    expect(text).toContain('savings.cycle_shared_out');
    for (const name of names) expect(text).not.toContain(name);
    expect(text).not.toContain(m(2)); // no member list, no per-member figures
  });
});
