import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiRefusal, expectCommandRefusal } from '../../test/expect.ts';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import type { Actor } from '../core/auth/roles.ts';
import { rowsOf } from '../db/connect.ts';
import { journalSize, runCommand } from '../journal/public.ts';
import { convert, recordExchangeRate, reportingCurrencyOf, setReportingCurrency, type RecordExchangeRateProps } from './public.ts';

/** The exchange rates: recording a day's rate and its refusals, conversion with the rates used, the reporting currency, and the API. */
let t: TestContext;
let adminToken: string;
let buyerToken: string;

beforeAll(async () => {
  t = await createTestContext();
  adminToken = (await t.buildToken({ role: 'admin' })).token;
  buyerToken = (await t.buildToken({ role: 'buyer' })).token;
});
afterAll(() => t?.close());

const record = (props: RecordExchangeRateProps) => runCommand(t.db, system, (c) => recordExchangeRate(c, props));
const state = async () => ({ rates: rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from exchange_rates`))[0]!.n, journal: await journalSize(t.db) });
const bcc = 'Banque Centrale du Congo, taux du jour';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('Recording a day’s rate', () => {
  it('records the rate with its source, and journals it', async () => {
    const rate = await record({ currency: 'CDF', rateOn: '2025-06-02', unitsPerUsdMicro: 2_850_500_000, source: `  ${bcc} ` });
    expect(rate).toMatchObject({ currency: 'CDF', rateOn: '2025-06-02', unitsPerUsdMicro: 2_850_500_000, source: bcc });
    const [event] = rowsOf<{ type: string; subject: string }>(await t.db.execute(sql`select type, subject from journal_entries order by seq desc limit 1`));
    expect(event).toEqual({ type: 'rates.exchange_rate_recorded', subject: 'exchange-rate:CDF:2025-06-02' });
  });

  it('refuses a second rate for the same currency and day (409), an unknown or ill-formed currency, the base currency, a rate not above zero, a future or malformed date, an empty source (422): nothing written', async () => {
    const ok = { currency: 'EUR', rateOn: '2025-06-02', unitsPerUsdMicro: 920_000, source: 'ECB reference rate' };
    await record({ ...ok, currency: 'CDF', unitsPerUsdMicro: 2_850_500_000 }).catch(() => undefined);
    const refusals: [Partial<RecordExchangeRateProps>, string, number][] = [
      [{ currency: 'CDF', unitsPerUsdMicro: 1 }, 'rate_exists', 409],
      [{ currency: 'XYZ' }, 'currency_unknown', 422],
      [{ currency: 'eur' }, 'currency_unknown', 422],
      [{ currency: 'USD' }, 'currency_is_base', 422],
      [{ unitsPerUsdMicro: 0 }, 'rate_invalid', 422],
      [{ unitsPerUsdMicro: -5 }, 'rate_invalid', 422],
      [{ unitsPerUsdMicro: 1.5 }, 'rate_invalid', 422],
      [{ rateOn: '2999-01-01' }, 'date_invalid', 422],
      [{ rateOn: '2025-02-30' }, 'date_invalid', 422],
      [{ source: '   ' }, 'rate_source_required', 422],
      [{ source: 'x'.repeat(201) }, 'rate_source_required', 422],
    ];
    for (const [change, code, status] of refusals) await expectCommandRefusal(() => record({ ...ok, ...change }), code, status, { unchanged: state });
  });

  it('refuses anyone but the secretariat', async () => {
    const buyer: Actor = { kind: 'token', tokenId: 1, orgId: 1, orgCode: 'x', orgKind: 'buyer', role: 'buyer' };
    await expectCommandRefusal(() => runCommand(t.db, buyer, (c) => recordExchangeRate(c, { currency: 'CHF', rateOn: '2025-06-02', unitsPerUsdMicro: 880_000, source: 'SNB' })), 'forbidden', 403, { unchanged: state });
  });
});

describe('Converting with the rates of a day', () => {
  beforeAll(async () => {
    await record({ currency: 'CHF', rateOn: '2025-07-01', unitsPerUsdMicro: 800_000, source: 'SNB' });
    await record({ currency: 'CDF', rateOn: '2025-07-01', unitsPerUsdMicro: 2_900_000_000, source: bcc });
  });

  it('converts between two currencies through the US dollar, listing both rates used', async () => {
    const conversion = await convert(t.db, { amountMinor: 80_00, from: 'CHF', to: 'CDF', on: '2025-07-01' });
    expect(conversion.amountMinor).toBe(290_000_00);
    expect(conversion.ratesUsed.map((r) => [r.currency, r.rateOn, r.unitsPerUsdMicro, r.source])).toEqual([
      ['CHF', '2025-07-01', 800_000, 'SNB'],
      ['CDF', '2025-07-01', 2_900_000_000, bcc],
    ]);
    expect(await convert(t.db, { amountMinor: 1, from: 'CDF', to: 'USD', on: '2025-07-01' })).toMatchObject({ amountMinor: 0, currency: 'USD' });
  });

  it('refuses a day without a rate, naming the currency and the day, and an unknown currency', async () => {
    const missing = await expectCommandRefusal(() => convert(t.db, { amountMinor: 100, from: 'USD', to: 'CHF', on: '2025-07-02' }), 'rate_missing', 422);
    expect(missing.details).toEqual({ currency: 'CHF', date: '2025-07-02' });
    expect(missing.text.en).toContain('CHF');
    await expectCommandRefusal(() => convert(t.db, { amountMinor: 100, from: 'ABC', to: 'USD', on: '2025-07-01' }), 'currency_unknown', 422);
  });
});

describe('The reporting currency', () => {
  it('is the US dollar until the secretariat sets another known currency, journaled', async () => {
    expect(await reportingCurrencyOf(t.db)).toBe('USD');
    await expectCommandRefusal(() => runCommand(t.db, system, (c) => setReportingCurrency(c, { currency: 'XYZ' })), 'currency_unknown', 422, { unchanged: () => reportingCurrencyOf(t.db) });
    const before = await journalSize(t.db);
    await runCommand(t.db, system, (c) => setReportingCurrency(c, { currency: 'EUR' }));
    expect(await reportingCurrencyOf(t.db)).toBe('EUR');
    expect(await journalSize(t.db)).toBe(before + 1);
    await runCommand(t.db, system, (c) => setReportingCurrency(c, { currency: 'USD' }));
  });
});

describe('The API', () => {
  it('lists the rates to anyone, filtered by currency and period', async () => {
    const all = (await (await t.app.request('/api/v1/rates')).json()) as { base: string; rates: { currency: string; rateOn: string; rate: string }[] };
    expect(all.base).toBe('USD');
    expect(all.rates.length).toBeGreaterThanOrEqual(3);
    const cdf = (await (await t.app.request('/api/v1/rates?currency=CDF&from=2025-07-01&to=2025-07-31')).json()) as typeof all;
    expect(cdf.rates).toEqual([expect.objectContaining({ currency: 'CDF', rateOn: '2025-07-01', rate: '2900', source: bcc })]);
    await expectApiRefusal(await t.app.request('/api/v1/rates?currency=XYZ'), 422, 'currency_unknown');
    await expectApiRefusal(await t.app.request('/api/v1/rates?from=2025-08-01&to=2025-07-01'), 422, 'period_invalid');
  });

  it('records a rate for the secretariat only; refusals write nothing', async () => {
    const body = { currency: 'GBP', rateOn: '2025-07-01', unitsPerUsdMicro: 780_000, source: 'Bank of England' };
    expect((await t.app.request('/api/v1/rates', jsonRequest('POST', body))).status).toBe(401);
    expect((await t.app.request('/api/v1/rates', jsonRequest('POST', body, bearer(buyerToken)))).status).toBe(403);
    const created = await t.app.request('/api/v1/rates', jsonRequest('POST', body, bearer(adminToken)));
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ currency: 'GBP', rate: '0.78' });
    const before = await state();
    await expectApiRefusal(await t.app.request('/api/v1/rates', jsonRequest('POST', body, bearer(adminToken))), 409, 'rate_exists');
    await expectApiRefusal(await t.app.request('/api/v1/rates', jsonRequest('POST', { ...body, currency: 'QQQ' }, bearer(adminToken))), 422, 'currency_unknown');
    await expectApiRefusal(await t.app.request('/api/v1/rates', jsonRequest('POST', { ...body, rateOn: '2025-07-02', source: '' }, bearer(adminToken))), 422, 'rate_source_required');
    expect(await state()).toEqual(before);
  });

  it('converts an amount with the rates used, into the reporting currency by default', async () => {
    const response = await t.app.request('/api/v1/rates/conversion?amountMinor=290000000&from=CDF&on=2025-07-01');
    expect(await response.json()).toMatchObject({ amountMinor: 100_000, currency: 'USD', from: { amountMinor: 290_000_000, currency: 'CDF' }, ratesUsed: [{ currency: 'CDF', rateOn: '2025-07-01', rate: '2900' }] });
    await expectApiRefusal(await t.app.request('/api/v1/rates/conversion?amountMinor=1&from=CDF&to=CHF&on=2025-07-09'), 422, 'rate_missing');
  });

  it('lists the currencies with their minor units, and lets the secretariat set the reporting currency', async () => {
    const listed = (await (await t.app.request('/api/v1/rates/currencies')).json()) as { currencies: { code: string; minorUnits: number }[]; reportingCurrency: string };
    expect(listed.currencies).toEqual(expect.arrayContaining([{ code: 'CDF', minorUnits: 2 }, { code: 'JPY', minorUnits: 0 }]));
    expect((await t.app.request('/api/v1/rates/reporting-currency', jsonRequest('PUT', { currency: 'CHF' }, bearer(buyerToken)))).status).toBe(403);
    await expectApiRefusal(await t.app.request('/api/v1/rates/reporting-currency', jsonRequest('PUT', { currency: 'ABC' }, bearer(adminToken))), 422, 'currency_unknown');
    expect((await t.app.request('/api/v1/rates/reporting-currency', jsonRequest('PUT', { currency: 'CHF' }, bearer(adminToken)))).status).toBe(200);
    expect(((await (await t.app.request('/api/v1/rates/currencies')).json()) as typeof listed).reportingCurrency).toBe('CHF');
    await runCommand(t.db, system, (c) => setReportingCurrency(c, { currency: 'USD' }));
  });

  it('shows the rates page to anyone, in English and French, with the forms for the secretariat only', async () => {
    const publicPage = await (await t.app.request('/rates')).text();
    expect(publicPage).toContain('Exchange rates');
    expect(publicPage).not.toContain('action="/rates"');
    expect(await (await t.app.request('/rates?lang=fr')).text()).toContain('Taux de change');
    expect(await (await t.app.request('/rates', { headers: bearer(adminToken) })).text()).toContain('action="/rates"');
  });
});
