import { execFileSync } from 'node:child_process';
import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyAndRetireCredits } from '../../test/factories/credit-sale.ts';
import { actorOf } from '../../test/factories/registry.ts';
import { expectApiRefusal, expectCommandRefusal } from '../../test/expect.ts';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import { runInvariants } from '../core/invariants.ts';
import { journalSize, runCommand } from '../journal/public.ts';
import { createMembership, type CreateMembershipProps } from './commands/members/create-membership.ts';
import { issueContributionCalls, type IssueContributionCallsProps } from './commands/members/issue-contribution-calls.ts';
import { recordContributionPayment, type RecordContributionPaymentProps } from './commands/members/record-contribution-payment.ts';
import { setContributionRate, type ContributionRateProps } from './commands/members/set-contribution-rate.ts';
import { updateMembership } from './commands/members/update-membership.ts';
import { contributionAmount, contributionBasis, type ContributionRate } from './contribution-rule.ts';
import { renderContributionCall } from './invoice/render-contribution-call.ts';
import { financeInvariants } from './invariants.ts';
import { callForReader, listMembers, totalBalances } from './queries/members.ts';
import { financeContributionCalls, financeContributionPayments, financeContributionRates, financeMemberships } from './schema.ts';
import { activityProps, recordActivity, withProgrammeAreas } from './test-support.ts';

let t: TestContext;
let secretariat: { id: number; code: string };
let acme: { id: number; code: string };
let ore: { id: number; code: string };

const usd = (dollars: number) => dollars * 100;
const rate = (overrides: Partial<ContributionRateProps> = {}): ContributionRateProps => ({
  year: 2024,
  category: 'downstream',
  currency: 'USD',
  fixedAmountMinor: usd(25_000),
  perTonneMinor: usd(20),
  floorMinor: usd(10_000),
  capMinor: usd(60_000),
  ...overrides,
});
const setRate = (props: ContributionRateProps) => runCommand(t.db, system, (ctx) => setContributionRate(ctx, props));
const admit = (props: CreateMembershipProps) => runCommand(t.db, system, (ctx) => createMembership(ctx, props));
const issue = (props: IssueContributionCallsProps) => runCommand(t.db, system, (ctx) => issueContributionCalls(ctx, props));
const pay = (props: RecordContributionPaymentProps) => runCommand(t.db, system, (ctx) => recordContributionPayment(ctx, props));
const today = () => new Date().toISOString().slice(0, 10);
const state = async () => ({
  journal: await journalSize(t.db),
  memberships: await t.db.select().from(financeMemberships).orderBy(financeMemberships.id),
  rates: await t.db.select().from(financeContributionRates).orderBy(financeContributionRates.year, financeContributionRates.category),
  calls: (await t.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(financeContributionCalls))[0]!.n,
  payments: (await t.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(financeContributionPayments))[0]!.n,
});

beforeAll(async () => {
  t = await createTestContext();
  secretariat = await t.buildOrganisation({ kind: 'secretariat', code: 'fca', name: 'Fair Cobalt Alliance' });
  acme = await t.buildOrganisation({ kind: 'buyer', code: 'acme', name: 'Acme Batteries SA' });
  ore = await t.buildOrganisation({ kind: 'member', code: 'ore-trading', name: 'Ore Trading AG' });
  await t.buildOrganisation({ kind: 'member', code: 'mining-watch', name: 'Mining Watch' });
  await withProgrammeAreas(t.db, system);
  await recordActivity(t.db, system, activityProps('CREDIT-DIGITAL'));
  for (const year of [2024, 2025]) {
    await setRate(rate({ year }));
    await setRate(rate({ year, category: 'midstream', fixedAmountMinor: usd(15_000), perTonneMinor: usd(15), floorMinor: usd(7_500), capMinor: usd(40_000) }));
  }
});
afterAll(() => t?.close());

describe('The contribution rule', () => {
  const downstream: ContributionRate = { year: 2025, category: 'downstream', currency: 'USD', fixedAmountMinor: usd(25_000), perTonneMinor: usd(20), floorMinor: usd(10_000), capMinor: usd(60_000) };
  const cases: [string, 'category_fixed' | 'cobalt_scaled', number | null, number][] = [
    ['a member on the category rule pays the fixed amount, whatever it declares', 'category_fixed', 5_000_000, usd(25_000)],
    ['850.5 t × USD 20 = USD 17,010', 'cobalt_scaled', 850_500, usd(17_010)],
    ['100 t × USD 20 = USD 2,000, raised to the floor', 'cobalt_scaled', 100_000, usd(10_000)],
    ['5,000 t × USD 20 = USD 100,000, held at the cap', 'cobalt_scaled', 5_000_000, usd(60_000)],
    ['0.025 t × USD 20 = USD 0.50, raised to the floor', 'cobalt_scaled', 25, usd(10_000)],
  ];
  for (const [name, rule, declaredCobaltKg, expected] of cases) {
    it(name, () => {
      expect(contributionAmount(contributionBasis({ category: 'downstream', rule, declaredCobaltKg }, downstream))).toBe(expected);
    });
  }

  it('rounds the scaled amount half up to the minor unit', () => {
    const basis = contributionBasis({ category: 'downstream', rule: 'cobalt_scaled', declaredCobaltKg: 1_500 }, { ...downstream, perTonneMinor: 1, floorMinor: 1, capMinor: 100 });
    expect(basis).toMatchObject({ scaledMinor: 2 });
    expect(contributionBasis({ category: 'downstream', rule: 'cobalt_scaled', declaredCobaltKg: 1_499 }, { ...downstream, perTonneMinor: 1, floorMinor: 1, capMinor: 100 })).toMatchObject({ scaledMinor: 1 });
  });

  it('always gives an amount between floor and cap, never falling as the declared use grows, and exact even near 2^53', () => {
    const rates = fc.record({ perTonneMinor: fc.integer({ min: 1, max: 10_000_000_000 }), floorMinor: fc.integer({ min: 1, max: 1_000_000_000 }), extra: fc.integer({ min: 0, max: 1_000_000_000 }) });
    fc.assert(
      fc.property(rates, fc.integer({ min: 0, max: 1_000_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), ({ perTonneMinor, floorMinor, extra }, kg, more) => {
        const scale = { ...downstream, perTonneMinor, floorMinor, capMinor: floorMinor + extra };
        const amount = (declaredCobaltKg: number) => contributionAmount(contributionBasis({ category: 'downstream', rule: 'cobalt_scaled', declaredCobaltKg }, scale));
        expect(amount(kg)).toBeGreaterThanOrEqual(floorMinor);
        expect(amount(kg)).toBeLessThanOrEqual(floorMinor + extra);
        expect(amount(kg + more)).toBeGreaterThanOrEqual(amount(kg));
        const exact = (BigInt(kg) * BigInt(perTonneMinor) * 2n + 1000n) / 2000n;
        const clamped = exact < BigInt(floorMinor) ? BigInt(floorMinor) : exact > BigInt(floorMinor + extra) ? BigInt(floorMinor + extra) : exact;
        expect(BigInt(amount(kg))).toBe(clamped);
      }),
    );
  });
});

describe('Contribution rates', () => {
  it('sets a year’s rates of a category and changes them while no call uses them, one event each', async () => {
    const before = await journalSize(t.db);
    await setRate(rate({ year: 2023, category: 'associate', fixedAmountMinor: usd(2_000) }));
    await setRate(rate({ year: 2023, category: 'associate', fixedAmountMinor: usd(2_500) }));
    expect(await journalSize(t.db)).toBe(before + 2);
    const [row] = await t.db.select().from(financeContributionRates).where(sql`${financeContributionRates.year} = 2023 and ${financeContributionRates.category} = 'associate'`);
    expect(row).toMatchObject({ currency: 'USD', fixedAmountMinor: usd(2_500) });
  });

  const refusals: [string, Partial<ContributionRateProps>, string, number][] = [
    ['a year out of range', { year: 1999 }, 'rate_year_invalid', 422],
    ['an unknown category', { category: 'retail' }, 'category_invalid', 422],
    ['a currency that is not an ISO code', { currency: 'usd' }, 'currency_invalid', 422],
    ['a zero fixed amount', { fixedAmountMinor: 0 }, 'rate_amounts_invalid', 422],
    ['a cap below the floor', { floorMinor: usd(10_000), capMinor: usd(9_999) }, 'rate_amounts_invalid', 422],
    ['an amount that is not whole minor units', { perTonneMinor: 20.5 }, 'rate_amounts_invalid', 422],
  ];
  for (const [name, overrides, code, status] of refusals) {
    it(`refuses ${name}, writing nothing`, async () => {
      await expectCommandRefusal(() => setRate(rate({ year: 2026, ...overrides })), code, status, { unchanged: state });
    });
  }
});

describe('Memberships', () => {
  it('admits members on either rule, one event each', async () => {
    const before = await journalSize(t.db);
    const membership = await admit({ organisation: 'acme', category: 'downstream', memberSince: '2023-06-01', rule: 'cobalt_scaled', declaredCobaltKg: 850_500 });
    await admit({ organisation: 'ore-trading', category: 'midstream', memberSince: '2024-06-17', rule: 'category_fixed' });
    expect(await journalSize(t.db)).toBe(before + 2);
    expect(membership).toMatchObject({ organisationId: acme.id, status: 'active', rule: 'cobalt_scaled', declaredCobaltKg: 850_500 });
  });

  const member = (overrides: Partial<CreateMembershipProps>): CreateMembershipProps => ({ organisation: 'mining-watch', category: 'civil_society', memberSince: '2024-02-12', rule: 'category_fixed', ...overrides });
  const refusals: [string, Partial<CreateMembershipProps>, string, number][] = [
    ['an organisation that does not exist', { organisation: 'nobody' }, 'member_organisation_not_found', 422],
    ['an organisation already a member', { organisation: 'acme' }, 'membership_exists', 409],
    ['an unknown category', { category: 'retail' }, 'category_invalid', 422],
    ['an unknown rule', { rule: 'by_turnover' }, 'rule_invalid', 422],
    ['the scaled rule without a declared use', { rule: 'cobalt_scaled' }, 'declared_use_required', 422],
    ['a negative declared use', { rule: 'cobalt_scaled', declaredCobaltKg: -1 }, 'declared_use_invalid', 422],
    ['a start date in the future', { memberSince: '2999-01-01' }, 'member_since_invalid', 422],
    ['a start date that is not one', { memberSince: '2024-02-30' }, 'member_since_invalid', 422],
  ];
  for (const [name, overrides, code, status] of refusals) {
    it(`refuses ${name}, writing nothing`, async () => {
      await expectCommandRefusal(() => admit(member(overrides)), code, status, { unchanged: state });
    });
  }

  it('changes a membership as a whole, and refuses an unknown one', async () => {
    await admit(member({}));
    const changed = await runCommand(t.db, system, (ctx) => updateMembership(ctx, { organisation: 'mining-watch', category: 'civil_society', status: 'suspended', rule: 'category_fixed' }));
    expect(changed.status).toBe('suspended');
    await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => updateMembership(ctx, { organisation: 'nobody', category: 'associate', status: 'active', rule: 'category_fixed' })), 'membership_not_found', 404, { unchanged: state });
    await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => updateMembership(ctx, { organisation: 'mining-watch', category: 'associate', status: 'gone', rule: 'category_fixed' })), 'membership_status_invalid', 422, { unchanged: state });
  });
});

describe('Contribution calls', () => {
  it('calls one member, computing its amount from its rule and storing how', async () => {
    const [call] = await issue({ year: 2024, organisation: 'acme', issuedOn: '2024-01-15', dueOn: '2024-03-31' });
    expect(call).toMatchObject({ number: 'MC-2024-0001', amountMinor: usd(17_010), currency: 'USD', organisation: 'acme' });
    expect(call!.basis).toEqual({ rule: 'cobalt_scaled', year: 2024, category: 'downstream', currency: 'USD', declaredCobaltKg: 850_500, perTonneMinor: usd(20), floorMinor: usd(10_000), capMinor: usd(60_000), scaledMinor: usd(17_010) });
  });

  it('calls every active member due one for the year in one event, leaving out the suspended and those already called', async () => {
    const before = await journalSize(t.db);
    const calls = await issue({ year: 2024, issuedOn: '2024-07-01', dueOn: '2024-09-30' });
    expect(calls.map((call) => [call.organisation, call.number, call.amountMinor])).toEqual([['ore-trading', 'MC-2024-0002', usd(15_000)]]);
    expect(await journalSize(t.db)).toBe(before + 1);
  });

  const refusals: [string, IssueContributionCallsProps, string, number][] = [
    ['a member already called for the year', { year: 2024, organisation: 'acme', dueOn: '2024-12-31', issuedOn: '2024-06-01' }, 'call_exists', 409],
    ['a suspended member', { year: 2024, organisation: 'mining-watch', dueOn: '2024-12-31', issuedOn: '2024-06-01' }, 'member_not_callable', 422],
    ['a member that joined after the year', { year: 2023, organisation: 'ore-trading', dueOn: '2023-12-31', issuedOn: '2023-06-01' }, 'member_not_callable', 422],
    ['an organisation that is not a member', { year: 2024, organisation: 'fca', dueOn: '2024-12-31', issuedOn: '2024-06-01' }, 'membership_not_found', 404],
    ['a year nobody is left to call for', { year: 2024, dueOn: '2024-12-31', issuedOn: '2024-06-01' }, 'calls_nothing_to_issue', 409],
    ['a year without rates for a member’s category', { year: 2023, dueOn: '2023-12-31', issuedOn: '2023-06-01' }, 'rate_missing', 422],
    ['a due date before the issue date', { year: 2025, dueOn: '2025-01-01', issuedOn: '2025-02-01' }, 'call_dates_invalid', 422],
    ['an issue date in the future', { year: 2025, dueOn: '2999-12-31', issuedOn: '2999-01-01' }, 'call_dates_invalid', 422],
    ['a year out of range', { year: 1999, dueOn: '2025-12-31' }, 'call_year_invalid', 422],
  ];
  for (const [name, props, code, status] of refusals) {
    it(`refuses ${name}, writing nothing`, async () => {
      await expectCommandRefusal(() => issue(props), code, status, { unchanged: state });
    });
  }

  it('keeps the rates a call was computed from: changing them is refused once used', async () => {
    await expectCommandRefusal(() => setRate(rate({ year: 2024, fixedAmountMinor: usd(30_000) })), 'rate_in_use', 409, { unchanged: state });
  });
});

describe('Payments', () => {
  it('takes a call in parts, and the call shows what is left to pay', async () => {
    const before = await journalSize(t.db);
    await pay({ call: 'MC-2024-0001', amountMinor: usd(10_000), currency: 'USD', receivedOn: '2024-04-02', reference: 'TRF-1' });
    await pay({ call: 'MC-2024-0001', amountMinor: usd(5_000), currency: 'USD', receivedOn: '2024-05-02', reference: 'TRF-2' });
    expect(await journalSize(t.db)).toBe(before + 2);
    const call = await callForReader(t.db, system, 'MC-2024-0001', today());
    expect(call).toMatchObject({ paidMinor: usd(15_000), outstandingMinor: usd(2_010), inArrears: true });
    expect(call.payments.map((payment) => payment.reference)).toEqual(['TRF-1', 'TRF-2']);
  });

  const refusals: [string, Partial<RecordContributionPaymentProps>, string, number][] = [
    ['the same payment twice (its bank reference already recorded on the call)', { reference: 'TRF-2', amountMinor: usd(1_000) }, 'payment_duplicate', 409],
    ['more than is left to pay', { amountMinor: usd(2_010) + 1 }, 'payment_exceeds_outstanding', 422],
    ['another currency than the call’s', { currency: 'EUR' }, 'payment_currency_mismatch', 422],
    ['an unknown call', { call: 'MC-2024-0999' }, 'call_not_found', 404],
    ['a zero amount', { amountMinor: 0 }, 'payment_amount_invalid', 422],
    ['a date in the future', { receivedOn: '2999-01-01' }, 'payment_received_on_invalid', 422],
    ['no bank reference', { reference: '  ' }, 'payment_reference_required', 422],
  ];
  for (const [name, overrides, code, status] of refusals) {
    it(`refuses ${name}, writing nothing`, async () => {
      await expectCommandRefusal(() => pay({ call: 'MC-2024-0001', amountMinor: usd(1_000), currency: 'USD', receivedOn: '2024-06-01', reference: 'TRF-3', ...overrides }), code, status, { unchanged: state });
    });
  }

  it('says in the reader’s language how much is left when a payment would pay too much', async () => {
    const error = await expectCommandRefusal(() => pay({ call: 'MC-2024-0001', amountMinor: usd(3_000), currency: 'USD', receivedOn: '2024-06-01', reference: 'TRF-9' }), 'payment_exceeds_outstanding', 422);
    expect(error.text.en.replace(/[\u00a0\u202f]/g, ' ')).toBe('Call MC-2024-0001 has USD 2,010.00 left to pay: a payment of USD 3,000.00 would pay more than it asks.');
    expect(error.text.fr.replace(/[\u00a0\u202f]/g, ' ')).toBe('Il reste 2 010,00 USD à payer sur l’appel MC-2024-0001 : un paiement de 3 000,00 USD paierait plus que demandé.');
  });

  it('shows each member’s arrears and the totals', async () => {
    await pay({ call: 'MC-2024-0002', amountMinor: usd(15_000), currency: 'USD', receivedOn: '2024-09-01', reference: 'TRF-ORE' });
    const members = await listMembers(t.db, today());
    expect(members.find((m) => m.organisationCode === 'acme')!.balances).toEqual([{ currency: 'USD', calledMinor: usd(17_010), paidMinor: usd(15_000), outstandingMinor: usd(2_010), arrearsMinor: usd(2_010) }]);
    expect(members.find((m) => m.organisationCode === 'ore-trading')!.balances[0]!.arrearsMinor).toBe(0);
    expect(totalBalances(members)).toEqual([{ currency: 'USD', calledMinor: usd(32_010), paidMinor: usd(30_000), outstandingMinor: usd(2_010), arrearsMinor: usd(2_010) }]);
    // Before its due date, the same outstanding amount is not in arrears.
    expect((await listMembers(t.db, '2024-03-01')).find((m) => m.organisationCode === 'acme')!.balances[0]!.arrearsMinor).toBe(0);
  });
});

describe('Who may write', () => {
  it('refuses every role but the secretariat’s admin, for every command', async () => {
    for (const role of ['field', 'cooperative', 'verifier', 'committee', 'buyer', 'member'] as const) {
      const actor = actorOf(role === 'member' ? acme : secretariat, role);
      const attempts = [
        () => runCommand(t.db, actor, (ctx) => setContributionRate(ctx, rate({ year: 2027 }))),
        () => runCommand(t.db, actor, (ctx) => createMembership(ctx, { organisation: 'fca', category: 'associate', memberSince: '2024-01-01', rule: 'category_fixed' })),
        () => runCommand(t.db, actor, (ctx) => updateMembership(ctx, { organisation: 'acme', category: 'downstream', status: 'left', rule: 'category_fixed' })),
        () => runCommand(t.db, actor, (ctx) => issueContributionCalls(ctx, { year: 2025, dueOn: '2025-03-31', issuedOn: '2025-01-15' })),
        () => runCommand(t.db, actor, (ctx) => recordContributionPayment(ctx, { call: 'MC-2024-0001', amountMinor: 1, currency: 'USD', receivedOn: '2024-06-01', reference: 'X' })),
      ];
      for (const attempt of attempts) await expectCommandRefusal(attempt, 'forbidden', 403, { unchanged: state });
    }
  });
});

describe('The API', () => {
  it('admits, calls and records a payment, and refuses the same payment twice with 409 in the reader’s language, writing nothing', async () => {
    const { token } = await t.buildToken({ role: 'admin', organisationId: secretariat.id });
    const auth = { authorization: `Bearer ${token}` };
    const admitted = await t.app.request('/api/v1/finance/members/acme', jsonRequest('POST', { category: 'downstream', memberSince: '2023-06-01', rule: 'category_fixed' }, auth));
    await expectApiRefusal(admitted, 409, 'membership_exists');
    const calls = await t.app.request('/api/v1/finance/contribution-calls', jsonRequest('POST', { year: 2025, issuedOn: '2025-01-15', dueOn: '2025-03-31' }, auth));
    expect(calls.status).toBe(201);
    const issued = (await calls.json()) as { number: string; organisation: string; amountMinor: number }[];
    expect(issued.map((call) => [call.organisation, call.amountMinor])).toEqual([
      ['acme', usd(17_010)],
      ['ore-trading', usd(15_000)],
    ]);
    const number = issued.find((call) => call.organisation === 'ore-trading')!.number;
    const payment = { amountMinor: usd(5_000), currency: 'USD', receivedOn: '2025-02-03', reference: 'SWIFT-77' };
    const first = await t.app.request(`/api/v1/finance/contribution-calls/${number}/payments`, jsonRequest('POST', payment, auth));
    expect([first.status, ((await first.json()) as { outstandingMinor: number }).outstandingMinor]).toEqual([201, usd(10_000)]);
    const before = await state();
    const english = await expectApiRefusal(await t.app.request(`/api/v1/finance/contribution-calls/${number}/payments`, jsonRequest('POST', payment, auth)), 409, 'payment_duplicate');
    const french = await expectApiRefusal(await t.app.request(`/api/v1/finance/contribution-calls/${number}/payments`, jsonRequest('POST', payment, { ...auth, 'accept-language': 'fr' })), 409, 'payment_duplicate');
    expect([english.message, french.message]).toEqual([
      `A payment with the bank reference “SWIFT-77” is already recorded against call ${number}.`,
      `Un paiement de référence bancaire « SWIFT-77 » est déjà enregistré sur l’appel ${number}.`,
    ]);
    expect(await state()).toEqual(before);
  });

  it('lets a member’s own user read its membership and calls, and no other member', async () => {
    const own = await t.buildToken({ role: 'member', organisationId: acme.id });
    const other = await t.buildToken({ role: 'member', organisationId: ore.id });
    const read = await t.app.request('/api/v1/finance/members/acme', { headers: { authorization: `Bearer ${own.token}` } });
    expect(read.status).toBe(200);
    const body = (await read.json()) as { name: string; calls: { number: string; inArrears: boolean }[] };
    expect(body.name).toBe('Acme Batteries SA');
    expect(body.calls.map((call) => call.number)).toContain('MC-2024-0001');
    expect((await t.app.request('/api/v1/finance/members/acme', { headers: { authorization: `Bearer ${other.token}` } })).status).toBe(403);
    expect((await t.app.request('/api/v1/finance/contribution-calls/MC-2024-0001', { headers: { authorization: `Bearer ${other.token}` } })).status).toBe(403);
    expect((await t.app.request('/api/v1/finance/contribution-calls/MC-2024-0001', { headers: { authorization: `Bearer ${own.token}` } })).status).toBe(200);
  });
});

const textOf = (pdf: Buffer) => execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString().replace(/[\u00a0\u202f]/g, ' ');

describe('The contribution invoice', () => {
  it('is a PDF naming the member, the amount and how it was computed, in English and in French', async () => {
    const call = await callForReader(t.db, system, 'MC-2024-0001', today());
    const english = renderContributionCall(call, 'Fair Cobalt Alliance', 'en');
    expect(english.subarray(0, 5).toString()).toBe('%PDF-');
    const en = textOf(english);
    for (const expected of ['Contribution call', 'MC-2024-0001', 'Acme Batteries SA', 'Membership contribution 2024', 'USD 17,010.00', '850.500 t declared × USD 20.00 per tonne', 'Left to pay', 'USD 2,010.00', 'Fair Cobalt Alliance']) expect(en).toContain(expected);
    const fr = textOf(renderContributionCall(call, 'Fair Cobalt Alliance', 'fr'));
    for (const expected of ['Appel de cotisation', 'Acme Batteries SA', 'Cotisation de membre 2024', '17 010,00 USD', '850,500 t déclarées × 20,00 USD par tonne', 'Reste à payer', '2 010,00 USD']) expect(fr).toContain(expected);
  });

  it('is served to the member’s own users and the secretariat only', async () => {
    const path = '/finance/contributions/MC-2024-0001/invoice.pdf';
    const own = await t.buildToken({ role: 'member', organisationId: acme.id });
    const response = await t.app.request(`${path}?lang=fr`, { headers: { authorization: `Bearer ${own.token}` } });
    expect([response.status, response.headers.get('content-type')]).toEqual([200, 'application/pdf']);
    expect(textOf(Buffer.from(await response.arrayBuffer()))).toContain('Appel de cotisation');
    const buyer = await t.buildToken({ role: 'buyer', organisationId: acme.id });
    expect((await t.app.request(path, { headers: { authorization: `Bearer ${buyer.token}` } })).status).toBe(403);
    expect((await t.app.request(path)).status).not.toBe(200);
  });
});

describe('The pages', () => {
  it('show the secretariat the members with their arrears, and refuse a bad form with its reason beside the field', async () => {
    const admin = await t.buildUser({ role: 'admin', organisationId: secretariat.id });
    const session = await t.signIn(admin.email, admin.password);
    const page = await (await session.request('/finance/members')).text();
    expect(page).toContain('Acme Batteries SA');
    expect(page).toContain('In arrears');
    const form = new URLSearchParams({ _csrf: session.csrfToken, organisation: 'acme', category: 'downstream', memberSince: '2023-06-01', rule: 'category_fixed', declaredTonnes: '' });
    const before = await state();
    const refused = await session.request('/finance/members', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('Acme Batteries SA is already a member.');
    expect(await state()).toEqual(before);
  });

  it('show a member its contributions, the credits it bought and retired, and what its money funds, in English and French', async () => {
    await buyAndRetireCredits(t, acme, { boughtKg: 2_000, retiredKg: 1_500, beneficiary: 'Acme Batteries SA' });
    const user = await t.buildUser({ role: 'member', organisationId: acme.id });
    const session = await t.signIn(user.email, user.password);
    const english = (await (await session.request('/finance/membership')).text()).replace(/[\u00a0\u202f]/g, ' ');
    for (const expected of ['Our membership', 'MC-2024-0001', 'In arrears', 'TRF-1', 'Credits bought from the registry', '2.000 t', 'Credits retired against a claim', '1.500 t', 'Membership contributions are unrestricted', 'Child labour remediation', 'Scale and digitise the cobalt credit mechanism']) {
      expect(english).toContain(expected);
    }
    const french = (await (await session.request('/finance/membership?lang=fr')).text()).replace(/[\u00a0\u202f]/g, ' ');
    for (const expected of ['Notre adhésion', 'En arriéré', 'Crédits achetés au registre', '2,000 t', 'fonds non affectés', 'Remédiation du travail des enfants']) expect(french).toContain(expected);
    expect((await session.request('/finance/members')).status).toBe(403);
    expect((await session.request('/finance/members/ore-trading')).status).toBe(403);
  });

  it('put the members in arrears on the secretariat’s home page, and a member’s calls left to pay on its own', async () => {
    const admin = await t.buildUser({ role: 'admin', organisationId: secretariat.id });
    const adminHome = (await (await (await t.signIn(admin.email, admin.password)).request('/')).text()).replace(/[\u00a0\u202f]/g, ' ');
    expect(adminHome).toContain('Acme Batteries SA: USD 19,020.00 in arrears');
    const user = await t.buildUser({ role: 'member', organisationId: acme.id });
    const memberHome = (await (await (await t.signIn(user.email, user.password)).request('/?lang=fr')).text()).replace(/[\u00a0\u202f]/g, ' ');
    expect(memberHome).toContain('Notre adhésion');
    expect(memberHome).toContain('Appel MC-2024-0001 : 2 010,00 USD à payer');
  });

  it('tell a member user whose organisation is not a member so, and send the secretariat to its list', async () => {
    const user = await t.buildUser({ role: 'member' });
    const session = await t.signIn(user.email, user.password);
    expect(await (await session.request('/finance/membership')).text()).toContain('Your organisation is not a member of the alliance');
    const admin = await t.buildUser({ role: 'admin', organisationId: secretariat.id });
    const adminSession = await t.signIn(admin.email, admin.password);
    const response = await adminSession.request('/finance/membership');
    expect([response.status, response.headers.get('location')]).toEqual([303, '/finance/members']);
  });
});

describe('The invariants orebook verify checks', () => {
  it('hold, then find a call whose amount is not its rule’s and a call paid beyond its amount', async () => {
    const problems = async () => (await runInvariants(t.db, financeInvariants)).flatMap((result) => result.problems).filter((problem) => problem.includes('contribution call'));
    expect(await problems()).toEqual([]);
    const [ore2025] = await t.db.select().from(financeContributionCalls).where(eq(financeContributionCalls.number, 'MC-2025-0002'));
    await t.db.update(financeContributionCalls).set({ amountMinor: usd(4_000) }).where(eq(financeContributionCalls.id, ore2025!.id));
    expect(await problems()).toEqual([`contribution call MC-2025-0002 is paid ${usd(5_000)}, more than its ${usd(4_000)}`, `contribution call MC-2025-0002 asks ${usd(4_000)}, but its rule gives ${usd(15_000)}`]);
  });
});
