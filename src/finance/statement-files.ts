import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { minorUnitsOf, rateText } from '../rates/public.ts';
import type { FinanceStatement } from './queries/statements.ts';

/**
 * One line of a statement's download: the section it belongs to, what it is (a source, an area, a
 * category, a grant...), a detail (a donor, a label, a budget line), and its amount in minor units
 * and in the currency's units. The same lines make the CSV and the XLSX file.
 */
export type StatementLine = { section: string; item: string; detail: string; currency: string; amountMinor: number | null; amount: string };

export const statementColumns = ['section', 'item', 'detail', 'currency', 'amount_minor', 'amount'] as const;

/** Minor units as a decimal in the currency's units, with a dot (12345 USD → "123.45"). */
export function amountText(amountMinor: number, currency: string): string {
  const digits = minorUnitsOf(currency);
  if (digits === 0) return String(amountMinor);
  const sign = amountMinor < 0 ? '-' : '';
  const magnitude = Math.abs(amountMinor);
  const scale = 10 ** digits;
  return `${sign}${Math.floor(magnitude / scale)}.${String(magnitude % scale).padStart(digits, '0')}`;
}

/** The statement as lines, in the order of the page: income, expenditure, balances, credit flows, budget against actual, rates. */
export function statementLines(statement: FinanceStatement): StatementLine[] {
  const reporting = statement.currency;
  const line = (section: string, item: string, detail: string, amountMinor: number, currency = reporting): StatementLine => ({ section, item, detail, currency, amountMinor, amount: amountText(amountMinor, currency) });
  const lines: StatementLine[] = [
    { section: 'period', item: 'from', detail: statement.period.from, currency: reporting, amountMinor: null, amount: '' },
    { section: 'period', item: 'to', detail: statement.period.to, currency: reporting, amountMinor: null, amount: '' },
    ...statement.income.lines.map((income) => line('income', income.source, income.donor ?? '', income.amountMinor)),
    line('income', 'total', '', statement.income.totalMinor),
    ...statement.expenditure.byArea.map((row) => line('expenditure_by_area', row.area, row.label.en, row.amountMinor)),
    line('expenditure_by_area', 'total', '', statement.expenditure.totalMinor),
    ...statement.expenditure.byCategory.map((row) => line('expenditure_by_category', row.category, '', row.amountMinor)),
    line('expenditure_by_category', 'total', '', statement.expenditure.totalMinor),
    line('expenditure_by_funding', 'restricted', 'grants', statement.expenditure.restrictedMinor),
    line('expenditure_by_funding', 'unrestricted', '', statement.expenditure.unrestrictedMinor),
    ...statement.balances.restricted.flatMap((grant) => [line('balance_restricted', grant.reference, grant.donor, grant.balanceMinor, grant.currency), line('balance_restricted_reporting', grant.reference, grant.donor, grant.balanceReportingMinor)]),
    line('balance_restricted_reporting', 'total', '', statement.balances.restrictedMinor),
    line('balance_unrestricted', 'total', '', statement.balances.unrestrictedMinor),
    line('credit_flows', 'sales', '', statement.creditFlows.salesMinor),
    line('credit_flows', 'premium_to_site_funds', '', statement.creditFlows.premiumMinor),
    line('credit_flows', 'registry_fee', '', statement.creditFlows.feeMinor),
    line('credit_flows', 'premium_booked_by_funds', '', statement.creditFlows.premiumBookedMinor),
    ...statement.creditFlows.reconciliation.flatMap((flows) => [
      line('credit_flows_recorded', 'sales', flows.splitMatches ? 'reconciled' : 'does_not_reconcile', flows.salesMinor, flows.currency),
      line('credit_flows_recorded', 'premium_to_site_funds', flows.bookedMatches ? 'reconciled' : 'does_not_reconcile', flows.premiumMinor, flows.currency),
      line('credit_flows_recorded', 'registry_fee', flows.splitMatches ? 'reconciled' : 'does_not_reconcile', flows.feeMinor, flows.currency),
      line('credit_flows_recorded', 'premium_booked_by_funds', flows.bookedMatches ? 'reconciled' : 'does_not_reconcile', flows.premiumBookedMinor, flows.currency),
    ]),
    ...statement.budgetAgainstActual.flatMap((grant) =>
      grant.lines.flatMap((bva) => {
        const detail = `${bva.activity} ${bva.category} ${bva.year}`;
        return [line('grant_budget', grant.reference, detail, bva.budgetMinor, grant.currency), line('grant_actual', grant.reference, detail, bva.actualMinor, grant.currency)];
      }),
    ),
    ...statement.ratesUsed.map((rate) => ({ section: 'exchange_rate', item: rate.rateOn, detail: rate.source, currency: rate.currency, amountMinor: null, amount: rateText(rate.unitsPerUsdMicro) })),
  ];
  return lines;
}

/** A text cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP, CSV injection): donors' and areas' names are typed by people. */
const safeText = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

/** The statement as CSV: RFC 4180, CRLF line ends, a header row, UTF-8 with a byte-order mark so spreadsheets read accents right. */
export function statementCsv(statement: FinanceStatement): string {
  const rows = statementLines(statement).map((l) => [safeText(l.section), safeText(l.item), safeText(l.detail), l.currency, l.amountMinor ?? '', l.amount]);
  return stringify([[...statementColumns], ...rows], { bom: true, record_delimiter: 'windows' });
}

/** The statement as an XLSX workbook of one sheet, the CSV's lines with amounts as numbers. */
export async function statementXlsx(statement: FinanceStatement): Promise<Uint8Array<ArrayBuffer>> {
  const workbook = new ExcelJS.Workbook();
  workbook.created = new Date(`${statement.period.to}T00:00:00Z`);
  const sheet = workbook.addWorksheet('Statement');
  sheet.addRow([...statementColumns]);
  for (const l of statementLines(statement)) sheet.addRow([l.section, l.item, l.detail, l.currency, l.amountMinor, l.amount === '' ? null : Number(l.amount)]);
  sheet.getRow(1).font = { bold: true };
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
