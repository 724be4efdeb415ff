import { createHash } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Localized, Params } from '../core/i18n/index.ts';
import type { Queryable } from '../db/connect.ts';
import { productionError, type ProductionMessage, productionText } from './messages/production.ts';
import { effectiveDeclarations, mineralCodes } from './queries/production.ts';
import { type DeclarationFigures, figureProblems, parseGradePercent, parseTonnes } from './production-figures.ts';
import { blankToNull } from './production-declarations.ts';
import { decodeUploadedText } from '../core/text-files.ts';

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


function readCsv(content: Buffer): ImportRecord[] {
  const text = decodeUploadedText(content);
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
