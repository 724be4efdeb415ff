import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../../core/auth/policies.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse } from '../../web/openapi.ts';
import { registryError } from '../messages/ledger.ts';
import { findBlockOfSerial, listBatches, listRetirements, registryTotals } from '../queries/ledger.ts';
import { blockStates } from '../schema.ts';
import { rangeSerials } from '../serials.ts';

const Kg = (description: string) => z.number().int().openapi({ description: `${description}, in kilograms of contained metal (1 credit = 1,000 kg)` });

const Totals = { issuedKg: Kg('issued'), heldKg: Kg('held in accounts'), retiredKg: Kg('retired against claims'), cancelledKg: Kg('cancelled as issued in error') };

const Batch = z
  .object({
    serialPrefix: z.string().openapi({ example: 'RMC-CO-CD-KAM-2025-0001' }),
    serials: z.string().openapi({ description: 'every serial of the batch, as a range', example: 'RMC-CO-CD-KAM-2025-0001-1-2500' }),
    mineral: z.string(),
    site: z.string(),
    country: z.string(),
    vintage: z.number().int(),
    period: z.object({ start: z.string(), end: z.string() }),
    verificationStatementId: z.number().int(),
    issuedAt: z.string(),
    ...Totals,
  })
  .openapi('CreditBatch');

const TotalsRow = z.object({ mineral: z.string(), vintage: z.number().int(), ...Totals }).openapi('CreditTotals');

const Range = z.object({ serials: z.string(), firstUnit: z.number().int(), lastUnit: z.number().int(), quantityKg: z.number().int() });

const Retirement = z
  .object({
    id: z.number().int(),
    quantityKg: Kg('retired'),
    beneficiary: z.string(),
    claimPeriod: z.object({ start: z.string(), end: z.string() }),
    covers: z.string(),
    footprintReference: z.string().nullable(),
    publicStatement: z.string(),
    retiredAt: z.string(),
    ranges: z.array(Range.extend({ mineral: z.string(), site: z.string(), vintage: z.number().int() })),
  })
  .openapi('CreditRetirement');

const SerialBlock = z
  .object({
    serial: z.string(),
    batch: Batch.omit({ issuedKg: true, heldKg: true, retiredKg: true, cancelledKg: true }),
    block: Range.extend({ state: z.enum(blockStates), since: z.string() }),
    retirement: z.object({ id: z.number().int(), beneficiary: z.string(), claimPeriod: z.object({ start: z.string(), end: z.string() }) }).nullable(),
    cancellation: z.object({ id: z.number().int(), reason: z.string() }).nullable(),
  })
  .openapi('CreditSerial');

const range = (prefix: string, firstUnit: number, lastUnit: number) => ({ serials: rangeSerials(prefix, { first: firstUnit, last: lastUnit }), firstUnit, lastUnit, quantityKg: lastUnit - firstUnit + 1 });

/**
 * The public registry, read-only: batches, totals, retirements and serial look-ups. Anonymous and
 * free of personal data; who holds a held block is not published, only its state.
 */
export function registerPublicRegistryApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/registry/batches',
      tags: ['Registry'],
      summary: 'Batches of credits issued, with where their units are (public)',
      request: {
        query: z.object({ site: z.string().regex(/^[A-Z]{3,6}$/).optional(), mineral: z.string().regex(/^[a-z]+$/).optional(), vintage: z.string().regex(/^\d{4}$/).optional() }),
      },
      responses: { 200: jsonResponse(z.object({ batches: z.array(Batch) })), ...errorResponses(400) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'registry.read.public');
      const query = c.req.valid('query');
      const rows = await listBatches(c.get('deps').db, { siteCode: query.site, mineral: query.mineral, vintage: query.vintage === undefined ? undefined : Number(query.vintage) });
      const batches = rows.map((b) => ({
        serialPrefix: b.serialPrefix,
        serials: rangeSerials(b.serialPrefix, { first: 1, last: b.issuedKg }),
        mineral: b.mineral,
        site: b.siteCode,
        country: b.country,
        vintage: b.vintage,
        period: { start: b.periodStart, end: b.periodEnd },
        verificationStatementId: b.statementId,
        issuedAt: b.issuedAt.toISOString(),
        issuedKg: b.issuedKg,
        heldKg: b.heldKg,
        retiredKg: b.retiredKg,
        cancelledKg: b.cancelledKg,
      }));
      return c.json({ batches }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/registry/totals',
      tags: ['Registry'],
      summary: 'Units issued, held, retired and cancelled, per mineral and vintage (public)',
      responses: { 200: jsonResponse(z.object({ totals: z.array(TotalsRow) })) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'registry.read.public');
      return c.json({ totals: await registryTotals(c.get('deps').db) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/registry/retirements',
      tags: ['Registry'],
      summary: 'Retirements, newest first: beneficiary, claim and the serials retired (public)',
      responses: { 200: jsonResponse(z.object({ retirements: z.array(Retirement) })) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'registry.read.public');
      const rows = await listRetirements(c.get('deps').db);
      const retirements = rows.map((r) => ({
        id: r.id,
        quantityKg: r.quantityKg,
        beneficiary: r.beneficiary,
        claimPeriod: { start: r.claimPeriodStart, end: r.claimPeriodEnd },
        covers: r.covers,
        footprintReference: r.footprintReference,
        publicStatement: r.publicStatement,
        retiredAt: r.createdAt.toISOString(),
        ranges: r.ranges.map((b) => ({ ...range(b.serialPrefix, b.firstUnit, b.lastUnit), mineral: b.mineral, site: b.siteCode, vintage: b.vintage })),
      }));
      return c.json({ retirements }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/registry/serials/{serial}',
      tags: ['Registry'],
      summary: 'The block that holds a serial (or a range of serials within one block), and its state (public)',
      request: { params: z.object({ serial: z.string().max(80).openapi({ example: 'RMC-CO-CD-KAM-2025-0001-17' }) }) },
      responses: { 200: jsonResponse(SerialBlock), ...errorResponses(404) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'registry.read.public');
      const { serial } = c.req.valid('param');
      const found = await findBlockOfSerial(c.get('deps').db, serial);
      if (!found) throw registryError('serial_not_found', 404, { serial }, { serial });
      const { batch, block, retirement, cancellation } = found;
      return c.json(
        {
          serial,
          batch: {
            serialPrefix: batch.serialPrefix,
            serials: rangeSerials(batch.serialPrefix, { first: 1, last: batch.quantityKg }),
            mineral: batch.mineral,
            site: batch.siteCode,
            country: batch.country,
            vintage: batch.vintage,
            period: { start: batch.periodStart, end: batch.periodEnd },
            verificationStatementId: batch.statementId,
            issuedAt: batch.issuedAt.toISOString(),
          },
          block: { ...range(batch.serialPrefix, block.firstUnit, block.lastUnit), state: block.state, since: block.createdAt.toISOString() },
          retirement: retirement ? { id: retirement.id, beneficiary: retirement.beneficiary, claimPeriod: { start: retirement.claimPeriodStart, end: retirement.claimPeriodEnd } } : null,
          cancellation: cancellation ? { id: cancellation.id, reason: cancellation.reason } : null,
        },
        200,
      );
    },
  );
}
