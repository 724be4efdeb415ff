import { createHash } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { isIsoDate } from '../../core/calendar.ts';
import { isKnownCurrency, minorUnitsOf } from '../../rates/public.ts';
import { ledgerError } from '../messages/ledger.ts';
import { decodeUploadedText } from '../../core/text-files.ts';

/**
 * Reading a general-ledger export as accounting software writes it (Xero, QuickBooks, Sage, Odoo:
 * CSV or XLSX), into one line per posting. Two shapes are understood:
 *
 * - flat: a header row and one posting per row, the account in a column (Odoo's journal items,
 *   Sage's audit trail, Xero's journal report);
 * - grouped by account: the account on a row of its own ("6100 Travel"), its postings below, and
 *   total and balance rows to skip (QuickBooks' and Xero's general-ledger reports).
 *
 * Columns are found by their usual names in English and French. A posting's amount is its debit
 * less its credit (or a signed amount), in the currency's minor units.
 */

export const maxLedgerLines = 20_000;

/** A posting of the ledger, as read. `row` is the line of the file (1 = the first). */
export type LedgerLine = {
  row: number;
  date: string;
  account: string;
  accountName: string;
  description: string;
  reference: string;
  /** Debit less credit, in minor units of `currency`: an expense is positive, a refund negative. */
  amountMinor: number;
  currency: string;
  payee: string;
  /** The same posting, read from any export that holds it, has the same key (the import never takes it twice). */
  key: string;
};

export type LedgerRowProblem = { row: number; code: LedgerProblemCode; value: string };
export type LedgerProblemCode = 'date_unreadable' | 'amount_unreadable' | 'account_missing' | 'currency_unknown';
export type LedgerReading = { format: 'csv' | 'xlsx'; shape: 'flat' | 'grouped'; sha256: string; lines: LedgerLine[]; problems: LedgerRowProblem[] };
export type DateOrder = 'dmy' | 'mdy';

type Field = 'date' | 'account' | 'accountName' | 'description' | 'reference' | 'debit' | 'credit' | 'amount' | 'currency' | 'payee';

/** The names each field goes by, compared in lower case with spaces and punctuation folded. */
const synonyms: Record<Field, readonly string[]> = {
  date: ['date', 'transaction date', 'txn date', 'posting date', 'accounting date', 'journal date', 'entry date', 'date comptable', 'date de l ecriture'],
  account: ['account', 'account code', 'account number', 'account no', 'nominal', 'nominal code', 'n c', 'gl account', 'gl code', 'account id', 'compte', 'numero de compte', 'code compte'],
  accountName: ['account name', 'nominal name', 'gl account name', 'intitule du compte', 'libelle du compte'],
  description: ['description', 'memo', 'memo description', 'label', 'details', 'narration', 'narrative', 'line description', 'communication', 'particulars', 'libelle'],
  reference: ['reference', 'ref', 'num', 'no', 'number', 'voucher', 'journal', 'journal entry', 'entry', 'transaction id', 'journal number', 'invoice', 'piece', 'n de piece'],
  debit: ['debit', 'debit amount', 'dr'],
  credit: ['credit', 'credit amount', 'cr'],
  amount: ['amount', 'net', 'net amount', 'line amount', 'value', 'montant'],
  currency: ['currency', 'currency code', 'curr', 'devise'],
  payee: ['name', 'partner', 'contact', 'payee', 'supplier', 'vendor', 'counterparty', 'partenaire', 'tiers', 'fournisseur'],
};

const fold = (value: unknown) =>
  String(value ?? '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

type Cells = { row: number; values: string[] };

/** The header row (the first of the first 20 rows naming a date and an amount column) and where each field is. */
function findHeader(rows: Cells[]): { at: number; columns: Partial<Record<Field, number>> } | null {
  for (const [at, row] of rows.slice(0, 20).entries()) {
    const columns: Partial<Record<Field, number>> = {};
    row.values.forEach((value, index) => {
      const name = fold(value);
      for (const field of Object.keys(synonyms) as Field[]) {
        if (columns[field] === undefined && synonyms[field].includes(name)) {
          columns[field] = index;
          break;
        }
      }
    });
    if (columns.date !== undefined && (columns.amount !== undefined || columns.debit !== undefined || columns.credit !== undefined)) return { at, columns };
  }
  return null;
}

/**
 * An amount as books write it: `1,234.56`, `1 234,56`, `1.234,56`, `(123.45)` and `-123.45`
 * negative, blank as zero; in minor units, refused when it has more decimals than the currency.
 */
export function parseLedgerAmount(text: string, minorUnits: number): number | null {
  let value = text.replace(/[\s\u00a0\u202f]/g, '').replace(/^[A-Z]{3}|[A-Z]{3}$|[$€£]/g, '');
  if (value === '') return 0;
  let negative = false;
  if (/^\(.*\)$/.test(value)) {
    negative = true;
    value = value.slice(1, -1);
  }
  if (value.startsWith('-')) {
    negative = !negative;
    value = value.slice(1);
  }
  // With both marks, the last is the decimal one; one mark used twice, or followed by exactly three
  // digits when the currency has fewer decimals, separates thousands.
  const marks = [...value].filter((c) => c === '.' || c === ',');
  const last = marks.at(-1);
  let whole = value;
  let fraction = '';
  if (last) {
    const at = value.lastIndexOf(last);
    const after = value.slice(at + 1);
    const thousandsOnly = new Set(marks).size === 1 && (marks.length > 1 || (after.length === 3 && minorUnits < 3));
    if (thousandsOnly) whole = value.replace(/[.,]/g, '');
    else {
      whole = value.slice(0, at).replace(/[.,]/g, '');
      fraction = after;
    }
  }
  if (!/^\d+$/.test(whole) || !/^\d*$/.test(fraction) || fraction.length > minorUnits) return null;
  const minor = Number(whole) * 10 ** minorUnits + Number(fraction.padEnd(minorUnits, '0') || '0');
  if (!Number.isSafeInteger(minor)) return null;
  return negative ? -minor : minor;
}

/** A date as books write it: ISO, `31/12/2025` or `12/31/2025` (by `order`), `31.12.2025`, `31-12-2025`; null otherwise. */
export function parseLedgerDate(text: string, order: DateOrder): string | null {
  const value = text.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$/.exec(value);
  if (iso) return isIsoDate(`${iso[1]}-${iso[2]}-${iso[3]}`) ? `${iso[1]}-${iso[2]}-${iso[3]}` : null;
  const parts = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value);
  if (!parts) return null;
  const [day, month] = order === 'dmy' || value.includes('.') ? [parts[1]!, parts[2]!] : [parts[2]!, parts[1]!];
  const date = `${parts[3]}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  return isIsoDate(date) ? date : null;
}


function csvRows(content: Buffer): Cells[] {
  const text = decodeUploadedText(content);
  const sample = text.split(/\r?\n/, 20).join('\n');
  const delimiter = [',', ';', '\t'].reduce((best, d) => (sample.split(d).length > sample.split(best).length ? d : best), ',');
  try {
    const parsed = parseCsv(text, { delimiter, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as { record: string[]; info: { lines: number } }[];
    return parsed.map((r) => ({ row: r.info.lines, values: r.record }));
  } catch (error) {
    throw ledgerError('ledger_unreadable', 422, { reason: (error as Error).message.slice(0, 200) });
  }
}

/** A cell as the spreadsheet shows it: dates as `YYYY-MM-DD`, formulas by their result. */
function cellText(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (value && typeof value === 'object') {
    if ('result' in value) return value.result instanceof Date ? value.result.toISOString().slice(0, 10) : String(value.result ?? '');
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value) return String(value.text);
  }
  return value === null || value === undefined ? '' : String(value);
}

async function xlsxRows(content: Buffer): Promise<Cells[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch (error) {
    throw ledgerError('ledger_unreadable', 422, { reason: (error as Error).message.slice(0, 200) });
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw ledgerError('ledger_empty', 422);
  const rows: Cells[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    const values: string[] = [];
    for (let column = 1; column <= row.cellCount; column++) values.push(cellText(row.getCell(column)).trim());
    rows.push({ row: number, values });
  });
  return rows;
}

const isXlsx = (content: Buffer) => content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));

/** "6100 Travel", "6100 - Travel", "Travel (6100)": the account's code and name. */
function accountOfSection(label: string): { code: string; name: string } {
  const leading = /^([A-Za-z]?\d[\w.-]*)\s*(?:[-–:]\s*)?(.*)$/.exec(label);
  if (leading) return { code: leading[1]!, name: leading[2]!.trim() };
  const trailing = /^(.*?)\s*\((\w[\w.-]*)\)$/.exec(label);
  if (trailing) return { code: trailing[2]!, name: trailing[1]!.trim() };
  return { code: label, name: label };
}

const skippedLabels = /^(total|totals|sous total|opening balance|beginning balance|closing balance|ending balance|balance|solde|report de solde|net movement)\b/;

/**
 * Reads a ledger export. Rows that are not postings (titles, totals, balances) are left out;
 * postings that cannot be read are listed with their reason. Refused whole (422) when the file
 * cannot be read, has no header naming a date and an amount, or holds more than `maxLedgerLines`.
 */
export async function readLedger(content: Buffer, options: { currency: string; dateOrder: DateOrder }): Promise<LedgerReading> {
  if (!isKnownCurrency(options.currency)) throw ledgerError('ledger_currency_unknown', 422, { currency: options.currency.slice(0, 12) });
  const format = isXlsx(content) ? 'xlsx' : 'csv';
  const rows = format === 'xlsx' ? await xlsxRows(content) : csvRows(content);
  if (rows.length === 0) throw ledgerError('ledger_empty', 422);
  const header = findHeader(rows);
  if (!header) throw ledgerError('ledger_header_missing', 422);
  const { columns } = header;
  const shape = columns.account !== undefined ? 'flat' : 'grouped';
  const cell = (values: string[], field: Field) => (columns[field] === undefined ? '' : (values[columns[field]!] ?? '').trim());

  const lines: Omit<LedgerLine, 'key'>[] = [];
  const problems: LedgerRowProblem[] = [];
  let section: { code: string; name: string } | null = null;
  for (const { row, values } of rows.slice(header.at + 1)) {
    const filled = values.map((value, index) => [value.trim(), index] as const).filter(([value]) => value !== '');
    if (filled.length === 0) continue;
    const first = fold(filled[0]![0]);
    if (skippedLabels.test(first)) continue;
    const dateText = cell(values, 'date');
    const amounts = [cell(values, 'debit'), cell(values, 'credit'), cell(values, 'amount')];
    if (shape === 'grouped' && dateText === '' && amounts.every((a) => a === '')) {
      // A row naming the account whose postings follow.
      section = accountOfSection(filled[0]![0]);
      continue;
    }
    if (dateText === '' && amounts.every((a) => a === '')) continue;
    const date = parseLedgerDate(dateText, options.dateOrder);
    if (!date) {
      problems.push({ row, code: 'date_unreadable', value: dateText.slice(0, 40) });
      continue;
    }
    const currency = (cell(values, 'currency') || options.currency).toUpperCase();
    if (!isKnownCurrency(currency)) {
      problems.push({ row, code: 'currency_unknown', value: currency.slice(0, 12) });
      continue;
    }
    const units = minorUnitsOf(currency);
    const debit = parseLedgerAmount(amounts[0]!, units);
    const credit = parseLedgerAmount(amounts[1]!, units);
    const amount = parseLedgerAmount(amounts[2]!, units);
    if (debit === null || credit === null || amount === null) {
      problems.push({ row, code: 'amount_unreadable', value: amounts.filter(Boolean).join(' / ').slice(0, 40) });
      continue;
    }
    const account = shape === 'flat' ? { code: cell(values, 'account'), name: cell(values, 'accountName') } : section;
    if (!account || account.code === '') {
      problems.push({ row, code: 'account_missing', value: '' });
      continue;
    }
    // A flat export's account cell may carry its name too ("6100 Travel").
    const split = shape === 'flat' && account.name === '' ? accountOfSection(account.code) : account;
    lines.push({
      row,
      date,
      account: split.code,
      accountName: split.name,
      description: cell(values, 'description').slice(0, 400),
      reference: cell(values, 'reference').slice(0, 80),
      amountMinor: columns.amount !== undefined && columns.debit === undefined ? amount : debit - credit,
      currency,
      payee: cell(values, 'payee').slice(0, 200),
    });
    if (lines.length > maxLedgerLines) throw ledgerError('ledger_too_long', 422, { max: maxLedgerLines });
  }
  return { format, shape, sha256: createHash('sha256').update(content).digest('hex'), lines: withKeys(lines), problems };
}

/**
 * Each posting's key: the SHA-256 of what it says (date, account, reference, description, amount,
 * currency, payee) and of how many identical postings came before it in the file, so that two
 * equal postings stay two, and the same posting in a later, overlapping export is the same key.
 */
function withKeys(lines: Omit<LedgerLine, 'key'>[]): LedgerLine[] {
  const seen = new Map<string, number>();
  return lines.map((line) => {
    const facts = JSON.stringify([line.date, line.account, line.reference, line.description, line.amountMinor, line.currency, line.payee]);
    const occurrence = seen.get(facts) ?? 0;
    seen.set(facts, occurrence + 1);
    return { ...line, key: createHash('sha256').update(`${facts}#${occurrence}`).digest('hex') };
  });
}
