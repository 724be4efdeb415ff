import { createHash } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { count, eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import { insertSite } from '../../test/factories/sites.ts';
import { userRoles, type UserRole } from '../core/auth/roles.ts';
import { rowsOf } from '../db/connect.ts';
import { files } from '../files/public.ts';
import { journalSize, recentEvents, runCommand } from '../journal/public.ts';
import { containedKgOf, type DeclarationFigures, parseGradePercent, parseTonnes } from './production-figures.ts';
import { correctProduction } from './commands/production/correct-production.ts';
import { declareProduction } from './commands/production/declare-production.ts';
import { registerProductionPages } from './pages/production/index.ts';
import { declaredContainedKg, effectiveDeclarations, monthlyProduction, yearlyProduction } from './queries/production.ts';
import { registerProductionApi } from './routes/production.ts';
import { productionDeclarations } from './schema.ts';
import { expectApiRefusal } from '../../test/expect.ts';

let t: TestContext;
let coop: { id: number };
let site: { id: number; code: string };
let otherSite: { id: number; code: string };
const tokens = new Map<UserRole, string>();
let otherCoopToken: string;
let sizeBefore: number;
let rowsBefore: number;

const buyer = 'Depot Zebra Ndala';

beforeAll(async () => {
  t = await createTestContext({ extraModules: [{ name: 'sites-production-test', registerApi: registerProductionApi, registerPages: registerProductionPages }] });
  coop = await t.buildOrganisation({ kind: 'cooperative', code: 'cmds' });
  site = (await insertSite(t.db, { cooperativeOrganisationId: coop.id, code: 'KAM', name: 'Kamilombe' })).site;
  const otherCoop = await t.buildOrganisation({ kind: 'cooperative' });
  otherSite = (await insertSite(t.db, { cooperativeOrganisationId: otherCoop.id, code: 'MUT' })).site;
  for (const role of userRoles) tokens.set(role, (await t.buildToken({ role, ...(role === 'cooperative' && { organisationId: coop.id }) })).token);
  otherCoopToken = (await t.buildToken({ role: 'cooperative', organisationId: otherCoop.id })).token;
});
afterAll(() => t.close());

async function declarationCount() {
  const [row] = await t.db.select({ n: count() }).from(productionDeclarations);
  return Number(row!.n);
}
beforeEach(async () => {
  sizeBefore = await journalSize(t.db);
  rowsBefore = await declarationCount();
});

const as = (role: UserRole, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${tokens.get(role)}`, ...extra });
const good = { mineral: 'cobalt', producedOn: '2024-03-31', lotReference: 'L-001', wetOreTonnes: '12.345', dryOreTonnes: '10.5', gradePercent: '8.25', buyer };
const declare = (body: unknown, role: UserRole = 'cooperative', code = 'KAM') => t.app.request(`/api/v1/sites/${code}/production`, jsonRequest('POST', body, as(role)));

/** The API refused, and nothing was written. */
async function expectRefusedUnchanged(response: Response, status: number, code: string) {
  const error = await expectApiRefusal(response, status, code);
  expect(await journalSize(t.db)).toBe(sizeBefore);
  expect(await declarationCount()).toBe(rowsBefore);
  return error;
}

const figures = (overrides: Partial<DeclarationFigures> = {}): DeclarationFigures => ({
  mineral: 'cobalt',
  producedOn: '2023-06-15',
  lotReference: null,
  wetOreKg: 12_000,
  dryOreKg: 10_000,
  gradeBasisPoints: 1_000,
  buyer,
  ...overrides,
});
const declareDirect = (siteId: number, overrides: Partial<DeclarationFigures> = {}) => runCommand(t.db, system, (ctx) => declareProduction(ctx, { siteId, ...figures(overrides) }));
const correctDirect = (siteId: number, correctsId: number, overrides: { wetOreKg: number; dryOreKg: number; gradeBasisPoints: number; producedOn?: string }) =>
  runCommand(t.db, system, (ctx) => correctProduction(ctx, { siteId, correctsId, reason: 'weighing slip misread', ...overrides }));

describe('Production declarations', () => {
  describe('quantities', () => {
    it('reads tonnes and percent exactly, where floating point would not', () => {
      expect(Math.floor(1.005 * 1000)).toBe(1004);
      expect(parseTonnes(1.005)).toEqual({ ok: true, value: 1005 });
      expect(parseTonnes('1.005')).toEqual({ ok: true, value: 1005 });
      expect(parseTonnes(4.35)).toEqual({ ok: true, value: 4350 });
      expect(parseTonnes('0.001')).toEqual({ ok: true, value: 1 });
      expect(parseTonnes(' 12 ')).toEqual({ ok: true, value: 12_000 });
      expect(parseTonnes('1,5', { decimalComma: true })).toEqual({ ok: true, value: 1_500 });
      expect(Math.floor(1.15 * 100)).toBe(114);
      expect(parseGradePercent(1.15)).toEqual({ ok: true, value: 115 });
      expect(parseGradePercent(9.95)).toEqual({ ok: true, value: 995 });
      expect(parseGradePercent('100')).toEqual({ ok: true, value: 10_000 });
      expect(parseTonnes('1,5')).toEqual({ ok: false, problem: 'tonnage_invalid' });
      expect(parseTonnes('1.2345')).toEqual({ ok: false, problem: 'tonnage_invalid' });
      expect(parseTonnes(0.1 + 0.2)).toEqual({ ok: false, problem: 'tonnage_invalid' });
      expect(parseTonnes('1e3')).toEqual({ ok: false, problem: 'tonnage_invalid' });
      expect(parseTonnes('-0.5')).toEqual({ ok: false, problem: 'tonnage_negative' });
      expect(parseGradePercent('8.255')).toEqual({ ok: false, problem: 'grade_invalid' });
      expect(parseGradePercent('100.01')).toEqual({ ok: false, problem: 'grade_out_of_range' });
    });

    it('computes contained metal as round(dry kg × basis points / 10,000), half away from zero', () => {
      expect(containedKgOf(1, 5_000)).toBe(1);
      expect(containedKgOf(3, 5_000)).toBe(2);
      expect(containedKgOf(1, 4_999)).toBe(0);
      expect(containedKgOf(12_345, 825)).toBe(1_018);
      expect(containedKgOf(10_500, 825)).toBe(866);
      expect(containedKgOf(2, 2_500)).toBe(1);
      expect(containedKgOf(1_000_000_000, 9_999)).toBe(999_900_000);
      expect(containedKgOf(999_999_999, 10_000)).toBe(999_999_999);
    });

    it('agrees with PostgreSQL’s round(numeric), which the table’s CHECK uses, on random values', async () => {
      const cases = fc.sample(fc.tuple(fc.integer({ min: 0, max: 1_000_000_000 }), fc.integer({ min: 0, max: 10_000 })), { numRuns: 300, seed: 42 });
      cases.push([1, 5_000], [3, 5_000], [5, 1_000], [15, 1_000], [25, 200], [999_999_999, 9_999]);
      const values = sql.join(
        cases.map(([dry, bp]) => sql`(${dry}::bigint, ${bp}::int)`),
        sql`, `,
      );
      const rows = rowsOf<{ dry: number | string; bp: number; contained: number | string }>(
        await t.db.execute(sql`select v.dry, v.bp, round(v.dry::numeric * v.bp / 10000)::bigint as contained from (values ${values}) as v(dry, bp)`),
      );
      for (const row of rows) expect(containedKgOf(Number(row.dry), Number(row.bp))).toBe(Number(row.contained));
    });

    it('declares with tonnes as strings or numbers, stores integer kilograms and the computed metal', async () => {
      const response = await declare({ ...good, wetOreTonnes: 4.35, dryOreTonnes: 1.005, gradePercent: 1.15 });
      const body = (await response.json()) as Record<string, unknown>;
      expect(response.status, JSON.stringify(body)).toBe(201);
      expect(body).toMatchObject({ site: 'KAM', mineral: 'cobalt', wetOreKg: 4_350, dryOreKg: 1_005, gradeBasisPoints: 115, containedKg: 12, effective: true, buyer, declaredBy: 'cmds' });
      const [event] = await recentEvents(t.db, 1);
      expect(event).toMatchObject({ type: 'sites.production_declared', subject: `production:${body.id}` });
    });

    it('records the event without the buyer, who may be a person', async () => {
      const response = await declare(good);
      expect(response.status).toBe(201);
      const entries = (await (await t.app.request(`/api/v1/journal/entries?start=${sizeBefore}&limit=1`)).json()) as { entries: { bytes: string }[] };
      const event = JSON.parse(Buffer.from(entries.entries[0]!.bytes, 'base64').toString('utf8'));
      expect(event.payload).toEqual({ id: expect.any(Number), site: 'KAM', mineral: 'cobalt', producedOn: '2024-03-31', lotReference: 'L-001', wetOreKg: 12_345, dryOreKg: 10_500, gradeBasisPoints: 825, containedKg: 866, evidenceSha256: null });
      expect(JSON.stringify(event)).not.toContain(buyer);
    });
  });

  describe('bad input is refused with nothing written', () => {
    const cases: [string, Record<string, unknown>, number, string][] = [
      ['a grade above 100 %', { gradePercent: '100.01' }, 422, 'grade_out_of_range'],
      ['a negative grade', { gradePercent: -1 }, 422, 'grade_out_of_range'],
      ['a grade with three decimals', { gradePercent: '8.255' }, 422, 'grade_invalid'],
      ['a negative tonnage', { wetOreTonnes: '-5' }, 422, 'tonnage_negative'],
      ['a tonnage with four decimals', { dryOreTonnes: '1.2345' }, 422, 'tonnage_invalid'],
      ['a decimal comma in the API', { wetOreTonnes: '12,5' }, 422, 'tonnage_invalid'],
      ['a tonnage of a billion tonnes', { wetOreTonnes: '1000000001', dryOreTonnes: '1' }, 422, 'tonnage_too_large'],
      ['dry ore above wet ore', { wetOreTonnes: '10', dryOreTonnes: '10.001' }, 422, 'dry_above_wet'],
      ['an unknown mineral', { mineral: 'gold' }, 422, 'mineral_unknown'],
      ['an impossible date', { producedOn: '2024-02-30' }, 422, 'date_invalid'],
      ['a date in the future', { producedOn: `${new Date().getUTCFullYear() + 1}-01-15` }, 422, 'date_in_future'],
      ['no buyer', { buyer: '  ' }, 422, 'buyer_missing'],
      ['an unknown field', { containedKg: 5 }, 400, 'validation_failed'],
      ['a wrong type', { buyer: 42 }, 400, 'validation_failed'],
    ];
    for (const [name, change, status, code] of cases) {
      it(`refuses ${name} with ${status} ${code}`, async () => {
        await expectRefusedUnchanged(await declare({ ...good, ...change }), status, code);
      });
    }

    it('refuses a body that is neither JSON nor multipart', async () => {
      await expectRefusedUnchanged(await t.app.request('/api/v1/sites/KAM/production', { method: 'POST', headers: as('cooperative') }), 400, 'body_missing');
    });

    it('refuses a period that ends before it starts', async () => {
      await expectRefusedUnchanged(await t.app.request('/api/v1/sites/KAM/production?from=2024-03-01&to=2024-02-01'), 422, 'period_invalid');
      await expect(declaredContainedKg(t.db, { siteId: site.id, mineral: 'cobalt', from: '2024-03-01', to: '2024-02-01' })).rejects.toMatchObject({ code: 'period_invalid' });
    });

    it('answers an unknown site with 404', async () => {
      await expectRefusedUnchanged(await declare(good, 'admin', 'NOPE'), 404, 'site_not_found');
    });

    it('keeps the database from taking a contained figure that was not computed', async () => {
      await expect(
        t.db.insert(productionDeclarations).values({ siteId: site.id, mineral: 'cobalt', producedOn: '2024-01-01', wetOreKg: 10, dryOreKg: 3, gradeBasisPoints: 5_000, containedKg: 1, buyer }),
      ).rejects.toThrow();
    });
  });

  describe('evidence', () => {
    const pdf = Buffer.from('%PDF-1.4\n% assay certificate\n');
    const multipart = (fields: Record<string, string>, file?: { name: string; content: Buffer; type: string }) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      if (file) form.append('evidence', new File([new Uint8Array(file.content)], file.name, { type: file.type }));
      return form;
    };

    it('takes the assay certificate in a multipart declaration and cites its SHA-256 in the journal', async () => {
      const response = await t.app.request('/api/v1/sites/KAM/production', { method: 'POST', headers: as('cooperative'), body: multipart(good, { name: 'assay.pdf', content: pdf, type: 'application/pdf' }) });
      const body = (await response.json()) as { id: number; evidence: { fileId: number; sha256: string; filename: string; url: string } };
      expect(response.status, JSON.stringify(body)).toBe(201);
      const sha256 = createHash('sha256').update(pdf).digest('hex');
      expect(body.evidence).toMatchObject({ sha256, filename: 'assay.pdf' });
      const [event] = await recentEvents(t.db, 1);
      expect(event?.type).toBe('sites.production_declared');
      expect(body.evidence.url).toBe(`/api/v1/files/${body.evidence.fileId}`);
      const [file] = await t.db.select({ visibility: files.visibility, contentType: files.contentType }).from(files).where(eq(files.id, body.evidence.fileId));
      expect(file).toEqual({ visibility: 'restricted', contentType: 'application/pdf' });
    });

    it('refuses a file that is not a PDF, JPEG or PNG, and keeps nothing of it', async () => {
      const [before] = await t.db.select({ n: count() }).from(files);
      const response = await t.app.request('/api/v1/sites/KAM/production', {
        method: 'POST',
        headers: as('cooperative'),
        body: multipart(good, { name: 'assay.pdf', content: Buffer.from('<script>alert(1)</script>'), type: 'application/pdf' }),
      });
      await expectRefusedUnchanged(response, 422, 'evidence_type_not_allowed');
      const [after] = await t.db.select({ n: count() }).from(files);
      expect(Number(after!.n)).toBe(Number(before!.n));
    });
  });

  describe('corrections', () => {
    it('adds a new entry pointing at the corrected one; only the newest can be corrected; zero quantities void', async () => {
      const original = await declareDirect(site.id, { producedOn: '2022-05-10', dryOreKg: 10_000, gradeBasisPoints: 1_000 });
      expect(original.containedKg).toBe(1_000);
      const corrected = await t.app.request(
        `/api/v1/sites/KAM/production/${original.id}/corrections`,
        jsonRequest('POST', { reason: 'dry weight re-measured', wetOreTonnes: '12', dryOreTonnes: '8', gradePercent: '10' }, as('cooperative')),
      );
      const body = (await corrected.json()) as { id: number; correctsId: number; containedKg: number; buyer: string; lotReference: string | null; correctionReason: string };
      expect(corrected.status, JSON.stringify(body)).toBe(201);
      expect(body).toMatchObject({ correctsId: original.id, containedKg: 800, buyer, correctionReason: 'dry weight re-measured' });
      expect(await declaredContainedKg(t.db, { siteId: site.id, mineral: 'cobalt', from: '2022-05-01', to: '2022-05-31' })).toBe(800);

      sizeBefore = await journalSize(t.db);
      rowsBefore = await declarationCount();
      const again = await t.app.request(
        `/api/v1/sites/KAM/production/${original.id}/corrections`,
        jsonRequest('POST', { reason: 'again', wetOreTonnes: '1', dryOreTonnes: '1', gradePercent: '1' }, as('cooperative')),
      );
      const refused = await expectRefusedUnchanged(again, 409, 'already_corrected');
      expect(refused.details).toEqual({ correctedBy: body.id });

      const voided = await correctDirect(site.id, body.id, { wetOreKg: 0, dryOreKg: 0, gradeBasisPoints: 1_000 });
      expect(voided.containedKg).toBe(0);
      expect(await declaredContainedKg(t.db, { siteId: site.id, mineral: 'cobalt', from: '2022-05-01', to: '2022-05-31' })).toBe(0);
      const effective = await effectiveDeclarations(t.db, { siteId: site.id, from: '2022-05-01', to: '2022-05-31' });
      expect(effective.map((d) => d.id)).toEqual([voided.id]);
      expect(await monthlyProduction(t.db, { siteId: site.id, year: 2022 })).toEqual([]);
      const [event] = await recentEvents(t.db, 1);
      expect(event).toMatchObject({ type: 'sites.production_corrected', subject: `production:${voided.id}` });

      const history = (await (await t.app.request('/api/v1/sites/KAM/production?from=2022-05-01&to=2022-05-31', { headers: as('admin') })).json()) as {
        declarations: { id: number; effective: boolean; correctedById: number | null; voids: boolean }[];
      };
      expect(history.declarations.map((d) => [d.id, d.effective, d.correctedById, d.voids])).toEqual([
        [original.id, false, body.id, false],
        [body.id, false, voided.id, false],
        [voided.id, true, null, true],
      ]);
    });

    it('keeps the mineral and the site of the corrected entry', async () => {
      const original = await declareDirect(site.id, { producedOn: '2022-06-01' });
      const elsewhere = await declareDirect(otherSite.id, { producedOn: '2022-06-01' });
      sizeBefore = await journalSize(t.db);
      rowsBefore = await declarationCount();
      const body = { reason: 'wrong mineral', wetOreTonnes: '1', dryOreTonnes: '1', gradePercent: '1' };
      await expectRefusedUnchanged(await t.app.request(`/api/v1/sites/KAM/production/${original.id}/corrections`, jsonRequest('POST', { ...body, mineral: 'copper' }, as('admin'))), 422, 'correction_mismatch');
      await expectRefusedUnchanged(await t.app.request(`/api/v1/sites/KAM/production/${elsewhere.id}/corrections`, jsonRequest('POST', body, as('admin'))), 404, 'declaration_not_found');
      await expectRefusedUnchanged(await t.app.request(`/api/v1/sites/KAM/production/${original.id}/corrections`, jsonRequest('POST', { ...body, reason: ' ' }, as('admin'))), 422, 'correction_reason_missing');
      await expectRefusedUnchanged(
        await t.app.request(`/api/v1/sites/KAM/production/${original.id}/corrections`, jsonRequest('POST', { ...body, dryOreTonnes: '2' }, as('admin'))),
        422,
        'dry_above_wet',
      );
    });
  });

  describe('totals', () => {
    let totalsSite: { id: number; code: string };
    beforeAll(async () => {
      totalsSite = (await insertSite(t.db, { cooperativeOrganisationId: coop.id, code: 'TOT' })).site;
      await declareDirect(totalsSite.id, { producedOn: '2023-12-31', dryOreKg: 5_000, gradeBasisPoints: 2_000 });
      await declareDirect(totalsSite.id, { producedOn: '2024-01-01', dryOreKg: 1_000, gradeBasisPoints: 1_000 });
      await declareDirect(totalsSite.id, { producedOn: '2024-01-20', dryOreKg: 2_000, gradeBasisPoints: 1_000 });
      await declareDirect(totalsSite.id, { producedOn: '2024-01-20', mineral: 'copper', dryOreKg: 10_000, gradeBasisPoints: 250 });
      const wrongDate = await declareDirect(totalsSite.id, { producedOn: '2024-02-29', dryOreKg: 3_000, gradeBasisPoints: 1_000 });
      // The February entry really belongs to March, with a better grade.
      await correctDirect(totalsSite.id, wrongDate.id, { producedOn: '2024-03-01', wetOreKg: 4_000, dryOreKg: 3_000, gradeBasisPoints: 1_500 });
      await declareDirect(totalsSite.id, { producedOn: '2024-12-31', dryOreKg: 1_000, gradeBasisPoints: 500 });
    });

    it('answers the list a page at a time: following `next` gives every declaration once, in order, and a bad cursor is a 400', async () => {
      const list = async (query: string) => {
        const response = await t.app.request(`/api/v1/sites/TOT/production?${query}`);
        expect(response.status).toBe(200);
        return (await response.json()) as { declarations: { id: number; producedOn: string }[]; next: string | null };
      };
      const whole = await list('limit=5000');
      expect(whole.next).toBeNull();
      expect(whole.declarations.length).toBe(7);
      const seen: number[] = [];
      let page = await list('limit=2');
      const pages = [page];
      while (page.next !== null) pages.push((page = await list(`limit=2&after=${page.next}`)));
      for (const each of pages) seen.push(...each.declarations.map((row) => row.id));
      expect(pages.length).toBe(4);
      expect(seen).toEqual(whole.declarations.map((row) => row.id));
      for (const bad of ['after=2024-02-30_1', 'after=2024-01-01', 'after=2024-01-01_99999999999', 'limit=0', 'limit=5001']) {
        expect((await t.app.request(`/api/v1/sites/TOT/production?${bad}`)).status).toBe(400);
      }
    });

    it('gives monthly totals per mineral of a year, corrections applied', async () => {
      expect(await monthlyProduction(t.db, { siteId: totalsSite.id, year: 2024 })).toEqual([
        { month: '2024-01', mineral: 'cobalt', containedKg: 300, dryOreKg: 3_000, declarations: 2 },
        { month: '2024-01', mineral: 'copper', containedKg: 250, dryOreKg: 10_000, declarations: 1 },
        { month: '2024-03', mineral: 'cobalt', containedKg: 450, dryOreKg: 3_000, declarations: 1 },
        { month: '2024-12', mineral: 'cobalt', containedKg: 50, dryOreKg: 1_000, declarations: 1 },
      ]);
      expect(await monthlyProduction(t.db, { siteId: totalsSite.id, from: '2023-12-01', to: '2024-01-01' })).toEqual([
        { month: '2023-12', mineral: 'cobalt', containedKg: 1_000, dryOreKg: 5_000, declarations: 1 },
        { month: '2024-01', mineral: 'cobalt', containedKg: 100, dryOreKg: 1_000, declarations: 1 },
      ]);
    });

    it('gives yearly totals per mineral', async () => {
      expect(await yearlyProduction(t.db, { siteId: totalsSite.id })).toEqual([
        { year: 2023, mineral: 'cobalt', containedKg: 1_000, dryOreKg: 5_000, declarations: 1 },
        { year: 2024, mineral: 'cobalt', containedKg: 800, dryOreKg: 7_000, declarations: 4 },
        { year: 2024, mineral: 'copper', containedKg: 250, dryOreKg: 10_000, declarations: 1 },
      ]);
    });

    it('sums declared contained metal with both period bounds included', async () => {
      const kg = (from: string, to: string, mineral = 'cobalt') => declaredContainedKg(t.db, { siteId: totalsSite.id, mineral, from, to });
      expect(await kg('2024-01-01', '2024-12-31')).toBe(800);
      expect(await kg('2024-01-02', '2024-12-30')).toBe(650);
      expect(await kg('2024-02-01', '2024-02-29')).toBe(0);
      expect(await kg('2024-03-01', '2024-03-01')).toBe(450);
      expect(await kg('2023-12-31', '2024-01-01')).toBe(1_100);
      expect(await kg('2024-01-01', '2024-12-31', 'copper')).toBe(250);
      expect(await kg('2024-01-01', '2024-12-31')).toBe(await kg('2024-01-01', '2024-12-31')); // stable
    });

    it('publishes monthly totals to anyone', async () => {
      const response = await t.app.request('/api/v1/sites/TOT/production/monthly?year=2024');
      expect(response.status).toBe(200);
      const body = (await response.json()) as { year: number; months: unknown[] };
      expect(body.year).toBe(2024);
      expect(body.months).toHaveLength(4);
    });
  });

  describe('import', () => {
    let importSite: { id: number; code: string };
    beforeAll(async () => {
      importSite = (await insertSite(t.db, { cooperativeOrganisationId: coop.id, code: 'IMP' })).site;
    });
    const header = 'produced_on,mineral,lot_reference,wet_ore_t,dry_ore_t,grade_percent,buyer';
    const csv = (...lines: string[]) => Buffer.from([header, ...lines].join('\n'));
    const upload = (content: Buffer, dryRun: boolean, name = 'production.csv', role: UserRole = 'cooperative') => {
      const form = new FormData();
      form.append('file', new File([new Uint8Array(content)], name));
      return t.app.request(`/api/v1/sites/IMP/production/import?dry_run=${dryRun}`, { method: 'POST', headers: as(role), body: form });
    };
    const goodFile = csv('2024-04-01,cobalt,A1,10.5,9.25,7.5,EGC depot', '2024-04-02,cobalt,,4.35,4.35,1.15,EGC depot', '2024-04-02,copper,B7,20,18,2.25,Comptoir Kolwezi');

    it('lists every bad row in a dry run, with row, column and reason, and writes nothing', async () => {
      const bad = csv(
        '2024-04-01,cobalt,A1,10,11,7.5,EGC depot',
        '2024-04-31,gold,A2,-1,1,101,',
        '2024-04-03,cobalt,A3,10,9,8.255,EGC depot',
        '2024-04-01,cobalt,A1,10,9,7.5,EGC depot',
        '2024-04-01,cobalt,A1,10,9,7.5,EGC depot',
      );
      const response = await upload(bad, true);
      const body = (await response.json()) as { dryRun: boolean; rows: number; toImport: number; problems: { row: number; column: string; code: string; message: string }[] };
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(body.problems.map((p) => [p.row, p.column, p.code])).toEqual([
        [2, 'dry_ore_t', 'dry_above_wet'],
        [3, 'wet_ore_t', 'tonnage_negative'],
        [3, 'grade_percent', 'grade_out_of_range'],
        [3, 'mineral', 'mineral_unknown'],
        [3, 'produced_on', 'date_invalid'],
        [3, 'buyer', 'buyer_missing'],
        [4, 'grade_percent', 'grade_invalid'],
        [6, 'lot_reference', 'duplicate_in_file'],
      ]);
      expect(body.problems.every((p) => p.message.length > 10)).toBe(true);
      expect(await journalSize(t.db)).toBe(sizeBefore);
      expect(await declarationCount()).toBe(rowsBefore);
    });

    it('imports nothing at all from a file with a bad row', async () => {
      const body = await expectRefusedUnchanged(await upload(csv('2024-04-01,cobalt,A1,10,9,7.5,EGC depot', '2024-04-02,cobalt,A2,10,11,7.5,EGC depot'), false), 422, 'import_invalid');
      expect(body.details).toEqual([{ row: 3, column: 'dry_ore_t', code: 'dry_above_wet', message: expect.any(String) }]);
    });

    it('refuses a file without the required columns or that is not a spreadsheet', async () => {
      await expectRefusedUnchanged(await upload(Buffer.from('date,mineral\n2024-01-01,cobalt'), true), 422, 'import_columns_missing');
      await expectRefusedUnchanged(await upload(Buffer.from(header), true), 422, 'import_empty');
    });

    it('imports a good file in one event, and a second import of it adds nothing', async () => {
      const dryRun = (await (await upload(goodFile, true)).json()) as { toImport: number; alreadyDeclared: number; problems: unknown[] };
      expect(dryRun).toMatchObject({ toImport: 3, alreadyDeclared: 0, problems: [] });
      expect(await journalSize(t.db)).toBe(sizeBefore);

      const response = await upload(goodFile, false);
      const body = (await response.json()) as { imported: number; fileSha256: string; declarationIds: number[] };
      expect(response.status, JSON.stringify(body)).toBe(201);
      expect(body.imported).toBe(3);
      expect(await journalSize(t.db)).toBe(sizeBefore + 1);
      const sha256 = createHash('sha256').update(goodFile).digest('hex');
      const entries = (await (await t.app.request(`/api/v1/journal/entries?start=${sizeBefore}&limit=1`)).json()) as { entries: { bytes: string }[] };
      const event = JSON.parse(Buffer.from(entries.entries[0]!.bytes, 'base64').toString('utf8'));
      expect(event).toMatchObject({ type: 'sites.production_imported', payload: { site: 'IMP', fileSha256: sha256, count: 3, alreadyDeclared: 0 } });
      expect(event.payload.byMineral).toEqual({ cobalt: { declarations: 2, containedKg: 744 }, copper: { declarations: 1, containedKg: 405 } });
      const effective = await effectiveDeclarations(t.db, { siteId: importSite.id });
      expect(effective.map((d) => [d.lotReference, d.wetOreKg, d.dryOreKg, d.gradeBasisPoints, d.containedKg])).toEqual([
        ['A1', 10_500, 9_250, 750, 694],
        [null, 4_350, 4_350, 115, 50],
        ['B7', 20_000, 18_000, 225, 405],
      ]);

      sizeBefore = await journalSize(t.db);
      const again = (await (await upload(goodFile, false)).json()) as { imported: number; alreadyDeclared: number };
      expect(again).toMatchObject({ imported: 0, alreadyDeclared: 3 });
      expect(await journalSize(t.db)).toBe(sizeBefore);
      expect(await effectiveDeclarations(t.db, { siteId: importSite.id })).toHaveLength(3);
    });

    it('refuses a row that was declared before with other figures: that is a correction', async () => {
      const changed = csv('2024-04-01,cobalt,A1,10.5,9.25,7.6,EGC depot');
      const body = await expectRefusedUnchanged(await upload(changed, false), 422, 'import_invalid');
      expect(body.details).toEqual([{ row: 2, column: '', code: 'conflicts_with_declared', message: expect.stringContaining('declaration') }]);
    });

    it('reads the French convention: semicolons, decimal commas, Windows-1252', async () => {
      const text = 'produced_on;mineral;lot_reference;wet_ore_t;dry_ore_t;grade_percent;buyer\n2024-05-02;cobalt;FR-1;2,5;2,25;10,5;Dépôt Kanina\n';
      const response = await upload(Buffer.from(text, 'latin1'), true);
      const body = (await response.json()) as { toImport: number; problems: unknown[] };
      expect(body).toMatchObject({ toImport: 1, problems: [] });
    });

    it('reads XLSX: date cells, numbers as Excel shows them, grades formatted as percent', async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('Production');
      sheet.addRow(['Produced on', 'Mineral', 'Lot reference', 'Wet ore t', 'Dry ore t', 'Grade percent', 'Buyer']);
      sheet.addRow([new Date(Date.UTC(2024, 5, 3)), 'Cobalt', 'X-1', 0.1 + 0.2, 0.3, 0.0825, 'EGC depot']);
      sheet.getCell('F2').numFmt = '0.00%';
      sheet.addRow(['2024-06-04', 'copper', { richText: [{ text: 'X-' }, { text: '2' }] }, 1, { formula: 'D3/2', result: 0.5 }, 3, 'EGC depot']);
      const content = Buffer.from(await workbook.xlsx.writeBuffer());
      const response = await upload(content, false, 'production.xlsx');
      const body = (await response.json()) as { imported: number; declarationIds: number[] };
      expect(response.status, JSON.stringify(body)).toBe(201);
      const rows = (await effectiveDeclarations(t.db, { siteId: importSite.id, from: '2024-06-01', to: '2024-06-30' })).map((d) => [d.producedOn, d.mineral, d.lotReference, d.wetOreKg, d.dryOreKg, d.gradeBasisPoints]);
      expect(rows).toEqual([
        ['2024-06-03', 'cobalt', 'X-1', 300, 300, 825],
        ['2024-06-04', 'copper', 'X-2', 1_000, 500, 300],
      ]);
    });
  });

  describe('who may', () => {
    const readers = ['public', ...userRoles] as const;
    const allowedToDeclare = new Set(['admin', 'cooperative']);
    const headersOf = (role: (typeof readers)[number]) => (role === 'public' ? {} : as(role));

    for (const role of readers) {
      it(`${allowedToDeclare.has(role) ? 'lets' : 'refuses'} ${role} declare, correct and import`, async () => {
        const target = await declareDirect(site.id, { producedOn: '2021-01-10' });
        sizeBefore = await journalSize(t.db);
        rowsBefore = await declarationCount();
        const form = new FormData();
        form.append('file', new File([`produced_on,mineral,lot_reference,wet_ore_t,dry_ore_t,grade_percent,buyer\n2021-01-11,cobalt,${role},1,1,1,EGC depot`], 'p.csv'));
        const requests = [
          t.app.request('/api/v1/sites/KAM/production', jsonRequest('POST', { ...good, producedOn: '2021-01-12' }, headersOf(role))),
          t.app.request(`/api/v1/sites/KAM/production/${target.id}/corrections`, jsonRequest('POST', { reason: 'matrix', wetOreTonnes: '1', dryOreTonnes: '1', gradePercent: '1' }, headersOf(role))),
          t.app.request('/api/v1/sites/KAM/production/import?dry_run=false', { method: 'POST', headers: headersOf(role), body: form }),
        ];
        for (const response of await Promise.all(requests)) {
          if (allowedToDeclare.has(role)) expect(response.status, await response.clone().text()).toBe(201);
          else {
            const expected = role === 'public' ? [401, 'unauthenticated'] : [403, 'forbidden'];
            expect(response.status).toBe(expected[0]);
            expect(((await response.json()) as { error: { code: string } }).error.code).toBe(expected[1]);
          }
        }
        if (!allowedToDeclare.has(role)) {
          expect(await journalSize(t.db)).toBe(sizeBefore);
          expect(await declarationCount()).toBe(rowsBefore);
        }
      });
    }

    it('refuses a cooperative declaring for a site it does not operate', async () => {
      const response = await t.app.request('/api/v1/sites/KAM/production', jsonRequest('POST', good, { authorization: `Bearer ${otherCoopToken}` }));
      await expectRefusedUnchanged(response, 403, 'forbidden');
    });

    it('shows buyer, evidence and reasons only to the roles that may read production details', async () => {
      await declareDirect(site.id, { producedOn: '2020-02-02' });
      const detailed = new Set(['admin', 'field', 'cooperative', 'verifier']);
      for (const role of readers) {
        const response = await t.app.request('/api/v1/sites/KAM/production?from=2020-01-01&to=2020-12-31', { headers: headersOf(role) });
        expect(response.status).toBe(200);
        const text = await response.text();
        const body = JSON.parse(text) as { details: boolean; declarations: Record<string, unknown>[] };
        expect(body.declarations).toHaveLength(1);
        expect(body.details).toBe(detailed.has(role));
        if (detailed.has(role)) expect(body.declarations[0]).toHaveProperty('buyer', buyer);
        else {
          expect(text).not.toContain(buyer);
          expect(body.declarations[0]).not.toHaveProperty('evidence');
        }
      }
      const other = await t.app.request('/api/v1/sites/KAM/production?from=2020-01-01&to=2020-12-31', { headers: { authorization: `Bearer ${otherCoopToken}` } });
      expect(await other.text()).not.toContain(buyer);
    });

    it('keeps buyers and evidence off the public production page and the public monthly totals', async () => {
      await declareDirect(site.id, { producedOn: '2020-03-03' });
      const page = await t.app.request('/sites/KAM/production?year=2020');
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<svg');
      expect(html).not.toContain(buyer);
      expect(html).not.toContain('/api/v1/files/');
      expect(await (await t.app.request('/api/v1/sites/KAM/production/monthly?year=2020')).text()).not.toContain(buyer);
      const asAdmin = await (await t.app.request('/sites/KAM/production?year=2020', { headers: as('admin') })).text();
      expect(asAdmin).toContain(buyer);
    });
  });

  it('describes its routes in a valid OpenAPI document', async () => {
    const document = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect((await new Validator().validate(document)).valid).toBe(true);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/sites/{code}/production', '/sites/{code}/production/{id}/corrections', '/sites/{code}/production/monthly', '/sites/{code}/production/import']),
    );
  });

  describe('pages', () => {
    let session: Awaited<ReturnType<TestContext['signIn']>>;
    beforeAll(async () => {
      const user = await t.buildUser({ role: 'cooperative', organisationId: coop.id });
      session = await t.signIn(user.email, user.password);
    });
    const post = (path: string, fields: Record<string, string>, file?: { field: string; name: string; content: Buffer }) => {
      const form = new FormData();
      form.append('_csrf', session.csrfToken);
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      if (file) form.append(file.field, new File([new Uint8Array(file.content)], file.name));
      return session.request(path, { method: 'POST', body: form });
    };

    it('declares through the form, and gives the form back filled in with every error beside its field', async () => {
      expect((await session.request('/sites/KAM/production/new')).status).toBe(200);
      const fields = { mineral: 'cobalt', producedOn: '2019-07-01', lotReference: 'P-9', wetOreTonnes: '5.5', dryOreTonnes: '6', gradePercent: '101', buyer: '' };
      const refused = await session.request('/sites/KAM/production/new', { method: 'POST', body: new URLSearchParams({ ...fields, _csrf: session.csrfToken }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(refused.status).toBe(400);
      const html = await refused.text();
      expect(html).toContain('error-summary');
      expect(html).toContain('Dry ore cannot weigh more than wet ore');
      expect(html).toContain('The grade must be between 0 and 100');
      expect(html).toContain('Name the buyer');
      expect(html).toContain('value="P-9"');
      expect(await journalSize(t.db)).toBe(sizeBefore);

      const accepted = await post('/sites/KAM/production/new', { ...fields, dryOreTonnes: '5', gradePercent: '9.5', buyer: 'EGC depot' }, { field: 'evidence', name: 'assay.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]) });
      expect(accepted.status, await accepted.clone().text()).toBe(303);
      expect(accepted.headers.get('location')).toMatch(/^\/sites\/KAM\/production\?year=2019&declared=\d+$/);
      const page = await (await session.request(accepted.headers.get('location')!)).text();
      expect(page).toContain('recorded');
      expect(page).toContain('EGC depot');
    });

    it('reads a decimal comma from a French reader', async () => {
      const response = await post('/sites/KAM/production/new?lang=fr', { mineral: 'copper', producedOn: '2019-07-02', wetOreTonnes: '5,5', dryOreTonnes: '5,25', gradePercent: '2,5', buyer: 'EGC' });
      expect(response.status).toBe(303);
      const [row] = await effectiveDeclarations(t.db, { siteId: site.id, mineral: 'copper', from: '2019-07-02', to: '2019-07-02' });
      expect(row).toMatchObject({ wetOreKg: 5_500, dryOreKg: 5_250, gradeBasisPoints: 250, containedKg: 131 });
    });

    it('corrects through the form and shows corrections as such', async () => {
      const original = await declareDirect(site.id, { producedOn: '2019-08-01' });
      const form = await (await session.request(`/sites/KAM/production/${original.id}/correct`)).text();
      expect(form).toContain('value="10.000"');
      const response = await post(`/sites/KAM/production/${original.id}/correct`, { reason: 'slip misread', producedOn: '2019-08-01', wetOreTonnes: '12', dryOreTonnes: '9', gradePercent: '10', buyer });
      expect(response.status, await response.clone().text()).toBe(303);
      const page = await (await session.request('/sites/KAM/production?year=2019')).text();
      expect(page).toContain(`Corrected by no. `);
      expect(page).toContain(`Corrects no. ${original.id}`);
      const again = await (await session.request(`/sites/KAM/production/${original.id}/correct`)).text();
      expect(again).toContain('Correct the newest entry instead');
    });

    it('imports through upload, report and confirmation', async () => {
      const file = Buffer.from('produced_on,mineral,lot_reference,wet_ore_t,dry_ore_t,grade_percent,buyer\n2019-09-01,cobalt,W1,3,2,10,EGC depot\n');
      const report = await post('/sites/KAM/production/import', { step: 'check' }, { field: 'file', name: 'p.csv', content: file });
      const html = await report.text();
      expect(report.status).toBe(200);
      expect(html).toContain('1 new declaration will be imported');
      expect(await journalSize(t.db)).toBe(sizeBefore);
      const content = /name="content" value="([^"]+)"/.exec(html)![1]!;
      const done = await post('/sites/KAM/production/import', { step: 'confirm', filename: 'p.csv', content });
      expect(await done.text()).toContain('1 declaration imported');
      expect(await journalSize(t.db)).toBe(sizeBefore + 1);
      const bad = await post('/sites/KAM/production/import', { step: 'check' }, { field: 'file', name: 'p.csv', content: Buffer.from(file.toString().replace(',2,10,', ',4,10,')) });
      expect(bad.status).toBe(422);
      expect(await bad.text()).toContain('dry_ore_t');
    });

    it('keeps the forms from roles that may not declare', async () => {
      const buyerUser = await t.buildUser({ role: 'buyer' });
      const buyerSession = await t.signIn(buyerUser.email, buyerUser.password);
      expect((await buyerSession.request('/sites/KAM/production/new')).status).toBe(403);
      expect((await buyerSession.request('/sites/KAM/production/import')).status).toBe(403);
      expect((await t.app.request('/sites/KAM/production/new')).status).toBe(303);
    });
  });
});
