import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { findOrganisation } from '../../accounts/public.ts';
import { authorize } from '../../core/auth/policies.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../../web/openapi.ts';
import { calculateFootprint } from '../commands/footprints/calculate-footprint.ts';
import { recordProductLine, type ProductLine } from '../commands/footprints/record-product-line.ts';
import { footprintError } from '../messages/footprints.ts';
import { getCalculation, listCalculations, listProductLines, type CalculationDetail, type CalculationSummary, type Coverage } from '../queries/footprints.ts';

const Kg = (description: string) => z.number().int().openapi({ description: `${description}, in kilograms of contained metal (1 credit = 1,000 kg)` });
const isoDate = z.string().openapi({ description: 'ISO 8601 date, e.g. 2025-01-01', example: '2025-01-01' });
const Period = z.object({ start: isoDate, end: isoDate });
const OrganisationRef = z.object({ code: z.string(), name: z.string() });

const ProductLineSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    mineral: z.string(),
    milligramsPerUnit: z.number().int().openapi({ description: 'contained metal in one unit, in milligrams (8.5 g is 8,500)' }),
    recordedAt: z.string(),
  })
  .openapi('FootprintProductLine');

const CoverageFields = {
  requiredKg: Kg('metal the products sold contain, rounded up to the kilogram'),
  retiredKg: Kg('retired against the calculation’s reference from the organisation’s accounts'),
  restKg: Kg('still to retire (0 once covered)'),
  overKg: Kg('retired beyond the footprint'),
  coveragePercent: z.number().nullable().openapi({ description: 'retired ÷ required in percent, rounded down to a tenth; above 100 when over-covered; null when nothing is required' }),
};

const CalculationSummarySchema = z
  .object({ reference: z.string().openapi({ example: 'FP-FAIRPHONE-3' }), mineral: z.string(), period: Period, calculatedAt: z.string(), ...CoverageFields })
  .openapi('FootprintCalculationSummary');

const CalculationSchema = CalculationSummarySchema.extend({
  organisation: OrganisationRef,
  lines: z.array(z.object({ productLineId: z.number().int(), name: z.string(), unitsSold: z.number().int(), milligramsPerUnit: z.number().int().openapi({ description: 'the content the product line had when calculated' }) })),
  retirements: z.array(z.object({ id: z.number().int(), quantityKg: Kg('retired'), beneficiary: z.string(), claimPeriod: Period, covers: z.string(), retiredAt: z.string(), certificate: z.string().openapi({ description: 'the certificate’s public page' }) })),
}).openapi('FootprintCalculation');

const ProductLineBody = z.strictObject({
  organisationId: z.number().int().positive().optional().openapi({ description: 'an admin may record for another organisation; the caller’s own by default' }),
  name: z.string().openapi({ example: 'Fairphone 5' }),
  mineral: z.string().openapi({ example: 'cobalt' }),
  milligramsPerUnit: z.number().int().openapi({ description: 'contained metal in one unit, in milligrams', example: 8500 }),
});

const CalculationBody = z.strictObject({
  organisationId: z.number().int().positive().optional().openapi({ description: 'an admin may calculate for another organisation; the caller’s own by default' }),
  mineral: z.string().openapi({ example: 'cobalt' }),
  periodStart: isoDate,
  periodEnd: isoDate,
  lines: z.array(z.strictObject({ productLineId: z.number().int(), unitsSold: z.number().int() })).openapi({ description: 'units sold per product line of the organisation, each at most once' }),
});

const coverageFields = (c: Coverage) => ({ requiredKg: c.requiredKg, retiredKg: c.retiredKg, restKg: c.restKg, overKg: c.overKg, coveragePercent: c.percent });

const presentProductLine = (p: ProductLine) => ({ id: p.id, name: p.name, mineral: p.mineral, milligramsPerUnit: p.milligramsPerUnit, recordedAt: p.createdAt.toISOString() });

const presentSummary = (c: CalculationSummary) => ({ reference: c.reference, mineral: c.mineral, period: { start: c.periodStart, end: c.periodEnd }, calculatedAt: c.createdAt.toISOString(), ...coverageFields(c.coverage) });

function presentCalculation(c: CalculationDetail) {
  return {
    reference: c.reference,
    organisation: { code: c.organisation.code, name: c.organisation.name },
    mineral: c.mineral,
    period: { start: c.periodStart, end: c.periodEnd },
    calculatedAt: c.createdAt.toISOString(),
    ...coverageFields(c.coverage),
    lines: c.lines,
    retirements: c.retirements.map((r) => ({
      id: r.id,
      quantityKg: r.quantityKg,
      beneficiary: r.beneficiary,
      claimPeriod: { start: r.claimPeriodStart, end: r.claimPeriodEnd },
      covers: r.covers,
      retiredAt: r.createdAt.toISOString(),
      certificate: `/certificates/${r.id}`,
    })),
  };
}

/** The footprint calculator's API: a buyer's product lines and calculations, and their coverage by retirements. */
export function registerFootprintsApi(api: OpenAPIHono<AppEnv>): void {
  api.openapi(
    createRoute({
      method: 'post',
      path: '/registry/footprints/product-lines',
      tags: ['Footprints'],
      summary: 'Record a product line and the metal one unit contains (buyer of the organisation, or admin)',
      description: 'Refused with `product_line_name_invalid`, `mineral_unknown`, `content_per_unit_invalid` (422) or `product_line_name_taken` (409).',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: ProductLineBody } }, required: true } },
      responses: { 201: jsonResponse(ProductLineSchema, 'Recorded'), ...errorResponses(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const line = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordProductLine(ctx, c.req.valid('json')));
      return c.json(presentProductLine(line), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/registry/footprints',
      tags: ['Footprints'],
      summary: 'An organisation’s product lines and footprint calculations, each with its coverage',
      security: signedInSecurity,
      request: { query: z.object({ organisation: z.string().max(32).optional().openapi({ description: 'organisation code; the caller’s own by default (another one: admins only)' }) }) },
      responses: { 200: jsonResponse(z.object({ organisation: OrganisationRef, productLines: z.array(ProductLineSchema), calculations: z.array(CalculationSummarySchema) })), ...errorResponses(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      const code = c.req.valid('query').organisation ?? ('orgCode' in actor ? actor.orgCode : null);
      const organisation = code === null ? undefined : await findOrganisation(db, { code });
      authorize(actor, 'registry.footprint.read', { orgId: organisation?.id ?? -1 });
      if (code === null) throw footprintError('footprint_organisation_required', 422);
      if (!organisation) throw footprintError('organisation_not_found', 404, { id: code });
      const [productLines, calculations] = await Promise.all([listProductLines(db, organisation.id), listCalculations(db, organisation.id)]);
      return c.json({ organisation: { code: organisation.code, name: organisation.name }, productLines: productLines.map(presentProductLine), calculations: calculations.map(presentSummary) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/registry/footprints',
      tags: ['Footprints'],
      summary: 'Calculate the metal to cover from units sold per product line in a claim period',
      description:
        'required kg = ⌈Σ units sold × milligrams per unit ÷ 1,000,000⌉. The answer’s `reference` (`FP-{ORGANISATION}-{n}`) is what a retirement names as its footprint reference. Refused with `footprint_lines_required`, `product_line_not_found`, `product_line_mineral_mismatch`, `duplicate_product_line`, `units_sold_invalid`, `footprint_period_invalid`, `mineral_unknown` or `footprint_too_large` (422).',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: CalculationBody } }, required: true } },
      responses: { 201: jsonResponse(CalculationSchema, 'Calculated'), ...errorResponses(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const calculation = await runCommand(db, c.get('actor'), (ctx) => calculateFootprint(ctx, c.req.valid('json')));
      return c.json(presentCalculation((await getCalculation(db, calculation.reference))!), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/registry/footprints/{reference}',
      tags: ['Footprints'],
      summary: 'A footprint calculation with its lines, the retirements that cover it and its coverage',
      security: signedInSecurity,
      request: { params: z.object({ reference: z.string().max(64).openapi({ example: 'FP-FAIRPHONE-3' }) }) },
      responses: { 200: jsonResponse(CalculationSchema), ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const { reference } = c.req.valid('param');
      const calculation = await getCalculation(c.get('deps').db, reference);
      // References are public (the journal names them), so saying one does not exist reveals nothing.
      if (!calculation) throw footprintError('footprint_not_found', 404, { reference }, { reference });
      authorize(c.get('actor'), 'registry.footprint.read', { orgId: calculation.organisation.id });
      return c.json(presentCalculation(calculation), 200);
    },
  );
}
