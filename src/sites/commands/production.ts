import { authorize } from '../../core/auth/policies.ts';
import { organisationOf } from '../../core/auth/roles.ts';
import { isIsoDate } from '../../core/calendar.ts';
import { createHash } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { Localized, Params } from '../../core/i18n/index.ts';
import type { Queryable } from '../../db/connect.ts';
import { storeFile } from '../../files/public.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { productionError, productionText, type ProductionMessage } from '../messages/production.ts';
import { effectiveDeclarations, mineralCodes } from '../queries/production.ts';
import { productionDeclarations, sites } from '../schema.ts';

export type ProductionDeclaration = typeof productionDeclarations.$inferSelect;

/** The largest quantity one declaration may carry: a million tonnes, far above any artisanal lot. */
export const maxOreKg = 1_000_000_000;
export const maxLotReferenceLength = 100;
export const maxBuyerLength = 200;
export const maxReasonLength = 500;

export type FigureProblemCode =
  | 'tonnage_invalid'
  | 'tonnage_negative'
  | 'tonnage_too_large'
  | 'grade_invalid'
  | 'grade_out_of_range'
  | 'dry_above_wet'
  | 'mineral_unknown'
  | 'date_invalid'
  | 'date_in_future'
  | 'buyer_missing'
  | 'text_too_long';

export type Parsed = { ok: true; value: number } | { ok: false; problem: FigureProblemCode };

function decimalText(input: unknown, decimalComma: boolean): string | null {
  // A JSON number prints as the shortest text that reads back to it: 12.345 stays "12.345".
  if (typeof input === 'number') return Number.isFinite(input) ? String(input) : null;
  if (typeof input !== 'string') return null;
  const text = input.trim();
  return decimalComma ? text.replace(',', '.') : text;
}

/** Reads a decimal written with at most `decimals` decimals into an integer of 10^-decimals units, exactly. */
function parseScaled(input: unknown, decimals: number, decimalComma: boolean): { ok: true; value: number; negative: boolean } | { ok: false } {
  const text = decimalText(input, decimalComma);
  const match = text === null ? null : /^(-?)(\d{1,12})(?:\.(\d+))?$/.exec(text);
  if (!match) return { ok: false };
  const fraction = match[3] ?? '';
  if (fraction.length > decimals) return { ok: false };
  const value = Number(match[2]) * 10 ** decimals + Number(fraction.padEnd(decimals, '0'));
  return { ok: true, value, negative: match[1] === '-' && value !== 0 };
}

/** Tonnes with at most three decimals, as text or a number, to integer kilograms: "12.345" → 12345. */
export function parseTonnes(input: unknown, options: { decimalComma?: boolean } = {}): Parsed {
  const parsed = parseScaled(input, 3, options.decimalComma ?? false);
  if (!parsed.ok) return { ok: false, problem: 'tonnage_invalid' };
  if (parsed.negative) return { ok: false, problem: 'tonnage_negative' };
  if (parsed.value > maxOreKg) return { ok: false, problem: 'tonnage_too_large' };
  return { ok: true, value: parsed.value };
}

/** A grade in percent with at most two decimals to basis points: "8.25" → 825. */
export function parseGradePercent(input: unknown, options: { decimalComma?: boolean } = {}): Parsed {
  const parsed = parseScaled(input, 2, options.decimalComma ?? false);
  if (!parsed.ok) return { ok: false, problem: 'grade_invalid' };
  if (parsed.negative || parsed.value > 10_000) return { ok: false, problem: 'grade_out_of_range' };
  return { ok: true, value: parsed.value };
}

/**
 * Contained metal in kilograms: dry ore × grade, rounded half away from zero as PostgreSQL's
 * round(numeric) does in the table's CHECK. Integer arithmetic throughout, so it is exact.
 */
export function containedKgOf(dryOreKg: number, gradeBasisPoints: number): number {
  return Number((BigInt(dryOreKg) * BigInt(gradeBasisPoints) + 5_000n) / 10_000n);
}

/** The figures of one declaration, quantities already in kilograms and basis points. */
export type DeclarationFigures = {
  mineral: string;
  /** The day the ore was produced, `YYYY-MM-DD`. */
  producedOn: string;
  lotReference?: string | null;
  wetOreKg: number;
  dryOreKg: number;
  gradeBasisPoints: number;
  /** The buyer or depot the ore went to. */
  buyer: string;
};

export type FigureProblem = { field: keyof DeclarationFigures; problem: FigureProblemCode; params?: Params };

/** Today's date at the site may be tomorrow in UTC; a day of grace keeps that from being "the future". */
const latestProductionDate = (now: Date) => new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);

/** Every rule a declaration's figures must meet, with what breaks each. */
export function figureProblems(figures: DeclarationFigures, knownMinerals: ReadonlySet<string>, now: Date): FigureProblem[] {
  const problems: FigureProblem[] = [];
  if (!knownMinerals.has(figures.mineral)) problems.push({ field: 'mineral', problem: 'mineral_unknown', params: { mineral: figures.mineral, known: [...knownMinerals].join(', ') } });
  // Declarations before 2000 are typing mistakes, not artisanal production Orebook will credit.
  if (!isIsoDate(figures.producedOn) || figures.producedOn < '2000-01-01') problems.push({ field: 'producedOn', problem: 'date_invalid', params: { date: figures.producedOn } });
  else if (figures.producedOn > latestProductionDate(now)) problems.push({ field: 'producedOn', problem: 'date_in_future', params: { date: figures.producedOn } });
  for (const field of ['wetOreKg', 'dryOreKg'] as const) {
    const kg = figures[field];
    if (!Number.isSafeInteger(kg)) problems.push({ field, problem: 'tonnage_invalid' });
    else if (kg < 0) problems.push({ field, problem: 'tonnage_negative' });
    else if (kg > maxOreKg) problems.push({ field, problem: 'tonnage_too_large' });
  }
  if (Number.isSafeInteger(figures.dryOreKg) && Number.isSafeInteger(figures.wetOreKg) && figures.dryOreKg > figures.wetOreKg) {
    problems.push({ field: 'dryOreKg', problem: 'dry_above_wet', params: { dry: figures.dryOreKg / 1000, wet: figures.wetOreKg / 1000 } });
  }
  if (!Number.isSafeInteger(figures.gradeBasisPoints)) problems.push({ field: 'gradeBasisPoints', problem: 'grade_invalid' });
  else if (figures.gradeBasisPoints < 0 || figures.gradeBasisPoints > 10_000) problems.push({ field: 'gradeBasisPoints', problem: 'grade_out_of_range' });
  if (figures.buyer.trim() === '') problems.push({ field: 'buyer', problem: 'buyer_missing' });
  else if (figures.buyer.length > maxBuyerLength) problems.push({ field: 'buyer', problem: 'text_too_long', params: { max: maxBuyerLength } });
  if ((figures.lotReference ?? '').length > maxLotReferenceLength) problems.push({ field: 'lotReference', problem: 'text_too_long', params: { max: maxLotReferenceLength } });
  return problems;
}

/** Refuses figures that break a rule: 422 with the first problem's code, every problem in the details. */
async function refuseBadFigures(ctx: CommandContext, figures: DeclarationFigures) {
  const problems = figureProblems(figures, await mineralCodes(ctx.tx), ctx.now);
  const first = problems[0];
  if (first) throw productionError(first.problem, 422, first.params, problems.map(({ field, problem }) => ({ field, code: problem })));
}

/** Serialises production changes of one site, so checks such as "already corrected" hold until commit. */
/** The site declared for, locked against a concurrent change of its status, once the actor may declare its production. */
async function lockSiteToDeclare(ctx: CommandContext, siteId: number) {
  const [site] = await ctx.tx
    .select({ id: sites.id, code: sites.code, cooperativeOrganisationId: sites.cooperativeOrganisationId })
    .from(sites)
    .where(eq(sites.id, siteId))
    .for('no key update');
  if (!site) throw productionError('site_not_found', 404);
  authorize(ctx.actor, 'production.declare', { siteCooperativeOrgId: site.cooperativeOrganisationId });
  return site;
}

export type EvidenceUpload = { filename: string; content: Buffer };

/** An uploaded form file as evidence; a form sent without choosing a file carries an empty one. */
export async function evidenceFromFile(file: File | undefined): Promise<EvidenceUpload | null> {
  if (!file || file.size === 0) return null;
  return { filename: file.name, content: Buffer.from(await file.arrayBuffer()) };
}

/** Assay certificates arrive as PDF or as a photo; the type is read from the bytes, not from the client's word. */
function evidenceContentType(content: Buffer): string | null {
  if (content.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (content[0] === 0x89 && content.subarray(1, 4).toString('latin1') === 'PNG') return 'image/png';
  if (content[0] === 0xff && content[1] === 0xd8 && content[2] === 0xff) return 'image/jpeg';
  return null;
}

async function storeEvidence(ctx: CommandContext, evidence: EvidenceUpload) {
  const contentType = evidenceContentType(evidence.content);
  if (!contentType) throw productionError('evidence_type_not_allowed', 422);
  return storeFile(ctx, { filename: evidence.filename || 'evidence', contentType, content: evidence.content });
}

const declarationFacts = (siteCode: string, row: ProductionDeclaration) => ({
  id: row.id,
  site: siteCode,
  mineral: row.mineral,
  producedOn: row.producedOn,
  lotReference: row.lotReference,
  wetOreKg: row.wetOreKg,
  dryOreKg: row.dryOreKg,
  gradeBasisPoints: row.gradeBasisPoints,
  containedKg: row.containedKg,
});

const blankToNull = (value: string | null | undefined) => (value && value.trim() !== '' ? value.trim() : null);

/**
 * Declares production of one site for a day or a lot. Contained metal is computed here, never
 * taken from the caller. The buyer stays out of the journal (it may name a person); the evidence
 * file is cited by its SHA-256.
 */
export async function declareProduction(
  ctx: CommandContext,
  props: DeclarationFigures & { siteId: number; evidence?: EvidenceUpload | null },
): Promise<ProductionDeclaration> {
  const site = await lockSiteToDeclare(ctx, props.siteId);
  const figures = { ...props, lotReference: blankToNull(props.lotReference), buyer: props.buyer.trim() };
  await refuseBadFigures(ctx, figures);
  const evidence = props.evidence ? await storeEvidence(ctx, props.evidence) : null;
  const [row] = await ctx.tx
    .insert(productionDeclarations)
    .values({
      siteId: site.id,
      mineral: figures.mineral,
      producedOn: figures.producedOn,
      lotReference: figures.lotReference,
      wetOreKg: figures.wetOreKg,
      dryOreKg: figures.dryOreKg,
      gradeBasisPoints: figures.gradeBasisPoints,
      containedKg: containedKgOf(figures.dryOreKg, figures.gradeBasisPoints),
      buyer: figures.buyer,
      evidenceFileId: evidence?.id ?? null,
      declaredByOrganisationId: organisationOf(ctx.actor),
    })
    .returning();
  await appendEvent(ctx, {
    type: 'sites.production_declared',
    subject: `production:${row!.id}`,
    payload: { ...declarationFacts(site.code, row!), evidenceSha256: evidence?.sha256 ?? null },
  });
  return row!;
}

/**
 * Corrects a declaration with a new one that points at it; the old row stays as it was. Only the
 * newest entry of a chain can be corrected. Zero wet and dry ore voids the entry. Fields left out
 * keep the corrected entry's value.
 */
export async function correctProduction(
  ctx: CommandContext,
  props: {
    siteId: number;
    correctsId: number;
    reason: string;
    /** When given, must be the corrected entry's mineral: a correction never moves production to another mineral. */
    mineral?: string;
    producedOn?: string;
    lotReference?: string | null;
    wetOreKg: number;
    dryOreKg: number;
    gradeBasisPoints: number;
    buyer?: string;
    evidence?: EvidenceUpload | null;
  },
): Promise<ProductionDeclaration> {
  const site = await lockSiteToDeclare(ctx, props.siteId);
  const [original] = await ctx.tx.select().from(productionDeclarations).where(eq(productionDeclarations.id, props.correctsId));
  if (!original || original.siteId !== site.id) throw productionError('declaration_not_found', 404, { id: props.correctsId });
  if (props.mineral !== undefined && props.mineral !== original.mineral) {
    throw productionError('correction_mismatch', 422, { mineral: original.mineral, site: site.code });
  }
  const [newer] = await ctx.tx.select({ id: productionDeclarations.id }).from(productionDeclarations).where(eq(productionDeclarations.correctsId, original.id));
  if (newer) throw productionError('already_corrected', 409, { id: original.id, by: newer.id }, { correctedBy: newer.id });
  const reason = props.reason.trim();
  if (reason === '') throw productionError('correction_reason_missing', 422);
  if (reason.length > maxReasonLength) throw productionError('text_too_long', 422, { max: maxReasonLength });
  const figures: DeclarationFigures = {
    mineral: original.mineral,
    producedOn: props.producedOn ?? original.producedOn,
    lotReference: props.lotReference === undefined ? original.lotReference : blankToNull(props.lotReference),
    wetOreKg: props.wetOreKg,
    dryOreKg: props.dryOreKg,
    gradeBasisPoints: props.gradeBasisPoints,
    buyer: (props.buyer ?? original.buyer).trim(),
  };
  await refuseBadFigures(ctx, figures);
  const evidence = props.evidence ? await storeEvidence(ctx, props.evidence) : null;
  const [row] = await ctx.tx
    .insert(productionDeclarations)
    .values({
      siteId: site.id,
      ...figures,
      lotReference: figures.lotReference ?? null,
      containedKg: containedKgOf(figures.dryOreKg, figures.gradeBasisPoints),
      evidenceFileId: evidence?.id ?? original.evidenceFileId,
      correctsId: original.id,
      correctionReason: reason,
      declaredByOrganisationId: organisationOf(ctx.actor),
    })
    .returning();
  await appendEvent(ctx, {
    type: 'sites.production_corrected',
    subject: `production:${row!.id}`,
    payload: {
      ...declarationFacts(site.code, row!),
      corrects: original.id,
      previousContainedKg: original.containedKg,
      voids: row!.wetOreKg === 0 && row!.dryOreKg === 0,
      evidenceSha256: evidence?.sha256 ?? null,
    },
  });
  return row!;
}

// ---------------------------------------------------------------------------------------------
// Import from a spreadsheet

export const importColumns = ['produced_on', 'mineral', 'lot_reference', 'wet_ore_t', 'dry_ore_t', 'grade_percent', 'buyer'] as const;
export type ImportColumn = (typeof importColumns)[number];
export const maxImportRows = 5_000;

type ImportRecord = { row: number; cells: Record<ImportColumn, unknown>; decimalComma: boolean };

export type ImportProblem = { row: number; column: ImportColumn | ''; code: ProductionMessage; message: Localized };
export type ImportPlan = {
  fileSha256: string;
  format: 'csv' | 'xlsx';
  rows: number;
  toImport: (DeclarationFigures & { row: number })[];
  alreadyDeclared: { row: number; declarationId: number }[];
  problems: ImportProblem[];
};

const columnOfField: Record<keyof DeclarationFigures, ImportColumn> = {
  producedOn: 'produced_on',
  mineral: 'mineral',
  lotReference: 'lot_reference',
  wetOreKg: 'wet_ore_t',
  dryOreKg: 'dry_ore_t',
  gradeBasisPoints: 'grade_percent',
  buyer: 'buyer',
};

const headerName = (value: unknown) => String(value ?? '').trim().toLowerCase().replace(/\s+/g, '_');

function recordsWithColumns(header: string[], rows: { row: number; values: unknown[]; decimalComma: boolean }[]): ImportRecord[] {
  const missing = importColumns.filter((column) => !header.includes(column));
  if (missing.length > 0) throw productionError('import_columns_missing', 422, { columns: missing.join(', ') }, { missing });
  const index = Object.fromEntries(importColumns.map((column) => [column, header.indexOf(column)])) as Record<ImportColumn, number>;
  return rows
    .filter((r) => r.values.some((v) => String(v ?? '').trim() !== ''))
    .map((r) => ({ row: r.row, decimalComma: r.decimalComma, cells: Object.fromEntries(importColumns.map((column) => [column, r.values[index[column]] ?? ''])) as Record<ImportColumn, unknown> }));
}

function decodeText(content: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    // Excel on French Windows saves CSV in Windows-1252.
    return new TextDecoder('windows-1252').decode(content);
  }
}

function readCsv(content: Buffer): ImportRecord[] {
  const text = decodeText(content).replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = [',', ';', '\t'].reduce((best, d) => (firstLine.split(d).length > firstLine.split(best).length ? d : best), ',');
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parseCsv(text, { delimiter, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof parsed;
  } catch (error) {
    throw productionError('import_unreadable', 422, { reason: (error as Error).message });
  }
  const [header, ...rows] = parsed;
  if (!header) throw productionError('import_empty', 422);
  // A semicolon-separated file is the French convention, where the decimal mark is a comma.
  return recordsWithColumns(
    header.record.map(headerName),
    rows.map((r) => ({ row: r.info.lines, values: r.record, decimalComma: delimiter !== ',' })),
  );
}

/** A cell as the spreadsheet shows it: formulas by their result, dates as `YYYY-MM-DD`, numbers to Excel's 15 significant digits. */
function cellValue(cell: ExcelJS.Cell): unknown {
  let value: unknown = cell.value;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const v = value as { result?: unknown; richText?: { text: string }[]; text?: unknown; error?: unknown };
    if ('result' in v) value = v.result;
    else if (v.richText) value = v.richText.map((part) => part.text).join('');
    else if ('text' in v) value = v.text;
    else value = '';
  }
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'number') {
    const shown = cell.numFmt?.includes('%') ? value * 100 : value;
    return Number(shown.toPrecision(15));
  }
  return value ?? '';
}

async function readXlsx(content: Buffer): Promise<ImportRecord[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch (error) {
    throw productionError('import_unreadable', 422, { reason: (error as Error).message });
  }
  const sheet = workbook.worksheets[0];
  if (!sheet || sheet.rowCount === 0) throw productionError('import_empty', 422);
  const rows: { row: number; values: unknown[]; decimalComma: boolean }[] = [];
  let header: string[] | null = null;
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    const values = Array.from({ length: row.cellCount }, (_, i) => cellValue(row.getCell(i + 1)));
    if (header === null) header = values.map(headerName);
    else rows.push({ row: number, values, decimalComma: false });
  });
  if (!header) throw productionError('import_empty', 422);
  return recordsWithColumns(header, rows);
}

const isXlsx = (content: Buffer) => content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
const keyOf = (mineral: string, producedOn: string, lotReference: string | null | undefined) => `${mineral}|${producedOn}|${lotReference ?? ''}`;

/**
 * Reads a CSV or XLSX file of declarations and says what importing it would do: every bad row
 * (row, column, reason), the rows that are new, and those already declared with the same figures
 * (matched on site, mineral, production date and lot among effective declarations), which a
 * second import skips. Writes nothing.
 */
export async function planProductionImport(db: Queryable, props: { siteId: number; content: Buffer; now: Date }): Promise<ImportPlan> {
  const format = isXlsx(props.content) ? 'xlsx' : 'csv';
  const records = format === 'xlsx' ? await readXlsx(props.content) : readCsv(props.content);
  if (records.length === 0) throw productionError('import_empty', 422);
  if (records.length > maxImportRows) throw productionError('import_too_many_rows', 422, { rows: records.length, max: maxImportRows });
  const known = await mineralCodes(db);
  const existing = new Map((await effectiveDeclarations(db, { siteId: props.siteId })).map((d) => [keyOf(d.mineral, d.producedOn, d.lotReference), d]));
  const plan: ImportPlan = { fileSha256: createHash('sha256').update(props.content).digest('hex'), format, rows: records.length, toImport: [], alreadyDeclared: [], problems: [] };
  const seen = new Map<string, number>();
  const problem = (row: number, column: ImportColumn | '', code: ProductionMessage, params?: Params) =>
    plan.problems.push({ row, column, code, message: productionText.localized(code, params) });

  for (const { row, cells, decimalComma } of records) {
    const before = plan.problems.length;
    const wet = parseTonnes(cells.wet_ore_t, { decimalComma });
    const dry = parseTonnes(cells.dry_ore_t, { decimalComma });
    const grade = parseGradePercent(cells.grade_percent, { decimalComma });
    if (!wet.ok) problem(row, 'wet_ore_t', wet.problem, { value: String(cells.wet_ore_t) });
    if (!dry.ok) problem(row, 'dry_ore_t', dry.problem, { value: String(cells.dry_ore_t) });
    if (!grade.ok) problem(row, 'grade_percent', grade.problem, { value: String(cells.grade_percent) });
    const figures: DeclarationFigures = {
      mineral: String(cells.mineral).trim().toLowerCase(),
      producedOn: String(cells.produced_on).trim(),
      lotReference: blankToNull(String(cells.lot_reference)),
      wetOreKg: wet.ok ? wet.value : 0,
      dryOreKg: dry.ok ? dry.value : 0,
      gradeBasisPoints: grade.ok ? grade.value : 0,
      buyer: String(cells.buyer).trim(),
    };
    for (const p of figureProblems(figures, known, props.now)) {
      if (p.problem === 'dry_above_wet' && !(wet.ok && dry.ok)) continue;
      problem(row, columnOfField[p.field], p.problem, p.params);
    }
    if (plan.problems.length > before) continue;
    const key = keyOf(figures.mineral, figures.producedOn, figures.lotReference);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problem(row, 'lot_reference', 'duplicate_in_file', { row: earlier });
      continue;
    }
    seen.set(key, row);
    const declared = existing.get(key);
    if (!declared) plan.toImport.push({ ...figures, row });
    else if (declared.wetOreKg === figures.wetOreKg && declared.dryOreKg === figures.dryOreKg && declared.gradeBasisPoints === figures.gradeBasisPoints && declared.buyer === figures.buyer) {
      plan.alreadyDeclared.push({ row, declarationId: declared.id });
    } else problem(row, '', 'conflicts_with_declared', { id: declared.id });
  }
  return plan;
}

export type ImportResult = { plan: ImportPlan; imported: ProductionDeclaration[] };

/**
 * Imports a file of declarations for one site, all or nothing: any bad row refuses the whole file
 * (422 `import_invalid`, every problem in the details). Rows already declared are skipped, so
 * importing the same file twice adds nothing. The file is kept as restricted evidence and the
 * journal records one event for the import, with the file's SHA-256.
 */
export async function importProduction(ctx: CommandContext, props: { siteId: number; filename: string; content: Buffer }): Promise<ImportResult> {
  const site = await lockSiteToDeclare(ctx, props.siteId);
  const plan = await planProductionImport(ctx.tx, { siteId: site.id, content: props.content, now: ctx.now });
  if (plan.problems.length > 0) throw productionError('import_invalid', 422, { count: plan.problems.length }, plan.problems);
  const file = await storeFile(ctx, {
    filename: props.filename || `production.${plan.format}`,
    contentType: plan.format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv',
    content: props.content,
  });
  const imported: ProductionDeclaration[] = [];
  for (let start = 0; start < plan.toImport.length; start += 1_000) {
    const batch = plan.toImport.slice(start, start + 1_000).map((f) => ({
      siteId: site.id,
      mineral: f.mineral,
      producedOn: f.producedOn,
      lotReference: f.lotReference ?? null,
      wetOreKg: f.wetOreKg,
      dryOreKg: f.dryOreKg,
      gradeBasisPoints: f.gradeBasisPoints,
      containedKg: containedKgOf(f.dryOreKg, f.gradeBasisPoints),
      buyer: f.buyer,
      evidenceFileId: null,
      declaredByOrganisationId: organisationOf(ctx.actor),
    }));
    imported.push(...(await ctx.tx.insert(productionDeclarations).values(batch).returning()));
  }
  const byMineral: Record<string, { declarations: number; containedKg: number }> = {};
  for (const row of imported) {
    const total = (byMineral[row.mineral] ??= { declarations: 0, containedKg: 0 });
    total.declarations += 1;
    total.containedKg += row.containedKg;
  }
  await appendEvent(ctx, {
    type: 'sites.production_imported',
    subject: `site:${site.code}`,
    payload: { site: site.code, fileSha256: file.sha256, format: plan.format, count: imported.length, alreadyDeclared: plan.alreadyDeclared.length, byMineral },
  });
  return { plan, imported };
}
