import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { authorize, can } from '../../core/auth/policies.ts';
import type { Actor } from '../../core/auth/roles.ts';
import { isIsoDate } from '../../core/calendar.ts';
import type { Locale } from '../../core/i18n/index.ts';
import type { Database } from '../../db/connect.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../../web/openapi.ts';
import { correctProduction } from '../commands/production/correct-production.ts';
import { declareProduction } from '../commands/production/declare-production.ts';
import { evidenceFromFile } from '../production-declarations.ts';
import { importProduction } from '../commands/production/import-production.ts';
import { parseGradePercent, parseTonnes } from '../production-figures.ts';
import { type ImportProblem, planProductionImport } from '../production-import-files.ts';
import { productionError } from '../messages/production.ts';
import { findDeclaration, monthlyProduction, pageOfDeclarations, siteByCode, type DeclarationEntry } from '../queries/production.ts';

const errors = errorResponses;
const json = jsonResponse;

const Tonnes = z.union([z.string().max(24), z.number()]).openapi({ description: 'Tonnes, at most three decimals, as a string or a number', example: '12.345' });
const Percent = z.union([z.string().max(12), z.number()]).openapi({ description: 'Percent, at most two decimals, as a string or a number', example: '8.25' });
const UploadedFile = z.custom<File>((value) => value instanceof File, 'a file').openapi({ type: 'string', format: 'binary' });

const DeclarationBody = z.strictObject({
  mineral: z.string().max(40).openapi({ example: 'cobalt' }),
  producedOn: z.string().max(10).openapi({ description: 'YYYY-MM-DD', example: '2024-03-31' }),
  lotReference: z.string().max(100).nullable().optional(),
  wetOreTonnes: Tonnes,
  dryOreTonnes: Tonnes,
  gradePercent: Percent,
  buyer: z.string().max(200),
});
const DeclarationForm = z.object({
  mineral: z.string().max(40),
  producedOn: z.string().max(10),
  lotReference: z.string().max(100).optional(),
  wetOreTonnes: z.string().max(24),
  dryOreTonnes: z.string().max(24),
  gradePercent: z.string().max(12),
  buyer: z.string().max(200),
  evidence: UploadedFile.optional().openapi({ description: 'The assay certificate: PDF, JPEG or PNG' }),
});
const CorrectionBody = z.strictObject({
  reason: z.string().max(500),
  mineral: z.string().max(40).optional().openapi({ description: 'Must be the corrected declaration’s mineral when given' }),
  producedOn: z.string().max(10).optional(),
  lotReference: z.string().max(100).nullable().optional(),
  wetOreTonnes: Tonnes,
  dryOreTonnes: Tonnes,
  gradePercent: Percent,
  buyer: z.string().max(200).optional(),
});
const CorrectionForm = z.object({
  reason: z.string().max(500),
  mineral: z.string().max(40).optional(),
  producedOn: z.string().max(10).optional(),
  lotReference: z.string().max(100).optional(),
  wetOreTonnes: z.string().max(24),
  dryOreTonnes: z.string().max(24),
  gradePercent: z.string().max(12),
  buyer: z.string().max(200).optional(),
  evidence: UploadedFile.optional().openapi({ description: 'A new assay certificate; without one the corrected declaration’s file is kept' }),
});

const Declaration = z
  .object({
    id: z.number().int(),
    site: z.string(),
    mineral: z.string(),
    producedOn: z.string(),
    lotReference: z.string().nullable(),
    wetOreKg: z.number().int(),
    dryOreKg: z.number().int(),
    gradeBasisPoints: z.number().int().openapi({ description: 'Hundredths of a percent: 825 is 8.25 %' }),
    containedKg: z.number().int().openapi({ description: 'round(dry ore kg × grade basis points / 10,000)' }),
    correctsId: z.number().int().nullable(),
    correctedById: z.number().int().nullable(),
    effective: z.boolean().openapi({ description: 'No later entry corrects it: it counts in totals' }),
    voids: z.boolean().openapi({ description: 'A correction with zero wet and dry ore, voiding what it corrects' }),
    declaredBy: z.string().nullable(),
    createdAt: z.string(),
    buyer: z.string().optional().openapi({ description: 'Only for roles that may read production details' }),
    correctionReason: z.string().nullable().optional().openapi({ description: 'Only for roles that may read production details' }),
    evidence: z
      .object({ fileId: z.number().int(), filename: z.string(), sha256: z.string(), url: z.string() })
      .nullable()
      .optional()
      .openapi({ description: 'Only for roles that may read production details' }),
  })
  .openapi('ProductionDeclaration');

const MonthlyTotal = z
  .object({ month: z.string().openapi({ example: '2024-03' }), mineral: z.string(), containedKg: z.number().int(), dryOreKg: z.number().int(), declarations: z.number().int() })
  .openapi('MonthlyProduction');

const Problem = z.object({ row: z.number().int(), column: z.string(), code: z.string(), message: z.string() }).openapi('ImportProblem');

const SiteParams = z.object({ code: z.string().max(6) });
const DeclarationParams = z.object({ code: z.string().max(6), id: z.coerce.number().int().positive() });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export function presentDeclaration(entry: DeclarationEntry, siteCode: string, withDetails: boolean): z.infer<typeof Declaration> {
  const presented: z.infer<typeof Declaration> = {
    id: entry.id,
    site: siteCode,
    mineral: entry.mineral,
    producedOn: entry.producedOn,
    lotReference: entry.lotReference,
    wetOreKg: entry.wetOreKg,
    dryOreKg: entry.dryOreKg,
    gradeBasisPoints: entry.gradeBasisPoints,
    containedKg: entry.containedKg,
    correctsId: entry.correctsId,
    correctedById: entry.correctedById,
    effective: entry.correctedById === null,
    voids: entry.correctsId !== null && entry.wetOreKg === 0 && entry.dryOreKg === 0,
    declaredBy: entry.declaredBy,
    createdAt: entry.createdAt.toISOString(),
  };
  if (!withDetails) return presented;
  return {
    ...presented,
    buyer: entry.buyer,
    correctionReason: entry.correctionReason,
    evidence: entry.evidence && { ...entry.evidence, url: `/api/v1/files/${entry.evidence.fileId}` },
  };
}

export const presentProblems = (problems: ImportProblem[], locale: Locale) => problems.map((p) => ({ row: p.row, column: p.column, code: p.code, message: p.message[locale] }));

async function siteOrNotFound(db: Database, code: string) {
  const site = await siteByCode(db, code);
  if (!site) throw productionError('site_not_found', 404);
  return site;
}

const siteResource = (site: { cooperativeOrganisationId: number }) => ({ siteCooperativeOrgId: site.cooperativeOrganisationId });
const canReadDetails = (actor: Actor, site: { cooperativeOrganisationId: number }) => can(actor, 'production.read.details', siteResource(site));

/**
 * Reads tonnes and a grade as the API and the forms write them into kilograms and basis points;
 * a bad value is refused with its own code (422), every problem listed in the details.
 */
export function quantitiesFromInput(input: { wetOreTonnes: unknown; dryOreTonnes: unknown; gradePercent: unknown }, options: { decimalComma?: boolean } = {}) {
  const wet = parseTonnes(input.wetOreTonnes, options);
  const dry = parseTonnes(input.dryOreTonnes, options);
  const grade = parseGradePercent(input.gradePercent, options);
  const problems = [
    ...(wet.ok ? [] : [{ field: 'wetOreTonnes', code: wet.problem }]),
    ...(dry.ok ? [] : [{ field: 'dryOreTonnes', code: dry.problem }]),
    ...(grade.ok ? [] : [{ field: 'gradePercent', code: grade.problem }]),
  ];
  if (!wet.ok || !dry.ok || !grade.ok) {
    const first = problems[0]!;
    throw productionError(first.code, 422, {}, problems);
  }
  return { wetOreKg: wet.value, dryOreKg: dry.value, gradeBasisPoints: grade.value };
}

const isMultipart = (c: Context<AppEnv>) => (c.req.header('content-type') ?? '').startsWith('multipart/form-data');
const isJson = (c: Context<AppEnv>) => /^application\/(.+\+)?json/.test(c.req.header('content-type') ?? '');
const refuseMissingBody = () => {
  throw productionError('body_missing', 400);
};

/**
 * Production declarations of a site. Declarations and corrections take JSON, or multipart/form-data
 * with the same fields plus an `evidence` file (the assay certificate) on the same route. Monthly
 * totals and the list of declarations are public; the buyer, the evidence and the reasons for
 * corrections only for the roles that may read production details.
 */
export function registerProductionApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: 'post',
      path: '/sites/{code}/production',
      tags: ['Production'],
      summary: 'Declare production of a day or a lot (the site’s cooperative or the secretariat)',
      description: 'JSON, or multipart/form-data with the same fields and an optional `evidence` file (PDF, JPEG or PNG). Tonnes with up to three decimals become integer kilograms; contained metal is computed.',
      security: signedInSecurity,
      request: {
        params: SiteParams,
        body: { content: { 'application/json': { schema: DeclarationBody }, 'multipart/form-data': { schema: DeclarationForm } }, required: false },
      },
      responses: { 201: json(Declaration, 'Declared'), ...errors(400, 401, 403, 404, 413, 415, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      const site = await siteOrNotFound(db, c.req.valid('param').code);
      const multipart = isMultipart(c);
      if (!multipart && !isJson(c)) refuseMissingBody();
      const body = multipart ? c.req.valid('form') : c.req.valid('json');
      const evidence = multipart ? await evidenceFromFile((body as z.infer<typeof DeclarationForm>).evidence) : null;
      const quantities = quantitiesFromInput(body);
      const declared = await runCommand(db, actor, (ctx) =>
        declareProduction(ctx, { siteId: site.id, mineral: body.mineral, producedOn: body.producedOn, lotReference: body.lotReference ?? null, buyer: body.buyer, ...quantities, evidence }),
      );
      return c.json(presentDeclaration((await findDeclaration(db, { siteId: site.id, id: declared.id }))!, site.code, true), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/sites/{code}/production/{id}/corrections',
      tags: ['Production'],
      summary: 'Correct a declaration with a new entry that points at it',
      description: 'Only the newest entry of a chain can be corrected (409 `already_corrected` otherwise). Zero wet and dry ore voids the declaration. Fields left out keep the corrected entry’s value. JSON, or multipart/form-data with an optional `evidence` file.',
      security: signedInSecurity,
      request: {
        params: DeclarationParams,
        body: { content: { 'application/json': { schema: CorrectionBody }, 'multipart/form-data': { schema: CorrectionForm } }, required: false },
      },
      responses: { 201: json(Declaration, 'Corrected'), ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      const { code, id } = c.req.valid('param');
      const site = await siteOrNotFound(db, code);
      const multipart = isMultipart(c);
      if (!multipart && !isJson(c)) refuseMissingBody();
      const body = multipart ? c.req.valid('form') : c.req.valid('json');
      const evidence = multipart ? await evidenceFromFile((body as z.infer<typeof CorrectionForm>).evidence) : null;
      const quantities = quantitiesFromInput(body);
      // Left out: keep the corrected entry's lot; empty or null: no lot.
      const lotReference = multipart ? c.req.valid('form').lotReference : c.req.valid('json').lotReference;
      const corrected = await runCommand(db, actor, (ctx) =>
        correctProduction(ctx, {
          siteId: site.id,
          correctsId: id,
          reason: body.reason,
          ...(body.mineral !== undefined && { mineral: body.mineral }),
          ...(body.producedOn !== undefined && { producedOn: body.producedOn }),
          ...(lotReference !== undefined && { lotReference }),
          ...(body.buyer !== undefined && { buyer: body.buyer }),
          ...quantities,
          evidence,
        }),
      );
      return c.json(presentDeclaration((await findDeclaration(db, { siteId: site.id, id: corrected.id }))!, site.code, true), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/sites/{code}/production',
      tags: ['Production'],
      summary: 'Declarations of a site, corrections included, a page at a time (`next` goes on); buyer and evidence only for roles that may read details',
      request: {
        params: SiteParams,
        query: z.object({
          from: isoDate.optional(),
          to: isoDate.optional(),
          mineral: z.string().max(40).optional(),
          limit: z.coerce.number().int().min(1).max(5000).default(1000).openapi({ description: 'Most declarations in one answer (1000 unless given, at most 5000)' }),
          after: z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}_\d{1,10}$/)
            .refine((cursor) => isIsoDate(cursor.slice(0, 10)) && Number(cursor.slice(11)) <= 2_147_483_647)
            .optional()
            .openapi({ description: 'The `next` of the previous page: the list goes on after it' }),
        }),
      },
      responses: {
        200: json(z.object({ site: z.string(), details: z.boolean(), declarations: z.array(Declaration), next: z.string().nullable().openapi({ description: 'Give it as `after` for the next page; null on the last page' }) })),
        ...errors(400, 404, 422),
      },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      const site = await siteOrNotFound(db, c.req.valid('param').code);
      authorize(actor, 'site.read.public');
      const { limit, after, ...filter } = c.req.valid('query');
      const details = canReadDetails(actor, site);
      const page = await pageOfDeclarations(db, { siteId: site.id, ...filter }, { limit, ...(after ? { after: { producedOn: after.slice(0, 10), id: Number(after.slice(11)) } } : {}) });
      const next = page.next ? `${page.next.producedOn}_${page.next.id}` : null;
      return c.json({ site: site.code, details, declarations: page.rows.map((row) => presentDeclaration(row, site.code, details)), next }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/sites/{code}/production/monthly',
      tags: ['Production'],
      summary: 'Monthly totals of effective declarations per mineral (public)',
      request: { params: SiteParams, query: z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() }) },
      responses: { 200: json(z.object({ site: z.string(), year: z.number().int(), months: z.array(MonthlyTotal) })), ...errors(400, 404) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const site = await siteOrNotFound(db, c.req.valid('param').code);
      authorize(c.get('actor'), 'site.read.public');
      const year = c.req.valid('query').year ?? new Date().getUTCFullYear();
      return c.json({ site: site.code, year, months: await monthlyProduction(db, { siteId: site.id, year }) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/sites/{code}/production/import',
      tags: ['Production'],
      summary: 'Import declarations from a CSV or XLSX file, all or nothing; `dry_run=true` only reports',
      description:
        'Columns: produced_on, mineral, lot_reference, wet_ore_t, dry_ore_t, grade_percent, buyer. A dry run lists every bad row (row, column, reason) and what would be imported. Without `dry_run=true` the file is imported only if no row is bad (else 422 `import_invalid`); rows already declared with the same figures are skipped, so a second import adds nothing.',
      security: signedInSecurity,
      request: {
        params: SiteParams,
        query: z.object({ dry_run: z.enum(['true', 'false']).optional() }),
        body: { content: { 'multipart/form-data': { schema: z.object({ file: UploadedFile }) } }, required: true },
      },
      responses: {
        200: json(
          z.object({ dryRun: z.literal(true), fileSha256: z.string(), format: z.enum(['csv', 'xlsx']), rows: z.number().int(), toImport: z.number().int(), alreadyDeclared: z.number().int(), problems: z.array(Problem) }),
          'What the import would do',
        ),
        201: json(z.object({ dryRun: z.literal(false), fileSha256: z.string(), imported: z.number().int(), alreadyDeclared: z.number().int(), declarationIds: z.array(z.number().int()) }), 'Imported'),
        ...errors(400, 401, 403, 404, 413, 415, 422),
      },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      const locale = c.get('locale');
      const site = await siteOrNotFound(db, c.req.valid('param').code);
      // The plan (and a dry run, which is all it is) shows what importing would write: it needs the
      // right to declare, asked here because no command runs; importProduction asks it again.
      authorize(actor, 'production.declare', siteResource(site));
      const file = c.req.valid('form').file;
      const content = Buffer.from(await file.arrayBuffer());
      const plan = await planProductionImport(db, { siteId: site.id, content, now: new Date() });
      if (c.req.valid('query').dry_run === 'true') {
        const { fileSha256, format, rows } = plan;
        return c.json({ dryRun: true as const, fileSha256, format, rows, toImport: plan.toImport.length, alreadyDeclared: plan.alreadyDeclared.length, problems: presentProblems(plan.problems, locale) }, 200);
      }
      if (plan.problems.length > 0) {
        throw productionError('import_invalid', 422, { count: plan.problems.length }, presentProblems(plan.problems, locale));
      }
      if (plan.toImport.length === 0) {
        return c.json({ dryRun: false as const, fileSha256: plan.fileSha256, imported: 0, alreadyDeclared: plan.alreadyDeclared.length, declarationIds: [] }, 201);
      }
      const result = await runCommand(db, actor, (ctx) => importProduction(ctx, { siteId: site.id, filename: file.name, content }));
      return c.json(
        { dryRun: false as const, fileSha256: result.plan.fileSha256, imported: result.imported.length, alreadyDeclared: result.plan.alreadyDeclared.length, declarationIds: result.imported.map((r) => r.id) },
        201,
      );
    },
  );
}
