import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, insertSignedStatement, openApprovedAccount } from '../../test/factories/registry.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import type { Actor } from '../core/auth/roles.ts';
import { AppError } from '../core/errors.ts';
import { runInvariants } from '../core/invariants.ts';
import { rowsOf } from '../db/connect.ts';
import { withTransaction } from '../db/transaction.ts';
import { type CommandContext, type JournalEvent, journalSize, listEntries, runCommand } from '../journal/public.ts';
import { issueBatch } from './commands/issue-batch.ts';
import { openAccount } from './commands/open-account.ts';
import { orderPaymentDays, placeOrder, type PlaceOrderProps } from './commands/sales/place-order.ts';
import { divideHalfUp, orderAmounts, ruleYearsFor, tenPercentOfThreeYearAverage } from './commands/sales/pricing.ts';
import { recordPayment, type RecordPaymentProps } from './commands/sales/record-payment.ts';
import { recordReferencePrice, type RecordReferencePriceProps } from './commands/sales/record-reference-price.ts';
import { setCreditPrice, type SetCreditPriceProps } from './commands/sales/set-credit-price.ts';
import { suspendAccount } from './commands/suspend-account.ts';
import { transferCredits } from './commands/transfer-credits.ts';
import { registryInvariants } from './invariants.ts';
import { accountBalance, getIssuanceAccount } from './queries/accounts.ts';
import { holdings } from './queries/ledger.ts';
import { availability, getOrder, listOrders, premiumOwedBySite, priceInForce, priceSchedule, saleOffers } from './queries/sales.ts';
import { expectCommandRefusal } from '../../test/expect.ts';

let t: TestContext;
let buyer: { id: number; code: string };
let buyerActor: Actor;
let buyerAccountId: number;
/** The 2023 site the sales tests sell from, and another site whose 2023 credits sit in the issuance account first. */
let site: { id: number; code: string };
let otherSite: { id: number; code: string };
let otherBatchId: number;
let batchId: number;

beforeAll(async () => {
  t = await createTestContext();
  await t.buildOrganisation({ kind: 'secretariat', code: 'fca', name: 'Fair Cobalt Alliance' });
  buyer = await t.buildOrganisation({ kind: 'buyer', code: 'fairphone', name: 'Fairphone' });
  buyerActor = actorOf(buyer, 'buyer');
  buyerAccountId = (await openApprovedAccount(t.db, buyer)).id;
  const other = await insertSignedStatement(t, { responsibleKg: 10_000, periodStart: '2023-01-01', periodEnd: '2023-12-31' });
  otherSite = other.site;
  otherBatchId = (await runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId: other.statement.id, quantityKg: 4_000 }))).id;
  const signed = await insertSignedStatement(t, { responsibleKg: 10_000, periodStart: '2023-01-01', periodEnd: '2023-12-31' });
  site = signed.site;
  batchId = (await runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId: signed.statement.id, quantityKg: 3_000 }))).id;
});
afterAll(() => t?.close());

const usd = (dollars: number) => dollars * 100;
const reference = (props: Partial<RecordReferencePriceProps> & { year: number; pricePerTonneMinor: number }) =>
  runCommand(t.db, system, (ctx) => recordReferencePrice(ctx, { mineral: 'cobalt', currency: 'USD', source: 'Cobalt standard grade, yearly average (demo figures)', ...props }));
const setPrice = (props: Partial<SetCreditPriceProps>, actor: Actor = system) =>
  runCommand(t.db, actor, (ctx) => setCreditPrice(ctx, { mineral: 'cobalt', vintage: 2023, currency: 'USD', rule: 'ten_percent_of_three_year_average', registryFeeBasisPoints: 1_000, ...props }));
const order = (props: Partial<PlaceOrderProps> = {}, actor: Actor = buyerActor) =>
  runCommand(t.db, actor, (ctx) => placeOrder(ctx, { accountId: buyerAccountId, siteCode: site.code, mineral: 'cobalt', vintage: 2023, quantityKg: 500, ...props }));
const pay = (orderId: number, props: Partial<RecordPaymentProps> = {}, actor: Actor = system) =>
  runCommand(t.db, actor, async (ctx) => {
    const placed = await getOrder(ctx.tx, orderId, ctx.now);
    return recordPayment(ctx, { orderId, amountMinor: placed?.amountMinor ?? 1, currency: placed?.currency ?? 'USD', receivedOn: '2025-02-03', reference: 'BANK-REF-1', ...props });
  });

/** Runs a command as if it were `now` (the journal still stamps its real time): for orders that have expired since. */
function runCommandAt<T>(now: Date, actor: Actor, command: (ctx: CommandContext) => Promise<T>): Promise<T> {
  return withTransaction(t.db, async (tx) => {
    const ctx: CommandContext = { tx, actor, now, appended: [] };
    const result = await command(ctx);
    expect(ctx.appended).toHaveLength(1);
    return result;
  });
}
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

/** What a refused command must leave exactly as it was. */
async function salesState() {
  const [row] = rowsOf<Record<string, number>>(
    await t.db.execute(sql`select
      (select count(*) from reference_prices)::int as reference_prices,
      (select count(*) from credit_prices)::int as prices,
      (select count(*) from credit_orders)::int as orders,
      (select count(*) from credit_payments)::int as payments,
      (select count(*) from credit_premiums)::int as premiums,
      (select count(*) from credit_transfers)::int as transfers,
      (select count(*) from credit_blocks)::int as blocks`),
  );
  return { ...row!, journal: await journalSize(t.db) };
}

/** Expects the command to be refused with this code and status, in English and French, having changed nothing. */
const expectRefused = (run: () => Promise<unknown>, code: string, status: number) => expectCommandRefusal(run, code, status, { unchanged: salesState });

async function lastEvent(): Promise<JournalEvent> {
  const [entry] = await listEntries(t.db, (await journalSize(t.db)) - 1, 1);
  return JSON.parse(entry!.bytes.toString('utf8')) as JournalEvent;
}

async function expectInvariantsHold() {
  const results = await runInvariants(t.db, registryInvariants);
  expect(results.filter((r) => r.problems.length > 0)).toEqual([]);
}

describe('The price rule and order amounts', () => {
  it('divides rounding half up to the minor unit', () => {
    expect([divideHalfUp(5n, 2n), divideHalfUp(7n, 2n), divideHalfUp(4n, 3n), divideHalfUp(5n, 3n), divideHalfUp(0n, 7n)]).toEqual([3n, 4n, 1n, 2n, 0n]);
  });

  it('takes 10 % of the average of the three years before the vintage: 2020–2022 at USD 31,500, 51,000 and 63,500 give USD 4,866.67 for 2023 credits', () => {
    expect(ruleYearsFor(2023)).toEqual([2020, 2021, 2022]);
    // 14,600,000 cents × 10 ÷ 300 = 486,666.67 cents, rounded half up once (never the average first).
    expect(tenPercentOfThreeYearAverage([usd(31_500), usd(51_000), usd(63_500)])).toEqual({ percent: 10, averagePerTonneMinor: 4_866_667, pricePerTonneMinor: 486_667 });
    expect(tenPercentOfThreeYearAverage([1, 1, 3]).pricePerTonneMinor).toBe(0);
    expect(tenPercentOfThreeYearAverage([5, 5, 5]).pricePerTonneMinor).toBe(1);
    expect(() => tenPercentOfThreeYearAverage([100, 200])).toThrow(RangeError);
  });

  it('prices an order per kilogram and splits it into the registry fee and the premium, which always add up to the amount', () => {
    expect(orderAmounts({ quantityKg: 2_500, pricePerTonneMinor: usd(5_000), registryFeeBasisPoints: 1_000 })).toEqual({ amountMinor: 1_250_000, feeMinor: 125_000, premiumMinor: 1_125_000 });
    // 1 kg at USD 4,866.67 a tonne is 486.667 cents → 487; a 10 % fee of 48.7 cents → 49.
    expect(orderAmounts({ quantityKg: 1, pricePerTonneMinor: 486_667, registryFeeBasisPoints: 1_000 })).toEqual({ amountMinor: 487, feeMinor: 49, premiumMinor: 438 });
    expect(orderAmounts({ quantityKg: 1_000_000_000, pricePerTonneMinor: usd(5_000), registryFeeBasisPoints: 0 })).toEqual({ amountMinor: 500_000_000_000, feeMinor: 0, premiumMinor: 500_000_000_000 });
  });
});

describe('Reference prices', () => {
  it('an admin records a yearly reference price with its source, in the journal', async () => {
    const recorded = await reference({ year: 2020, pricePerTonneMinor: usd(31_500) });
    expect(recorded).toMatchObject({ mineral: 'cobalt', year: 2020, currency: 'USD', pricePerTonneMinor: 3_150_000 });
    expect(await lastEvent()).toMatchObject({
      type: 'registry.reference_price_recorded',
      subject: 'reference-price:cobalt-2020-USD',
      payload: { referencePriceId: recorded.id, mineral: 'cobalt', year: 2020, currency: 'USD', pricePerTonneMinor: 3_150_000, source: 'Cobalt standard grade, yearly average (demo figures)' },
    });
  });

  it('refuses a second figure for the same mineral, year and currency, and bad figures, changing nothing', async () => {
    const duplicate = await expectRefused(() => reference({ year: 2020, pricePerTonneMinor: usd(30_000) }), 'reference_price_exists', 409);
    expect(duplicate.details).toEqual({ mineral: 'cobalt', year: 2020, currency: 'USD' });
    await expectRefused(() => reference({ year: 2020, pricePerTonneMinor: usd(30_000), mineral: 'gold' }), 'mineral_unknown', 422);
    await expectRefused(() => reference({ year: 1850, pricePerTonneMinor: 1 }), 'year_invalid', 422);
    await expectRefused(() => reference({ year: 2019, pricePerTonneMinor: 1, currency: 'dollars' }), 'currency_invalid', 422);
    await expectRefused(() => reference({ year: 2019, pricePerTonneMinor: 0 }), 'price_invalid', 422);
    await expectRefused(() => reference({ year: 2019, pricePerTonneMinor: 10.5 }), 'price_invalid', 422);
    await expectRefused(() => reference({ year: 2019, pricePerTonneMinor: 1, source: '  ' }), 'source_required', 422);
    await expectRefused(() => runCommand(t.db, buyerActor, (ctx) => recordReferencePrice(ctx, { mineral: 'cobalt', year: 2019, currency: 'USD', pricePerTonneMinor: 1, source: 'x' })), 'forbidden', 403);
  });
});

describe('The price schedule', () => {
  it('refuses the 10 % rule while reference years are missing, naming them', async () => {
    const error = await expectRefused(() => setPrice({}), 'reference_prices_missing', 422);
    expect(error.details).toEqual({ missingYears: [2021, 2022] });
    expect(error.text.en).toContain('2021, 2022 missing');
  });

  it('computes the price by the rule and records its provenance: the years, the prices, their average and the percent', async () => {
    await reference({ year: 2021, pricePerTonneMinor: usd(51_000) });
    await reference({ year: 2022, pricePerTonneMinor: usd(63_500) });
    const price = await setPrice({ reason: null });
    expect(price).toMatchObject({ rule: 'ten_percent_of_three_year_average', pricePerTonneMinor: 486_667, registryFeeBasisPoints: 1_000, reason: null });
    expect(price.ruleInputs).toEqual({
      years: [2020, 2021, 2022],
      prices: [
        { year: 2020, pricePerTonneMinor: 3_150_000, source: expect.any(String), referencePriceId: expect.any(Number) },
        { year: 2021, pricePerTonneMinor: 5_100_000, source: expect.any(String), referencePriceId: expect.any(Number) },
        { year: 2022, pricePerTonneMinor: 6_350_000, source: expect.any(String), referencePriceId: expect.any(Number) },
      ],
      averagePerTonneMinor: 4_866_667,
      percent: 10,
      rounding: 'half_up_to_minor_unit',
    });
    expect(await lastEvent()).toMatchObject({ type: 'registry.price_set', payload: { priceId: price.id, mineral: 'cobalt', vintage: 2023, currency: 'USD', pricePerTonneMinor: 486_667, rule: 'ten_percent_of_three_year_average', ruleInputs: { averagePerTonneMinor: 4_866_667 } } });
  });

  it('takes a price set by hand only with a reason, and keeps beside it what the rule gives', async () => {
    await expectRefused(() => setPrice({ rule: 'manual', pricePerTonneMinor: usd(5_000) }), 'manual_reason_required', 422);
    await expectRefused(() => setPrice({ rule: 'manual', reason: 'Rounded' }), 'price_invalid', 422);
    await expectRefused(() => setPrice({ pricePerTonneMinor: usd(5_000) }), 'computed_price_given', 422);
    await expectRefused(() => setPrice({ registryFeeBasisPoints: 10_001 }), 'fee_invalid', 422);
    await expectRefused(() => setPrice({ vintage: 20_230 }), 'vintage_invalid', 422);
    await expectRefused(() => setPrice({ rule: 'manual', pricePerTonneMinor: usd(5_000), reason: 'x'.repeat(501) }), 'reason_too_long', 422);
    await expectRefused(() => setPrice({}, buyerActor), 'forbidden', 403);
    const manual = await setPrice({ rule: 'manual', pricePerTonneMinor: usd(5_000), reason: '10 % rule gives 4,867; rounded to the published USD 5,000' });
    expect(manual).toMatchObject({ rule: 'manual', pricePerTonneMinor: 500_000, reason: '10 % rule gives 4,867; rounded to the published USD 5,000' });
    expect(manual.ruleInputs).toMatchObject({ ruleWouldGive: { pricePerTonneMinor: 486_667, years: [2020, 2021, 2022] } });
  });

  it('keeps every price; the latest of a mineral, vintage and currency is in force', async () => {
    expect((await priceInForce(t.db, { mineral: 'cobalt', vintage: 2023 }))!.pricePerTonneMinor).toBe(500_000);
    expect((await priceInForce(t.db, { mineral: 'cobalt', vintage: 2023, currency: 'EUR' }))).toBeUndefined();
    const schedule = await priceSchedule(t.db);
    expect(schedule.map((p) => ({ rule: p.rule, price: p.pricePerTonneMinor, inForce: p.inForce }))).toEqual([
      { rule: 'manual', price: 500_000, inForce: true },
      { rule: 'ten_percent_of_three_year_average', price: 486_667, inForce: false },
    ]);
  });
});

describe('Orders', () => {
  it('a buyer orders credits of one site and vintage into its approved account: the amount, fee and premium at the price in force, a sequential invoice number, 30 days to pay', async () => {
    const before = Date.now();
    const placed = await order({ quantityKg: 2_500, buyerReference: ' PO-2023-17 ' });
    const year = new Date().getUTCFullYear();
    expect(placed).toMatchObject({
      invoiceNumber: `RMC-INV-${year}-0001`,
      organisationId: buyer.id,
      accountId: buyerAccountId,
      siteId: site.id,
      mineral: 'cobalt',
      vintage: 2023,
      quantityKg: 2_500,
      currency: 'USD',
      pricePerTonneMinor: 500_000,
      amountMinor: 1_250_000,
      feeMinor: 125_000,
      premiumMinor: 1_125_000,
      buyerReference: 'PO-2023-17',
    });
    expect(placed.expiresAt.getTime() - placed.createdAt.getTime()).toBe(orderPaymentDays * 86_400_000);
    expect(placed.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1);
    const event = await lastEvent();
    expect(event).toMatchObject({
      type: 'registry.order_placed',
      subject: `credit-order:RMC-INV-${year}-0001`,
      org: 'fairphone',
      payload: { orderId: placed.id, invoiceNumber: placed.invoiceNumber, account: { accountId: buyerAccountId, organisation: 'fairphone' }, site: site.code, quantityKg: 2_500, amountMinor: 1_250_000, feeMinor: 125_000, premiumMinor: 1_125_000, expiresAt: placed.expiresAt.toISOString() },
    });
    const text = JSON.stringify(event);
    for (const personal of ['contact@', 'RCS ', 'fairphone SA', 'PO-2023-17']) expect(text).not.toContain(personal);
    expect(await availability(t.db, { mineral: 'cobalt', vintage: 2023, siteId: site.id }, new Date())).toEqual({ heldKg: 3_000, reservedKg: 2_500, availableKg: 500 });
    expect((await getOrder(t.db, placed.id, new Date()))!.status).toBe('awaiting_payment');
  });

  it('refuses more than the issuance account holds of that site and vintage less what unpaid orders reserve', async () => {
    const error = await expectRefused(() => order({ quantityKg: 501 }), 'exceeds_available', 422);
    expect(error.details).toEqual({ availableKg: 500, requestedKg: 501 });
    expect(error.text.en).toBe(`Only 0.500 t of cobalt credits of vintage 2023 from ${site.code} are available; you asked for 0.501 t.`);
    expect(error.text.fr).toContain('0,500 t');
    const offers = await saleOffers(t.db, new Date());
    expect(offers.map((o) => ({ site: o.siteCode, held: o.heldKg, reserved: o.reservedKg, available: o.availableKg, price: o.price?.pricePerTonneMinor }))).toEqual([
      { site: otherSite.code, held: 4_000, reserved: 0, available: 4_000, price: 500_000 },
      { site: site.code, held: 3_000, reserved: 2_500, available: 500, price: 500_000 },
    ].sort((a, b) => a.site.localeCompare(b.site)));
  });

  it('refuses an order without a price, for another organisation’s account, into a pending or non-holding account, or with bad figures', async () => {
    await expectRefused(() => order({ vintage: 2024 }), 'price_not_set', 422);
    await expectRefused(() => order({ currency: 'EUR' }), 'price_not_set', 422);
    await expectRefused(() => order({ siteCode: 'NOPE' }), 'site_not_found', 404);
    await expectRefused(() => order({ quantityKg: 0 }), 'quantity_invalid', 422);
    await expectRefused(() => order({ quantityKg: 1.5 }), 'quantity_invalid', 422);
    await expectRefused(() => order({ buyerReference: 'x'.repeat(101) }), 'buyer_reference_too_long', 422);
    const stranger = await t.buildOrganisation({ kind: 'buyer' });
    await expectRefused(() => order({}, actorOf(stranger, 'buyer')), 'forbidden', 403);
    const pending = await runCommand(t.db, actorOf(stranger, 'buyer'), (ctx) => openAccount(ctx, { name: 'New', legalName: 'Stranger SA', country: 'FR', registrationNumber: 'RCS 1', contactEmail: 'a@stranger.example' }));
    await expectRefused(() => order({ accountId: pending.id }, actorOf(stranger, 'buyer')), 'account_not_approved', 422);
    const issuance = (await getIssuanceAccount(t.db))!.id;
    await expectRefused(() => order({ accountId: issuance }, system), 'order_account_not_holding', 422);
    await expectRefused(() => order({}, actorOf(stranger, 'member')), 'forbidden', 403);
  });

  it('numbers invoices in sequence and lists orders: a buyer’s own, or all of them, awaiting payment first', async () => {
    const second = await order({ quantityKg: 100, siteCode: otherSite.code });
    expect(second.invoiceNumber).toMatch(/-0002$/);
    const maker = await t.buildOrganisation({ kind: 'buyer', code: 'cellmaker' });
    const makerAccount = await openApprovedAccount(t.db, maker);
    const third = await order({ accountId: makerAccount.id, siteId: otherSite.id, quantityKg: 100 }, actorOf(maker, 'buyer'));
    expect(third.invoiceNumber).toMatch(/-0003$/);
    expect((await listOrders(t.db, { organisationId: maker.id }, new Date())).map((o) => o.id)).toEqual([third.id]);
    const all = await listOrders(t.db, {}, new Date());
    expect(all.map((o) => o.status)).toEqual(['awaiting_payment', 'awaiting_payment', 'awaiting_payment']);
    expect(all[0]).toMatchObject({ organisationCode: 'fairphone', organisationName: 'Fairphone', accountLegalName: 'fairphone SA', siteCode: site.code, mineralLabel: { en: 'Cobalt' }, payment: null });
  });
});

describe('Payments', () => {
  it('refuses an amount or currency other than the invoice’s, a date in the future, no bank reference, and anyone but an admin', async () => {
    const [first] = await listOrders(t.db, { organisationId: buyer.id }, new Date());
    const mismatch = await expectRefused(() => pay(first!.id, { amountMinor: 1_249_999 }), 'payment_amount_mismatch', 422);
    expect(mismatch.text.en).toMatch(/^The invoice is for USD\s12,500\.00: .* \(you entered USD\s12,499\.99\)\.$/);
    await expectRefused(() => pay(first!.id, { currency: 'EUR' }), 'payment_amount_mismatch', 422);
    await expectRefused(() => pay(first!.id, { receivedOn: '2999-01-01' }), 'received_on_invalid', 422);
    await expectRefused(() => pay(first!.id, { receivedOn: '2025-02-30' }), 'received_on_invalid', 422);
    await expectRefused(() => pay(first!.id, { reference: ' ' }), 'payment_reference_required', 422);
    await expectRefused(() => pay(first!.id, {}, buyerActor), 'forbidden', 403);
    await expectRefused(() => pay(999_999), 'order_not_found', 404);
  });

  it('moves the credits first in, first out from the ordered site’s batches only, records the premium owed to the site’s fund, in one event the journal replays', async () => {
    const [first] = await listOrders(t.db, { organisationId: buyer.id }, new Date());
    expect(first!.quantityKg).toBe(2_500);
    const payment = await pay(first!.id);
    expect(payment).toMatchObject({ orderId: first!.id, amountMinor: 1_250_000, currency: 'USD', receivedOn: '2025-02-03', reference: 'BANK-REF-1' });
    expect(payment.premium).toMatchObject({ paymentId: payment.id, siteId: site.id, quantityKg: 2_500, currency: 'USD', premiumMinor: 1_125_000, feeMinor: 125_000 });
    // The other site's batch was issued first, yet the buyer receives the units of the site it ordered.
    expect((await holdings(t.db, buyerAccountId)).map((h) => ({ batchId: h.batchId, first: h.firstUnit, last: h.lastUnit }))).toEqual([{ batchId, first: 1, last: 2_500 }]);
    expect(payment.ranges).toEqual([{ batchId, firstUnit: 1, lastUnit: 2_500, serials: expect.stringMatching(new RegExp(`^RMC-CO-CD-${site.code}-2023-0001-1-2500$`)) }]);
    const event = await lastEvent();
    const issuance = (await getIssuanceAccount(t.db))!.id;
    expect(event).toMatchObject({
      type: 'registry.order_paid',
      subject: `credit-order:${first!.invoiceNumber}`,
      payload: {
        orderId: first!.id,
        paymentId: payment.id,
        transferId: payment.transferId,
        amountMinor: 1_250_000,
        currency: 'USD',
        from: { accountId: issuance, organisation: 'fca' },
        to: { accountId: buyerAccountId, organisation: 'fairphone' },
        quantityKg: 2_500,
        ranges: payment.ranges,
        premium: { site: site.code, premiumMinor: 1_125_000, feeMinor: 125_000, currency: 'USD' },
      },
    });
    expect(JSON.stringify(event)).not.toContain('BANK-REF-1');
    expect((await getOrder(t.db, first!.id, new Date()))!).toMatchObject({ status: 'paid', payment: { id: payment.id, transferId: payment.transferId } });
    expect(await premiumOwedBySite(t.db)).toEqual([{ siteId: site.id, siteCode: site.code, siteName: expect.any(String), currency: 'USD', quantityKg: 2_500, premiumMinor: 1_125_000, feeMinor: 125_000, payments: 1 }]);
    expect(await availability(t.db, { mineral: 'cobalt', vintage: 2023, siteId: site.id }, new Date())).toEqual({ heldKg: 500, reservedKg: 0, availableKg: 500 });
    await expectInvariantsHold();
  });

  it('refuses to record a payment twice, changing nothing', async () => {
    const [paid] = (await listOrders(t.db, { organisationId: buyer.id }, new Date())).filter((o) => o.status === 'paid');
    const error = await expectRefused(() => pay(paid!.id), 'order_already_paid', 409);
    expect(error.details).toEqual({ orderId: paid!.id });
  });

  it('records one payment only when the same order is paid twice at once', async () => {
    const placed = await order({ quantityKg: 200 });
    const outcomes = await Promise.allSettled([pay(placed.id), pay(placed.id), pay(placed.id)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as AppError);
    expect(failures.map((e) => ({ code: e.code, status: e.status }))).toEqual([
      { code: 'order_already_paid', status: 409 },
      { code: 'order_already_paid', status: 409 },
    ]);
    expect(await accountBalance(t.db, buyerAccountId)).toEqual({ heldKg: 2_700, retiredKg: 0 });
    await expectInvariantsHold();
  });

  it('lets only one of two orders placed at once through when together they exceed what is available', async () => {
    expect((await availability(t.db, { mineral: 'cobalt', vintage: 2023, siteId: site.id }, new Date())).availableKg).toBe(300);
    const outcomes = await Promise.allSettled([order({ quantityKg: 200 }), order({ quantityKg: 200 })]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const [failure] = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as AppError);
    expect(failure).toMatchObject({ code: 'exceeds_available', status: 422, details: { availableKg: 100, requestedKg: 200 } });
  });

  it('refuses payment into an account suspended since the order', async () => {
    const maker = await t.buildOrganisation({ kind: 'buyer' });
    const account = await openApprovedAccount(t.db, maker);
    const placed = await order({ accountId: account.id, siteCode: otherSite.code, quantityKg: 10 }, actorOf(maker, 'buyer'));
    await runCommand(t.db, system, (ctx) => suspendAccount(ctx, { accountId: account.id }));
    await expectRefused(() => pay(placed.id), 'account_suspended', 422);
  });
});

describe('Expired orders', () => {
  let available: number;
  const expired: Record<'small' | 'whole' | 'late', number> = { small: 0, whole: 0, late: 0 };
  const placeAt = async (days: number, quantityKg: number) =>
    (await runCommandAt(daysAgo(days), buyerActor, (ctx) => placeOrder(ctx, { accountId: buyerAccountId, siteId: otherSite.id, mineral: 'cobalt', vintage: 2023, quantityKg }))).id;

  /** Three orders placed long ago, each after the one before had lapsed, all unpaid and expired now. */
  beforeAll(async () => {
    available = (await availability(t.db, { mineral: 'cobalt', vintage: 2023, siteId: otherSite.id }, new Date())).availableKg;
    expired.small = await placeAt(100, 400);
    expired.whole = await placeAt(65, available);
    expired.late = await placeAt(34, 1_000);
  });

  it('reserve nothing: the whole quantity can be ordered again, and they show as expired, listed last', async () => {
    for (const id of Object.values(expired)) expect((await getOrder(t.db, id, new Date()))!.status).toBe('expired');
    expect((await availability(t.db, { mineral: 'cobalt', vintage: 2023, siteId: otherSite.id }, new Date())).availableKg).toBe(available);
    const all = await listOrders(t.db, {}, new Date());
    expect(all.slice(-3).map((o) => o.id)).toEqual([expired.late, expired.whole, expired.small]);
  });

  it('are refused with order_expired once others have reserved their credits, and can still be paid while the credits are there', async () => {
    const competing = await order({ siteCode: otherSite.code, quantityKg: available - 500 });
    const error = await expectRefused(() => pay(expired.late), 'order_expired', 409);
    expect(error.details).toEqual({ orderId: expired.late, availableKg: 500, quantityKg: 1_000 });
    await pay(competing.id);
    const paid = await pay(expired.small);
    expect(paid.premium).toMatchObject({ quantityKg: 400, siteId: otherSite.id });
    expect(paid.ranges.every((r) => r.batchId === otherBatchId)).toBe(true);
    expect((await getOrder(t.db, expired.small, new Date()))!.status).toBe('paid');
    await expectInvariantsHold();
  });
});

describe('Reserved credits moved by a plain transfer', () => {
  it('an order whose credits the secretariat transferred elsewhere meanwhile is refused with order_quantity_unavailable, changing nothing', async () => {
    const scope = { mineral: 'cobalt', vintage: 2023, siteId: site.id };
    const { availableKg } = await availability(t.db, scope, new Date());
    const placed = await order({ quantityKg: availableKg });
    const issuance = (await getIssuanceAccount(t.db))!.id;
    const blocks = (await holdings(t.db, issuance)).filter((h) => h.batchId === batchId).map((h) => ({ batchId, firstUnit: h.firstUnit, lastUnit: h.lastUnit }));
    await runCommand(t.db, system, (ctx) => transferCredits(ctx, { fromAccountId: issuance, toAccountId: buyerAccountId, blocks }));
    expect(await availability(t.db, scope, new Date())).toMatchObject({ heldKg: 0, availableKg: 0 });
    const error = await expectRefused(() => pay(placed.id), 'order_quantity_unavailable', 409);
    expect(error.details).toEqual({ orderId: placed.id, availableKg: 0, quantityKg: availableKg });
    await expectInvariantsHold();
  });
});
