import { execFileSync } from 'node:child_process';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSignedStatement, openApprovedAccount } from '../../test/factories/registry.ts';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import { journalSize, runCommand } from '../journal/public.ts';
import { issueBatch } from './commands/issue-batch.ts';
import { accountBalance } from './queries/accounts.ts';

let t: TestContext;
let site: string;
let buyerAccountId: number;
let otherAccountId: number;
const orgs = { secretariat: 0, buyer: 0, other: 0 };
const tokens: Record<'admin' | 'buyer' | 'member' | 'other' | 'field', string> = { admin: '', buyer: '', member: '', other: '', field: '' };

/** 3 t of 2023 cobalt credits in the issuance account; two buyers with an approved account each. */
beforeAll(async () => {
  t = await createTestContext();
  const secretariat = await t.buildOrganisation({ kind: 'secretariat', code: 'fca', name: 'Fair Cobalt Alliance' });
  const buyer = await t.buildOrganisation({ kind: 'buyer', code: 'fairphone', name: 'Fairphone' });
  const other = await t.buildOrganisation({ kind: 'buyer', code: 'cellmaker' });
  Object.assign(orgs, { secretariat: secretariat.id, buyer: buyer.id, other: other.id });
  buyerAccountId = (await openApprovedAccount(t.db, buyer)).id;
  otherAccountId = (await openApprovedAccount(t.db, other)).id;
  const signed = await insertSignedStatement(t, { responsibleKg: 3_000, periodStart: '2023-01-01', periodEnd: '2023-12-31' });
  site = signed.site.code;
  await runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId: signed.statement.id, quantityKg: 3_000 }));
  tokens.admin = (await t.buildToken({ role: 'admin', organisationId: secretariat.id })).token;
  tokens.field = (await t.buildToken({ role: 'field', organisationId: secretariat.id })).token;
  tokens.buyer = (await t.buildToken({ role: 'buyer', organisationId: buyer.id })).token;
  tokens.member = (await t.buildToken({ role: 'member', organisationId: buyer.id })).token;
  tokens.other = (await t.buildToken({ role: 'buyer', organisationId: other.id })).token;
});
afterAll(() => t?.close());

type Who = keyof typeof tokens;
const as = (who: Who | null, headers: Record<string, string> = {}) => ({ ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}), ...headers });
const post = (path: string, who: Who | null, body: unknown, headers: Record<string, string> = {}) => t.app.request(`/api/v1${path}`, jsonRequest('POST', body, as(who, headers)));
const get = (path: string, who: Who | null, headers: Record<string, string> = {}) => t.app.request(`/api/v1${path}`, { headers: as(who, headers) });

type Body = Record<string, unknown> & { error?: { code: string; message: string; details?: unknown } };
const json = async (response: Response) => (await response.json()) as Body;

async function expectError(response: Response, status: number, code: string): Promise<Body['error']> {
  const body = await json(response);
  expect({ status: response.status, code: body.error?.code }).toEqual({ status, code });
  return body.error;
}

const references = [
  { year: 2020, pricePerTonneMinor: 3_150_000 },
  { year: 2021, pricePerTonneMinor: 5_100_000 },
  { year: 2022, pricePerTonneMinor: 6_350_000 },
].map((r) => ({ mineral: 'cobalt', currency: 'USD', source: 'Demo yearly averages', ...r }));

let orderId: number;

describe('Prices through the API', () => {
  it('lets only the secretariat record reference prices, once per mineral, year and currency', async () => {
    await expectError(await post('/registry/prices/references', null, references[0]), 401, 'unauthenticated');
    await expectError(await post('/registry/prices/references', 'buyer', references[0]), 403, 'forbidden');
    const created = await post('/registry/prices/references', 'admin', references[0]);
    expect(created.status).toBe(201);
    expect(await json(created)).toMatchObject({ mineral: 'cobalt', year: 2020, currency: 'USD', pricePerTonneMinor: 3_150_000, source: 'Demo yearly averages', recordedAt: expect.any(String) });
    const duplicate = await expectError(await post('/registry/prices/references', 'admin', references[0], { 'accept-language': 'fr' }), 409, 'reference_price_exists');
    expect(duplicate!.message).toContain('Un prix de référence du cobalt pour 2020 en USD est déjà enregistré');
    await expectError(await post('/registry/prices/references', 'admin', { ...references[1], pricePerTonneMinor: -5 }), 400, 'validation_failed');
    await expectError(await post('/registry/prices/references', 'admin', { ...references[1], extra: true }), 400, 'validation_failed');
  });

  it('computes a price by the 10 % rule once the three years are recorded, and takes a manual price with its reason', async () => {
    const missing = await expectError(await post('/registry/prices', 'admin', { mineral: 'cobalt', vintage: 2023, currency: 'USD', rule: 'ten_percent_of_three_year_average', registryFeeBasisPoints: 1_000 }), 422, 'reference_prices_missing');
    expect(missing!.details).toEqual({ missingYears: [2021, 2022] });
    for (const reference of references.slice(1)) expect((await post('/registry/prices/references', 'admin', reference)).status).toBe(201);
    const computed = await post('/registry/prices', 'admin', { mineral: 'cobalt', vintage: 2023, currency: 'USD', rule: 'ten_percent_of_three_year_average', registryFeeBasisPoints: 1_000 });
    expect(computed.status).toBe(201);
    expect(await json(computed)).toMatchObject({ pricePerTonneMinor: 486_667, rule: 'ten_percent_of_three_year_average', inForce: true, ruleInputs: { years: [2020, 2021, 2022], averagePerTonneMinor: 4_866_667, percent: 10 } });
    await expectError(await post('/registry/prices', 'admin', { mineral: 'cobalt', vintage: 2023, currency: 'USD', rule: 'manual', pricePerTonneMinor: 500_000, registryFeeBasisPoints: 1_000 }), 422, 'manual_reason_required');
    await expectError(await post('/registry/prices', 'buyer', { mineral: 'cobalt', vintage: 2023, currency: 'USD', rule: 'manual', pricePerTonneMinor: 500_000, reason: 'x', registryFeeBasisPoints: 1_000 }), 403, 'forbidden');
    const manual = await post('/registry/prices', 'admin', { mineral: 'cobalt', vintage: 2023, currency: 'USD', rule: 'manual', pricePerTonneMinor: 500_000, reason: '10 % rule gives 4,867; rounded to the published USD 5,000', registryFeeBasisPoints: 1_000 });
    expect(manual.status).toBe(201);
  });

  it('publishes the schedule with its provenance and the reference prices, to anyone', async () => {
    const response = await get('/registry/prices', null);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { prices: Record<string, unknown>[]; referencePrices: unknown[] };
    expect(body.prices).toEqual([
      expect.objectContaining({ rule: 'manual', pricePerTonneMinor: 500_000, inForce: true, reason: '10 % rule gives 4,867; rounded to the published USD 5,000', ruleInputs: expect.objectContaining({ ruleWouldGive: expect.objectContaining({ pricePerTonneMinor: 486_667 }) }) }),
      expect.objectContaining({ rule: 'ten_percent_of_three_year_average', pricePerTonneMinor: 486_667, inForce: false }),
    ]);
    expect(body.referencePrices).toHaveLength(3);
  });
});

describe('Orders through the API', () => {
  it('a buyer places an order into its own account and gets the invoice back', async () => {
    const response = await post('/registry/orders', 'buyer', { accountId: buyerAccountId, site, mineral: 'cobalt', vintage: 2023, quantityKg: 2_500, buyerReference: 'PO-17' });
    expect(response.status).toBe(201);
    const order = await json(response);
    orderId = order.id as number;
    expect(order).toMatchObject({
      invoiceNumber: expect.stringMatching(/^RMC-INV-\d{4}-0001$/),
      status: 'awaiting_payment',
      organisation: { code: 'fairphone', name: 'Fairphone' },
      account: { id: buyerAccountId, legalName: 'fairphone SA' },
      site: { code: site },
      quantityKg: 2_500,
      currency: 'USD',
      pricePerTonneMinor: 500_000,
      amountMinor: 1_250_000,
      feeMinor: 125_000,
      premiumMinor: 1_125_000,
      registryFeeBasisPoints: 1_000,
      buyerReference: 'PO-17',
      invoice: `/api/v1/registry/orders/${orderId}/invoice.pdf`,
      payment: null,
    });
  });

  it('refuses orders beyond what is available, into another organisation’s account, from roles that may not order, or malformed', async () => {
    const beyond = await expectError(await post('/registry/orders', 'other', { accountId: otherAccountId, site, mineral: 'cobalt', vintage: 2023, quantityKg: 600 }, { 'accept-language': 'fr' }), 422, 'exceeds_available');
    expect(beyond!.message).toBe(`Seuls 0,500 t de crédits de cobalt du millésime 2023 du site ${site} sont disponibles ; vous en demandez 0,600 t.`);
    await expectError(await post('/registry/orders', 'other', { accountId: buyerAccountId, site, mineral: 'cobalt', vintage: 2023, quantityKg: 100 }), 403, 'forbidden');
    await expectError(await post('/registry/orders', 'member', { accountId: buyerAccountId, site, mineral: 'cobalt', vintage: 2023, quantityKg: 100 }), 403, 'forbidden');
    await expectError(await post('/registry/orders', null, { accountId: buyerAccountId, site, mineral: 'cobalt', vintage: 2023, quantityKg: 100 }), 401, 'unauthenticated');
    await expectError(await post('/registry/orders', 'buyer', { accountId: buyerAccountId, mineral: 'cobalt', vintage: 2023, quantityKg: 100 }), 400, 'validation_failed');
    await expectError(await post('/registry/orders', 'buyer', { accountId: buyerAccountId, site, mineral: 'cobalt', vintage: 2023, quantityKg: 0.5 }), 400, 'validation_failed');
    await expectError(await post('/registry/orders', 'buyer', { accountId: buyerAccountId, site: 'NOPE', mineral: 'cobalt', vintage: 2023, quantityKg: 100 }), 404, 'site_not_found');
  });

  it('lists a buyer’s own orders, all of them for the secretariat, and none to others', async () => {
    expect(((await json(await get('/registry/orders', 'buyer'))).orders as unknown[]).map((o) => (o as { id: number }).id)).toEqual([orderId]);
    expect((await json(await get('/registry/orders', 'member'))).error?.code).toBe('forbidden');
    expect((await json(await get('/registry/orders', 'other'))).orders).toEqual([]);
    expect(((await json(await get('/registry/orders', 'admin'))).orders as unknown[]).length).toBe(1);
    await expectError(await get('/registry/orders', 'field'), 403, 'forbidden');
    await expectError(await get('/registry/orders', null), 401, 'unauthenticated');
  });

  it('shows an order and its invoice to its buyer and the secretariat, and answers 404 to anyone else', async () => {
    expect((await get(`/registry/orders/${orderId}`, 'buyer')).status).toBe(200);
    expect((await get(`/registry/orders/${orderId}`, 'admin')).status).toBe(200);
    await expectError(await get(`/registry/orders/${orderId}`, 'other'), 404, 'order_not_found');
    await expectError(await get(`/registry/orders/${orderId}`, 'field'), 404, 'order_not_found');
    await expectError(await get('/registry/orders/999999', 'buyer'), 404, 'order_not_found');
    await expectError(await get(`/registry/orders/${orderId}`, null), 401, 'unauthenticated');
    const pdf = await get(`/registry/orders/${orderId}/invoice.pdf?lang=fr`, 'buyer');
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toMatch(/^inline; filename="facture-RMC-INV-\d{4}-0001\.pdf"$/);
    const text = execFileSync('pdftotext', ['-', '-'], { input: Buffer.from(await pdf.arrayBuffer()) }).toString();
    expect(text).toContain('Facture');
    expect(text).toContain('Fair Cobalt Alliance');
    await expectError(await get(`/registry/orders/${orderId}/invoice.pdf`, 'other'), 404, 'order_not_found');
  });
});

describe('Payments through the API', () => {
  const payment = { amountMinor: 1_250_000, currency: 'USD', receivedOn: '2025-08-14', reference: 'BNP-0815' };

  it('lets only the secretariat record a payment, which delivers the credits; a second one is refused with order_already_paid', async () => {
    await expectError(await post(`/registry/orders/${orderId}/payment`, 'buyer', payment), 403, 'forbidden');
    await expectError(await post(`/registry/orders/${orderId}/payment`, 'admin', { ...payment, amountMinor: 1_000 }), 422, 'payment_amount_mismatch');
    await expectError(await post(`/registry/orders/${orderId}/payment`, 'admin', { ...payment, receivedOn: '14/08/2025' }), 400, 'validation_failed');
    const paid = await post(`/registry/orders/${orderId}/payment`, 'admin', payment);
    expect(paid.status).toBe(201);
    expect(await json(paid)).toMatchObject({ status: 'paid', payment: { amountMinor: 1_250_000, currency: 'USD', receivedOn: '2025-08-14', reference: 'BNP-0815', transferId: expect.any(Number) } });
    expect(await accountBalance(t.db, buyerAccountId)).toEqual({ heldKg: 2_500, retiredKg: 0 });
    const size = await journalSize(t.db);
    const again = await expectError(await post(`/registry/orders/${orderId}/payment`, 'admin', payment, { 'accept-language': 'fr' }), 409, 'order_already_paid');
    expect(again!.message).toBe(`La commande ${orderId} est déjà payée : un paiement ne s’enregistre qu’une fois.`);
    expect(await journalSize(t.db)).toBe(size);
    await expectError(await post('/registry/orders/999999/payment', 'admin', payment), 404, 'order_not_found');
  });

  it('is described in a valid OpenAPI document', async () => {
    const document = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/registry/prices', '/registry/prices/references', '/registry/orders', '/registry/orders/{id}', '/registry/orders/{id}/invoice.pdf', '/registry/orders/{id}/payment']),
    );
  });
});

describe('Sales pages', () => {
  type Session = Awaited<ReturnType<TestContext['signIn']>>;
  const sessions = {} as Record<'admin' | 'buyer' | 'other', Session>;
  let placedId: number;

  beforeAll(async () => {
    for (const [who, role, organisationId] of [['admin', 'admin', orgs.secretariat], ['buyer', 'buyer', orgs.buyer], ['other', 'buyer', orgs.other]] as const) {
      const user = await t.buildUser({ role, organisationId });
      sessions[who] = await t.signIn(user.email, user.password);
    }
  });

  const page = async (who: keyof typeof sessions | null, path: string) => {
    const response = who ? await sessions[who].request(path) : await t.app.request(path);
    return { status: response.status, location: response.headers.get('location'), html: (await response.text()).replace(/[\u00a0\u202f]/g, ' ') };
  };
  const submit = async (who: keyof typeof sessions, path: string, fields: Record<string, string>) => {
    const response = await sessions[who].request(path, { method: 'POST', body: new URLSearchParams({ ...fields, _csrf: sessions[who].csrfToken }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    return { status: response.status, location: response.headers.get('location'), html: (await response.text()).replace(/[\u00a0\u202f]/g, ' ') };
  };

  it('show the price schedule to anyone, with how each price was set and the reference prices, in English and French', async () => {
    const { status, html } = await page(null, '/registry/prices');
    expect(status).toBe(200);
    for (const expected of ['Credit prices', 'USD 5,000.00', 'In force', 'Replaced', 'Set by hand: 10 % rule gives 4,867; rounded to the published USD 5,000', 'The 10 % rule gives USD 4,866.67.', '10 % of the 2020–2022 average reference price (USD 48,666.67).', 'USD 31,500.00', 'Demo yearly averages']) {
      expect(html).toContain(expected);
    }
    expect(html).not.toContain('Record a reference price');
    const french = await page(null, '/registry/prices?lang=fr');
    for (const expected of ['Prix des crédits', '5 000,00 USD', 'En vigueur', 'Fixé à la main', '10 %']) expect(french.html).toContain(expected);
  });

  it('give the secretariat forms to record a reference price and set a price, back filled in with each error beside its field', async () => {
    expect((await page('admin', '/registry/prices')).html).toContain('Record a reference price');
    const size = await journalSize(t.db);
    const bad = await submit('admin', '/registry/prices/references', { referenceMineral: 'cobalt', referenceYear: 'last year', referenceCurrency: 'USD', referencePrice: '32,000', referenceSource: 'Demo' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('error-summary');
    expect(bad.html).toContain('Enter a year, for example 2022.');
    expect(bad.html).toContain('Enter an amount above zero, for example 5000 or 5000.00.');
    expect(bad.html).toContain('value="32,000"');
    const duplicate = await submit('admin', '/registry/prices/references', { referenceMineral: 'cobalt', referenceYear: '2020', referenceCurrency: 'USD', referencePrice: '31 500', referenceSource: 'Demo' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.html).toContain('A reference price of cobalt for 2020 in USD is already recorded');
    expect(await journalSize(t.db)).toBe(size);
    const recorded = await submit('admin', '/registry/prices/references', { referenceMineral: 'cobalt', referenceYear: '2019', referenceCurrency: 'usd', referencePrice: '32 000.00', referenceSource: 'Demo yearly averages' });
    expect(recorded).toMatchObject({ status: 303, location: '/registry/prices?recorded=1' });
    expect((await page('admin', '/registry/prices?recorded=1')).html).toContain('The reference price is recorded.');

    const noReason = await submit('admin', '/registry/prices', { mineral: 'cobalt', vintage: '2022', currency: 'USD', rule: 'manual', price: '4 500', reason: '', fee: '10' });
    expect(noReason.status).toBe(422);
    expect(noReason.html).toContain('A price set by hand needs a reason');
    expect(noReason.html).toContain('value="4 500"');
    const missing = await submit('admin', '/registry/prices', { mineral: 'cobalt', vintage: '2026', currency: 'USD', rule: 'ten_percent_of_three_year_average', price: '', reason: '', fee: '2.5' });
    expect(missing.status).toBe(422);
    expect(missing.html).toContain('2023, 2024, 2025 missing');
    const set = await submit('admin', '/registry/prices', { mineral: 'cobalt', vintage: '2022', currency: 'USD', rule: 'ten_percent_of_three_year_average', price: '', reason: '', fee: '2,5' });
    expect(set).toMatchObject({ status: 303, location: '/registry/prices?set=1' });
    expect((await page(null, '/registry/prices')).html).toContain('10 % of the 2019–2021 average reference price (USD 38,166.67).');
    expect((await submit('buyer', '/registry/prices', { mineral: 'cobalt', vintage: '2022', currency: 'USD', rule: 'manual', price: '1', reason: 'x', fee: '0' })).status).toBe(403);
  });

  it('let a buyer order credits: the offer with tonnes available and price, the form back with its errors, then the order and its invoice', async () => {
    const list = await page('buyer', '/registry/orders');
    expect(list.status).toBe(200);
    expect(list.html).toContain('href="/registry/orders/new"');
    const form = await page('buyer', '/registry/orders/new?quantity=0.4');
    expect(form.status).toBe(200);
    expect(form.html).toContain(`value="cobalt:2023:${site}"`);
    expect(form.html).toMatch(/0\.500 t available at USD 5,000\.00 per tonne/);
    expect(form.html).toContain(`value="${buyerAccountId}"`);
    expect(form.html).toContain('value="0.4"');
    const bad = await submit('buyer', '/registry/orders/new', { account: String(buyerAccountId), offer: `cobalt:2023:${site}`, quantity: 'two', buyerReference: 'PO-99' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('Enter a quantity in tonnes above zero');
    expect(bad.html).toContain('value="PO-99"');
    const tooMuch = await submit('buyer', '/registry/orders/new', { account: String(buyerAccountId), offer: `cobalt:2023:${site}`, quantity: '0.6', buyerReference: '' });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.html).toContain('Only 0.500 t of cobalt credits of vintage 2023');
    const placed = await submit('buyer', '/registry/orders/new', { account: String(buyerAccountId), offer: `cobalt:2023:${site}`, quantity: '0,4', buyerReference: 'PO-99' });
    expect(placed.status).toBe(303);
    expect(placed.location).toMatch(/^\/registry\/orders\/\d+\?placed=1$/);
    placedId = Number(/orders\/(\d+)/.exec(placed.location!)![1]);
    const view = await page('buyer', placed.location!);
    for (const expected of ['Your order is placed.', 'RMC-INV-', 'Awaiting payment', '0.400 t', 'USD 2,000.00', 'USD 1,800.00', 'USD 200.00', 'PO-99', `/registry/orders/${placedId}/invoice.pdf`]) expect(view.html).toContain(expected);
    expect(view.html).not.toContain('Record the payment');
    const invoice = await sessions.buyer.request(`/registry/orders/${placedId}/invoice.pdf`);
    expect(invoice.status).toBe(200);
    expect(invoice.headers.get('content-type')).toBe('application/pdf');
  });

  it('keep an order from other organisations (404) and send anonymous readers to sign in', async () => {
    expect((await page('other', `/registry/orders/${placedId}`)).status).toBe(404);
    expect((await page('other', `/registry/orders/${placedId}/invoice.pdf`)).status).toBe(404);
    expect((await page('other', '/registry/orders')).html).toContain('No orders yet.');
    expect(await page(null, `/registry/orders/${placedId}`)).toMatchObject({ status: 303, location: `/login?next=${encodeURIComponent(`/registry/orders/${placedId}`)}` });
    expect((await page(null, '/registry/orders/new')).status).toBe(303);
  });

  it('let the secretariat see every order, awaiting payment first, and record a payment that delivers the credits', async () => {
    const list = await page('admin', '/registry/orders');
    expect(list.html).toContain(`href="/registry/orders/${placedId}#payment"`);
    expect(list.html).toContain('Premium owed to site funds');
    const view = await page('admin', `/registry/orders/${placedId}`);
    expect(view.html).toContain('Record the payment');
    expect(view.html).toContain('name="amount" type="text" value="2000.00"');
    const size = await journalSize(t.db);
    const wrong = await submit('admin', `/registry/orders/${placedId}/payment`, { amount: '1 999', receivedOn: '2025-08-20', reference: 'BNP-1' });
    expect(wrong.status).toBe(422);
    expect(wrong.html).toContain('The invoice is for USD 2,000.00');
    expect(wrong.html).toContain('value="BNP-1"');
    expect(await journalSize(t.db)).toBe(size);
    expect((await submit('buyer', `/registry/orders/${placedId}/payment`, { amount: '2000', receivedOn: '2025-08-20', reference: 'BNP-1' })).status).toBe(403);
    const paid = await submit('admin', `/registry/orders/${placedId}/payment`, { amount: '2 000', receivedOn: '2025-08-20', reference: 'BNP-1' });
    expect(paid).toMatchObject({ status: 303, location: `/registry/orders/${placedId}?paid=1` });
    const after = await page('buyer', `/registry/orders/${placedId}?paid=1`);
    for (const expected of ['The payment is recorded', 'Paid', 'BNP-1', `href="/registry/accounts/${buyerAccountId}"`]) expect(after.html).toContain(expected);
    expect(await accountBalance(t.db, buyerAccountId)).toEqual({ heldKg: 2_900, retiredKg: 0 });
    const french = await page('buyer', `/registry/orders/${placedId}?lang=fr`);
    for (const expected of ['Commande RMC-INV-', 'Payée', '0,400 t', '2 000,00 USD', 'dont prime au fonds du site', 'Voir les crédits sur le compte']) expect(french.html).toContain(expected);
    const again = await submit('admin', `/registry/orders/${placedId}/payment`, { amount: '2000', receivedOn: '2025-08-20', reference: 'BNP-1' });
    expect(again.status).toBe(409);
    expect(again.html).toContain('is already paid');
  });

  it('refuse a form posted without the page’s CSRF token', async () => {
    const response = await t.app.request('/registry/orders/new', { method: 'POST', body: new URLSearchParams({ account: String(buyerAccountId), offer: `cobalt:2023:${site}`, quantity: '0.1' }), headers: { cookie: sessions.buyer.cookie, 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(403);
  });
});
