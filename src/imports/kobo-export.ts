import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { importsError } from './messages/imports.ts';
import { versionFieldName, type Answers, type FormDefinition } from './forms/definition.ts';

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
  /** Fields whose value was an object rather than a single value: refused as of the wrong type, not as missing. */
  wrongTypes: string[];
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

function answersOf(record: Record<string, unknown>): { answers: Answers; nested: Record<string, unknown[]>; wrongTypes: string[] } {
  const answers: Answers = {};
  const nested: Record<string, unknown[]> = {};
  const wrongTypes: string[] = [];
  for (const [column, value] of Object.entries(record)) {
    const name = fieldName(column);
    if (Array.isArray(value)) nested[name] = value;
    else if (value !== null && typeof value === 'object' && !(value instanceof Date)) wrongTypes.push(name);
    else answers[name] = textOf(value);
  }
  return { answers, nested, wrongTypes };
}

function submissionOf(row: number, answers: Answers, repeats: Record<string, Answers[]>, wrongTypes: string[] = []): ExportedSubmission {
  const uuid = answers._uuid || (answers.instanceID ?? '').replace(/^uuid:/, '') || null;
  const version = answers[versionFieldName] || answers.__version__ || answers._version || null;
  return { row, uuid, version, answers, repeats, wrongTypes };
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
    const { answers, nested, wrongTypes } = answersOf((item ?? {}) as Record<string, unknown>);
    const repeats = Object.fromEntries(Object.entries(nested).map(([name, entries]) => [name, entries.map((entry) => answersOf((entry ?? {}) as Record<string, unknown>).answers)]));
    return submissionOf(index + 1, answers, repeats, wrongTypes);
  });
}

function readCsv(content: Buffer): { columns: string[]; submissions: ExportedSubmission[] } {
  const text = decode(content);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  // KoboToolbox separates with semicolons by default; commas and tabs are offered too.
  const delimiter = [';', ',', '\t'].reduce((best, d) => (firstLine.split(d).length > firstLine.split(best).length ? d : best), ';');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, { delimiter, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as typeof records;
  } catch (error) {
    // csv-parse quotes the offending value in its message: name the line only, never echo the content.
    const { code, lines } = error as { code?: string; lines?: number };
    throw importsError('file_unreadable', 422, { reason: `${code ?? 'CSV error'}${lines ? `, line ${lines}` : ''}` });
  }
  const [header, ...rows] = records;
  if (!header) return { columns: [], submissions: [] };
  return {
    columns: header.record.map((column) => column.trim()),
    submissions: rows.map(({ record, info }) => submissionOf(info.lines, Object.fromEntries(header.record.map((column, i) => [fieldName(column), textOf(record[i])])), {})),
  };
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

function sheetRecords(sheet: ExcelJS.Worksheet): { columns: string[]; records: { row: number; answers: Answers }[] } {
  let columns: string[] | null = null;
  const records: { row: number; answers: Answers }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    const values = Array.from({ length: row.cellCount }, (_, i) => cellValue(row.getCell(i + 1)));
    if (columns === null) columns = values.map((v) => textOf(v));
    else {
      const names = columns.map(fieldName);
      records.push({ row: number, answers: Object.fromEntries(names.map((name, i) => [name, textOf(values[i])])) });
    }
  });
  return { columns: columns ?? [], records };
}

/**
 * Kobo's XLSX export: the submissions on the first sheet, each repeat group on a sheet of its
 * name, its rows tied to their submission by `_parent_index` = the submission's `_index`.
 */
async function readXlsx(content: Buffer): Promise<{ columns: string[]; submissions: ExportedSubmission[] }> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch (error) {
    throw importsError('file_unreadable', 422, { reason: (error as Error).message });
  }
  const [main, ...repeatSheets] = workbook.worksheets;
  if (!main) return { columns: [], submissions: [] };
  const repeats = repeatSheets.map((sheet) => ({ name: sheet.name, records: sheetRecords(sheet).records.map((r) => r.answers) }));
  const { columns, records } = sheetRecords(main);
  return {
    columns,
    submissions: records.map(({ row, answers }) =>
      submissionOf(
        row,
        answers,
        Object.fromEntries(repeats.map(({ name, records }) => [name, records.filter((r) => r._parent_index !== undefined && r._parent_index === answers._index)])),
      ),
    ),
  };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Text a person could have typed: valid UTF-8 with no control character but tab and line ends. */
function isText(content: Buffer): boolean {
  try {
    // eslint-disable-next-line no-control-regex
    return !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(strictUtf8.decode(content));
  } catch {
    return false;
  }
}

/**
 * The format by content: an XLSX workbook (a zip), else JSON or CSV text. Anything else (an
 * image, a PDF, a truncated zip's tail) is refused as unreadable, without echoing any of its bytes.
 */
export function exportFormatOf(content: Buffer): ExportFormat {
  if (content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'xlsx';
  if (!isText(content)) throw importsError('file_unreadable', 422, { reason: 'neither an XLSX workbook nor UTF-8 text' });
  const first = decode(content.subarray(0, 64)).trimStart()[0];
  return first === '[' || first === '{' ? 'json' : 'csv';
}

/**
 * Reads a KoboToolbox export of submissions (CSV, XLSX or JSON, "XML values and headers"), with
 * the header's columns for the tabular formats (null for JSON, whose submissions name their own).
 */
export async function readKoboExport(content: Buffer): Promise<{ format: ExportFormat; columns: string[] | null; submissions: ExportedSubmission[] }> {
  const format = exportFormatOf(content);
  const { columns, submissions } = format === 'xlsx' ? await readXlsx(content) : format === 'json' ? { columns: null, submissions: readJson(content) } : readCsv(content);
  if (submissions.length === 0) throw importsError('file_empty', 422);
  if (submissions.length > maxSubmissions) throw importsError('file_too_many_rows', 422, { rows: submissions.length, max: maxSubmissions });
  return { format, columns, submissions };
}

/** Columns KoboToolbox and ODK add to every export besides the form's own fields. */
const metaColumns = new Set(['start', 'end', 'today', 'deviceid', 'username', 'phonenumber', 'simserial', 'subscriberid', 'audit', 'instanceID', 'instanceName', 'rootUuid', 'deprecatedID', 'uuid']);

/**
 * Checks a CSV or XLSX header against the form once, before any row: the required fields (outside
 * repeat groups, which come on their own sheets), the submission id and the form version must have
 * a column, and every column must be a field of the form, a choice of one of its multiple-choice
 * fields (`kind/flooding`), or one of the columns Kobo adds (`_uuid`, `meta/instanceID`, ...).
 */
export function checkColumns(form: FormDefinition, columns: readonly string[]): void {
  const fields = new Map(form.fields.map((f) => [f.name, f]));
  const present = new Set(columns.map(fieldName));
  const repeats = new Set(form.repeats ?? []);
  const missing = form.fields.filter((f) => f.required && !(f.group && repeats.has(f.group)) && !present.has(f.name)).map((f) => f.name);
  if (!present.has('_uuid') && !present.has('instanceID')) missing.push('_uuid');
  if (![versionFieldName, '__version__', '_version'].some((name) => present.has(name)) && !missing.includes(versionFieldName)) missing.push(versionFieldName);
  const unknown = columns.filter((column) => {
    const path = column.split('/').map((part) => part.trim());
    const name = path.at(-1) ?? '';
    if (name === '' || name.startsWith('_') || name === versionFieldName || fields.has(name) || metaColumns.has(name)) return false;
    const parent = fields.get(path.at(-2) ?? '');
    return parent?.type !== 'select_multiple';
  });
  if (missing.length > 0 || unknown.length > 0) {
    throw importsError('columns_invalid', 422, { form: form.id, missing: missing.join(', ') || '—', unknown: unknown.join(', ') || '—' }, { missing, unknown });
  }
}
