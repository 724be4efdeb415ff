import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { importsError } from './messages/imports.ts';
import { versionFieldName, type Answers } from './forms/definition.ts';

/** One submission as an export gives it: answers by field name, the repeat groups' entries, and its identity. */
export type ExportedSubmission = {
  /** Where it stands in the file: the line of a CSV or sheet (header is 1), the position in a JSON list (from 1). */
  row: number;
  /** `_uuid`, else `meta/instanceID` without its `uuid:` prefix. */
  uuid: string | null;
  /** The `form_version` the form calculates, else Kobo's `__version__`. */
  version: string | null;
  answers: Answers;
  repeats: Record<string, Answers[]>;
};

export type ExportFormat = 'csv' | 'xlsx' | 'json';

export const maxSubmissions = 5_000;

/** Kobo names a column by its group path (`incident/kind`, `meta/instanceID`); the form knows the field by its name. */
const fieldName = (column: string) => column.trim().split('/').pop() ?? '';

function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof value === 'object') return '';
  return String(value).trim();
}

function answersOf(record: Record<string, unknown>): { answers: Answers; nested: Record<string, unknown[]> } {
  const answers: Answers = {};
  const nested: Record<string, unknown[]> = {};
  for (const [column, value] of Object.entries(record)) {
    const name = fieldName(column);
    if (Array.isArray(value)) nested[name] = value;
    else answers[name] = textOf(value);
  }
  return { answers, nested };
}

function submissionOf(row: number, answers: Answers, repeats: Record<string, Answers[]>): ExportedSubmission {
  const uuid = answers._uuid || (answers.instanceID ?? '').replace(/^uuid:/, '') || null;
  const version = answers[versionFieldName] || answers.__version__ || answers._version || null;
  return { row, uuid, version, answers, repeats };
}

const decode = (content: Buffer) => content.toString('utf8').replace(/^\uFEFF/, '');

function readJson(content: Buffer): ExportedSubmission[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decode(content));
  } catch (error) {
    throw importsError('file_unreadable', 422, { reason: (error as Error).message });
  }
  // The API's data endpoint wraps the list in `results`; a downloaded export is the bare list.
  const list = Array.isArray(parsed) ? parsed : (parsed as { results?: unknown })?.results;
  if (!Array.isArray(list)) throw importsError('file_unreadable', 422, { reason: 'expected a list of submissions, or an object with "results"' });
  return list.map((item, index) => {
    const { answers, nested } = answersOf((item ?? {}) as Record<string, unknown>);
    const repeats = Object.fromEntries(Object.entries(nested).map(([name, entries]) => [name, entries.map((entry) => answersOf((entry ?? {}) as Record<string, unknown>).answers)]));
    return submissionOf(index + 1, answers, repeats);
  });
}

function readCsv(content: Buffer): ExportedSubmission[] {
  const text = decode(content);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  // KoboToolbox separates with semicolons by default; commas and tabs are offered too.
  const delimiter = [';', ',', '\t'].reduce((best, d) => (firstLine.split(d).length > firstLine.split(best).length ? d : best), ';');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, { delimiter, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as typeof records;
  } catch (error) {
    throw importsError('file_unreadable', 422, { reason: (error as Error).message });
  }
  const [header, ...rows] = records;
  if (!header) return [];
  return rows.map(({ record, info }) => submissionOf(info.lines, Object.fromEntries(header.record.map((column, i) => [fieldName(column), textOf(record[i])])), {}));
}

function cellValue(cell: ExcelJS.Cell): unknown {
  const value = cell.value;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const v = value as { result?: unknown; richText?: { text: string }[]; text?: unknown };
    if ('result' in v) return v.result;
    if (v.richText) return v.richText.map((part) => part.text).join('');
    if ('text' in v) return v.text;
    return '';
  }
  return value;
}

function sheetRecords(sheet: ExcelJS.Worksheet): { row: number; answers: Answers }[] {
  let header: string[] | null = null;
  const records: { row: number; answers: Answers }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    const values = Array.from({ length: row.cellCount }, (_, i) => cellValue(row.getCell(i + 1)));
    if (header === null) header = values.map((v) => fieldName(textOf(v)));
    else records.push({ row: number, answers: Object.fromEntries(header.map((name, i) => [name, textOf(values[i])])) });
  });
  return records;
}

/**
 * Kobo's XLSX export: the submissions on the first sheet, each repeat group on a sheet of its
 * name, its rows tied to their submission by `_parent_index` = the submission's `_index`.
 */
async function readXlsx(content: Buffer): Promise<ExportedSubmission[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch (error) {
    throw importsError('file_unreadable', 422, { reason: (error as Error).message });
  }
  const [main, ...repeatSheets] = workbook.worksheets;
  if (!main) return [];
  const repeats = repeatSheets.map((sheet) => ({ name: sheet.name, records: sheetRecords(sheet).map((r) => r.answers) }));
  return sheetRecords(main).map(({ row, answers }) =>
    submissionOf(
      row,
      answers,
      Object.fromEntries(repeats.map(({ name, records }) => [name, records.filter((r) => r._parent_index !== undefined && r._parent_index === answers._index)])),
    ),
  );
}

export function exportFormatOf(content: Buffer): ExportFormat {
  if (content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'xlsx';
  const first = decode(content.subarray(0, 64)).trimStart()[0];
  return first === '[' || first === '{' ? 'json' : 'csv';
}

/** Reads a KoboToolbox export of submissions (CSV, XLSX or JSON, "XML values and headers"). */
export async function readKoboExport(content: Buffer): Promise<{ format: ExportFormat; submissions: ExportedSubmission[] }> {
  const format = exportFormatOf(content);
  const submissions = format === 'xlsx' ? await readXlsx(content) : format === 'json' ? readJson(content) : readCsv(content);
  if (submissions.length === 0) throw importsError('file_empty', 422);
  if (submissions.length > maxSubmissions) throw importsError('file_too_many_rows', 422, { rows: submissions.length, max: maxSubmissions });
  return { format, submissions };
}
