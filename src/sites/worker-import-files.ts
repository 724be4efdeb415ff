import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import type { Params } from '../core/i18n/index.ts';
import type { Queryable } from '../db/connect.ts';
import { siteError } from './messages/sites.ts';
import { workerError, type WorkersTextKey } from './messages/workers.ts';
import { childReferrals, workers } from './schema.ts';
import { isoDateOf } from '../core/calendar.ts';
import { findSite } from './site-access.ts';
import type { Site } from './site-records.ts';
import { adultAge, type CheckedWorker, checkWorkerFields, loadOperatorGroups, type WorkerColumn, workerColumns, workerIdentityHash } from './worker-records.ts';
import { decodeUploadedText } from '../core/text-files.ts';

/** What one import may hold: beyond this, the cooperative splits its list. */
export const importLimits = { maxBytes: 5 * 1024 * 1024, maxRows: 20_000 };

const requiredColumns = workerColumns.filter((column) => column !== 'id_number');
/** Rows inserted per statement: measured fastest here (drizzle's statement building grows faster than linearly with the rows). */
export const insertBatch = 500;

export type UploadedFile = { filename: string; content: Buffer };

/** A problem in an import file: the row (the header is row 1), the column, and why. */
export type ImportIssue = { row: number; column: string; code: WorkersTextKey; params?: Params };

type FileRow = { row: number; cells: Partial<Record<WorkerColumn, string>>; extraValues: boolean };

/** An import file read into rows of text, with the problems of its first row. */
export type WorkerFile = { sha256: string; format: 'csv' | 'xlsx'; rows: FileRow[]; headerIssues: ImportIssue[] };

export type ImportReport = {
  fileSha256: string;
  format: 'csv' | 'xlsx';
  /** Rows of data in the file (blank rows aside). */
  rowsTotal: number;
  toRegister: number;
  alreadyRegistered: number;
  toRefer: number;
  alreadyReferred: number;
  issues: ImportIssue[];
};

type PlannedRow = { row: number; worker: CheckedWorker; identityHash: Buffer };
type ImportPlan = { site: Site; report: ImportReport; register: PlannedRow[]; refer: PlannedRow[] };

const isXlsx = (content: Buffer) => content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));

/** Column names as people type them: `Birth year`, `birth-year` and `BIRTH_YEAR` are `birth_year`. */
const headerName = (text: string) =>
  text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

function readHeader(header: string[]): { columns: (WorkerColumn | null)[]; issues: ImportIssue[] } {
  const issues: ImportIssue[] = [];
  const seen = new Set<string>();
  const columns = header.map((text) => {
    const name = headerName(text);
    if (name === '') return null;
    if (!(workerColumns as readonly string[]).includes(name)) {
      issues.push({ row: 1, column: text.trim(), code: 'column_unknown', params: { column: text.trim(), columns: workerColumns.join(', ') } });
      return null;
    }
    if (seen.has(name)) issues.push({ row: 1, column: name, code: 'column_repeated', params: { column: name } });
    seen.add(name);
    return name as WorkerColumn;
  });
  for (const column of requiredColumns) if (!seen.has(column)) issues.push({ row: 1, column, code: 'column_missing', params: { column } });
  return { columns, issues };
}

function toRows(records: { row: number; values: string[] }[], format: 'csv' | 'xlsx', sha256: string): WorkerFile {
  const [header, ...data] = records;
  if (!header) throw workerError('import_empty', 422);
  const { columns, issues } = readHeader(header.values);
  const rows = data
    .filter((record) => record.values.some((value) => value.trim() !== ''))
    .map((record) => {
      const cells: FileRow['cells'] = {};
      columns.forEach((column, i) => {
        if (column) cells[column] = (record.values[i] ?? '').trim();
      });
      return { row: record.row, cells, extraValues: record.values.slice(header.values.length).some((value) => value.trim() !== '') };
    });
  if (rows.length === 0) throw workerError('import_empty', 422);
  if (rows.length > importLimits.maxRows) throw workerError('import_too_many_rows', 422, { limit: importLimits.maxRows });
  return { sha256, format, rows, headerIssues: issues };
}


function readCsv(content: Buffer, sha256: string): WorkerFile {
  if (content.includes(0)) throw workerError('import_format_unsupported', 415);
  const text = decodeUploadedText(content);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  // The separator is the one the header uses most: French spreadsheets write “;”.
  const delimiter = [',', ';', '\t'].map((d) => ({ d, n: firstLine.split(d).length })).sort((a, b) => b.n - a.n)[0]!.d;
  let records: string[][];
  try {
    records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: false, relax_quotes: true });
  } catch (error) {
    throw workerError('import_unreadable', 422, { format: 'CSV', reason: (error as Error).message });
  }
  return toRows(
    records.map((values, i) => ({ row: i + 1, values })),
    'csv',
    sha256,
  );
}

type CellValue = unknown;

/** A cell as the text a person sees: dates as YYYY-MM-DD, formulas by their result, rich text joined. */
function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return isoDateOf(value);
  if (typeof value === 'object') {
    const cell = value as { result?: unknown; richText?: { text: string }[]; text?: unknown; error?: unknown };
    if ('result' in cell) return cellText(cell.result);
    if (cell.richText) return cell.richText.map((part) => part.text).join('');
    if ('text' in cell) return cellText(cell.text);
    return '';
  }
  return String(value);
}

async function readXlsx(content: Buffer, sha256: string): Promise<WorkerFile> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs types its argument as the pre-generic Buffer of older @types/node.
    await workbook.xlsx.load(content as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  } catch (error) {
    throw workerError('import_unreadable', 422, { format: 'XLSX', reason: (error as Error).message });
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw workerError('import_empty', 422);
  if (sheet.actualRowCount > importLimits.maxRows + 1) throw workerError('import_too_many_rows', 422, { limit: importLimits.maxRows });
  const records: { row: number; values: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values: string[] = [];
    for (let column = 1; column <= row.cellCount; column++) values.push(cellText(row.getCell(column).value));
    records.push({ row: rowNumber, values });
  });
  return toRows(records, 'xlsx', sha256);
}

/**
 * Reads an uploaded CSV (UTF-8 or Windows-1252; comma, semicolon or tab) or XLSX (first sheet)
 * into rows. The first row names the columns. Refuses at once what cannot be a register: too
 * large, too many rows, another format, unreadable or empty.
 */
export async function readWorkerFile(file: UploadedFile): Promise<WorkerFile> {
  if (file.content.length > importLimits.maxBytes) throw workerError('import_file_too_large', 413, { limit: importLimits.maxBytes / 1024 / 1024 });
  if (file.content.length === 0) throw workerError('import_empty', 422);
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  return isXlsx(file.content) ? readXlsx(file.content, sha256) : readCsv(file.content, sha256);
}

async function existingHashes(db: Queryable, siteId: number) {
  const [registered, referred] = await Promise.all([
    db.select({ hash: workers.identityHash }).from(workers).where(eq(workers.siteId, siteId)),
    db.select({ hash: childReferrals.identityHash }).from(childReferrals).where(eq(childReferrals.siteId, siteId)),
  ]);
  return { registered: new Set(registered.map((r) => r.hash.toString('hex'))), referred: new Set(referred.map((r) => r.hash.toString('hex'))) };
}

/** Checks every row and sorts it: to register, already registered, to refer, already referred, or wrong. */
export async function planImport(db: Queryable, props: { siteId: number; file: WorkerFile; today: string }): Promise<ImportPlan> {
  const site = await findSite(db, { siteId: props.siteId });
  if (!site) throw siteError('site_not_found', 404, { code: String(props.siteId) });
  const { file } = props;
  const report: ImportReport = { fileSha256: file.sha256, format: file.format, rowsTotal: file.rows.length, toRegister: 0, alreadyRegistered: 0, toRefer: 0, alreadyReferred: 0, issues: [...file.headerIssues] };
  const plan: ImportPlan = { site, report, register: [], refer: [] };
  if (file.headerIssues.length > 0) return plan;
  const [groups, existing] = await Promise.all([loadOperatorGroups(db, site.id), existingHashes(db, site.id)]);
  const firstRowOf = new Map<string, number>();
  for (const { row, cells, extraValues } of file.rows) {
    const checked = checkWorkerFields(
      { fullName: cells.full_name ?? '', sex: cells.sex ?? '', birthYear: cells.birth_year ?? '', operatorGroup: cells.operator_group ?? '', idNumber: cells.id_number ?? null, registeredOn: cells.registered_on ?? '' },
      groups,
      props.today,
    );
    for (const issue of checked.issues) report.issues.push({ row, ...issue });
    if (extraValues) report.issues.push({ row, column: '—', code: 'too_many_values' });
    if (!checked.worker || extraValues) continue;
    const worker = checked.worker;
    const identityHash = workerIdentityHash({ siteCode: site.code, fullName: worker.fullName, birthYear: worker.birthYear, sex: worker.sex });
    const key = identityHash.toString('hex');
    const earlier = firstRowOf.get(key);
    if (earlier !== undefined) {
      report.issues.push({ row, column: 'full_name', code: 'duplicate_in_file', params: { row: earlier } });
      continue;
    }
    firstRowOf.set(key, row);
    if (existing.registered.has(key)) report.alreadyRegistered++;
    else if (worker.ageYears >= adultAge) plan.register.push({ row, worker, identityHash });
    else if (existing.referred.has(key)) report.alreadyReferred++;
    else plan.refer.push({ row, worker, identityHash });
  }
  report.toRegister = plan.register.length;
  report.toRefer = plan.refer.length;
  report.issues.sort((a, b) => a.row - b.row);
  return plan;
}

/** The dry run: what importing the file would do, without writing anything. */
export async function checkWorkerImport(db: Queryable, props: { siteId: number; file: WorkerFile; now?: Date }): Promise<ImportReport> {
  return (await planImport(db, { siteId: props.siteId, file: props.file, today: isoDateOf(props.now ?? new Date()) })).report;
}

/** Whether an import of a file with this report would change anything. */
export const importChangesSomething = (report: ImportReport) => report.issues.length === 0 && report.toRegister + report.toRefer > 0;

export type ImportResult = { report: ImportReport; registered: string[]; referred: string[] };
