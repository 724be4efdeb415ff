import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, insertSignedStatement, openApprovedAccount } from '../../test/factories/registry.ts';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import { runCommand } from '../journal/public.ts';
import { issueBatch } from './commands/issue-batch.ts';
import { retireCredits } from './commands/retire-credits.ts';
import { transferCredits } from './commands/transfer-credits.ts';
import { getIssuanceAccount } from './queries/accounts.ts';
import { listProductLines } from './queries/footprints.ts';

let t: TestContext;
let buyer: { id: number; code: string; name: string };
let rival: { id: number; code: string };
let buyerToken: string;
let memberToken: string;
let rivalToken: string;
let adminToken: string;
let accountId: number;
type Session = Awaited<ReturnType<TestContext['signIn']>>;
let buyerSession: Session;
let memberSession: Session;
let rivalSession: Session;

beforeAll(async () => {
  t = await createTestContext();
  const secretariat = await t.buildOrganisation({ kind: 'secretariat' });
  buyer = await t.buildOrganisation({ kind: 'buyer', code: 'fairphone', name: 'Fairphone B.V.' });
  rival = await t.buildOrganisation({ kind: 'buyer', code: 'rival' });
  buyerToken = (await t.buildToken({ role: 'buyer', organisationId: buyer.id })).token;
  memberToken = (await t.buildToken({ role: 'member', organisationId: buyer.id })).token;
  rivalToken = (await t.buildToken({ role: 'buyer', organisationId: rival.id })).token;
  adminToken = (await t.buildToken({ role: 'admin', organisationId: secretariat.id })).token;
  const buyerUser = await t.buildUser({ role: 'buyer', organisationId: buyer.id });
  const memberUser = await t.buildUser({ role: 'member', organisationId: buyer.id });
  const rivalUser = await t.buildUser({ role: 'buyer', organisationId: rival.id });
  buyerSession = await t.signIn(buyerUser.email, buyerUser.password);
  memberSession = await t.signIn(memberUser.email, memberUser.password);
  rivalSession = await t.signIn(rivalUser.email, rivalUser.password);
  const signed = await insertSignedStatement(t, { responsibleKg: 10_000, periodStart: '2025-01-01', periodEnd: '2025-12-31' });
  await runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId: signed.statement.id, quantityKg: 10_000 }));
  accountId = (await openApprovedAccount(t.db, buyer)).id;
  await runCommand(t.db, system, async (ctx) => transferCredits(ctx, { fromAccountId: (await getIssuanceAccount(ctx.tx))!.id, toAccountId: accountId, quantityKg: 5_000 }));
});
afterAll(() => t?.close());

const api = (path: string, init: RequestInit = {}, token?: string, locale = 'en') =>
  t.app.request(`/api/v1${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), ...(token ? { authorization: `Bearer ${token}` } : {}), 'accept-language': locale } });
const post = (path: string, body: unknown, token?: string, locale = 'en') => api(path, jsonRequest('POST', body), token, locale);

const retire = (quantityKg: number, footprintReference: string) =>
  runCommand(t.db, actorOf(buyer, 'buyer'), (ctx) =>
    retireCredits(ctx, { accountId, quantityKg, beneficiary: 'Fairphone B.V.', claimPeriodStart: '2025-01-01', claimPeriodEnd: '2025-12-31', covers: 'Fairphone 5', footprintReference }),
  );

/** Expects an API refusal with this status and code, and a French message. */
async function expectError(response: Response, status: number, code: string) {
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect({ status: response.status, code: body.error.code }).toEqual({ status, code });
  return body.error;
}

describe('The footprint API', () => {
  let phoneId: number;
  let cableId: number;

  it('records product lines for the caller’s organisation', async () => {
    const response = await post('/registry/footprints/product-lines', { name: 'Fairphone 5', mineral: 'cobalt', milligramsPerUnit: 8_500 }, buyerToken);
    expect(response.status).toBe(201);
    const line = (await response.json()) as { id: number };
    expect(line).toEqual({ id: expect.any(Number), name: 'Fairphone 5', mineral: 'cobalt', milligramsPerUnit: 8_500, recordedAt: expect.any(String) });
    phoneId = line.id;
    cableId = ((await (await post('/registry/footprints/product-lines', { name: 'Cable', mineral: 'copper', milligramsPerUnit: 3_000 }, buyerToken)).json()) as { id: number }).id;
  });

  it('refuses bad product lines with a stable code, in French when asked', async () => {
    const taken = await expectError(await post('/registry/footprints/product-lines', { name: 'Fairphone 5', mineral: 'cobalt', milligramsPerUnit: 1 }, buyerToken, 'fr'), 409, 'product_line_name_taken');
    expect(taken.message).toBe('Fairphone B.V. a déjà une ligne de produits nommée « Fairphone 5 ».');
    await expectError(await post('/registry/footprints/product-lines', { name: 'X', mineral: 'lithium', milligramsPerUnit: 1 }, buyerToken), 422, 'mineral_unknown');
    await expectError(await post('/registry/footprints/product-lines', { name: 'X', mineral: 'cobalt', milligramsPerUnit: 0 }, buyerToken), 422, 'content_per_unit_invalid');
    await expectError(await post('/registry/footprints/product-lines', { name: '', mineral: 'cobalt', milligramsPerUnit: 1 }, buyerToken), 422, 'product_line_name_invalid');
    await expectError(await post('/registry/footprints/product-lines', { name: 'X', mineral: 'cobalt', milligramsPerUnit: 8.5 }, buyerToken), 400, 'validation_failed');
  });

  it('lets only a buyer of the organisation or an admin record, and asks anonymous callers to sign in', async () => {
    await expectError(await post('/registry/footprints/product-lines', { name: 'X', mineral: 'cobalt', milligramsPerUnit: 1 }), 401, 'unauthenticated');
    await expectError(await post('/registry/footprints/product-lines', { name: 'X', mineral: 'cobalt', milligramsPerUnit: 1 }, memberToken), 403, 'forbidden');
    await expectError(await post('/registry/footprints/product-lines', { organisationId: buyer.id, name: 'X', mineral: 'cobalt', milligramsPerUnit: 1 }, rivalToken), 403, 'forbidden');
    const byAdmin = await post('/registry/footprints/product-lines', { organisationId: buyer.id, name: 'Fairphone 4', mineral: 'cobalt', milligramsPerUnit: 7_250 }, adminToken);
    expect(byAdmin.status).toBe(201);
  });

  it('calculates a footprint and answers with its reference, lines and coverage', async () => {
    const response = await post('/registry/footprints', { mineral: 'cobalt', periodStart: '2025-01-01', periodEnd: '2025-12-31', lines: [{ productLineId: phoneId, unitsSold: 120_000 }] }, buyerToken);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({
      reference: 'FP-FAIRPHONE-1',
      organisation: { code: 'fairphone', name: 'Fairphone B.V.' },
      mineral: 'cobalt',
      period: { start: '2025-01-01', end: '2025-12-31' },
      calculatedAt: expect.any(String),
      requiredKg: 1_020,
      retiredKg: 0,
      restKg: 1_020,
      overKg: 0,
      coveragePercent: 0,
      lines: [{ productLineId: phoneId, name: 'Fairphone 5', unitsSold: 120_000, milligramsPerUnit: 8_500 }],
      retirements: [],
    });
  });

  it('refuses bad calculations with a stable code and a French message', async () => {
    const calculation = (lines: unknown[], extra: Record<string, unknown> = {}) => post('/registry/footprints', { mineral: 'cobalt', periodStart: '2025-01-01', periodEnd: '2025-12-31', lines, ...extra }, buyerToken, 'fr');
    const cases: [Response, string][] = [
      [await calculation([]), 'footprint_lines_required'],
      [await calculation([{ productLineId: phoneId, unitsSold: -1 }]), 'units_sold_invalid'],
      [await calculation([{ productLineId: phoneId, unitsSold: 1 }, { productLineId: phoneId, unitsSold: 2 }]), 'duplicate_product_line'],
      [await calculation([{ productLineId: 999_999, unitsSold: 1 }]), 'product_line_not_found'],
      [await calculation([{ productLineId: cableId, unitsSold: 1 }]), 'product_line_mineral_mismatch'],
      [await calculation([{ productLineId: phoneId, unitsSold: 1 }], { periodStart: '2025-12-31', periodEnd: '2025-01-01' }), 'footprint_period_invalid'],
      [await calculation([{ productLineId: phoneId, unitsSold: 1 }], { mineral: 'gold' }), 'mineral_unknown'],
    ];
    for (const [response, code] of cases) {
      const error = await expectError(response, 422, code);
      expect(error.message).toMatch(/[àâçéèêëîïôûù’«]/);
    }
    const rivalLine = ((await (await post('/registry/footprints/product-lines', { name: 'Rival phone', mineral: 'cobalt', milligramsPerUnit: 1 }, rivalToken)).json()) as { id: number }).id;
    await expectError(await calculation([{ productLineId: rivalLine, unitsSold: 1 }]), 422, 'product_line_not_found');
  });

  it('lists the organisation’s product lines and calculations with coverage, to its buyers, members and admins only', async () => {
    await retire(600, 'FP-FAIRPHONE-1');
    const own = (await (await api('/registry/footprints', {}, memberToken)).json()) as Record<string, unknown>;
    expect(own).toEqual({
      organisation: { code: 'fairphone', name: 'Fairphone B.V.' },
      productLines: [expect.objectContaining({ name: 'Cable' }), expect.objectContaining({ name: 'Fairphone 4', milligramsPerUnit: 7_250 }), expect.objectContaining({ name: 'Fairphone 5' })],
      calculations: [{ reference: 'FP-FAIRPHONE-1', mineral: 'cobalt', period: { start: '2025-01-01', end: '2025-12-31' }, calculatedAt: expect.any(String), requiredKg: 1_020, retiredKg: 600, restKg: 420, overKg: 0, coveragePercent: 58.8 }],
    });
    expect(await (await api('/registry/footprints?organisation=fairphone', {}, adminToken)).json()).toEqual(own);
    await expectError(await api('/registry/footprints?organisation=fairphone', {}, rivalToken), 403, 'forbidden');
    await expectError(await api('/registry/footprints'), 401, 'unauthenticated');
    await expectError(await api('/registry/footprints?organisation=nobody', {}, adminToken), 404, 'organisation_not_found');
  });

  it('gives one calculation with the retirements that cover it, and shows over-coverage', async () => {
    const before = (await (await api('/registry/footprints/FP-FAIRPHONE-1', {}, buyerToken)).json()) as { retirements: { id: number }[] };
    expect(before).toMatchObject({ retiredKg: 600, restKg: 420, coveragePercent: 58.8 });
    expect(before.retirements).toEqual([
      { id: expect.any(Number), quantityKg: 600, beneficiary: 'Fairphone B.V.', claimPeriod: { start: '2025-01-01', end: '2025-12-31' }, covers: 'Fairphone 5', retiredAt: expect.any(String), certificate: `/certificates/${before.retirements[0]!.id}` },
    ]);
    await retire(500, 'FP-FAIRPHONE-1');
    expect(await (await api('/registry/footprints/FP-FAIRPHONE-1', {}, buyerToken)).json()).toMatchObject({ retiredKg: 1_100, restKg: 0, overKg: 80, coveragePercent: 107.8 });
    await expectError(await api('/registry/footprints/FP-FAIRPHONE-1', {}, rivalToken), 403, 'forbidden');
    await expectError(await api('/registry/footprints/FP-FAIRPHONE-99', {}, adminToken), 404, 'footprint_not_found');
  });
});

const form = (session: Session, path: string, fields: Record<string, string>, locale = 'en') =>
  session.request(`${path}${locale === 'fr' ? '?lang=fr' : ''}`, { method: 'POST', body: new URLSearchParams({ ...fields, _csrf: session.csrfToken }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
const page = async (session: Session | undefined, path: string) => {
  const response = session ? await session.request(path) : await t.app.request(path);
  return { status: response.status, html: await response.text(), location: response.headers.get('location') };
};
const unescape = (html: string) => html.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'");

describe('The footprint pages', () => {
  it('show a buyer its product lines, calculations and both forms, in English and French', async () => {
    const english = await page(buyerSession, '/registry/footprints');
    expect(english.status).toBe(200);
    expect(english.html).toContain('<h1>Footprint</h1>');
    expect(english.html).toContain('Product lines of Fairphone B.V.');
    expect(english.html).toContain('8.5 g');
    expect(english.html).toContain('href="/registry/footprints/FP-FAIRPHONE-1"');
    expect(english.html).toContain('107.8%');
    for (const name of ['lineName', 'lineMineral', 'gramsPerUnit', 'mineral', 'periodStart', 'periodEnd']) expect(english.html).toContain(`name="${name}"`);
    const phone = (await listProductLines(t.db, buyer.id)).find((line) => line.name === 'Fairphone 5')!;
    expect(english.html).toContain(`name="units-${phone.id}"`);
    const french = await page(buyerSession, '/registry/footprints?lang=fr');
    expect(french.html).toContain('<h1>Empreinte</h1>');
    expect(french.html).toContain('8,5 g');
    expect(french.html).toContain('Calculer une empreinte');
    expect(french.html).toMatch(/107,8\s%/);
  });

  it('record a product line from grams typed with a decimal comma, exactly in milligrams', async () => {
    const response = await form(buyerSession, '/registry/footprints/product-lines', { lineName: 'Fairphone Tab', lineMineral: 'cobalt', gramsPerUnit: '12,125' });
    expect(response.status).toBe(303);
    const recorded = (await listProductLines(t.db, buyer.id)).find((line) => line.name === 'Fairphone Tab')!;
    expect(recorded.milligramsPerUnit).toBe(12_125);
    expect(response.headers.get('location')).toBe(`/registry/footprints?recorded=${recorded.id}`);
    expect((await page(buyerSession, response.headers.get('location')!)).html).toContain('Product line “Fairphone Tab” recorded.');
  });

  it('give the product line form back filled in with the problem beside the field', async () => {
    const badGrams = await form(buyerSession, '/registry/footprints/product-lines', { lineName: 'Earbuds', lineMineral: 'cobalt', gramsPerUnit: '8.5 g' });
    expect(badGrams.status).toBe(400);
    const html = await badGrams.text();
    expect(html).toContain('href="#gramsPerUnit"');
    expect(html).toContain('value="Earbuds"');
    expect(html).toContain('value="8.5 g"');
    const taken = await form(buyerSession, '/registry/footprints/product-lines', { lineName: 'Fairphone 5', lineMineral: 'cobalt', gramsPerUnit: '1' }, 'fr');
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain('Fairphone B.V. a déjà une ligne de produits nommée « Fairphone 5 ».');
  });

  it('calculate a footprint from units typed with thousands separators, then show it with a link to retire the rest', async () => {
    const lines = await listProductLines(t.db, buyer.id);
    const phone = lines.find((line) => line.name === 'Fairphone 5')!;
    const tab = lines.find((line) => line.name === 'Fairphone Tab')!;
    const response = await form(buyerSession, '/registry/footprints', { mineral: 'cobalt', periodStart: '2024-01-01', periodEnd: '2024-12-31', [`units-${phone.id}`]: '100 000', [`units-${tab.id}`]: '2,000', [`units-${lines[0]!.id}`]: '' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/registry/footprints/FP-FAIRPHONE-2?calculated=1');
    // 100,000 × 8.5 g + 2,000 × 12.125 g = 874.25 kg → 875 kg.
    const detail = await page(buyerSession, response.headers.get('location')!);
    expect(detail.status).toBe(200);
    expect(detail.html).toContain('Footprint calculated.');
    expect(detail.html).toContain('0.875 t');
    expect(detail.html).toContain('100,000');
    expect(detail.html).toContain('<meter id="coverage"');
    const href = unescape(/id="retire-rest" href="([^"]+)"/.exec(detail.html)![1]!);
    const link = new URL(href, 'http://orebook.test');
    expect(link.pathname).toBe('/registry/retire');
    expect(Object.fromEntries(link.searchParams)).toEqual({
      quantity: '0.875',
      footprintReference: 'FP-FAIRPHONE-2',
      claimStart: '2024-01-01',
      claimEnd: '2024-12-31',
      covers: 'Fairphone 5: 100,000 units; Fairphone Tab: 2,000 units',
      beneficiary: 'Fairphone B.V.',
    });
  });

  it('give the calculation form back with the problem beside the units', async () => {
    const phone = (await listProductLines(t.db, buyer.id)).find((line) => line.name === 'Fairphone 5')!;
    const badUnits = await form(buyerSession, '/registry/footprints', { mineral: 'cobalt', periodStart: '2024-01-01', periodEnd: '2024-12-31', [`units-${phone.id}`]: '12.5' });
    expect(badUnits.status).toBe(400);
    const html = await badUnits.text();
    expect(html).toContain(`href="#units-${phone.id}"`);
    expect(html).toContain('value="12.5"');
    const none = await form(buyerSession, '/registry/footprints', { mineral: 'cobalt', periodStart: '2024-01-01', periodEnd: '2024-12-31' }, 'fr');
    expect(none.status).toBe(422);
    expect(await none.text()).toContain('Indiquez les unités vendues d’au moins une ligne de produits');
    const cable = (await listProductLines(t.db, buyer.id)).find((line) => line.name === 'Cable')!;
    const mismatch = await form(buyerSession, '/registry/footprints', { mineral: 'cobalt', periodStart: '2024-01-01', periodEnd: '2024-12-31', [`units-${cable.id}`]: '5' });
    expect(mismatch.status).toBe(422);
    expect(await mismatch.text()).toContain(`href="#units-${cable.id}"`);
    const period = await form(buyerSession, '/registry/footprints', { mineral: 'cobalt', periodStart: '2024-12-31', periodEnd: '2024-01-01', [`units-${phone.id}`]: '5' });
    expect(period.status).toBe(422);
    expect(await period.text()).toContain('href="#periodStart"');
  });

  it('show coverage, over-coverage and the retirements that cover a calculation, in French', async () => {
    const french = await page(buyerSession, '/registry/footprints/FP-FAIRPHONE-1?lang=fr');
    expect(french.html).toContain('<h1>Empreinte FP-FAIRPHONE-1</h1>');
    expect(french.html).toMatch(/107,8\s%/);
    expect(french.html).toContain('value="100"');
    expect(french.html).toContain('retirées au-delà de l’empreinte');
    expect(french.html).toMatch(/href="\/certificates\/\d+"/);
    expect(french.html).not.toContain('id="retire-rest"');
    expect(french.html).toContain('Cette empreinte est entièrement couverte.');
  });

  it('let a member read but not change, and keep other organisations and anonymous readers out', async () => {
    const member = await page(memberSession, '/registry/footprints');
    expect(member.status).toBe(200);
    expect(member.html).toContain('FP-FAIRPHONE-1');
    expect(member.html).not.toContain('name="gramsPerUnit"');
    expect((await page(memberSession, '/registry/footprints/FP-FAIRPHONE-2')).html).not.toContain('id="retire-rest"');
    expect((await form(memberSession, '/registry/footprints/product-lines', { lineName: 'X', lineMineral: 'cobalt', gramsPerUnit: '1' })).status).toBe(403);
    expect((await page(rivalSession, '/registry/footprints/FP-FAIRPHONE-1')).status).toBe(403);
    expect((await page(rivalSession, '/registry/footprints')).html).not.toContain('FP-FAIRPHONE');
    const anonymous = await page(undefined, '/registry/footprints');
    expect(anonymous.status).toBe(303);
    expect(anonymous.location).toBe('/login?next=%2Fregistry%2Ffootprints');
    expect((await page(buyerSession, '/registry/footprints/FP-NOPE-1')).status).toBe(404);
  });
});
