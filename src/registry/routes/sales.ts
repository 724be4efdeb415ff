import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../../core/auth/policies.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../../web/openapi.ts';
import { placeOrder } from '../commands/sales/place-order.ts';
import { recordPayment } from '../commands/sales/record-payment.ts';
import { recordReferencePrice } from '../commands/sales/record-reference-price.ts';
import { setCreditPrice } from '../commands/sales/set-credit-price.ts';
import { invoicePdfResponse } from '../invoice/response.ts';
import { listReferencePrices, orderForReader, ordersForReader, priceSchedule, type Order, type ReferencePrice, type ScheduledPrice } from '../queries/sales.ts';
import { priceRules } from '../schema.ts';

const Minor = (description: string) => z.number().int().openapi({ description: `${description}, in minor units of the currency (cents)` });
const Kg = (description: string) => z.number().int().openapi({ description: `${description}, in kilograms of contained metal (1 credit = 1,000 kg)` });
const currency = z.string().regex(/^[A-Z]{3}$/).openapi({ description: 'ISO 4217 currency code', example: 'USD' });
const mineral = z.string().regex(/^[a-z][a-z_]{1,39}$/).openapi({ example: 'cobalt' });
const year = z.number().int().min(1900).max(2999);

const ReferencePriceSchema = z
  .object({ id: z.number().int(), mineral: z.string(), year: z.number().int(), currency: z.string(), pricePerTonneMinor: Minor('price of one tonne'), source: z.string(), recordedAt: z.string() })
  .openapi('ReferencePrice');

const CreditPriceSchema = z
  .object({
    id: z.number().int(),
    mineral: z.string(),
    vintage: z.number().int(),
    currency: z.string(),
    pricePerTonneMinor: Minor('price of one credit (one tonne)'),
    rule: z.enum(priceRules),
    ruleInputs: z.record(z.string(), z.unknown()).openapi({
      description: 'Provenance. For the 10 % rule: `years`, `prices` (each with its source and reference price id), `averagePerTonneMinor`, `percent`, `rounding`. For a manual price: `ruleWouldGive`, what the rule gave when it could be computed.',
    }),
    reason: z.string().nullable(),
    registryFeeBasisPoints: z.number().int().openapi({ description: 'share of each sale the secretariat keeps, in hundredths of a percent; the rest is the premium owed to the site’s fund' }),
    inForce: z.boolean().openapi({ description: 'whether new orders of this mineral, vintage and currency are priced at it (the latest set)' }),
    setAt: z.string(),
  })
  .openapi('CreditPrice');

const OrderSchema = z
  .object({
    id: z.number().int(),
    invoiceNumber: z.string().openapi({ example: 'RMC-INV-2025-0001' }),
    status: z.enum(['awaiting_payment', 'paid', 'expired']).openapi({ description: 'an expired order reserves nothing, and is paid only if its credits are still available' }),
    organisation: z.object({ code: z.string(), name: z.string() }),
    account: z.object({ id: z.number().int(), name: z.string(), legalName: z.string() }),
    site: z.object({ code: z.string(), name: z.string() }),
    mineral: z.string(),
    vintage: z.number().int(),
    quantityKg: Kg('ordered'),
    currency: z.string(),
    pricePerTonneMinor: Minor('price of one tonne'),
    amountMinor: Minor('amount invoiced (fee + premium)'),
    feeMinor: Minor('registry fee the secretariat keeps'),
    premiumMinor: Minor('premium owed to the site’s fund'),
    registryFeeBasisPoints: z.number().int(),
    buyerReference: z.string().nullable(),
    placedAt: z.string(),
    expiresAt: z.string(),
    invoice: z.string().openapi({ description: 'path of the invoice PDF' }),
    payment: z
      .object({ id: z.number().int(), amountMinor: Minor('received'), currency: z.string(), receivedOn: z.string(), reference: z.string(), transferId: z.number().int(), recordedAt: z.string() })
      .nullable(),
  })
  .openapi('CreditOrder');

const presentReferencePrice = (r: ReferencePrice) => ({ id: r.id, mineral: r.mineral, year: r.year, currency: r.currency, pricePerTonneMinor: r.pricePerTonneMinor, source: r.source, recordedAt: r.createdAt.toISOString() });

const presentPrice = (p: Omit<ScheduledPrice, 'inForce'> & { inForce: boolean }) => ({
  id: p.id,
  mineral: p.mineral,
  vintage: p.vintage,
  currency: p.currency,
  pricePerTonneMinor: p.pricePerTonneMinor,
  rule: p.rule,
  ruleInputs: p.ruleInputs as Record<string, unknown>,
  reason: p.reason,
  registryFeeBasisPoints: p.registryFeeBasisPoints,
  inForce: p.inForce,
  setAt: p.createdAt.toISOString(),
});

const presentOrder = (o: Order) => ({
  id: o.id,
  invoiceNumber: o.invoiceNumber,
  status: o.status,
  organisation: { code: o.organisationCode, name: o.organisationName },
  account: { id: o.accountId, name: o.accountName, legalName: o.accountLegalName },
  site: { code: o.siteCode, name: o.siteName },
  mineral: o.mineral,
  vintage: o.vintage,
  quantityKg: o.quantityKg,
  currency: o.currency,
  pricePerTonneMinor: o.pricePerTonneMinor,
  amountMinor: o.amountMinor,
  feeMinor: o.feeMinor,
  premiumMinor: o.premiumMinor,
  registryFeeBasisPoints: o.registryFeeBasisPoints,
  buyerReference: o.buyerReference,
  placedAt: o.createdAt.toISOString(),
  expiresAt: o.expiresAt.toISOString(),
  invoice: `/api/v1/registry/orders/${o.id}/invoice.pdf`,
  payment: o.payment && {
    id: o.payment.id,
    amountMinor: o.payment.amountMinor,
    currency: o.payment.currency,
    receivedOn: o.payment.receivedOn,
    reference: o.payment.reference,
    transferId: o.payment.transferId,
    recordedAt: o.payment.createdAt.toISOString(),
  },
});

const ReferencePriceBody = z.strictObject({ mineral, year, currency, pricePerTonneMinor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER), source: z.string().max(300) });

const PriceBody = z.strictObject({
  mineral,
  vintage: year,
  currency,
  rule: z.enum(priceRules),
  pricePerTonneMinor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().openapi({ description: 'manual prices only' }),
  reason: z.string().max(500).optional().openapi({ description: 'required for a manual price' }),
  registryFeeBasisPoints: z.number().int().min(0).max(10_000),
});

const OrderBody = z
  .strictObject({
    accountId: z.number().int().positive(),
    site: z.string().regex(/^[A-Z]{3,6}$/).optional().openapi({ description: 'the site’s code; or give `siteId`', example: 'KAM' }),
    siteId: z.number().int().positive().optional(),
    mineral,
    vintage: year,
    quantityKg: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    currency: currency.optional().openapi({ description: 'the currency of the price to pay in; by default the price set last for the mineral and vintage' }),
    buyerReference: z.string().max(100).optional(),
  })
  .refine((body) => (body.site === undefined) !== (body.siteId === undefined), { message: 'give either site or siteId', path: ['site'] });

const PaymentBody = z.strictObject({
  amountMinor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  currency,
  receivedOn: z.iso.date().openapi({ description: 'the day the bank received the money' }),
  reference: z.string().max(200).openapi({ description: 'the bank’s reference of the payment' }),
});

const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

/**
 * Sales: the public price schedule with its provenance; reference prices and credit prices
 * (secretariat); orders and their invoices (buyers, for their own organisation); payments
 * (secretariat), which deliver the credits and record the premium owed to the site's fund (the fund
 * books it as income with its own command).
 */
export function registerSalesApi(api: OpenAPIHono<AppEnv>): void {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/registry/prices',
      tags: ['Registry sales'],
      summary: 'The price schedule, every price with how it was set, and the reference prices it was computed from (public)',
      responses: { 200: jsonResponse(z.object({ prices: z.array(CreditPriceSchema), referencePrices: z.array(ReferencePriceSchema) })) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'registry.price.read');
      const db = c.get('deps').db;
      const [prices, references] = await Promise.all([priceSchedule(db), listReferencePrices(db)]);
      return c.json({ prices: prices.map(presentPrice), referencePrices: references.map(presentReferencePrice) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/registry/prices/references',
      tags: ['Registry sales'],
      summary: 'Record a yearly reference price of a mineral, with its source (secretariat)',
      description: 'One figure per mineral, year and currency, never changed: a second is refused with 409 `reference_price_exists`.',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: ReferencePriceBody } }, required: true } },
      responses: { 201: jsonResponse(ReferencePriceSchema, 'Recorded'), ...errorResponses(400, 401, 403, 409, 422) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const recorded = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordReferencePrice(ctx, body));
      return c.json(presentReferencePrice(recorded), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/registry/prices',
      tags: ['Registry sales'],
      summary: 'Set the credit price of a mineral and vintage, by the 10 % rule or by hand with a reason (secretariat)',
      description:
        '`ten_percent_of_three_year_average`: 10 % of the average reference price of the three years before the vintage, rounded half up to the minor unit (422 `reference_prices_missing` names the missing years). `manual`: `pricePerTonneMinor` and `reason` required. The new price is in force for new orders.',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: PriceBody } }, required: true } },
      responses: { 201: jsonResponse(CreditPriceSchema, 'Set'), ...errorResponses(400, 401, 403, 422) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const price = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => setCreditPrice(ctx, body));
      return c.json(presentPrice({ ...price, inForce: true }), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/registry/orders',
      tags: ['Registry sales'],
      summary: 'Order credits of one site and vintage into one of the buyer’s approved accounts; the order is its invoice (buyer)',
      description:
        'Priced at the price in force; reserves its quantity for 30 days. Refused with 422 `exceeds_available` (more than the issuance account holds of those batches less what unpaid orders reserve), `price_not_set`, `account_not_approved`, `account_suspended`.',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: OrderBody } }, required: true } },
      responses: { 201: jsonResponse(OrderSchema, 'Placed'), ...errorResponses(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const { site, ...body } = c.req.valid('json');
      const db = c.get('deps').db;
      const actor = c.get('actor');
      const placed = await runCommand(db, actor, (ctx) => placeOrder(ctx, { ...body, siteCode: site }));
      return c.json(presentOrder(await orderForReader(db, actor, placed.id, new Date())), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/registry/orders',
      tags: ['Registry sales'],
      summary: 'Orders with their status: a buyer’s own organisation’s, or all of them for the secretariat (awaiting payment first)',
      security: signedInSecurity,
      responses: { 200: jsonResponse(z.object({ orders: z.array(OrderSchema) })), ...errorResponses(401, 403) },
    }),
    async (c) => {
      const orders = await ordersForReader(c.get('deps').db, c.get('actor'), new Date());
      return c.json({ orders: orders.map(presentOrder) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/registry/orders/{id}',
      tags: ['Registry sales'],
      summary: 'An order and its payment (its buyer and the secretariat; 404 for anyone else)',
      security: signedInSecurity,
      request: { params: idParams },
      responses: { 200: jsonResponse(OrderSchema), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const order = await orderForReader(c.get('deps').db, c.get('actor'), c.req.valid('param').id, new Date());
      return c.json(presentOrder(order), 200);
    },
  );

  api.get('/registry/orders/:id{[0-9]{1,9}}/invoice.pdf', (c) => invoicePdfResponse(c, Number(c.req.param('id'))));
  api.openAPIRegistry.registerPath({
    method: 'get',
    path: '/registry/orders/{id}/invoice.pdf',
    tags: ['Registry sales'],
    summary: 'The order’s invoice as a PDF, in the reader’s language (`?lang=fr`) (its buyer and the secretariat)',
    security: signedInSecurity,
    request: { params: idParams },
    responses: { 200: { description: 'The PDF', content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } } }, ...errorResponses(401, 404) },
  });

  api.openapi(
    createRoute({
      method: 'post',
      path: '/registry/orders/{id}/payment',
      tags: ['Registry sales'],
      summary: 'Record the payment of an order: its credits move to the buyer’s account and the premium owed to the site’s fund is recorded, for the fund to book (secretariat)',
      description:
        'The amount and currency must be the invoice’s. Refused with 409 `order_already_paid` (a payment is recorded once), 409 `order_expired` (an expired order whose credits were reserved or sold since), 422 `payment_amount_mismatch`, `account_suspended`.',
      security: signedInSecurity,
      request: { params: idParams, body: { content: { 'application/json': { schema: PaymentBody } }, required: true } },
      responses: { 201: jsonResponse(OrderSchema, 'Paid and delivered'), ...errorResponses(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const db = c.get('deps').db;
      const actor = c.get('actor');
      await runCommand(db, actor, (ctx) => recordPayment(ctx, { orderId: id, ...body }));
      return c.json(presentOrder(await orderForReader(db, actor, id, new Date())), 201);
    },
  );
}
