import { Validator } from '@seriousme/openapi-schema-validator';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import { journalSize, recentEvents, runCommand } from '../journal/public.ts';
import { addMonths } from '../core/calendar.ts';
import { recordQualification } from './commands/sites/record-qualification.ts';
import { findSiteByCode, listOperatorGroups, listPits, pitCounts } from './queries/sites.ts';
import { sites } from './schema.ts';
import { expectApiRefusal } from '../../test/expect.ts';

let t: TestContext;
let admin: string;
let cooperative: { id: number; code: string };
let sizeBefore: number;

beforeAll(async () => {
  t = await createTestContext();
  admin = (await t.buildToken({ role: 'admin' })).token;
  cooperative = await t.buildOrganisation({ kind: 'cooperative', code: 'cmds', name: 'Coopérative Minière pour le Développement Social' });
});
afterAll(() => t.close());
beforeEach(async () => {
  sizeBefore = await journalSize(t.db);
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const post = (path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${admin}` }) => t.app.request(`/api/v1${path}`, jsonRequest('POST', body, headers));
const patch = (path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${admin}` }) => t.app.request(`/api/v1${path}`, jsonRequest('PATCH', body, headers));

const kamilombe = {
  code: 'KAM',
  name: 'Kamilombe',
  province: 'Lualaba',
  town: 'Kolwezi',
  latitude: -10.716742,
  longitude: 25.472211,
  concessionHolder: 'Entreprise Générale du Cobalt',
  cooperative: 'cmds',
};

/** The API refused, and nothing was written. */
async function expectRefusedUnchanged(response: Response, status: number, code: string) {
  const error = await expectApiRefusal(response, status, code);
  expect(await journalSize(t.db)).toBe(sizeBefore);
  return error;
}

async function newSite(code: string) {
  const response = await post('/sites', { ...kamilombe, code, name: `Site ${code}` });
  expect(response.status).toBe(201);
  return (await findSiteByCode(t.db, code))!;
}

describe('Sites', () => {
  describe('createSite', () => {
    it('creates a site with integer coordinates and the eight default operator groups in English and French, in one event', async () => {
      const response = await post('/sites', kamilombe);
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({ code: 'KAM', latitude: -10.716742, longitude: 25.472211, cooperative: { code: 'cmds' }, status: 'active', qualification: null });
      const [row] = await t.db.select().from(sites).where(eq(sites.code, 'KAM'));
      expect(row).toMatchObject({ latitudeE6: -10_716_742, longitudeE6: 25_472_211, cooperativeOrganisationId: cooperative.id });
      const groups = await listOperatorGroups(t.db, row!.id);
      expect(groups.map((g) => g.code)).toEqual(['diggers', 'pit_owners', 'washers', 'transporters', 'sellers', 'depot_workers', 'sanitation_agents', 'safety_captains']);
      expect(groups.find((g) => g.code === 'diggers')).toMatchObject({ labelEn: 'Diggers', labelFr: 'Creuseurs' });
      expect(await journalSize(t.db)).toBe(sizeBefore + 1);
      const [event] = await recentEvents(t.db, 1);
      expect(event).toMatchObject({ type: 'sites.site_created', subject: 'site:KAM' });
    });

    it('refuses a code already taken with 409', async () => {
      await expectRefusedUnchanged(await post('/sites', kamilombe), 409, 'site_code_taken');
    });

    it('refuses a cooperative that does not exist, or an organisation that is not a cooperative, with 422', async () => {
      await expectRefusedUnchanged(await post('/sites', { ...kamilombe, code: 'NOCO', cooperative: 'nobody' }), 422, 'cooperative_not_found');
      const buyer = await t.buildOrganisation({ kind: 'buyer' });
      sizeBefore = await journalSize(t.db);
      await expectRefusedUnchanged(await post('/sites', { ...kamilombe, code: 'BUYR', cooperative: buyer.code }), 422, 'organisation_not_cooperative');
    });

    it('refuses bad input with 400 and writes nothing', async () => {
      for (const body of [
        { ...kamilombe, code: 'kam' },
        { ...kamilombe, code: 'TOOLONGX' },
        { ...kamilombe, code: 'LAT', latitude: 91 },
        { ...kamilombe, code: 'LON', longitude: -180.5 },
        { ...kamilombe, code: 'NAM', name: '   ' },
        { ...kamilombe, code: 'EXT', isPublic: true },
        { ...kamilombe, code: 'STR', latitude: '-10.7' },
      ]) {
        await expectRefusedUnchanged(await post('/sites', body), 400, 'validation_failed');
      }
    });
  });

  describe('recordQualification', () => {
    it('sets the next review 12 months after a green decision and 6 after a yellow one, none for red or blue', async () => {
      await newSite('QUAL');
      const cases = [
        { level: 'green', qualifiedOn: '2023-03-15', next: '2024-03-15' },
        { level: 'yellow', qualifiedOn: '2023-08-31', next: '2024-02-29' },
        { level: 'red', qualifiedOn: '2023-09-01', next: null },
        { level: 'blue', qualifiedOn: '2023-10-01', next: null },
      ];
      for (const { level, qualifiedOn, next } of cases) {
        const response = await post('/sites/QUAL/qualifications', { level, qualifiedOn, decidedBy: 'Mission conjointe de qualification' });
        expect(response.status).toBe(201);
        expect(await response.json()).toMatchObject({ level, qualifiedOn, nextReviewOn: next });
      }
      expect(addMonths('2024-08-31', 6)).toBe('2025-02-28');
      expect(addMonths('2024-12-15', 12)).toBe('2025-12-15');
    });

    it('takes the latest decision by date as the current one, whatever the order they were recorded in', async () => {
      const site = await newSite('CURR');
      await runCommand(t.db, system, (ctx) => recordQualification(ctx, { siteId: site.id, level: 'green', qualifiedOn: '2024-05-01', decidedBy: 'CAMI' }));
      await runCommand(t.db, system, (ctx) => recordQualification(ctx, { siteId: site.id, level: 'yellow', qualifiedOn: '2023-05-01', decidedBy: 'CAMI' }));
      expect((await findSiteByCode(t.db, 'CURR'))!.qualification).toMatchObject({ level: 'green', nextReviewOn: '2025-05-01' });
    });

    it('refuses an unknown site (404), a date that does not exist (400) or lies in the future (422), and an unknown level (400)', async () => {
      const body = { level: 'green', qualifiedOn: '2024-01-01', decidedBy: 'CAMI' };
      await expectRefusedUnchanged(await post('/sites/NONE/qualifications', body), 404, 'site_not_found');
      await expectRefusedUnchanged(await post('/sites/QUAL/qualifications', { ...body, qualifiedOn: '2023-02-30' }), 400, 'validation_failed');
      await expectRefusedUnchanged(await post('/sites/QUAL/qualifications', { ...body, qualifiedOn: '2999-01-01' }), 422, 'date_in_future');
      await expectRefusedUnchanged(await post('/sites/QUAL/qualifications', { ...body, level: 'orange' }), 400, 'validation_failed');
    });
  });

  describe('pits', () => {
    it('adds pits, updates one, and counts them', async () => {
      const site = await newSite('PIT');
      sizeBefore = await journalSize(t.db);
      const added = await post('/sites/PIT/pits', { pits: [{ code: 'P-001', covered: true }, { code: 'P-002', covered: false }, { code: 'P-003', covered: false }] });
      expect(added.status).toBe(201);
      expect(await journalSize(t.db)).toBe(sizeBefore + 1);
      const updated = await patch('/sites/PIT/pits/P-002', { covered: true });
      expect(updated.status).toBe(200);
      expect(await updated.json()).toEqual({ code: 'P-002', covered: true, active: true });
      expect((await patch('/sites/PIT/pits/P-003', { active: false })).status).toBe(200);
      expect(await pitCounts(t.db, site.id)).toEqual({ total: 3, covered: 2, active: 2, activeCovered: 2 });
      expect((await listPits(t.db, site.id)).map((p) => p.code)).toEqual(['P-001', 'P-002', 'P-003']);
    });

    it('refuses a code already used at the site, or repeated in the list, with 409, adding none of the list', async () => {
      await expectRefusedUnchanged(await post('/sites/PIT/pits', { pits: [{ code: 'P-004', covered: false }, { code: 'P-001', covered: false }] }), 409, 'pit_already_exists');
      await expectRefusedUnchanged(await post('/sites/PIT/pits', { pits: [{ code: 'P-005', covered: false }, { code: 'P-005', covered: true }] }), 409, 'pit_already_exists');
      const site = (await findSiteByCode(t.db, 'PIT'))!;
      expect((await pitCounts(t.db, site.id)).total).toBe(3);
    });

    it('refuses an empty list, a bad code, an unknown pit and an empty change', async () => {
      await expectRefusedUnchanged(await post('/sites/PIT/pits', { pits: [] }), 400, 'validation_failed');
      await expectRefusedUnchanged(await post('/sites/PIT/pits', { pits: [{ code: 'p 1', covered: false }] }), 400, 'validation_failed');
      await expectRefusedUnchanged(await patch('/sites/PIT/pits/P-999', { covered: true }), 404, 'pit_not_found');
      await expectRefusedUnchanged(await patch('/sites/PIT/pits/P-001', {}), 400, 'validation_failed');
    });
  });

  describe('operator groups', () => {
    it('adds a group and refuses the same code twice', async () => {
      const response = await post('/sites/KAM/operator-groups', { code: 'mechanics', labelEn: 'Mechanics', labelFr: 'Mécaniciens' });
      expect(response.status).toBe(201);
      sizeBefore = await journalSize(t.db);
      await expectRefusedUnchanged(await post('/sites/KAM/operator-groups', { code: 'mechanics', labelEn: 'Mechanics', labelFr: 'Mécaniciens' }), 409, 'operator_group_exists');
      await expectRefusedUnchanged(await post('/sites/KAM/operator-groups', { code: 'Mechanics!', labelEn: 'M', labelFr: 'M' }), 400, 'validation_failed');
    });
  });

  describe('who may administer sites', () => {
    const routes = [
      { name: 'POST /sites', run: (h: Record<string, string>) => post('/sites', { ...kamilombe, code: 'ROLE' }, h) },
      { name: 'POST /sites/{code}/qualifications', run: (h: Record<string, string>) => post('/sites/KAM/qualifications', { level: 'green', qualifiedOn: '2024-01-01', decidedBy: 'CAMI' }, h) },
      { name: 'POST /sites/{code}/pits', run: (h: Record<string, string>) => post('/sites/KAM/pits', { pits: [{ code: 'R-1', covered: false }] }, h) },
      { name: 'PATCH /sites/{code}/pits/{pitCode}', run: (h: Record<string, string>) => patch('/sites/PIT/pits/P-001', { covered: false }, h) },
      { name: 'POST /sites/{code}/operator-groups', run: (h: Record<string, string>) => post('/sites/KAM/operator-groups', { code: 'role_test', labelEn: 'R', labelFr: 'R' }, h) },
    ];
    for (const route of routes) {
      it(`${route.name}: only the secretariat`, async () => {
        const field = await t.buildToken({ role: 'field' });
        const ownCooperative = await t.buildToken({ role: 'cooperative', organisationId: cooperative.id });
        const verifier = await t.buildToken({ role: 'verifier' });
        const buyer = await t.buildToken({ role: 'buyer' });
        sizeBefore = await journalSize(t.db);
        for (const token of [field, ownCooperative, verifier, buyer]) await expectRefusedUnchanged(await route.run(bearer(token.token)), 403, 'forbidden');
        await expectRefusedUnchanged(await route.run({}), 401, 'unauthenticated');
      });
    }
  });
});

describe('Site administration API reference', () => {
  it('documents every route in a valid OpenAPI document', async () => {
    const document = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations).toEqual(
      expect.arrayContaining(['POST /sites', 'POST /sites/{code}/qualifications', 'POST /sites/{code}/pits', 'PATCH /sites/{code}/pits/{pitCode}', 'POST /sites/{code}/operator-groups']),
    );
  });
});

describe('Site administration pages', () => {
  let session: Awaited<ReturnType<TestContext['signIn']>>;
  const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

  beforeAll(async () => {
    const user = await t.buildUser({ role: 'admin' });
    session = await t.signIn(user.email, user.password);
  });

  it('shows the new-site form and creates a site from it', async () => {
    const page = await session.request('/sites/new');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Coopérative Minière pour le Développement Social');
    const created = await session.request('/sites/new', form({ name: 'Mutoshi', code: 'MUT', province: 'Lualaba', town: 'Kolwezi', latitude: '-10.65', longitude: '25.5', concessionHolder: 'Chemaf', cooperative: 'cmds' }));
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toBe('/sites/MUT/manage?done=site_created');
    expect((await findSiteByCode(t.db, 'MUT'))!.latitudeE6).toBe(-10_650_000);
  });

  it('gives the form back filled in, with every error, in French too', async () => {
    const response = await session.request('/sites/new?lang=fr', form({ name: 'Sans code', code: 'x', province: '', town: 'Kolwezi', latitude: '-100', longitude: 'est', concessionHolder: 'EGC', cooperative: 'cmds' }));
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('Saisissez un code de 3 à 6 lettres majuscules');
    expect(html).toContain('Saisissez une latitude entre -90 et 90');
    expect(html).toContain('Saisissez la province');
    expect(html).toContain('value="Sans code"');
    expect(await journalSize(t.db)).toBe(sizeBefore);
  });

  it('records a qualification, adds pits from a list, covers a pit and adds a group from the manage page', async () => {
    expect((await session.request('/sites/MUT/manage')).status).toBe(200);
    expect((await session.request('/sites/MUT/manage/qualification', form({ level: 'yellow', qualifiedOn: '2024-02-01', decidedBy: 'CAMI' }))).status).toBe(303);
    expect((await session.request('/sites/MUT/manage/pits', form({ pitCodes: 'm-1\nm-2, m-3', pitsCovered: 'no' }))).status).toBe(303);
    expect((await session.request('/sites/MUT/manage/pits/M-2', form({ covered: 'yes' }))).status).toBe(303);
    expect((await session.request('/sites/MUT/manage/operator-groups', form({ groupCode: 'guards', labelEn: 'Guards', labelFr: 'Gardiens' }))).status).toBe(303);
    const site = (await findSiteByCode(t.db, 'MUT'))!;
    expect(site.qualification).toMatchObject({ level: 'yellow', nextReviewOn: '2024-08-01' });
    expect(await pitCounts(t.db, site.id)).toMatchObject({ total: 3, covered: 1 });
    const html = await (await session.request('/sites/MUT/manage?done=pits_added&count=3')).text();
    expect(html).toContain('3 pits added.');
    expect(html).toContain('Guards');
    expect(html).toContain('Next review by');
  });

  it('shows a repeated pit code beside the field, keeping the list', async () => {
    sizeBefore = await journalSize(t.db);
    const response = await session.request('/sites/MUT/manage/pits', form({ pitCodes: 'M-1\nM-9', pitsCovered: 'no' }));
    expect(response.status).toBe(409);
    const html = await response.text();
    expect(html).toContain('already used at this site');
    expect(html).toContain('M-1\nM-9');
    expect(await journalSize(t.db)).toBe(sizeBefore);
  });

  it('is for the secretariat only', async () => {
    const user = await t.buildUser({ role: 'cooperative', organisationId: cooperative.id });
    const coop = await t.signIn(user.email, user.password);
    expect((await coop.request('/sites/new')).status).toBe(403);
    expect((await coop.request('/sites/MUT/manage')).status).toBe(403);
    expect((await t.app.request('/sites/new')).status).toBe(303);
  });
});

