import fs from 'node:fs';
import { count, sql, type SQL } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { userRoles, type Actor, type OrganisationKind } from '../core/auth/roles.ts';
import { rowsOf } from '../db/connect.ts';
import { journalSize, runCommand } from '../journal/public.ts';
import { createSite } from '../sites/public.ts';
import { importSubmissions, type ImportReport } from './commands/import-submissions.ts';
import { fieldForm, fieldForms } from './forms/registry.ts';
import { importsInvariants } from './invariants.ts';
import { importedSubmissions } from './schema.ts';
import { choicesColumns, settingsColumns, surveyColumns } from './xlsform.ts';

let t: TestContext;
let officer: Actor;
let admin: Actor;
let verifier: Actor;

const fixture = (name: string) => fs.readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url));
/** The field modules' tables, read with plain SQL: their schemas are theirs alone (only their public faces may be imported). */
const select = async <T>(query: SQL) => rowsOf<T>(await t.db.execute(query));
const incidentCount = async () => (await select<{ n: number }>(sql`select count(*)::int as n from safety_incidents`))[0]!.n;
const submissionCount = async () => (await t.db.select({ n: count() }).from(importedSubmissions))[0]!.n;

async function actorOf(role: 'field' | 'admin' | 'verifier', organisation: { id: number; code: string; kind: OrganisationKind }): Promise<Actor> {
  const user = await t.buildUser({ role, organisationId: organisation.id });
  return { kind: 'user', userId: user.id, orgId: organisation.id, orgCode: organisation.code, orgKind: organisation.kind, role, displayName: `Test ${role}` };
}

function runImport(form: string, content: Buffer, actor: Actor, options: { dryRun?: boolean; validRowsOnly?: boolean } = {}): Promise<ImportReport> {
  return importSubmissions(t.db, actor, {
    form: fieldForm(form),
    content,
    dryRun: options.dryRun ?? false,
    validRowsOnly: options.validRowsOnly ?? false,
    env: { childNameKey: t.deps.childNameKey },
  });
}

/** The incident export with a fourth and fifth submission: one at a site that does not exist, one made with an older form. */
function incidentsWithBadRows(): Buffer {
  const lines = fixture('kobo-safety_incident.csv').toString('utf8').trimEnd().split('\n');
  const unknownSite = lines[1]!.replace('"KAM"', '"XYZ"').replaceAll('5f3c0b1e-8a4d-4f2e-9c61-0d2b7a1e9f01', '5f3c0b1e-8a4d-4f2e-9c61-0d2b7a1e9f04');
  const oldVersion = lines[2]!.replace('"2025.1"', '"2024.3"').replaceAll('0b9e7c55-31f0-4a77-8d2c-6e3f5a9b1c02', '0b9e7c55-31f0-4a77-8d2c-6e3f5a9b1c05');
  return Buffer.from([...lines, unknownSite, oldVersion].join('\n'));
}

beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative', code: 'coop-imports' });
  await runCommand(t.db, system, (c) =>
    createSite(c, { code: 'KAM', name: 'Kamilombe', province: 'Lualaba', town: 'Kolwezi', latitudeE6: -10_735_400, longitudeE6: 25_440_900, concessionHolder: 'EGC', cooperative: cooperative.code }),
  );
  const secretariat = await t.buildOrganisation({ kind: 'secretariat', code: 'fca-imports' });
  officer = await actorOf('field', secretariat);
  admin = await actorOf('admin', secretariat);
  verifier = await actorOf('verifier', await t.buildOrganisation({ kind: 'verifier', code: 'verif-imports' }));
});
afterAll(async () => {
  await t?.close();
});

describe('XLSForms', () => {
  for (const form of fieldForms) {
    it(`${form.id} opens with exceljs, with the survey, choices and settings sheets and every select list`, async () => {
      const response = await t.app.request(`/api/v1/forms/${form.id}.xlsx`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('spreadsheetml');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(await response.arrayBuffer());
      const sheet = (name: string) => {
        const found = workbook.getWorksheet(name);
        expect(found, name).toBeDefined();
        return found!;
      };
      const values = (ws: ExcelJS.Worksheet, row: number) => (ws.getRow(row).values as unknown[]).slice(1).map((v) => String(v ?? ''));
      const survey = sheet('survey');
      const choices = sheet('choices');
      const settings = sheet('settings');
      expect(values(survey, 1)).toEqual([...surveyColumns]);
      expect(values(survey, 1)).toEqual(expect.arrayContaining(['type', 'name', 'label::English (en)', 'label::Français (fr)', 'required']));
      expect(values(choices, 1)).toEqual([...choicesColumns]);
      expect(values(settings, 1)).toEqual([...settingsColumns]);
      expect(values(settings, 2)).toEqual([form.title.en, form.id, form.version, 'English (en)']);

      const listNames = new Set<string>();
      choices.eachRow((row, n) => {
        if (n > 1) listNames.add(String(row.getCell(1).value));
      });
      const types: string[] = [];
      const names: string[] = [];
      survey.eachRow((row, n) => {
        if (n === 1) return;
        types.push(String(row.getCell(1).value));
        names.push(String(row.getCell(2).value));
        const type = String(row.getCell(1).value);
        if (/^(begin|end)_/.test(type) || type === 'calculate') return;
        expect(String(row.getCell(3).value ?? ''), `English label of ${row.getCell(2).value}`).not.toBe('');
        expect(String(row.getCell(4).value ?? ''), `French label of ${row.getCell(2).value}`).not.toBe('');
      });
      const selects = types.filter((type) => /^select_(one|multiple) /.test(type));
      expect(selects.length).toBeGreaterThan(0);
      for (const type of selects) expect(listNames, type).toContain(type.split(' ')[1]);
      for (const field of form.fields) expect(names).toContain(field.name);
      expect(names).toContain('form_version');
      expect(types.filter((type) => type.startsWith('begin_')).length).toBe(types.filter((type) => type.startsWith('end_')).length);
    });
  }

  it('takes the minerals choices from the minerals the production command accepts', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await (await t.app.request('/api/v1/forms/production_declaration.xlsx')).arrayBuffer());
    const minerals: string[] = [];
    workbook.getWorksheet('choices')!.eachRow((row) => {
      if (row.getCell(1).value === 'mineral') minerals.push(String(row.getCell(2).value));
    });
    expect(minerals).toEqual(expect.arrayContaining(['cobalt', 'copper']));
  });

  it('lists the forms publicly and answers 404 for an unknown one', async () => {
    const list = (await (await t.app.request('/api/v1/forms')).json()) as { forms: { id: string; xlsform: string }[] };
    expect(list.forms.map((f) => f.id)).toEqual(fieldForms.map((f) => f.id));
    const missing = await t.app.request('/api/v1/forms/no_such_form.xlsx');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('form_not_found');
  });
});

describe('Importing a KoboToolbox export', () => {
  it('refuses, in a dry run, every bad row with its module’s reason in English and French, and writes nothing', async () => {
    const journalBefore = await journalSize(t.db);
    const report = await runImport('safety_incident', incidentsWithBadRows(), officer, { dryRun: true });
    expect(report).toMatchObject({ rows: 5, dryRun: true, committed: false, format: 'csv' });
    expect(report.accepted.map((r) => r.row)).toEqual([2, 3, 4]);
    expect(report.problems).toEqual([
      {
        row: 5,
        submission: '5f3c0b1e-8a4d-4f2e-9c61-0d2b7a1e9f04',
        field: 'site',
        code: 'site_not_found',
        message: { en: 'There is no site “XYZ”.', fr: expect.stringContaining('XYZ') },
      },
      {
        row: 6,
        submission: '0b9e7c55-31f0-4a77-8d2c-6e3f5a9b1c05',
        field: null,
        code: 'version_mismatch',
        message: { en: expect.stringContaining('version “2024.3” of the form; this import takes version 2025.1'), fr: expect.stringContaining('version « 2024.3 »') },
      },
    ]);
    expect(await incidentCount()).toBe(0);
    expect(await journalSize(t.db)).toBe(journalBefore);
  });

  it('imports nothing of a file with a bad row (all or nothing)', async () => {
    const journalBefore = await journalSize(t.db);
    const report = await runImport('safety_incident', incidentsWithBadRows(), officer);
    expect(report.committed).toBe(false);
    expect(report.problems).toHaveLength(2);
    expect(await incidentCount()).toBe(0);
    expect(await submissionCount()).toBe(0);
    expect(await journalSize(t.db)).toBe(journalBefore);
  });

  it('imports only the valid rows when asked, one journal event each, and lists the others', async () => {
    const journalBefore = await journalSize(t.db);
    const report = await runImport('safety_incident', incidentsWithBadRows(), officer, { validRowsOnly: true });
    expect(report.committed).toBe(true);
    expect(report.accepted).toHaveLength(3);
    expect(report.accepted[0]!.record).toMatch(/^safety_incident:\d+$/);
    expect(report.problems.map((p) => p.code)).toEqual(['site_not_found', 'version_mismatch']);
    expect(await incidentCount()).toBe(3);
    expect(await journalSize(t.db)).toBe(journalBefore + 3);
    const [flooding] = await select(sql`select occurred_on::text as "occurredOn", occurred_time as "occurredTime", severity from safety_incidents where kind = 'flooding'`);
    expect(flooding).toMatchObject({ occurredOn: '2025-03-03', occurredTime: '09:30', severity: 'serious_lost_time' });
  });

  it('adds nothing when the same file is imported again', async () => {
    const journalBefore = await journalSize(t.db);
    const report = await runImport('safety_incident', fixture('kobo-safety_incident.csv'), officer);
    expect(report).toMatchObject({ committed: true, accepted: [] });
    expect(report.alreadyImported.map((r) => r.submission)).toEqual([
      '5f3c0b1e-8a4d-4f2e-9c61-0d2b7a1e9f01',
      '0b9e7c55-31f0-4a77-8d2c-6e3f5a9b1c02',
      'c4d1a2f3-6b7e-4c8d-9e0f-1a2b3c4d5e03',
    ]);
    expect(await incidentCount()).toBe(3);
    expect(await journalSize(t.db)).toBe(journalBefore);
  });

  it('refuses a submission listed twice in one file', async () => {
    const lines = fixture('kobo-safety_intervention.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(lines as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    sheet.addRow((sheet.getRow(2).values as unknown[]).slice(1));
    const report = await runImport('safety_intervention', Buffer.from(await workbook.xlsx.writeBuffer()), officer, { dryRun: true });
    expect(report.problems).toEqual([expect.objectContaining({ row: 4, code: 'submission_duplicate_in_file', message: expect.objectContaining({ en: 'The same submission already appears in row 2 of this file.' }) })]);
  });

  it('imports interventions from an XLSX export, costs in minor units', async () => {
    const report = await runImport('safety_intervention', fixture('kobo-safety_intervention.xlsx'), officer);
    expect(report).toMatchObject({ committed: true, format: 'xlsx' });
    expect(report.accepted).toHaveLength(2);
    const covers = await select(sql`select quantity, cost_minor::int as "costMinor", currency, people_reached as "peopleReached" from safety_interventions where kind = 'rain_covers'`);
    expect(covers).toEqual([{ quantity: 40, costMinor: 125_050, currency: 'USD', peopleReached: 120 }]);
  });

  it('declares production from a CSV export through the production command and its policy', async () => {
    const refused = await runImport('production_declaration', fixture('kobo-production_declaration.csv'), officer);
    expect(refused.committed).toBe(false);
    expect(refused.problems.map((p) => p.code)).toEqual(['forbidden', 'forbidden']);
    const report = await runImport('production_declaration', fixture('kobo-production_declaration.csv'), admin);
    expect(report.committed).toBe(true);
    const declarations = await select<{ mineral: string; wetOreKg: number; dryOreKg: number; gradeBasisPoints: number; containedKg: number }>(
      sql`select mineral, wet_ore_kg::int as "wetOreKg", dry_ore_kg::int as "dryOreKg", grade_basis_points as "gradeBasisPoints", contained_kg::int as "containedKg" from production_declarations order by id`,
    );
    expect(declarations.map((d) => [d.mineral, d.wetOreKg, d.dryOreKg, d.gradeBasisPoints, d.containedKg])).toEqual([
      ['cobalt', 12_500, 11_250, 825, 928],
      ['copper', 20_000, 18_400, 210, 386],
    ]);
  });

  it('opens child cases from a JSON export and records a visit by case code', async () => {
    const cases = await runImport('child_case', fixture('kobo-child_case.json'), officer);
    expect(cases).toMatchObject({ committed: true, format: 'json' });
    expect(await select(sql`select code, sex, risk_level as "riskLevel" from child_cases order by code`)).toEqual([
      { code: 'KAM-C-0001', sex: 'female', riskLevel: 'high' },
      { code: 'KAM-C-0002', sex: 'male', riskLevel: 'medium' },
    ]);
    const visits = await runImport('child_visit', fixture('kobo-child_visit.json'), officer);
    expect(visits.committed).toBe(true);
    expect(await select(sql`select outcome, visited_on::text as "visitedOn" from child_visits`)).toEqual([{ outcome: 'in_school_or_training', visitedOn: '2025-05-06' }]);
    // Another organisation's officer cannot reach the case.
    const other = await actorOf('field', await t.buildOrganisation({ kind: 'partner', code: 'other-partner' }));
    const elsewhere = Buffer.from(fixture('kobo-child_visit.json').toString('utf8').replaceAll('7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a01', '7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a09'));
    const refused = await runImport('child_visit', elsewhere, other, { dryRun: true });
    expect(refused.problems.map((p) => [p.code, p.field])).toEqual([['case_not_found', 'case_code']]);
  });

  it('keeps every imported submission tied to its journal event', async () => {
    for (const invariant of importsInvariants) {
      const problems: string[] = [];
      await invariant.check(t.db, (message) => problems.push(message));
      expect(problems, invariant.id).toEqual([]);
    }
  });

  it('refuses a role that may not import, and a file that is not an export', async () => {
    await expect(runImport('safety_incident', fixture('kobo-safety_incident.csv'), verifier)).rejects.toMatchObject({ code: 'forbidden', status: 403 });
    await expect(runImport('safety_incident', Buffer.from('{"results": 3}'), officer)).rejects.toMatchObject({ code: 'file_unreadable', status: 422 });
    await expect(runImport('safety_incident', Buffer.from('"_uuid";"incident/site"\n'), officer)).rejects.toMatchObject({ code: 'file_empty', status: 422 });
  });
});

describe('Files that are not what the form expects', () => {
  it('refuses a binary file that is neither an XLSX workbook nor UTF-8 text once, as unreadable, without echoing its bytes', async () => {
    const bytes = Buffer.alloc(600);
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = (i * 97 + 13) % 256;
    bytes.write('QXBINARYMARKER', 100, 'latin1');
    const before = await journalSize(t.db);
    const error = (await runImport('safety_incident', bytes, officer).then(() => null, (e: unknown) => e)) as { code: string; status: number; message: string; text: { en: string; fr: string } } | null;
    expect(error).toMatchObject({ code: 'file_unreadable', status: 422 });
    expect(JSON.stringify(error)).not.toContain('QXBINARYMARKER');
    expect(error!.text.en.length).toBeLessThan(200);
    expect(await journalSize(t.db)).toBe(before);
  });

  it('says a value of the wrong type (an object) is of the wrong type, not that it is missing', async () => {
    const json = JSON.parse(fixture('kobo-child_case.json').toString('utf8')) as { results: Record<string, unknown>[] };
    json.results[0]!['child/age_at_identification'] = { years: 13 };
    // A submission of its own, so that it is not skipped as imported by an earlier test.
    json.results[0]!._uuid = 'a1b2c3d4-0000-4000-8000-00000000wt01';
    json.results[0]!['meta/instanceID'] = 'uuid:a1b2c3d4-0000-4000-8000-00000000wt01';
    const report = await runImport('child_case', Buffer.from(JSON.stringify(json)), officer, { dryRun: true });
    expect(report.problems.map((p) => [p.row, p.field, p.code])).toEqual([[1, 'age_at_identification', 'value_wrong_type']]);
    expect(report.problems[0]!.message.fr).toContain('age_at_identification');
  });

  it('reports once which columns a CSV lacks or does not know, instead of a problem on every row', async () => {
    const lines = fixture('kobo-safety_incident.csv').toString('utf8').split('\n');
    lines[0] = lines[0]!.replace('"incident/site"', '"incident/sitename"').replace('"_uuid"', '"uuid_of_row"').replace('"meta/instanceID"', '"meta/instance"');
    const before = await journalSize(t.db);
    const error = (await runImport('safety_incident', Buffer.from(lines.join('\n')), officer, { dryRun: true }).then(() => null, (e: unknown) => e)) as { code: string; status: number; details: unknown; text: { en: string } } | null;
    expect(error).toMatchObject({ code: 'columns_invalid', status: 422, details: { missing: ['site', '_uuid'], unknown: ['incident/sitename', 'meta/instance', 'uuid_of_row'] } });
    expect(error!.text.en).toContain('incident/sitename');
    expect(await journalSize(t.db)).toBe(before);
  });
});

describe('POST /api/v1/imports/{form}', () => {
  const upload = (content: Buffer, name: string) => {
    const body = new FormData();
    body.set('file', new File([new Uint8Array(content)], name));
    return body;
  };

  it('reports a dry run, refuses a file with a bad row with 422 and the report, and needs a role that may import', async () => {
    const token = await t.buildToken({ role: 'field' });
    const auth = { authorization: `Bearer ${token.token}` };
    const dry = await t.app.request('/api/v1/imports/safety_incident?dry_run=true', { method: 'POST', headers: auth, body: upload(incidentsWithBadRows(), 'export.csv') });
    expect(dry.status).toBe(200);
    const report = (await dry.json()) as ImportReport;
    expect(report).toMatchObject({ dryRun: true, committed: false, rows: 5 });
    expect(report.alreadyImported).toHaveLength(3);

    const refused = await t.app.request('/api/v1/imports/safety_incident', { method: 'POST', headers: auth, body: upload(incidentsWithBadRows(), 'export.csv') });
    expect(refused.status).toBe(422);
    const error = ((await refused.json()) as { error: { code: string; details: ImportReport } }).error;
    expect(error.code).toBe('import_refused');
    expect(error.details.problems).toHaveLength(2);

    const buyer = await t.buildToken({ role: 'buyer' });
    const forbidden = await t.app.request('/api/v1/imports/safety_incident', { method: 'POST', headers: { authorization: `Bearer ${buyer.token}` }, body: upload(incidentsWithBadRows(), 'export.csv') });
    expect(forbidden.status).toBe(403);
    const anonymous = await t.app.request('/api/v1/imports/safety_incident', { method: 'POST', body: upload(incidentsWithBadRows(), 'export.csv') });
    expect(anonymous.status).toBe(401);
    const unknown = await t.app.request('/api/v1/imports/no_such_form', { method: 'POST', headers: auth, body: upload(incidentsWithBadRows(), 'export.csv') });
    expect(unknown.status).toBe(404);
  });
});

describe('Who may use the field forms and imports', () => {
  const upload = () => {
    const body = new FormData();
    body.set('file', new File([new Uint8Array(fixture('kobo-safety_incident.csv'))], 'export.csv'));
    return body;
  };
  const mayImport = new Set(['admin', 'field', 'cooperative']);

  for (const role of userRoles) {
    it(`${role}: reads the forms, ${mayImport.has(role) ? 'may' : 'may not'} run an import`, async () => {
      const token = await t.buildToken({ role });
      const headers = { authorization: `Bearer ${token.token}` };
      expect((await t.app.request('/api/v1/forms', { headers })).status).toBe(200);
      expect((await t.app.request('/api/v1/forms/safety_incident.xlsx', { headers })).status).toBe(200);
      const dryRun = await t.app.request('/api/v1/imports/safety_incident?dry_run=true', { method: 'POST', headers, body: upload() });
      expect(dryRun.status).toBe(mayImport.has(role) ? 200 : 403);
    });
  }

  it('the public reads the forms, which hold no personal data, and cannot import', async () => {
    const forms = await t.app.request('/api/v1/forms');
    expect(forms.status).toBe(200);
    const text = await forms.text();
    // The forms describe questions; submissions, names and cases never appear in them.
    for (const leak of ['KAM-C-0001', '9d0e1f2a-3b4c-4d5e-8f60-718293a4b501', 'Kasulo', 'Membre']) expect(text).not.toContain(leak);
    expect((await t.app.request('/api/v1/imports/safety_incident?dry_run=true', { method: 'POST', body: upload() })).status).toBe(401);
    expect((await t.app.request('/imports')).status).not.toBe(200);
  });
});
