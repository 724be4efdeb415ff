import ExcelJS from 'exceljs';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { journalSize, runCommand } from '../journal/public.ts';
import { createSite } from './commands/sites/create-site.ts';
import { importLimits } from './worker-import-files.ts';
import { childReferrals, workers } from './schema.ts';

let t: TestContext;
let admin: string;
let site: { id: number };
let sizeBefore: number;

beforeAll(async () => {
  t = await createTestContext();
  admin = (await t.buildToken({ role: 'admin' })).token;
  await t.buildOrganisation({ kind: 'cooperative', code: 'cmds' });
  site = await runCommand(t.db, system, (ctx) =>
    createSite(ctx, { code: 'KAM', name: 'Kamilombe', province: 'Lualaba', town: 'Kolwezi', latitudeE6: -10_716_700, longitudeE6: 25_472_200, concessionHolder: 'EGC', cooperative: 'cmds' }),
  );
});
afterAll(() => t.close());
beforeEach(async () => {
  sizeBefore = await journalSize(t.db);
});

type Issue = { row: number; column: string; code: string; reason: string };
type Answer = { dryRun: boolean; report: { rowsTotal: number; toRegister: number; alreadyRegistered: number; toRefer: number; alreadyReferred: number; issues: Issue[]; fileSha256: string }; registered: string[]; referred: string[] };

function upload(content: string | Buffer, filename: string, dryRun: boolean, headers: Record<string, string> = {}) {
  const body = new FormData();
  body.append('file', new File([typeof content === 'string' ? content : new Uint8Array(content)], filename));
  return t.app.request(`/api/v1/sites/KAM/workers/import?dry_run=${dryRun}`, { method: 'POST', body, headers: { authorization: `Bearer ${admin}`, ...headers } });
}

const counts = async () => ({
  workers: Number((await t.db.select({ n: count() }).from(workers))[0]!.n),
  referrals: Number((await t.db.select({ n: count() }).from(childReferrals))[0]!.n),
  journal: await journalSize(t.db),
});

const header = 'full_name,sex,birth_year,operator_group,id_number,registered_on';
const badCsv = [
  header,
  'Amani Kabongo,F,1990,washers,CD-1001,2024-01-10', // 2: fine
  'Bienvenu Kalala,X,1988,diggers,,2024-01-10', // 3: sex
  'Chantal Mbuyi,F,19x0,astronauts,,2024-01-10', // 4: birth year and group
  'Didier Mukendi,M,1979,sellers,,2024-02-30', // 5: date
  '  amani  KABONGO ,female,1990,Washers,,2024-01-10', // 6: the same person as row 2
  'Espoir Ngoy,M,2009,Creuseurs,,2024-01-10', // 7: 15 years old: a referral, not an error
  'Félicité Kasongo,femme,1992,Laveuses et laveurs,,2024-01-10', // 8: French words: fine
  'Gaston Ilunga,M,2030,transporters,,2024-01-10', // 9: born after registering
  ',M,1980,diggers,,2024-01-10', // 10: no name
  '', // 11: blank, skipped
  'Honorine Tshiala,F,1987,depot_workers,,2024-01-10,extra', // 12: a value too many
].join('\n');

describe('Worker import', () => {
  describe('dry run', () => {
    it('reports every bad row of a CSV by row, column and reason, and writes nothing', async () => {
      const before = await counts();
      const response = await upload(badCsv, 'register.csv', true);
      expect(response.status).toBe(200);
      const { dryRun, report } = (await response.json()) as Answer;
      expect(dryRun).toBe(true);
      expect(report).toMatchObject({ rowsTotal: 10, toRegister: 2, toRefer: 1, alreadyRegistered: 0, alreadyReferred: 0 });
      expect(report.issues.map(({ row, column, code }) => ({ row, column, code }))).toEqual([
        { row: 3, column: 'sex', code: 'sex_invalid' },
        { row: 4, column: 'birth_year', code: 'birth_year_invalid' },
        { row: 4, column: 'operator_group', code: 'operator_group_unknown' },
        { row: 5, column: 'registered_on', code: 'registered_on_invalid' },
        { row: 6, column: 'full_name', code: 'duplicate_in_file' },
        { row: 9, column: 'birth_year', code: 'birth_year_after_registration' },
        { row: 10, column: 'full_name', code: 'name_missing' },
        { row: 12, column: '—', code: 'too_many_values' },
      ]);
      expect(report.issues[4]!.reason).toBe('The same person (name, birth year and sex) is already on row 2 of this file.');
      expect(report.issues[2]!.reason).toBe('There is no operator group “astronauts” at this site.');
      expect(await counts()).toEqual(before);
    });

    it('gives the reasons in French', async () => {
      const { report } = (await (await upload(badCsv, 'register.csv', true, { 'accept-language': 'fr' })).json()) as Answer;
      expect(report.issues[0]!.reason).toBe('Le sexe doit être F ou M (femme ou homme ; female ou male en anglais), pas « X ».');
    });

    it('reads an XLSX made in a spreadsheet: numbers, date cells, and the same checks', async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Travailleurs');
      sheet.addRow(['Full name', 'Sex', 'Birth year', 'Operator group', 'ID number', 'Registered on']);
      sheet.addRow(['Jeanne Mwamba', 'F', 1991, 'Washers', 'CD-2001', new Date(Date.UTC(2024, 0, 15))]);
      sheet.addRow(['Kevin Banza', 'M', 1989, 'plumbers', null, '2024-01-15']);
      sheet.addRow(['Luc Mutombo', 'H', -1990, 'diggers', null, '2024-01-15']);
      sheet.addRow(['Marie Kanku', 'F', 2010, 'sellers', null, new Date(Date.UTC(2024, 0, 15))]);
      sheet.addRow(['Nadine Kayembe', 'F', 1993, 'Vendeurs', null, '15/01/2024']);
      const content = Buffer.from(await workbook.xlsx.writeBuffer());
      const before = await counts();
      const response = await upload(content, 'register.xlsx', true);
      expect(response.status).toBe(200);
      const { report } = (await response.json()) as Answer;
      expect(report).toMatchObject({ rowsTotal: 5, toRegister: 1, toRefer: 1, format: 'xlsx' });
      expect(report.issues.map(({ row, column, code }) => ({ row, column, code }))).toEqual([
        { row: 3, column: 'operator_group', code: 'operator_group_unknown' },
        { row: 4, column: 'birth_year', code: 'birth_year_invalid' },
        { row: 6, column: 'registered_on', code: 'registered_on_invalid' },
      ]);
      expect(await counts()).toEqual(before);
    });

    it('reports a first row that misses, repeats or misnames columns', async () => {
      const { report } = (await (await upload('full_name,sex,birthyear,sex,registered_on\nA B,F,1990,F,2024-01-01\n', 'x.csv', true)).json()) as Answer;
      expect(report.issues.map(({ row, column, code }) => ({ row, column, code }))).toEqual([
        { row: 1, column: 'birthyear', code: 'column_unknown' },
        { row: 1, column: 'sex', code: 'column_repeated' },
        { row: 1, column: 'birth_year', code: 'column_missing' },
        { row: 1, column: 'operator_group', code: 'column_missing' },
      ]);
    });
  });

  describe('real import', () => {
    it('writes nothing at all when one row is wrong, and says which rows', async () => {
      const before = await counts();
      const response = await upload(badCsv, 'register.csv', false);
      expect(response.status).toBe(422);
      const body = (await response.json()) as { error: { code: string; message: string; details: { report: Answer['report'] } } };
      expect(body.error.code).toBe('import_has_errors');
      expect(body.error.message).toContain('8 problems');
      expect(body.error.details.report.issues).toHaveLength(8);
      expect(await counts()).toEqual(before);
    });

    // Excel on Windows saves a French CSV with semicolons, in Windows-1252.
    const goodCsv = Buffer.from(
      [
        'full_name;sex;birth_year;operator_group;id_number;registered_on',
        'Odette Mwanza;F;1990;Laveuses et laveurs;CD-3001;2024-01-10',
        'Pascal Kitenge;M;1985;diggers;;2024-01-10',
        'Rose Ngalula;F;2008;washers;;2024-01-10',
        'Sébastien Kabila;homme;1979;Capitaines de sécurité;CD-3004;2024-01-11',
      ].join('\r\n'),
      'latin1',
    );

    it('registers the adults and refers the minors in one command with one event of codes and commitments', async () => {
      const before = await counts();
      const response = await upload(goodCsv, 'kam.csv', false);
      expect(response.status).toBe(201);
      const answer = (await response.json()) as Answer;
      expect(answer.registered).toHaveLength(3);
      expect(answer.referred).toEqual([expect.stringMatching(/^c-/)]);
      expect(await counts()).toEqual({ workers: before.workers + 3, referrals: before.referrals + 1, journal: before.journal + 1 });
      const [sebastien] = await t.db.select().from(workers).where(eq(workers.fullName, 'Sébastien Kabila'));
      expect(sebastien).toMatchObject({ sex: 'male', idNumber: 'CD-3004', registeredOn: '2024-01-11' });
      const [referral] = await t.db.select().from(childReferrals).where(eq(childReferrals.code, answer.referred[0]!));
      expect(referral).toMatchObject({ ageYears: 16, sex: 'female', source: 'worker_import', siteId: site.id });
      const entries = (await (await t.app.request(`/api/v1/journal/entries?start=${before.journal}&limit=1`)).json()) as { entries: { bytes: string }[] };
      const text = Buffer.from(entries.entries[0]!.bytes, 'base64').toString('utf8');
      const event = JSON.parse(text) as { type: string; payload: Record<string, unknown> };
      expect(event.type).toBe('sites.workers_imported');
      expect(event.payload).toEqual({
        site: 'KAM',
        fileSha256: answer.report.fileSha256,
        registered: answer.registered.map((code) => ({ code, personalData: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) })),
        referred: answer.referred,
        skipped: 0,
      });
      for (const secret of ['Odette', 'Mwanza', 'Kitenge', 'Ngalula', 'Kabila', 'CD-3001', 'CD-3004']) expect(text).not.toContain(secret);
    });

    it('changes nothing, and runs no command, when the same file comes again', async () => {
      const before = await counts();
      const response = await upload(goodCsv, 'kam-again.csv', false);
      expect(response.status).toBe(200);
      const answer = (await response.json()) as Answer;
      expect(answer).toMatchObject({ registered: [], referred: [], report: { toRegister: 0, toRefer: 0, alreadyRegistered: 3, alreadyReferred: 1 } });
      expect(await counts()).toEqual(before);
    });

    it('registers only the new people of a longer list', async () => {
      const longer = Buffer.concat([goodCsv, Buffer.from('\r\nThérèse Kalenga;F;1994;sellers;;2024-02-01\r\n', 'latin1')]);
      const before = await counts();
      const answer = (await (await upload(longer, 'kam-2.csv', false)).json()) as Answer;
      expect(answer.registered).toHaveLength(1);
      expect(answer.referred).toEqual([]);
      expect(await counts()).toEqual({ workers: before.workers + 1, referrals: before.referrals, journal: before.journal + 1 });
      const [therese] = await t.db.select().from(workers).where(eq(workers.fullName, 'Thérèse Kalenga'));
      expect(therese).toBeDefined();
    });
  });

  describe('files that cannot be a register', () => {
    const refused = async (response: Response, status: number, code: string) => {
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(response.status, JSON.stringify(body).slice(0, 500)).toBe(status);
      expect(body.error.code).toBe(code);
      expect(await journalSize(t.db)).toBe(sizeBefore);
      return body;
    };

    it('refuses an empty file, a file without rows, a binary file and a broken XLSX', async () => {
      await refused(await upload('', 'empty.csv', true), 422, 'import_empty');
      await refused(await upload(`${header}\n\n`, 'header-only.csv', true), 422, 'import_empty');
      await refused(await upload(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 1]), 'old.xls', true), 415, 'import_format_unsupported');
      await refused(await upload(Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(64, 7)]), 'broken.xlsx', false), 422, 'import_unreadable');
    });

    it('refuses a request without a file', async () => {
      const response = await t.app.request('/api/v1/sites/KAM/workers/import', { method: 'POST', body: new FormData(), headers: { authorization: `Bearer ${admin}` } });
      await refused(response, 400, 'validation_failed');
    });

    it('refuses a file over 5 MB or over 20,000 rows with a clear error', async () => {
      const body = await refused(await upload(Buffer.alloc(importLimits.maxBytes + 1, 'a'), 'big.csv', true), 413, 'import_file_too_large');
      expect(body.error.message).toBe('The file is larger than 5 MB. Split it into smaller files.');
      const rows = Array.from({ length: importLimits.maxRows + 1 }, (_, i) => `P${i},M,1980,diggers,,2024-01-01`);
      const long = await refused(await upload([header, ...rows].join('\n'), 'long.csv', false), 422, 'import_too_many_rows');
      expect(long.error.message).toBe('The file has more than 20000 rows. Split it into smaller files.');
    });
  });
});

describe('Worker import pages', () => {
  let session: Awaited<ReturnType<TestContext['signIn']>>;
  beforeAll(async () => {
    const user = await t.buildUser({ role: 'field' });
    session = await t.signIn(user.email, user.password);
  });

  const send = (content: string, filename = 'list.csv') => {
    const body = new FormData();
    body.append('file', new File([content], filename));
    return session.request('/sites/KAM/workers/import', { method: 'POST', body });
  };

  it('checks an upload and shows the bad rows with row, column and reason, and no confirm button', async () => {
    expect((await session.request('/sites/KAM/workers/import')).status).toBe(200);
    const response = await send(badCsv);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<caption>Problems in the file, by row</caption>');
    expect(html).toContain('There is no operator group “astronauts” at this site.');
    expect(html).toContain('Nothing can be imported until every row is right.');
    expect(html).not.toContain('name="content"');
  });

  it('imports a checked file on confirmation, and says nothing is new the second time', async () => {
    const list = [header, 'Ursule Mbaya,F,1996,washers,,2024-03-01', 'Victor Lukusa,M,2010,diggers,,2024-03-01'].join('\n');
    const checked = await (await send(list)).text();
    expect(checked).toContain('Import 1 worker and 1 referral');
    const content = /name="content" value="([^"]+)"/.exec(checked)![1]!;
    const before = await counts();
    const confirmation = new FormData();
    confirmation.append('filename', 'list.csv');
    confirmation.append('content', content);
    const done = await session.request('/sites/KAM/workers/import', { method: 'POST', body: confirmation });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('1 workers registered and 1 people referred for child protection');
    expect(await counts()).toEqual({ workers: before.workers + 1, referrals: before.referrals + 1, journal: before.journal + 1 });
    const again = await (await send(list)).text();
    expect(again).toContain('Everything in this file is already in the register');
    expect(again).not.toContain('name="content"');
  });

  it('asks for a file when none is chosen, and explains a file it cannot read', async () => {
    const none = await session.request('/sites/KAM/workers/import', { method: 'POST', body: new FormData() });
    expect(none.status).toBe(400);
    expect(await none.text()).toContain('Choose a CSV or XLSX file to import.');
    const binary = await send('\u0000\u0001binary', 'photo.jpg');
    expect(binary.status).toBe(415);
    expect(await binary.text()).toContain('Orebook reads CSV');
  });
});
