import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCommandRefusal } from '../../test/expect.ts';
import { actorOf } from '../../test/factories/registry.ts';
import { createTestContext, journalEventTexts, system, type TestContext } from '../../test/harness.ts';
import { rowsOf } from '../db/connect.ts';
import { journalSize, runCommand } from '../journal/public.ts';
import { importLedger, dryRunLedgerImport } from './commands/import-ledger.ts';
import { mapLedgerAccount } from './commands/map-ledger-account.ts';
import { grantProps, recordGrant } from './grant-test-support.ts';
import { parseLedgerAmount, parseLedgerDate, readLedger } from './ledger/read-ledger.ts';
import { activityProps, recordActivity, withProgrammeAreas } from './test-support.ts';

let t: TestContext;
const person = 'Kalenga Qxledgerperson';

beforeAll(async () => {
  t = await createTestContext();
  await t.buildOrganisation({ kind: 'donor', code: 'eprm-ledger' });
  await t.buildOrganisation({ kind: 'partner', code: 'hotel-lualaba', name: 'Hotel Lualaba SARL' });
  await withProgrammeAreas(t.db, system);
  await recordActivity(t.db, system, activityProps('CREDIT-DIGITAL'));
  await recordActivity(t.db, system, activityProps('OHS-KAM', { area: 'health_safety' }));
  await recordGrant(t.db, system, grantProps('eprm-ledger', { reference: 'EPRM-L-1' }));
});
afterAll(() => t?.close());

const tableCounts = async () => {
  const [row] = rowsOf<{ e: number; a: number; p: number; i: number }>(
    await t.db.execute(sql`select (select count(*) from finance_expenditures)::int as e, (select count(*) from finance_allocations)::int as a, (select count(*) from finance_ledger_postings)::int as p, (select count(*) from finance_ledger_imports)::int as i`),
  );
  return { journal: await journalSize(t.db), ...row! };
};

/** A journal-items export as Odoo writes it in French: semicolons, decimal commas, debit and credit. */
const odooCsv = [
  'Date;Journal;Compte;Partenaire;Libellé;Référence;Débit;Crédit;Devise',
  `15/03/2024;Achats;6251 Voyages;Hotel Lualaba SARL;Nuitées mission KAM;FAC/2024/031;1 250,00;0,00;EUR`,
  `20/03/2024;Salaires;6411 Salaires;${person};Salaire mars;SAL/2024/03;2 000,00;;EUR`,
  `20/03/2024;Banque;5121 Banque;;Paiement salaire;SAL/2024/03;;2 000,00;EUR`,
  `22/03/2024;Achats;6064 Fournitures;;Casques et gants;FAC/2024/040;480,50;;EUR`,
].join('\n');

/** A general-ledger report as QuickBooks writes it: each account on a row of its own, totals to skip. */
const quickbooksCsv = [
  'General Ledger',
  'Orebook Alliance',
  '',
  ',Date,Transaction Type,Num,Name,Memo/Description,Split,Amount,Balance',
  '6251 Travel,,,,,,,,',
  ',04/02/2024,Expense,1001,Hotel Lualaba SARL,Mission Kolwezi,Bank,"1,200.00","1,200.00"',
  ',04/09/2024,Expense,1002,,Taxi airport,Bank,(35.50),"1,164.50"',
  'Total for 6251 Travel,,,,,,,"1,164.50",',
].join('\n');

describe('Reading a ledger export', () => {
  it('reads amounts as books write them, and refuses what is not an amount', () => {
    const cases: [string, number | null][] = [
      ['1,234.56', 123_456],
      ['1 234,56', 123_456],
      ['1.234,56', 123_456],
      ['(35.50)', -3_550],
      ['-35.5', -3_550],
      ['1,234', 123_400],
      ['2000', 200_000],
      ['', 0],
      ['EUR 12.00', 1_200],
      ['12.345', 1_234_500],
      ['12.3456', null],
      ['abc', null],
    ];
    for (const [text, expected] of cases) expect(parseLedgerAmount(text, 2), text).toBe(expected);
  });

  it('reads dates in the order the file uses, and refuses impossible ones', () => {
    expect(parseLedgerDate('04/02/2024', 'dmy')).toBe('2024-02-04');
    expect(parseLedgerDate('04/02/2024', 'mdy')).toBe('2024-04-02');
    expect(parseLedgerDate('2024-02-29', 'mdy')).toBe('2024-02-29');
    expect(parseLedgerDate('31.12.2024', 'mdy')).toBe('2024-12-31');
    expect(parseLedgerDate('31/02/2024', 'dmy')).toBeNull();
    expect(parseLedgerDate('yesterday', 'dmy')).toBeNull();
  });

  it('reads a flat export (Odoo, in French) with its accounts, payees and debit less credit', async () => {
    const reading = await readLedger(Buffer.from(odooCsv), { currency: 'EUR', dateOrder: 'dmy' });
    expect(reading.shape).toBe('flat');
    expect(reading.problems).toEqual([]);
    expect(reading.lines.map((l) => [l.date, l.account, l.accountName, l.amountMinor, l.payee])).toEqual([
      ['2024-03-15', '6251', 'Voyages', 125_000, 'Hotel Lualaba SARL'],
      ['2024-03-20', '6411', 'Salaires', 200_000, person],
      ['2024-03-20', '5121', 'Banque', -200_000, ''],
      ['2024-03-22', '6064', 'Fournitures', 48_050, ''],
    ]);
  });

  it('reads a report grouped by account (QuickBooks), skipping titles and totals', async () => {
    const reading = await readLedger(Buffer.from(quickbooksCsv), { currency: 'USD', dateOrder: 'mdy' });
    expect(reading.shape).toBe('grouped');
    expect(reading.lines.map((l) => [l.date, l.account, l.accountName, l.amountMinor, l.reference])).toEqual([
      ['2024-04-02', '6251', 'Travel', 120_000, '1001'],
      ['2024-04-09', '6251', 'Travel', -3_550, '1002'],
    ]);
  });

  it('reads an XLSX export with real date cells', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Journal');
    sheet.addRow(['Date', 'Account Code', 'Description', 'Reference', 'Debit', 'Credit']);
    sheet.addRow([new Date(Date.UTC(2024, 5, 30)), '6064', 'Boots', 'INV-7', 99.5, null]);
    const reading = await readLedger(Buffer.from(await workbook.xlsx.writeBuffer()), { currency: 'USD', dateOrder: 'dmy' });
    expect(reading.format).toBe('xlsx');
    expect(reading.lines.map((l) => [l.date, l.account, l.amountMinor])).toEqual([['2024-06-30', '6064', 9_950]]);
  });

  it('lists each posting it cannot read with its row and reason', async () => {
    const csv = ['Date,Account,Description,Amount,Currency', '2024-13-01,6064,Bad date,10.00,USD', '2024-03-01,6064,Bad amount,ten,USD', '2024-03-01,,No account,10.00,USD', '2024-03-01,6064,Odd money,10.00,XQQ', '2024-03-02,6064,Fine,10.00,USD'].join('\n');
    const reading = await readLedger(Buffer.from(csv), { currency: 'USD', dateOrder: 'dmy' });
    expect(reading.problems.map((p) => [p.row, p.code])).toEqual([
      [2, 'date_unreadable'],
      [3, 'amount_unreadable'],
      [4, 'account_missing'],
      [5, 'currency_unknown'],
    ]);
    expect(reading.lines).toHaveLength(1);
  });

  it('refuses a file with no header naming a date and an amount, or that is no spreadsheet', async () => {
    await expect(readLedger(Buffer.from('a,b,c\n1,2,3\n'), { currency: 'USD', dateOrder: 'dmy' })).rejects.toMatchObject({ code: 'ledger_header_missing', status: 422 });
    await expect(readLedger(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), { currency: 'USD', dateOrder: 'dmy' })).rejects.toMatchObject({ code: 'ledger_unreadable', status: 422 });
  });
});

describe('Importing a ledger export', () => {
  const importOdoo = (content = odooCsv) => runCommand(t.db, system, (ctx) => importLedger(ctx, { filename: 'odoo.csv', content: Buffer.from(content), currency: 'EUR', dateOrder: 'dmy' }));

  it('dry-runs first: lists the unmapped accounts with their totals, and writes nothing', async () => {
    const before = await tableCounts();
    const plan = await dryRunLedgerImport(t.db, system, { content: Buffer.from(odooCsv), currency: 'EUR', dateOrder: 'dmy' });
    expect(plan.unmappedAccounts.map((a) => [a.account, a.name, a.postings, a.totals.EUR])).toEqual([
      ['5121', 'Banque', 1, -200_000],
      ['6064', 'Fournitures', 1, 48_050],
      ['6251', 'Voyages', 1, 125_000],
      ['6411', 'Salaires', 1, 200_000],
    ]);
    expect(plan.toImport).toEqual([]);
    expect(await tableCounts()).toEqual(before);
  });

  it('refuses the import while an account is unmapped, with nothing written', async () => {
    await expectCommandRefusal(() => importOdoo(), 'ledger_has_problems', 422, { unchanged: tableCounts });
  });

  it('imports once the accounts are mapped: spending on the mapped activity, charged to the grant or unrestricted; the bank account left out', async () => {
    await runCommand(t.db, system, (ctx) => mapLedgerAccount(ctx, { account: '6251', name: 'Voyages', mapping: { treatment: 'spending', activity: 'CREDIT-DIGITAL', category: 'travel', grant: 'EPRM-L-1' } }));
    await runCommand(t.db, system, (ctx) => mapLedgerAccount(ctx, { account: '6411', mapping: { treatment: 'spending', activity: 'OHS-KAM', category: 'staff' } }));
    await runCommand(t.db, system, (ctx) => mapLedgerAccount(ctx, { account: '6064', mapping: { treatment: 'spending', activity: 'OHS-KAM', category: 'equipment_supplies' } }));
    await runCommand(t.db, system, (ctx) => mapLedgerAccount(ctx, { account: '5121', mapping: { treatment: 'not_spending' } }));
    const before = await tableCounts();
    const { plan } = await importOdoo();
    expect(plan.toImport).toHaveLength(3);
    expect(plan.notSpending).toHaveLength(1);
    const after = await tableCounts();
    expect(after).toEqual({ journal: before.journal + 1, e: before.e + 3, a: before.a + 3, p: before.p + 4, i: before.i + 1 });
    const rows = rowsOf(await t.db.execute(sql`select e.amount_minor::int as amount, e.cost_category as category, e.payee_individual_name as person, a.grant_id is not null as charged_to_grant from finance_expenditures e join finance_allocations a on a.expenditure_id = e.id order by e.id`));
    expect(rows).toEqual([
      { amount: 125_000, category: 'travel', person: null, charged_to_grant: true },
      { amount: 200_000, category: 'staff', person, charged_to_grant: false },
      { amount: 48_050, category: 'equipment_supplies', person: 'not named in the ledger', charged_to_grant: false },
    ]);
  });

  it('never names the person it paid in the journal', async () => {
    const text = (await journalEventTexts(t.app)).join('\n');
    expect(text).toContain('finance.ledger_imported');
    expect(text).not.toContain('Qxledgerperson');
  });

  it('imports the same export again as nothing new, and an overlapping one only for its new postings', async () => {
    const before = await tableCounts();
    const again = await importOdoo();
    expect(again.plan.toImport).toHaveLength(0);
    expect(again.plan.alreadyImported).toHaveLength(4);
    const overlapping = `${odooCsv}\n28/03/2024;Achats;6064 Fournitures;;Bottes;FAC/2024/044;120,00;;EUR`;
    const next = await importOdoo(overlapping);
    expect(next.plan.toImport.map((l) => l.amountMinor)).toEqual([12_000]);
    const after = await tableCounts();
    expect(after.e).toBe(before.e + 1);
  });

  it('refuses spending outside its grant’s period, a credit to a spending account, and a future date, with each row named', async () => {
    const future = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10).split('-').reverse().join('/');
    const csv = [
      'Date;Compte;Libellé;Débit;Crédit',
      '15/03/2023;6251;Before the grant;100,00;',
      '16/03/2024;6064;Refund;;50,00',
      `${future};6064;Not yet;10,00;`,
    ].join('\n');
    const error = await expectCommandRefusal(() => importOdoo(csv), 'ledger_has_problems', 422, { unchanged: tableCounts });
    const problems = (error.details as { problems: { row: number; code: string }[] }).problems;
    expect(problems.map((p) => [p.row, p.code])).toEqual([
      [2, 'outside_grant_period'],
      [3, 'credit_posting'],
      [4, 'future_date'],
    ]);
  });

  it('refuses a mapping to an unknown activity or grant, or without a treatment, and lets only the secretariat map or import', async () => {
    const refusals = [
      [{ treatment: 'spending', activity: 'NOPE', category: 'travel' }, 'activity_not_found'],
      [{ treatment: 'spending', activity: 'OHS-KAM', category: 'travel', grant: 'NO-GRANT' }, 'ledger_grant_not_found'],
      [{ treatment: 'maybe' }, 'ledger_treatment_invalid'],
    ] as const;
    for (const [mapping, code] of refusals) {
      await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => mapLedgerAccount(ctx, { account: '7000', mapping: mapping as never })), code, 422, { unchanged: tableCounts });
    }
    const field = actorOf({ id: 1, code: 'secretariat', kind: 'secretariat' }, 'field');
    await expectCommandRefusal(() => runCommand(t.db, field, (ctx) => importLedger(ctx, { filename: 'x.csv', content: Buffer.from(odooCsv), currency: 'EUR', dateOrder: 'dmy' })), 'forbidden', 403, { unchanged: tableCounts });
    await expect(dryRunLedgerImport(t.db, field, { content: Buffer.from(odooCsv), currency: 'EUR', dateOrder: 'dmy' })).rejects.toMatchObject({ code: 'forbidden', status: 403 });
  });
});

describe('The ledger import over the API', () => {
  const upload = async (path: string, csv: string, token: string, headers: Record<string, string> = {}) => {
    const form = new FormData();
    form.set('file', new File([csv], 'ledger.csv', { type: 'text/csv' }));
    form.set('currency', 'EUR');
    form.set('dateOrder', 'dmy');
    return t.app.request(path, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}`, ...headers } });
  };

  it('dry-runs in the reader’s language, lists the unmapped account, and then imports what the mapping allows', async () => {
    const { token } = await t.buildToken({ role: 'admin' });
    const csv = ['Date;Compte;Libellé;Débit;Crédit', '05/04/2024;6300 Formation;Formation sécurité;300,00;', '05/04/2024;6064;Gants;40,00;', '06/04/2024;6064;Casques;abc;'].join('\n');
    const dry = await upload('/api/v1/finance/ledger/import?dry_run=true', csv, token, { 'accept-language': 'fr' });
    expect(dry.status).toBe(200);
    const plan = (await dry.json()) as { toImport: number; unmappedAccounts: { account: string; totals: Record<string, number> }[]; problems: { row: number; code: string; message: string }[] };
    expect(plan.unmappedAccounts).toEqual([{ account: '6300', name: 'Formation', postings: 1, totals: { EUR: 30_000 } }]);
    expect(plan.problems.map((p) => [p.row, p.code])).toEqual([
      [2, 'account_unmapped'],
      [4, 'amount_unreadable'],
    ]);
    expect(plan.problems[0]!.message).toBe('le compte 6300 n’est pas encore associé');
    expect(plan.toImport).toBe(1);

    const refused = await upload('/api/v1/finance/ledger/import', csv, token);
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('ledger_has_problems');

    const mapped = await t.app.request('/api/v1/finance/ledger/accounts/6300', { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Formation', treatment: 'spending', activity: 'OHS-KAM', category: 'services_consultants' }) });
    expect(mapped.status).toBe(200);
    const imported = await upload('/api/v1/finance/ledger/import', csv.split('\n').slice(0, 3).join('\n'), token);
    expect(imported.status).toBe(201);
    expect(((await imported.json()) as { toImport: number }).toImport).toBe(2);
    const accounts = (await (await t.app.request('/api/v1/finance/ledger/accounts', { headers: { authorization: `Bearer ${token}` } })).json()) as { account: string; activity: string | null }[];
    expect(accounts.find((a) => a.account === '6300')).toMatchObject({ activity: 'OHS-KAM' });
  });
});

describe('The ledger page', () => {
  it('lets the secretariat check an export, map the account it found unmapped, and import it; refuses anyone else', async () => {
    const admin = await t.buildUser({ role: 'admin' });
    const session = await t.signIn(admin.email, admin.password);
    expect((await session.request('/finance/ledger')).status).toBe(200);
    const csv = ['Date,Account,Description,Debit,Credit', '2024-05-02,6810 Audit,Annual audit,900.00,'].join('\n');
    const upload = (action: string) => {
      const form = new FormData();
      form.set('file', new File([csv], 'ledger.csv', { type: 'text/csv' }));
      form.set('currency', 'EUR');
      form.set('dateOrder', 'dmy');
      form.set('action', action);
      return session.request('/finance/ledger', { method: 'POST', body: form });
    };
    const checked = await upload('dry_run');
    const page = await checked.text();
    expect(checked.status).toBe(200);
    expect(page).toContain('Accounts not mapped yet');
    expect(page).toMatch(/value="6810"/);
    const refused = await upload('import');
    expect(refused.status).toBe(422);
    const mapped = await session.request('/finance/ledger/accounts', { method: 'POST', body: new URLSearchParams({ account: '6810', name: 'Audit', treatment: 'spending', activity: 'OHS-KAM', category: 'services_consultants', grant: '' }) });
    expect([mapped.status, mapped.headers.get('location')]).toEqual([303, '/finance/ledger?mapped=6810']);
    const imported = await upload('import');
    expect([imported.status, imported.headers.get('location')]).toEqual([303, '/finance/ledger?imported=1']);

    const field = await t.buildUser({ role: 'field' });
    const fieldSession = await t.signIn(field.email, field.password);
    expect((await fieldSession.request('/finance/ledger')).status).toBe(403);
  });
});
