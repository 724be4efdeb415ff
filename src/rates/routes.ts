import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../core/auth/policies.ts';
import { runCommand } from '../journal/public.ts';
import type { AppEnv } from '../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../web/openapi.ts';
import { recordExchangeRate } from './commands/record-exchange-rate.ts';
import { setReportingCurrency } from './commands/set-reporting-currency.ts';
import { rateText, type RateUsed } from './conversion.ts';
import { baseCurrency, currencies } from './currencies.ts';
import { convert, listExchangeRates, reportingCurrencyOf } from './queries/rates.ts';

const CurrencyCode = z.string().regex(/^[A-Z]{3}$/).openapi({ description: 'ISO 4217 code of a currency Orebook knows (see GET /rates/currencies)', example: 'CDF' });
const Day = z.iso.date().openapi({ example: '2026-03-02' });

const RateSchema = z
  .object({
    id: z.number().int(),
    currency: z.string(),
    rateOn: z.string(),
    unitsPerUsdMicro: z.number().int().openapi({ description: 'units of the currency one US dollar buys, in millionths (2,850.5 CDF is 2850500000)' }),
    rate: z.string().openapi({ description: 'the same rate as a decimal', example: '2850.5' }),
    source: z.string(),
  })
  .openapi('ExchangeRate');

const presentRate = (rate: RateUsed) => ({ id: rate.id, currency: rate.currency, rateOn: rate.rateOn, unitsPerUsdMicro: rate.unitsPerUsdMicro, rate: rateText(rate.unitsPerUsdMicro), source: rate.source });

const RecordRateBody = z.strictObject({
  currency: CurrencyCode,
  rateOn: Day,
  unitsPerUsdMicro: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).openapi({ description: 'units of the currency one US dollar buys, in millionths' }),
  source: z.string().max(200).openapi({ example: 'Banque Centrale du Congo, taux indicatif du jour' }),
});

/** The exchange rates' API: the rates and currencies (public figures), conversion with the rates used, and the secretariat's recording. */
export function registerRatesApi(api: OpenAPIHono<AppEnv>): void {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/rates',
      tags: ['Exchange rates'],
      summary: 'The recorded exchange rates against the US dollar, of one currency or all, within a period (public)',
      request: { query: z.object({ currency: CurrencyCode.optional(), from: Day.optional(), to: Day.optional() }) },
      responses: { 200: jsonResponse(z.object({ base: z.string(), rates: z.array(RateSchema) })), ...errorResponses(400, 422) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'rates.read');
      const rates = await listExchangeRates(c.get('deps').db, c.req.valid('query'));
      return c.json({ base: baseCurrency, rates: rates.map(presentRate) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/rates',
      tags: ['Exchange rates'],
      summary: 'Record a day’s exchange rate of a currency against the US dollar, with its source (secretariat)',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: RecordRateBody } }, required: true } },
      responses: { 201: jsonResponse(RateSchema, 'Recorded'), ...errorResponses(400, 401, 403, 409, 422) },
    }),
    async (c) => {
      const rate = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordExchangeRate(ctx, c.req.valid('json')));
      return c.json(presentRate(rate), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/rates/currencies',
      tags: ['Exchange rates'],
      summary: 'The currencies Orebook knows, with their ISO 4217 minor units, and the reporting currency (public)',
      responses: { 200: jsonResponse(z.object({ base: z.string(), reportingCurrency: z.string(), currencies: z.array(z.object({ code: z.string(), minorUnits: z.number().int() })) })) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'rates.read');
      return c.json({ base: baseCurrency, reportingCurrency: await reportingCurrencyOf(c.get('deps').db), currencies: currencies.map((cur) => ({ code: cur.code, minorUnits: cur.minorUnits })) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/rates/conversion',
      tags: ['Exchange rates'],
      summary: 'Convert an amount in minor units between two currencies with the rates of a day, listing the rates used (public)',
      request: {
        query: z.object({
          amountMinor: z.coerce.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).openapi({ description: 'in minor units of `from` (cents)' }),
          from: CurrencyCode,
          to: CurrencyCode.optional().openapi({ description: 'the reporting currency when left out' }),
          on: Day,
        }),
      },
      responses: {
        200: jsonResponse(z.object({ amountMinor: z.number().int(), currency: z.string(), on: z.string(), from: z.object({ amountMinor: z.number().int(), currency: z.string() }), ratesUsed: z.array(RateSchema) }).openapi('Conversion')),
        ...errorResponses(400, 422),
      },
    }),
    async (c) => {
      authorize(c.get('actor'), 'rates.read');
      const db = c.get('deps').db;
      const query = c.req.valid('query');
      const to = query.to ?? (await reportingCurrencyOf(db));
      const conversion = await convert(db, { amountMinor: query.amountMinor, from: query.from, to, on: query.on });
      return c.json({ ...conversion, from: { amountMinor: query.amountMinor, currency: query.from }, ratesUsed: conversion.ratesUsed.map(presentRate) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/rates/reporting-currency',
      tags: ['Exchange rates'],
      summary: 'Set the currency the application reports its figures in (secretariat)',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: z.strictObject({ currency: CurrencyCode }) } }, required: true } },
      responses: { 200: jsonResponse(z.object({ currency: z.string() })), ...errorResponses(400, 401, 403, 422) },
    }),
    async (c) => {
      const result = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => setReportingCurrency(ctx, c.req.valid('json')));
      return c.json(result, 200);
    },
  );
}
