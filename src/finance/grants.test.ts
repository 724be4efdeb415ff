import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiRefusal, expectCommandRefusal } from '../../test/expect.ts';
import { actorOf } from '../../test/factories/registry.ts';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import { runInvariants } from '../core/invariants.ts';
import { findEntries, journalSize, runCommand } from '../journal/public.ts';
import { recordExchangeRate } from '../rates/public.ts';
import { recordGrantMoney } from './commands/record-grant-receipt.ts';
import { recordPartnerCommitment } from './commands/record-partner-commitment.ts';
import { checkAllocationShares } from './grant-rules.ts';
import { grantProps, recordGrant, recordSpending, setBudget, spendingProps } from './grant-test-support.ts';
import { financeAllocations, financeExpenditures, financeGrantBudgetLines, financeGrantBudgetVersions, financeGrants, financeGrantTransactions } from './grants-schema.ts';
import { financeInvariants } from './invariants.ts';
import { budgetAgainstActual, compareBudgetToActual, shareOfPeriodElapsed } from './queries/budget-vs-actual.ts';
import { activityProps, recordActivity, withProgrammeAreas } from './test-support.ts';

let t: TestContext;
let secretariat: { id: number; code: string };
let donor: { id: number; code: string };
let otherDonor: { id: number; code: string };
let partner: { id: number; code: string };
let grantId: number;
const individual = 'Jacques Qxindividualpayee';

beforeAll(async () => {
  t = await createTestContext();
  secretariat = await t.buildOrganisation({ kind: 'secretariat' });
  donor = await t.buildOrganisation({ kind: 'donor', code: 'eprm-test' });
  otherDonor = await t.buildOrganisation({ kind: 'donor', code: 'other-donor' });
  partner = await t.buildOrganisation({ kind: 'partner', code: 'partner-ngo' });
  await withProgrammeAreas(t.db, system);
  await recordActivity(t.db, system, activityProps('CREDIT-DIGITAL'));
  await recordActivity(t.db, system, activityProps('OHS-KAM', { area: 'health_safety' }));
  grantId = (await recordGrant(t.db, system, grantProps(donor.code))).id;
});
afterAll(() => t?.close());

const journal = () => journalSize(t.db);
const counts = async () => [await journal(), ...(await Promise.all([financeGrants, financeGrantBudgetVersions, financeGrantTransactions, financeExpenditures, financeAllocations].map(async (table) => (await t.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n)))];

describe('Grant agreements', () => {
  it('records a grant with what it is restricted to and its reporting dates, in one event', async () => {
    const before = await journal();
    const grant = await recordGrant(t.db, system, grantProps(donor.code, { reference: 'EPRM-2024-A', activities: ['OHS-KAM'], areas: [] }));
    expect(await journal()).toBe(before + 1);
    expect(grant).toMatchObject({ reference: 'EPRM-2024-A', currency: 'EUR', totalMinor: 32_000_000, periodStart: '2024-01-01', periodEnd: '2026-12-31' });
  });

  it('keeps references unique per donor, not across donors', async () => {
    await expect(recordGrant(t.db, system, grantProps(otherDonor.code))).resolves.toMatchObject({ reference: 'EPRM-2024-017' });
  });

  const refusals: [string, Parameters<typeof grantProps>[1], string, number][] = [
    ['a reference already used by the donor', {}, 'grant_exists', 409],
    ['a malformed reference', { reference: 'has space' }, 'grant_reference_invalid', 422],
    ['no title', { title: '  ' }, 'grant_text_required', 422],
    ['an unknown currency', { currency: 'EURO' }, 'currency_invalid', 422],
    ['a total of zero', { totalMinor: 0 }, 'amount_invalid', 422],
    ['a fractional total', { totalMinor: 10.5 }, 'amount_invalid', 422],
    ['a period that ends before it starts', { periodEnd: '2023-12-31' }, 'period_order', 422],
    ['a date that is not one', { signedOn: '2024-02-30' }, 'date_invalid', 422],
    ['no restriction', { areas: [], activities: [] }, 'restrictions_required', 422],
    ['an unknown activity', { activities: ['NOWHERE'] }, 'activity_not_found', 422],
    ['an unknown area', { areas: ['nowhere'] }, 'area_not_found', 422],
    ['a reporting date twice', { reportsDue: [{ dueOn: '2025-03-31', description: 'A' }, { dueOn: '2025-03-31', description: 'B' }] }, 'reports_invalid', 422],
  ];
  for (const [name, overrides, code, status] of refusals) {
    it(`refuses ${name}, writing nothing`, async () => {
      await expectCommandRefusal(() => recordGrant(t.db, system, grantProps(donor.code, overrides)), code, status, { unchanged: counts });
    });
  }

  it('refuses a donor that is not an organisation of kind donor', async () => {
    await expectCommandRefusal(() => recordGrant(t.db, system, grantProps(partner.code, { reference: 'X-1' })), 'donor_not_found', 422, { unchanged: counts });
  });
});

describe('Grant budgets', () => {
  it('sets version 1, and a revision is version 2 with its reason, leaving version 1 as it was', async () => {
    const first = await setBudget(t.db, system, grantId, [
      { activity: 'CREDIT-DIGITAL', category: 'staff', year: 2024, amountMinor: 5_000_000 },
      { activity: 'CREDIT-DIGITAL', category: 'services_consultants', year: 2024, amountMinor: 3_000_000 },
      { activity: 'CREDIT-DIGITAL', category: 'travel', year: 2025, amountMinor: 1_000_000 },
    ]);
    const versionOne = await t.db.select().from(financeGrantBudgetLines).where(eq(financeGrantBudgetLines.versionId, first.id));
    const second = await setBudget(
      t.db,
      system,
      grantId,
      [
        { activity: 'CREDIT-DIGITAL', category: 'staff', year: 2024, amountMinor: 4_000_000 },
        { activity: 'CREDIT-DIGITAL', category: 'services_consultants', year: 2024, amountMinor: 2_000_000 },
        { activity: 'CREDIT-DIGITAL', category: 'travel', year: 2025, amountMinor: 1_000_000 },
      ],
      'Reallocation agreed with the donor',
    );
    expect([first.version, second.version, second.reason, second.budgetMinor]).toEqual([1, 2, 'Reallocation agreed with the donor', 7_000_000]);
    expect(await t.db.select().from(financeGrantBudgetLines).where(eq(financeGrantBudgetLines.versionId, first.id))).toEqual(versionOne);
    expect((await budgetAgainstActual(t.db, { id: grantId, periodStart: '2024-01-01', periodEnd: '2026-12-31' }, '2024-01-01')).version).toBe(2);
  });

  const line = { activity: 'CREDIT-DIGITAL', category: 'staff', year: 2024, amountMinor: 100 };
  const refusals: [string, unknown[], string, string, number][] = [
    ['no lines', [], 'Revision', 'budget_lines_required', 422],
    ['no reason', [line], ' ', 'budget_reason_required', 422],
    ['a year outside the period', [{ ...line, year: 2027 }], 'Revision', 'budget_year_outside_period', 422],
    ['an activity the grant does not fund', [{ ...line, activity: 'OHS-KAM' }], 'Revision', 'budget_activity_not_funded', 422],
    ['a line twice', [line, line], 'Revision', 'budget_line_duplicate', 422],
    ['an unknown cost category', [{ ...line, category: 'parties' }], 'Revision', 'cost_category_invalid', 422],
    ['a budget beyond the grant’s total', [{ ...line, amountMinor: 32_000_001 }], 'Revision', 'budget_beyond_total', 422],
  ];
  for (const [name, lines, reason, code, status] of refusals) {
    it(`refuses ${name}, writing nothing`, async () => {
      await expectCommandRefusal(() => setBudget(t.db, system, grantId, lines as never, reason), code, status, { unchanged: counts });
    });
  }
  it('refuses an unknown grant', async () => {
    await expectCommandRefusal(() => setBudget(t.db, system, 999_999, [line]), 'grant_not_found', 404, { unchanged: counts });
  });
});

describe('Grant money', () => {
  const money = (overrides: Partial<Parameters<typeof recordGrantMoney>[1]>) => runCommand(t.db, system, (ctx) => recordGrantMoney(ctx, { grantId, kind: 'receipt', amountMinor: 10_000_000, valueOn: '2024-02-01', reference: 'BANK-1', ...overrides }));

  it('records the commitment and tranches up to the total, and refuses a receipt beyond it', async () => {
    await money({ kind: 'commitment', amountMinor: 32_000_000, reference: 'AGREEMENT' });
    await money({});
    await money({ reference: 'BANK-2', amountMinor: 22_000_000 });
    await expectCommandRefusal(() => money({ reference: 'BANK-3', amountMinor: 1 }), 'receipt_beyond_total', 422, { unchanged: counts });
    await expectCommandRefusal(() => money({ kind: 'commitment', reference: 'MORE', amountMinor: 1 }), 'commitment_beyond_total', 422, { unchanged: counts });
  });

  it('refuses the same receipt twice, a future date and a kind it does not know', async () => {
    await expectCommandRefusal(() => money({ amountMinor: 1 }), 'transaction_duplicate', 409, { unchanged: counts });
    await expectCommandRefusal(() => money({ reference: 'LATER', valueOn: '2999-01-01' }), 'date_in_future', 422, { unchanged: counts });
    await expectCommandRefusal(() => money({ kind: 'gift' as never }), 'transaction_type_invalid', 422, { unchanged: counts });
  });
});

describe('Spending and allocations', () => {
  it('charges a payment to a grant and the unrestricted funds, and journals the payee of an individual as “individual”', async () => {
    const props = spendingProps('CREDIT-DIGITAL', { individual }, { amountMinor: 300_000, category: 'staff', allocations: [{ grantId, amountMinor: 200_000 }, { grantId: null, amountMinor: 100_000 }] });
    const before = await journal();
    const expenditure = await recordSpending(t.db, system, props);
    expect(await journal()).toBe(before + 1);
    expect(expenditure.payeeIndividualName).toBe(individual);
    const allocations = await t.db.select().from(financeAllocations).where(eq(financeAllocations.expenditureId, expenditure.id));
    expect(allocations.map((a) => [a.grantId, a.amountMinor, a.grantAmountMinor])).toEqual([[grantId, 200_000, 200_000], [null, 100_000, null]]);
    const [entry] = await findEntries(t.db, { subject: `expenditure:${expenditure.id}` });
    const text = Buffer.from(entry!.bytes).toString('utf8');
    expect(text).toContain('"payee":"individual"');
    expect(text).not.toContain('Qxindividualpayee');
  });

  it('records an outgoing commitment to a partner and a disbursement paying it', async () => {
    await runCommand(t.db, system, (ctx) => recordPartnerCommitment(ctx, { reference: 'C-2024-1', partner: partner.code, activity: 'CREDIT-DIGITAL', amountMinor: 500_000, currency: 'EUR', signedOn: '2024-03-01', description: 'Field data collection' }));
    const disbursement = await recordSpending(t.db, system, spendingProps('CREDIT-DIGITAL', { organisation: partner.code }, { kind: 'disbursement', category: 'grants_to_partners', partnerCommitment: 'C-2024-1', allocations: [{ grantId, amountMinor: 100_000 }] }));
    expect(disbursement.transactionType).toBe(3);
  });

  const refusals: [string, Parameters<typeof spendingProps>[2], string, number][] = [
    ['allocations short of the amount', { allocations: [{ grantId: null, amountMinor: 99_999 }] }, 'allocations_sum', 422],
    ['allocations beyond the amount', { allocations: [{ grantId: null, amountMinor: 60_000 }, { grantId: 1, amountMinor: 60_000 }] }, 'allocations_sum', 422],
    ['no allocation', { allocations: [] }, 'allocations_required', 422],
    ['a source twice', { allocations: [{ grantId: null, amountMinor: 50_000 }, { grantId: null, amountMinor: 50_000 }] }, 'allocations_required', 422],
    ['a zero share', { allocations: [{ grantId: null, amountMinor: 100_000 }, { grantId: 1, amountMinor: 0 }] }, 'allocation_amount_invalid', 422],
    ['spending before the grant’s period', { spentOn: '2023-12-31', allocations: [{ grantId: -1, amountMinor: 100_000 }] }, 'grant_period', 422],
    ['an activity the grant does not fund', { activity: 'OHS-KAM', allocations: [{ grantId: -1, amountMinor: 100_000 }] }, 'grant_restricted', 422],
    ['a currency other than the grant’s with no rate that day', { currency: 'USD', spentOn: '2024-07-01', allocations: [{ grantId: -1, amountMinor: 100_000 }] }, 'rate_missing', 422],
    ['an unknown grant', { allocations: [{ grantId: 999_999, amountMinor: 100_000 }] }, 'grant_not_found', 422],
    ['a payment recorded twice', { reference: 'V-DUPLICATE' }, 'expenditure_duplicate', 409],
    ['a disbursement to an organisation that is not a partner', { kind: 'disbursement', payee: { organisation: 'eprm-test' } }, 'partner_required', 422],
    ['a disbursement to an individual', { kind: 'disbursement', payee: { individual } }, 'partner_required', 422],
    ['both payees', { payee: { organisation: 'partner-ngo', individual } as never }, 'payee_required', 422],
    ['an unknown payee', { payee: { organisation: 'nobody' } }, 'payee_not_found', 422],
    ['an unknown cost category', { category: 'parties' }, 'cost_category_invalid', 422],
    ['an unknown commitment', { partnerCommitment: 'C-NONE' }, 'partner_commitment_not_found', 422],
    ['an empty receipt', { receipt: { filename: 'r.pdf', contentType: 'application/pdf', content: Buffer.alloc(0) } }, 'receipt_invalid', 422],
  ];
  for (const [name, overrides, code, status] of refusals) {
    it(`refuses ${name}, writing nothing`, async () => {
      if (code === 'expenditure_duplicate') await recordSpending(t.db, system, spendingProps('CREDIT-DIGITAL', { organisation: partner.code }, { reference: 'V-DUPLICATE' }));
      const allocations = overrides?.allocations?.map((a) => ({ ...a, grantId: a.grantId === -1 ? grantId : a.grantId === 1 ? grantId : a.grantId }));
      const props = spendingProps('CREDIT-DIGITAL', { organisation: partner.code }, { ...overrides, ...(allocations ? { allocations } : {}) });
      await expectCommandRefusal(() => recordSpending(t.db, system, props), code, status, { unchanged: counts });
    });
  }

  it('stores the receipt so that no generic download serves it', async () => {
    const expenditure = await recordSpending(t.db, system, spendingProps('CREDIT-DIGITAL', { organisation: partner.code }, { receipt: { filename: 'receipt.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF receipt') } }));
    const { token } = await t.buildToken({ role: 'field', organisationId: secretariat.id });
    // Refused as a file this field officer holds no record of (the same answer as for a file that does not exist).
    expect((await t.app.request(`/api/v1/files/${expenditure.receiptFileId}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
    const admin = await t.buildToken({ role: 'admin', organisationId: secretariat.id });
    const download = await t.app.request(`/api/v1/finance/expenditures/${expenditure.id}/receipt`, { headers: { authorization: `Bearer ${admin.token}` } });
    expect([download.status, await download.text()]).toEqual([200, '%PDF receipt']);
  });

  it('holds its allocation rule for any split: accepted exactly when the shares sum to the amount (property)', async () => {
    let sequence = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 10_000_000 }), fc.array(fc.integer({ min: 1, max: 5_000_000 }), { minLength: 1, maxLength: 2 }), fc.boolean(), async (amountMinor, shares, exact) => {
        const allocations = shares.map((share, index) => ({ grantId: index === 0 ? null : grantId, amountMinor: share }));
        if (exact) {
          const rest = amountMinor - shares.slice(1).reduce((sum, share) => sum + share, 0);
          if (rest <= 0) return;
          allocations[0]!.amountMinor = rest;
        }
        const sums = allocations.reduce((sum, a) => sum + a.amountMinor, 0) === amountMinor;
        const props = spendingProps('CREDIT-DIGITAL', { organisation: partner.code }, { reference: `PROP-${++sequence}`, amountMinor, allocations });
        if (sums) {
          const expenditure = await recordSpending(t.db, system, props);
          const stored = await t.db.select().from(financeAllocations).where(eq(financeAllocations.expenditureId, expenditure.id));
          expect(stored.reduce((sum, a) => sum + a.amountMinor, 0)).toBe(amountMinor);
        } else {
          await expectCommandRefusal(() => recordSpending(t.db, system, props), 'allocations_sum', 422, { unchanged: counts });
        }
      }),
      { numRuns: 20 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.array(fc.integer({ min: 1, max: 2 ** 40 }), { minLength: 1, maxLength: 6 }), (amountMinor, shares) => {
        const allocations = shares.map((amount, index) => ({ grantId: index, amountMinor: amount }));
        const sums = shares.reduce((sum, share) => sum + share, 0) === amountMinor;
        if (sums) expect(checkAllocationShares(amountMinor, allocations)).toBe(allocations);
        else expect(() => checkAllocationShares(amountMinor, allocations)).toThrow(expect.objectContaining({ code: 'allocations_sum' }));
      }),
    );
    expect((await runInvariants(t.db, financeInvariants)).flatMap((result) => result.problems)).toEqual([]);
  });

  it('refuses every role but admin', async () => {
    for (const role of ['field', 'cooperative', 'verifier', 'committee', 'buyer', 'member'] as const) {
      await expectCommandRefusal(() => recordSpending(t.db, actorOf(secretariat, role), spendingProps('CREDIT-DIGITAL', { organisation: partner.code })), 'forbidden', 403, { unchanged: counts });
      await expectCommandRefusal(() => recordGrant(t.db, actorOf(donor, role), grantProps(donor.code, { reference: 'BY-ROLE' })), 'forbidden', 403, { unchanged: counts });
      await expectCommandRefusal(() => setBudget(t.db, actorOf(donor, role), grantId, []), 'forbidden', 403, { unchanged: counts });
    }
  });
});

describe('Budget against actual', () => {
  it('compares each line, counts spending without a line as overspent, and sets share spent against share of time elapsed', () => {
    const result = compareBudgetToActual(
      { start: '2024-01-01', end: '2026-12-31' },
      [
        { activity: 'A', category: 'staff', year: 2024, amountMinor: 1000 },
        { activity: 'A', category: 'travel', year: 2025, amountMinor: 400 },
      ],
      [
        { activity: 'A', category: 'staff', year: 2024, amountMinor: 1200 },
        { activity: 'A', category: 'travel', year: 2025, amountMinor: 100 },
        { activity: 'B', category: 'equipment_supplies', year: 2025, amountMinor: 50 },
      ],
      '2025-07-02',
    );
    expect(result.lines).toEqual([
      { activity: 'A', category: 'staff', year: 2024, budgetMinor: 1000, actualMinor: 1200, varianceMinor: -200, shareSpent: 1.2, shareElapsed: 1, overspent: true },
      { activity: 'A', category: 'travel', year: 2025, budgetMinor: 400, actualMinor: 100, varianceMinor: 300, shareSpent: 0.25, shareElapsed: 183 / 365, overspent: false },
      { activity: 'B', category: 'equipment_supplies', year: 2025, budgetMinor: 0, actualMinor: 50, varianceMinor: -50, shareSpent: null, shareElapsed: 183 / 365, overspent: true },
    ]);
    expect(result.total).toMatchObject({ budgetMinor: 1400, actualMinor: 1350, varianceMinor: 50, overspent: false, shareElapsed: shareOfPeriodElapsed('2024-01-01', '2026-12-31', '2025-07-02') });
    expect(shareOfPeriodElapsed('2024-01-01', '2024-12-31', '2023-06-01')).toBe(0);
  });

  it('gives a grant’s figures from its current budget and the shares charged to it', async () => {
    const grant = await recordGrant(t.db, system, grantProps(donor.code, { reference: 'BVA-1', totalMinor: 1_000_000 }));
    await setBudget(t.db, system, grant.id, [{ activity: 'CREDIT-DIGITAL', category: 'travel', year: 2024, amountMinor: 200_000 }]);
    await recordSpending(t.db, system, spendingProps('CREDIT-DIGITAL', { organisation: partner.code }, { category: 'travel', amountMinor: 150_000, allocations: [{ grantId: grant.id, amountMinor: 150_000 }] }));
    await recordSpending(t.db, system, spendingProps('CREDIT-DIGITAL', { individual }, { category: 'travel', amountMinor: 90_000, allocations: [{ grantId: grant.id, amountMinor: 60_000 }, { grantId: null, amountMinor: 30_000 }] }));
    const result = await budgetAgainstActual(t.db, grant, '2024-12-31');
    expect(result.lines).toEqual([{ activity: 'CREDIT-DIGITAL', category: 'travel', year: 2024, budgetMinor: 200_000, actualMinor: 210_000, varianceMinor: -10_000, shareSpent: 1.05, shareElapsed: 1, overspent: true }]);
  });
});

describe('What a donor sees', () => {
  it('lets a donor’s member user read its own grants with budget against actual, naming no individual payee', async () => {
    const user = await t.buildUser({ role: 'member', organisationId: donor.id });
    const session = await t.signIn(user.email, user.password);
    const list = (await (await session.request('/api/v1/finance/grants')).json()) as { reference: string }[];
    expect(list.map((grant) => grant.reference).sort()).toEqual(['BVA-1', 'EPRM-2024-017', 'EPRM-2024-A']);
    const outputs = [
      await (await session.request(`/api/v1/finance/grants/${grantId}`)).text(),
      await (await session.request(`/api/v1/finance/grants/${grantId}/budget-against-actual`)).text(),
      await (await session.request('/finance/grants')).text(),
      await (await session.request(`/finance/grants/${grantId}`)).text(),
      await (await session.request(`/finance/grants/${grantId}?lang=fr`)).text(),
    ];
    expect(outputs[0]).toContain('"payee":"individual"');
    expect(outputs[3]).toContain('EPRM-2024-017');
    for (const output of outputs) expect(output).not.toContain('Qxindividualpayee');
    expect(outputs[0]).not.toContain('receiptUrl');
  });

  it('refuses another donor’s grant, and a member user of an organisation that is not a donor', async () => {
    const other = await t.buildToken({ role: 'member', organisationId: otherDonor.id });
    expect((await t.app.request(`/api/v1/finance/grants/${grantId}`, { headers: { authorization: `Bearer ${other.token}` } })).status).toBe(403);
    const member = await t.buildToken({ role: 'member' });
    expect((await t.app.request('/api/v1/finance/grants', { headers: { authorization: `Bearer ${member.token}` } })).status).toBe(403);
  });

  it('shows the secretariat’s admin the individual’s name', async () => {
    const { token } = await t.buildToken({ role: 'admin', organisationId: secretariat.id });
    expect(await (await t.app.request(`/api/v1/finance/grants/${grantId}`, { headers: { authorization: `Bearer ${token}` } })).text()).toContain('Qxindividualpayee');
  });
});

describe('The API', () => {
  it('answers a refusal in the reader’s language, writing nothing', async () => {
    const { token } = await t.buildToken({ role: 'admin', organisationId: secretariat.id });
    const before = await counts();
    const body = { ...spendingProps('CREDIT-DIGITAL', { organisation: partner.code }, { allocations: [{ grantId: null, amountMinor: 5 }] }), receipt: undefined };
    const english = await expectApiRefusal(await t.app.request('/api/v1/finance/expenditures', jsonRequest('POST', body, { authorization: `Bearer ${token}` })), 422, 'allocations_sum');
    const french = await expectApiRefusal(await t.app.request('/api/v1/finance/expenditures', jsonRequest('POST', body, { authorization: `Bearer ${token}`, 'accept-language': 'fr' })), 422, 'allocations_sum');
    expect(english.message).not.toEqual(french.message);
    expect(await counts()).toEqual(before);
  });
});

describe('The invariants orebook verify checks', () => {
  it('find a budget version edited after the fact and allocations that no longer sum', async () => {
    const [version] = await t.db.select().from(financeGrantBudgetVersions).where(eq(financeGrantBudgetVersions.grantId, grantId)).limit(1);
    await t.db.update(financeGrantBudgetLines).set({ amountMinor: 1 }).where(eq(financeGrantBudgetLines.versionId, version!.id));
    const [allocation] = await t.db.select().from(financeAllocations).limit(1);
    await t.db.update(financeAllocations).set({ amountMinor: allocation!.amountMinor + 1 }).where(eq(financeAllocations.id, allocation!.id));
    const problems = (await runInvariants(t.db, financeInvariants)).flatMap((result) => result.problems);
    expect(problems).toEqual(expect.arrayContaining([`grant ${grantId} budget version ${version!.version} differs from the lines its journal event recorded`, expect.stringMatching(/^expenditure .* has allocations summing to/)]));
  });
});

describe('Spending in another currency than its grant’s', () => {
  it('charges the grant its share converted at the day’s rates, and journals the rates it used', async () => {
    await runCommand(t.db, system, (ctx) => recordExchangeRate(ctx, { currency: 'EUR', rateOn: '2024-08-01', unitsPerUsdMicro: 925_000, source: 'ECB reference rate' }));
    const spent = await recordSpending(t.db, system, spendingProps('CREDIT-DIGITAL', { organisation: 'partner-ngo' }, { reference: 'V-USD-1', currency: 'USD', spentOn: '2024-08-01', amountMinor: 100_000, allocations: [{ grantId, amountMinor: 100_000 }] }));
    const [allocation] = await t.db.select().from(financeAllocations).where(eq(financeAllocations.expenditureId, spent.id));
    // USD 1,000.00 at 0.925 EUR per USD is EUR 925.00.
    expect(allocation).toMatchObject({ amountMinor: 100_000, grantAmountMinor: 92_500 });
    const entries = (await (await t.app.request(`/api/v1/journal/entries?start=${(await journalSize(t.db)) - 1}&limit=1`)).json()) as { entries: { bytes: string }[] };
    const event = JSON.parse(Buffer.from(entries.entries[0]!.bytes, 'base64').toString('utf8')) as { payload: { allocations: { rates: { currency: string; rateOn: string }[] }[] } };
    expect(event.payload.allocations[0]!.rates).toEqual([expect.objectContaining({ currency: 'EUR', rateOn: '2024-08-01', unitsPerUsdMicro: 925_000 })]);
  });
});
