import { Writable } from 'node:stream';
import { Validator } from '@seriousme/openapi-schema-validator';
import { count, eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, journalEventTexts, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import { commitPersonalData } from '../core/commitment.ts';
import { journalSize, runCommand } from '../journal/public.ts';
import { createSite } from './commands/sites/create-site.ts';
import { comparableName, workerIdentityHash } from './worker-records.ts';
import { headcount, headcountTotals, listChildReferrals, listWorkers } from './queries/workers.ts';
import { childReferrals, workers } from './schema.ts';
import { expectApiRefusal } from '../../test/expect.ts';

let t: TestContext;
let admin: string;
let kam: { id: number; code: string };
let cooperative: { id: number; code: string };
let otherCooperative: { id: number; code: string };
let sizeBefore: number;

beforeAll(async () => {
  t = await createTestContext();
  admin = (await t.buildToken({ role: 'admin' })).token;
  cooperative = await t.buildOrganisation({ kind: 'cooperative', code: 'cmds' });
  otherCooperative = await t.buildOrganisation({ kind: 'cooperative', code: 'comikat' });
  const site = (props: { code: string; cooperative: string }) =>
    runCommand(t.db, system, (ctx) =>
      createSite(ctx, { ...props, name: `Site ${props.code}`, province: 'Lualaba', town: 'Kolwezi', latitudeE6: -10_716_700, longitudeE6: 25_472_200, concessionHolder: 'EGC' }),
    );
  kam = await site({ code: 'KAM', cooperative: 'cmds' });
  await site({ code: 'OTH', cooperative: 'comikat' });
});
afterAll(() => t.close());
beforeEach(async () => {
  sizeBefore = await journalSize(t.db);
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const post = (path: string, body: unknown, headers: Record<string, string> = bearer(admin)) => t.app.request(`/api/v1${path}`, jsonRequest('POST', body, headers));
const get = (path: string, headers: Record<string, string> = bearer(admin)) => t.app.request(`/api/v1${path}`, { headers });

const amani = { fullName: 'Amani Kabongo Mwélwa', sex: 'female', birthYear: 1990, operatorGroup: 'washers', idNumber: 'CD-ELEC-4471-0923', registeredOn: '2024-01-10' };
const thisYear = new Date().getUTCFullYear();

/** The API refused, and nothing was written. */
async function expectRefusedUnchanged(response: Response, status: number, code: string) {
  const error = await expectApiRefusal(response, status, code);
  expect(await journalSize(t.db)).toBe(sizeBefore);
  return error;
}

async function lastEvent() {
  const size = await journalSize(t.db);
  const body = (await (await t.app.request(`/api/v1/journal/entries?start=${size - 1}&limit=1`)).json()) as { entries: { bytes: string }[] };
  return JSON.parse(Buffer.from(body.entries[0]!.bytes, 'base64').toString('utf8')) as { type: string; subject: string; payload: Record<string, unknown> };
}

async function allJournalText() {
  const size = await journalSize(t.db);
  const texts = await journalEventTexts(t.app);
  expect(texts.length).toBe(size);
  return texts.join('\n');
}

const workerCount = async () => Number((await t.db.select({ n: count() }).from(workers))[0]!.n);
const referralCount = async () => Number((await t.db.select({ n: count() }).from(childReferrals))[0]!.n);

describe('Worker register', () => {
  describe('registerWorker', () => {
    it('registers an adult with a pseudonymous code, and the journal learns only the code, group, sex and a commitment', async () => {
      const response = await post('/sites/KAM/workers', amani);
      expect(response.status).toBe(201);
      const worker = (await response.json()) as { code: string };
      expect(worker).toMatchObject({ code: expect.stringMatching(/^w-[0-9a-z]{10}$/), fullName: amani.fullName, group: 'washers', exitedOn: null });
      expect(await journalSize(t.db)).toBe(sizeBefore + 1);
      const event = await lastEvent();
      const [row] = await t.db.select().from(workers).where(eq(workers.code, worker.code));
      expect(event).toMatchObject({ type: 'sites.worker_registered', subject: `worker:${worker.code}` });
      expect(event.payload).toEqual({
        site: 'KAM',
        worker: worker.code,
        group: 'washers',
        sex: 'female',
        personalData: commitPersonalData(row!.commitmentSalt, { fullName: amani.fullName, birthYear: 1990, idNumber: amani.idNumber }),
      });
      expect(row!.identityHash).toEqual(workerIdentityHash({ siteCode: 'KAM', fullName: 'amani  kabongo MWELWA ', birthYear: 1990, sex: 'female' }));
    });

    it('takes the same name in another case, spacing or accents for the same person: 409, nothing written', async () => {
      expect(comparableName('  Amani KABONGO   Mwelwa ')).toBe('amani kabongo mwelwa');
      await expectRefusedUnchanged(await post('/sites/KAM/workers', { ...amani, fullName: '  Amani KABONGO   Mwelwa ', idNumber: null }), 409, 'worker_already_registered');
    });

    it('registers a person who turns 18 in the year of registration', async () => {
      const response = await post('/sites/KAM/workers', { ...amani, fullName: 'Jean-Pierre Ilunga', sex: 'male', birthYear: 2006, operatorGroup: 'diggers', idNumber: null, registeredOn: '2024-03-01' });
      expect(response.status).toBe(201);
    });

    it('refuses bad input with a clear 4xx and writes nothing', async () => {
      const workersBefore = await workerCount();
      await expectRefusedUnchanged(await post('/sites/KAM/workers', { ...amani, fullName: 'X Y', operatorGroup: 'astronauts' }), 422, 'operator_group_unknown');
      await expectRefusedUnchanged(await post('/sites/KAM/workers', { ...amani, fullName: 'X Y', birthYear: 2030, registeredOn: '2024-01-01' }), 422, 'birth_year_after_registration');
      await expectRefusedUnchanged(await post('/sites/KAM/workers', { ...amani, fullName: 'X Y', birthYear: 1901, registeredOn: '2024-01-01' }), 422, 'birth_year_impossible');
      await expectRefusedUnchanged(await post('/sites/KAM/workers', { ...amani, fullName: 'X Y', registeredOn: `${thisYear + 1}-01-01` }), 422, 'date_in_future');
      for (const body of [
        { ...amani, fullName: 'X Y', birthYear: -5 },
        { ...amani, fullName: 'X Y', birthYear: 1990.5 },
        { ...amani, fullName: 'X Y', registeredOn: '2024-13-01' },
        { ...amani, fullName: 'X Y', registeredOn: '10/01/2024' },
        { ...amani, fullName: 'X Y', sex: 'x' },
        { ...amani, fullName: ' ' },
        { ...amani, fullName: 'X Y', photoUrl: 'http://x' },
        { ...amani, fullName: 'X Y', idNumber: 'x'.repeat(51) },
      ]) {
        await expectRefusedUnchanged(await post('/sites/KAM/workers', body), 400, 'validation_failed');
      }
      await expectRefusedUnchanged(await post('/sites/NOPE/workers', amani), 404, 'site_not_found');
      expect(await workerCount()).toBe(workersBefore);
    });
  });

  describe('a person under 18', () => {
    const minor = { fullName: 'Grâce Mujinga', sex: 'female', birthYear: 2008, operatorGroup: 'washers', idNumber: 'CD-SCOL-0042', registeredOn: '2024-05-02' };
    let referralCode: string;

    it('is refused for site work with 422 worker_under_18 and referred for child protection instead', async () => {
      const workersBefore = await workerCount();
      const response = await post('/sites/KAM/workers', minor);
      expect(response.status).toBe(422);
      const body = (await response.json()) as { error: { code: string; message: string; details: { referralCode: string } } };
      expect(body.error.code).toBe('worker_under_18');
      referralCode = body.error.details.referralCode;
      expect(referralCode).toMatch(/^c-[0-9a-z]{10}$/);
      expect(body.error.message).toContain('16 years old');
      expect(body.error.message).toContain('referred for child protection');
      expect(body.error.message).toContain(referralCode);
      expect(await workerCount()).toBe(workersBefore);
      expect(await journalSize(t.db)).toBe(sizeBefore + 1);
      const event = await lastEvent();
      const [referral] = await t.db.select({ id: childReferrals.id }).from(childReferrals).where(eq(childReferrals.code, referralCode));
      expect(event).toMatchObject({ type: 'sites.child_referred', subject: `child_referral:${referral!.id}` });
      expect(event.payload).toEqual({ referral: referral!.id, site: 'KAM' });
    });

    it('keeps no name or ID number in the referral, only a case code, age, sex, group, site, date, source and identity hash', async () => {
      const [row] = await t.db.select().from(childReferrals).where(eq(childReferrals.code, referralCode));
      expect(row).toMatchObject({ siteId: kam.id, sex: 'female', ageYears: 16, referredOn: '2024-05-02', source: 'worker_registration', status: 'new' });
      expect(row!.identityHash).toEqual(workerIdentityHash({ siteCode: 'KAM', fullName: minor.fullName, birthYear: 2008, sex: 'female' }));
      const text = JSON.stringify(row);
      expect(text).not.toContain('Mujinga');
      expect(text).not.toContain(minor.idNumber);
      const listed = await listChildReferrals(t.db, kam.id);
      expect(listed.find((r) => r.code === referralCode)).toMatchObject({ groupCode: 'washers', ageYears: 16 });
    });

    it('is referred once: coming again gives the same case code and writes nothing', async () => {
      const referralsBefore = await referralCount();
      const body = await expectRefusedUnchanged(await post('/sites/KAM/workers', { ...minor, fullName: 'grace  MUJINGA' }), 422, 'worker_under_18');
      expect(body.details).toEqual({ referralCode });
      expect(await referralCount()).toBe(referralsBefore);
    });

    it('is told so in French', async () => {
      const response = await post('/sites/KAM/workers', minor, { ...bearer(admin), 'accept-language': 'fr' });
      const body = (await response.json()) as { error: { message: string } };
      expect(body.error.message).toContain('ne peut pas être enregistrée pour travailler sur le site');
      expect(body.error.message).toContain('protection de l’enfance');
    });
  });

  describe('recordWorkerExit', () => {
    let code: string;
    beforeAll(async () => {
      const response = await post('/sites/KAM/workers', { fullName: 'Patrick Tshibangu', sex: 'male', birthYear: 1985, operatorGroup: 'transporters', registeredOn: '2024-02-01' });
      code = ((await response.json()) as { code: string }).code;
    });

    it('refuses an exit before registration, in the future, or for an unknown worker', async () => {
      sizeBefore = await journalSize(t.db);
      await expectRefusedUnchanged(await post(`/sites/KAM/workers/${code}/exit`, { exitedOn: '2024-01-31' }), 422, 'exit_before_registration');
      await expectRefusedUnchanged(await post(`/sites/KAM/workers/${code}/exit`, { exitedOn: `${thisYear + 1}-01-01` }), 422, 'date_in_future');
      await expectRefusedUnchanged(await post(`/sites/KAM/workers/w-nobody/exit`, { exitedOn: '2024-03-01' }), 404, 'worker_not_found');
      await expectRefusedUnchanged(await post(`/sites/OTH/workers/${code}/exit`, { exitedOn: '2024-03-01' }), 404, 'worker_not_found');
      await expectRefusedUnchanged(await post(`/sites/KAM/workers/${code}/exit`, { exitedOn: '2024-02-30' }), 400, 'validation_failed');
    });

    it('records the exit once', async () => {
      const response = await post(`/sites/KAM/workers/${code}/exit`, { exitedOn: '2024-03-01' });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ code, exitedOn: '2024-03-01' });
      expect(await lastEvent()).toMatchObject({ type: 'sites.worker_exited', payload: { site: 'KAM', worker: code, exitedOn: '2024-03-01' } });
      sizeBefore = await journalSize(t.db);
      await expectRefusedUnchanged(await post(`/sites/KAM/workers/${code}/exit`, { exitedOn: '2024-04-01' }), 409, 'worker_already_exited');
    });
  });

  describe('headcount', () => {
    // Amani (washer, F) from 2024-01-10; Jean-Pierre (digger, M) from 2024-03-01; Patrick (transporter, M) 2024-02-01 to 2024-03-01.
    it('counts workers registered on or before the day and not yet gone, by group and sex', async () => {
      const on = async (day: string) => headcountTotals(t.db, { siteId: kam.id, on: day });
      expect(await on('2024-01-09')).toEqual({ female: 0, male: 0, total: 0 });
      expect(await on('2024-01-10')).toEqual({ female: 1, male: 0, total: 1 });
      expect(await on('2024-02-15')).toEqual({ female: 1, male: 1, total: 2 });
      expect(await on('2024-03-01')).toEqual({ female: 1, male: 1, total: 2 });
      const rows = await headcount(t.db, { siteId: kam.id, on: '2024-02-15' });
      expect(rows).toHaveLength(8);
      expect(rows.find((r) => r.groupCode === 'transporters')).toEqual({ groupCode: 'transporters', labelEn: 'Transporters', labelFr: 'Transporteurs', female: 0, male: 1, total: 1 });
      expect(rows.find((r) => r.groupCode === 'diggers')!.total).toBe(0);
      expect((await headcount(t.db, { siteId: kam.id, on: '2024-03-01' })).find((r) => r.groupCode === 'transporters')!.total).toBe(0);
    });

    it('is public, counts only', async () => {
      const response = await t.app.request('/api/v1/sites/KAM/headcount?on=2024-02-15');
      expect(response.status).toBe(200);
      const body = (await response.json()) as { site: string; on: string; totals: unknown; groups: unknown[] };
      expect(body).toMatchObject({ site: 'KAM', on: '2024-02-15', totals: { female: 1, male: 1, total: 2 } });
      expect(body.groups).toHaveLength(8);
      expect((await t.app.request('/api/v1/sites/KAM/headcount?on=2024-02-31')).status).toBe(400);
      expect((await t.app.request('/api/v1/sites/NOPE/headcount')).status).toBe(404);
    });
  });

  describe('listWorkers', () => {
    it('filters by group, sex and the day, and pages', async () => {
      const all = await listWorkers(t.db, { siteId: kam.id, limit: 50, offset: 0 });
      expect(all.total).toBe(3);
      expect((await listWorkers(t.db, { siteId: kam.id, sex: 'male', limit: 50, offset: 0 })).total).toBe(2);
      expect((await listWorkers(t.db, { siteId: kam.id, group: 'washers', limit: 50, offset: 0 })).rows.map((w) => w.fullName)).toEqual([amani.fullName]);
      expect((await listWorkers(t.db, { siteId: kam.id, activeOn: '2024-03-15', limit: 50, offset: 0 })).total).toBe(2);
      const page = await listWorkers(t.db, { siteId: kam.id, limit: 1, offset: 1 });
      expect(page).toMatchObject({ total: 3, rows: [{ fullName: 'Jean-Pierre Ilunga' }] });
    });

    it('answers the API with names for a reader the policy admits', async () => {
      const response = await get('/sites/KAM/workers?sex=female&limit=10');
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ total: 1, limit: 10, offset: 0, workers: [{ fullName: amani.fullName, idNumber: amani.idNumber, group: 'washers' }] });
      expect((await get('/sites/KAM/workers?limit=500')).status).toBe(400);
    });
  });
});

describe('Who may see and change the register', () => {
  // 'field' is the secretariat's field officer; 'own field' and 'other field' are field users of the
  // site's cooperative and of another cooperative; 'partner field' is a case-management partner's.
  type Who = 'admin' | 'field' | 'own cooperative' | 'own field' | 'other cooperative' | 'other field' | 'partner field' | 'verifier' | 'buyer' | 'committee' | 'anonymous';
  const tokens = new Map<Who, string>();
  let workerCode: string;
  let photographed: string;
  let n = 0;
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR-fake-face-pixels')]);
  const photoForm = () => {
    const body = new FormData();
    body.append('photo', new File([new Uint8Array(png)], 'face.png'));
    return body;
  };

  beforeAll(async () => {
    tokens.set('admin', admin);
    tokens.set('field', (await t.buildToken({ role: 'field' })).token);
    tokens.set('own field', (await t.buildToken({ role: 'field', organisationId: cooperative.id })).token);
    tokens.set('other field', (await t.buildToken({ role: 'field', organisationId: otherCooperative.id })).token);
    tokens.set('partner field', (await t.buildToken({ role: 'field', organisationId: (await t.buildOrganisation({ kind: 'partner' })).id })).token);
    tokens.set('own cooperative', (await t.buildToken({ role: 'cooperative', organisationId: cooperative.id })).token);
    tokens.set('other cooperative', (await t.buildToken({ role: 'cooperative', organisationId: otherCooperative.id })).token);
    tokens.set('verifier', (await t.buildToken({ role: 'verifier' })).token);
    tokens.set('buyer', (await t.buildToken({ role: 'buyer' })).token);
    tokens.set('committee', (await t.buildToken({ role: 'committee', organisationId: cooperative.id })).token);
    const created = await post('/sites/KAM/workers', { fullName: 'Photo Person', sex: 'male', birthYear: 1985, operatorGroup: 'diggers', registeredOn: '2024-01-01' });
    photographed = ((await created.json()) as { code: string }).code;
    expect((await t.app.request(`/api/v1/sites/KAM/workers/${photographed}/photo`, { method: 'POST', body: photoForm(), headers: bearer(admin) })).status).toBe(201);
  });

  const headers = (who: Who): Record<string, string> => (who === 'anonymous' ? {} : bearer(tokens.get(who)!));
  const csv = () => new File([`full_name,sex,birth_year,operator_group,registered_on\nMatrix Person ${++n},M,1980,diggers,2024-01-01\n`], 'w.csv', { type: 'text/csv' });
  /** The register is personal data: the secretariat's admins and field officers, and the people of the site's own cooperative. */
  const registerKeepers: Who[] = ['admin', 'field', 'own cooperative', 'own field'];
  const routes: { name: string; allowed: Who[]; run: (who: Who) => Response | Promise<Response> }[] = [
    { name: 'GET /sites/{code}/workers', allowed: registerKeepers, run: (who) => get('/sites/KAM/workers', headers(who)) },
    {
      name: 'POST /sites/{code}/workers',
      allowed: registerKeepers,
      run: (who) => post('/sites/KAM/workers', { fullName: `Matrix Person ${++n}`, sex: 'male', birthYear: 1980, operatorGroup: 'diggers', registeredOn: '2024-01-01' }, headers(who)),
    },
    {
      name: 'POST /sites/{code}/workers/{workerCode}/exit',
      allowed: registerKeepers,
      run: async (who) => {
        const created = await post('/sites/KAM/workers', { fullName: `Exit Person ${++n}`, sex: 'male', birthYear: 1980, operatorGroup: 'diggers', registeredOn: '2024-01-01' });
        workerCode = ((await created.json()) as { code: string }).code;
        return post(`/sites/KAM/workers/${workerCode}/exit`, { exitedOn: '2024-02-01' }, headers(who));
      },
    },
    {
      name: 'POST /sites/{code}/workers/import',
      allowed: registerKeepers,
      run: (who) => {
        const body = new FormData();
        body.append('file', csv());
        return t.app.request('/api/v1/sites/KAM/workers/import?dry_run=false', { method: 'POST', body, headers: headers(who) });
      },
    },
    { name: 'GET /sites/{code}/workers/{workerCode}/photo', allowed: registerKeepers, run: (who) => get(`/sites/KAM/workers/${photographed}/photo`, headers(who)) },
    {
      name: 'POST /sites/{code}/workers/{workerCode}/photo',
      allowed: registerKeepers,
      run: (who) => t.app.request(`/api/v1/sites/KAM/workers/${photographed}/photo`, { method: 'POST', body: photoForm(), headers: headers(who) }),
    },
    // Children referred for protection are followed by the secretariat's field officers, not a cooperative's or a partner's.
    { name: 'GET /sites/{code}/child-referrals', allowed: ['admin', 'field'], run: (who) => get('/sites/KAM/child-referrals', headers(who)) },
    {
      name: 'GET /sites/{code}/headcount',
      allowed: ['admin', 'field', 'own cooperative', 'own field', 'other cooperative', 'other field', 'partner field', 'verifier', 'buyer', 'committee', 'anonymous'],
      run: (who) => get('/sites/KAM/headcount', headers(who)),
    },
  ];
  const everyone: Who[] = ['admin', 'field', 'own cooperative', 'own field', 'other cooperative', 'other field', 'partner field', 'verifier', 'buyer', 'committee', 'anonymous'];

  for (const route of routes) {
    describe(route.name, () => {
      for (const who of everyone) {
        const allowed = route.allowed.includes(who);
        it(`${allowed ? 'allows' : 'refuses'} ${who}`, async () => {
          const response = await route.run(who);
          if (allowed) {
            expect(response.status, await response.clone().text()).toBeLessThan(300);
            return;
          }
          const expected = who === 'anonymous' ? { status: 401, code: 'unauthenticated' } : { status: 403, code: 'forbidden' };
          expect(response.status).toBe(expected.status);
          expect(((await response.json()) as { error: { code: string } }).error.code).toBe(expected.code);
        });
      }
    });
  }

  it('does not tell a cooperative whether another code is a site', async () => {
    const own = headers('own cooperative');
    expect((await get('/sites/NOPE/workers', own)).status).toBe(403);
    expect((await get('/sites/OTH/workers', own)).status).toBe(403);
  });
});

describe('Privacy', () => {
  const names = ['Amani', 'Mwélwa', 'Mwelwa', 'Jean-Pierre', 'Ilunga', 'Tshibangu', 'Mujinga', 'Grâce', 'Matrix Person', 'Exit Person'];
  const idNumbers = ['CD-ELEC-4471-0923', 'CD-SCOL-0042'];

  it('keeps every worker name and ID number out of the journal', async () => {
    const text = await allJournalText();
    expect(text).toContain('sites.worker_registered');
    for (const secret of [...names, ...idNumbers]) expect(text).not.toContain(secret);
  });

  it('keeps them out of the public headcount', async () => {
    const text = await (await t.app.request('/api/v1/sites/KAM/headcount?on=2024-02-15')).text();
    for (const secret of [...names, ...idNumbers]) expect(text).not.toContain(secret);
  });

  it('keeps them out of the log lines of registrations, lists and imports', async () => {
    const lines: string[] = [];
    const quiet = t.deps.logger;
    t.deps.logger = pino({ level: 'trace' }, new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
    try {
      await post('/sites/KAM/workers', { fullName: 'Logged Nobody', sex: 'male', birthYear: 1970, operatorGroup: 'sellers', idNumber: 'LOG-123', registeredOn: '2024-01-01' });
      await post('/sites/KAM/workers', { fullName: 'Logged Child', sex: 'male', birthYear: 2012, operatorGroup: 'sellers', idNumber: 'LOG-456', registeredOn: '2024-01-01' });
      await get('/sites/KAM/workers?group=sellers');
      await post('/sites/KAM/workers', { fullName: 'Logged Nobody', sex: 'male', birthYear: 1970, operatorGroup: 'sellers', registeredOn: '2024-01-01' });
    } finally {
      t.deps.logger = quiet;
    }
    expect(lines.length).toBeGreaterThanOrEqual(4);
    const text = lines.join('');
    for (const secret of ['Logged', 'Nobody', 'LOG-123', 'LOG-456', ...names]) expect(text).not.toContain(secret);
  });
});

describe('Worker register API reference', () => {
  it('documents every route in a valid OpenAPI document, the import as a multipart upload', async () => {
    const document = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>> };
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations).toEqual(
      expect.arrayContaining([
        'GET /sites/{code}/workers',
        'POST /sites/{code}/workers',
        'POST /sites/{code}/workers/{workerCode}/exit',
        'POST /sites/{code}/workers/import',
        'GET /sites/{code}/headcount',
        'GET /sites/{code}/child-referrals',
      ]),
    );
    expect(Object.keys(document.paths['/sites/{code}/workers/import']!.post!.requestBody!.content)).toEqual(['multipart/form-data']);
  });
});

describe('Worker register pages', () => {
  let session: Awaited<ReturnType<TestContext['signIn']>>;
  const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

  beforeAll(async () => {
    const user = await t.buildUser({ role: 'cooperative', organisationId: cooperative.id });
    session = await t.signIn(user.email, user.password);
  });

  it('lists the register with the headcount, filters and names for the site’s cooperative', async () => {
    const response = await session.request('/sites/KAM/workers?sex=female');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(amani.fullName);
    expect(html).not.toContain('Jean-Pierre Ilunga');
    expect(html).toContain('<caption>Workers of Site KAM, 1 to 1 of 1</caption>');
    expect(html).toContain('workers on site');
    const french = await (await session.request('/sites/KAM/workers?lang=fr&group=transporters')).text();
    expect(french).toContain('Registre des travailleurs');
    expect(french).toContain('Patrick Tshibangu');
    expect(french).toContain('Transporteurs');
  });

  it('registers a worker from the form, and gives the form back with every error', async () => {
    const bad = await session.request('/sites/KAM/workers/new', form({ fullName: 'Esther Kapinga', sex: '', birthYear: '19x0', operatorGroup: 'washers', idNumber: '', registeredOn: '2024-02-30' }));
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('Sex must be F or M');
    expect(html).toContain('The birth year must be a year of four digits');
    expect(html).toContain('The registration date must be a real date');
    expect(html).toContain('value="Esther Kapinga"');
    const good = await session.request('/sites/KAM/workers/new', form({ fullName: 'Esther Kapinga', sex: 'female', birthYear: '1995', operatorGroup: 'washers', idNumber: '', registeredOn: '2024-02-10' }));
    expect(good.status).toBe(303);
    expect(good.headers.get('location')).toMatch(/^\/sites\/KAM\/workers\?registered=w-/);
  });

  it('shows the referral outcome with its case code for a person under 18', async () => {
    const response = await session.request('/sites/KAM/workers/new', form({ fullName: 'Petit Kasongo', sex: 'male', birthYear: '2011', operatorGroup: 'diggers', idNumber: '', registeredOn: '2024-02-10' }));
    expect(response.status).toBe(422);
    const html = await response.text();
    const [row] = await t.db.select().from(childReferrals).where(eq(childReferrals.ageYears, 13));
    expect(html).toContain('Not registered: referred for child protection');
    expect(html).toContain(row!.code);
    expect(html).not.toContain('Kasongo');
  });

  it('records an exit from the register', async () => {
    const [esther] = await t.db.select().from(workers).where(eq(workers.fullName, 'Esther Kapinga'));
    expect((await session.request(`/sites/KAM/workers/${esther!.code}/exit`)).status).toBe(200);
    const early = await session.request(`/sites/KAM/workers/${esther!.code}/exit`, form({ exitedOn: '2024-01-01' }));
    expect(early.status).toBe(422);
    expect(await early.text()).toContain('is before the registration date');
    const done = await session.request(`/sites/KAM/workers/${esther!.code}/exit`, form({ exitedOn: '2024-06-30' }));
    expect(done.status).toBe(303);
  });

  it('is closed to a cooperative of another site, to a partner organisation’s field user, to a verifier, and to anonymous readers', async () => {
    for (const user of [
      await t.buildUser({ role: 'cooperative', organisationId: otherCooperative.id }),
      await t.buildUser({ role: 'field', organisationId: (await t.buildOrganisation({ kind: 'partner' })).id }),
    ]) {
      const otherSession = await t.signIn(user.email, user.password);
      expect((await otherSession.request('/sites/KAM/workers')).status).toBe(403);
      expect((await otherSession.request('/sites/KAM/workers/new')).status).toBe(403);
      expect((await otherSession.request('/sites/KAM/child-referrals')).status).toBe(403);
      expect(await (await otherSession.request('/sites/KAM')).text()).not.toContain('/sites/KAM/workers"');
    }
    const secretariatField = await t.buildUser({ role: 'field' });
    expect((await (await t.signIn(secretariatField.email, secretariatField.password)).request('/sites/KAM/workers')).status).toBe(200);
    const verifier = await t.buildUser({ role: 'verifier' });
    expect((await (await t.signIn(verifier.email, verifier.password)).request('/sites/KAM/workers')).status).toBe(403);
    const anonymous = await t.app.request('/sites/KAM/workers');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login/);
  });
});
