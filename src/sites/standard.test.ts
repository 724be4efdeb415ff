import { createHash } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import { userRoles, type UserRole } from '../core/auth/roles.ts';
import { canonicalBytes } from '../core/canonical-json.ts';
import { journalSize, runCommand } from '../journal/public.ts';
import { criteriaProblems, type CriterionInput } from './standard-versions.ts';
import { createStandardVersion } from './commands/standard/create-standard-version.ts';
import { defaultStandard } from './default-standard.ts';
import { registerStandardPages } from './pages/standard.tsx';
import { criteriaOf, findStandardVersion, latestPublishedVersion } from './queries/standard.ts';
import { registerStandardApi } from './routes/standard.ts';
import { standardAreas } from './schema.ts';
import { expectApiRefusal } from '../../test/expect.ts';

let t: TestContext;
const tokens = new Map<UserRole, string>();
let sizeBefore: number;

beforeAll(async () => {
  t = await createTestContext({ extraModules: [{ name: 'sites-standard-test', registerApi: registerStandardApi, registerPages: registerStandardPages }] });
  for (const role of userRoles) tokens.set(role, (await t.buildToken({ role })).token);
});
afterAll(() => t.close());
beforeEach(async () => {
  sizeBefore = await journalSize(t.db);
});

const as = (role: UserRole) => ({ authorization: `Bearer ${tokens.get(role)}` });
const api = (path: string, init: RequestInit = {}) => t.app.request(`/api/v1${path}`, init);

/** The API refused, and nothing was written. */
async function expectRefusedUnchanged(response: Response, status: number, code: string) {
  const error = await expectApiRefusal(response, status, code);
  expect(await journalSize(t.db)).toBe(sizeBefore);
  return error;
}

async function lastEvent() {
  const size = await journalSize(t.db);
  const body = (await (await api(`/journal/entries?start=${size - 1}&limit=1`)).json()) as { entries: { bytes: string }[] };
  return JSON.parse(Buffer.from(body.entries[0]!.bytes, 'base64').toString('utf8')) as { type: string; subject: string; payload: Record<string, unknown> };
}

const digest = (criteria: readonly CriterionInput[]) =>
  createHash('sha256')
    .update(canonicalBytes(criteria.map(({ code, area, level, textEn, textFr, guidanceEn, guidanceFr }) => ({ code, area, level, textEn, textFr, guidanceEn, guidanceFr }))))
    .digest('hex');

const criterion = (code: string, overrides: Partial<CriterionInput> = {}): CriterionInput => ({
  code,
  area: 'health_safety',
  level: 'baseline',
  textEn: `Criterion ${code}`,
  textFr: `Critère ${code}`,
  guidanceEn: 'Look and ask.',
  guidanceFr: 'Observez et demandez.',
  ...overrides,
});

describe('The standard', () => {
  describe('default standard', () => {
    const criteria = defaultStandard.criteria;

    it('is version 1.0 with about thirty criteria, each valid', () => {
      expect(defaultStandard.version).toBe('1.0');
      expect(criteria.length).toBeGreaterThanOrEqual(25);
      expect(criteria.length).toBeLessThanOrEqual(35);
      expect(criteriaProblems(criteria)).toEqual([]);
    });

    it('has baseline and progress criteria in every area', () => {
      for (const area of standardAreas) {
        expect(criteria.filter((c) => c.area === area && c.level === 'baseline').length, area).toBeGreaterThanOrEqual(1);
        expect(criteria.filter((c) => c.area === area && c.level === 'progress').length, area).toBeGreaterThanOrEqual(1);
      }
    });

    it('requires the programme’s red lines before issuance', () => {
      const baseline = (code: string) => criteria.find((c) => c.code === code)?.level;
      // no child at work, no forced labour, no armed groups or illegal levies, fatal risks, registered workers, traceable sales
      for (const code of ['CR-01', 'CG-01', 'LT-03', 'HS-01', 'LT-02', 'LT-04']) expect(baseline(code), code).toBe('baseline');
      expect(criteria.find((c) => c.code === 'CR-01')?.textEn).toContain('under 18');
    });

    it('speaks English and French in text and guidance, and codes name their area', () => {
      const prefix: Record<string, string> = { health_safety: 'HS', child_rights: 'CR', cooperative_governance: 'CG', environment: 'EN', legality_traceability: 'LT' };
      for (const c of criteria) {
        expect(c.code.startsWith(`${prefix[c.area]}-`), c.code).toBe(true);
        expect(c.textFr).not.toBe(c.textEn);
        expect(c.guidanceFr).not.toBe(c.guidanceEn);
        for (const text of [c.textEn, c.textFr, c.guidanceEn, c.guidanceFr]) expect(text.length, c.code).toBeGreaterThan(30);
      }
    });
  });

  describe('versions', () => {
    it('has nothing to show before a version is published', async () => {
      await expectRefusedUnchanged(await api('/standard'), 404, 'standard_not_published');
      const page = await t.app.request('/standard');
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('No version of the standard has been published yet');
      await expectRefusedUnchanged(await api('/standard/versions', jsonRequest('POST', { version: '1.0', from: 'latest_published' }, as('admin'))), 409, 'standard_none_published');
    });

    it('creates a draft from the default standard, which only the secretariat sees', async () => {
      const response = await api('/standard/versions', jsonRequest('POST', { version: '1.0', from: 'default' }, as('admin')));
      const body = (await response.json()) as { version: string; status: string; criteria: CriterionInput[] };
      expect(response.status, JSON.stringify(body)).toBe(201);
      expect(body).toMatchObject({ version: '1.0', status: 'draft' });
      expect(body.criteria).toEqual(defaultStandard.criteria);
      expect(await lastEvent()).toMatchObject({
        type: 'sites.standard_version_created',
        subject: 'standard:1.0',
        payload: { version: '1.0', source: 'default', criteria: defaultStandard.criteria.length, criteriaSha256: digest(defaultStandard.criteria) },
      });
      expect((await api('/standard/versions/1.0')).status).toBe(401);
      expect((await api('/standard/versions/1.0', { headers: as('verifier') })).status).toBe(403);
      const listed = (await (await api('/standard/versions')).json()) as { versions: unknown[] };
      expect(listed.versions).toEqual([]);
      const listedForAdmin = (await (await api('/standard/versions', { headers: as('admin') })).json()) as { versions: { version: string; criteria: number }[] };
      expect(listedForAdmin.versions).toEqual([expect.objectContaining({ version: '1.0', status: 'draft', criteria: defaultStandard.criteria.length })]);
    });

    describe('refuses bad criteria with nothing written', () => {
      const put = (criteria: unknown) => api('/standard/versions/1.0/criteria', jsonRequest('PUT', { criteria }, as('admin')));
      it('duplicate codes', async () => {
        const body = await expectRefusedUnchanged(await put([criterion('HS-01'), criterion('HS-01')]), 422, 'standard_criteria_invalid');
        expect(body.details).toEqual([{ index: 1, code: 'HS-01', field: 'code', problem: 'code_duplicate' }]);
      });
      it('a missing French text or guidance', async () => {
        const body = await expectRefusedUnchanged(await put([criterion('HS-01', { textFr: '' }), criterion('HS-02', { guidanceFr: '   ' })]), 422, 'standard_criteria_invalid');
        expect(body.details).toEqual([
          { index: 0, code: 'HS-01', field: 'textFr', problem: 'text_missing' },
          { index: 1, code: 'HS-02', field: 'guidanceFr', problem: 'text_missing' },
        ]);
      });
      it('a badly formed code', async () => {
        await expectRefusedUnchanged(await put([criterion('hs1')]), 422, 'standard_criteria_invalid');
      });
      it('an unknown area or level', async () => {
        await expectRefusedUnchanged(await put([criterion('HS-01', { area: 'finance' as never })]), 400, 'validation_failed');
        await expectRefusedUnchanged(await put([criterion('HS-01', { level: 'optional' as never })]), 400, 'validation_failed');
      });
      it('no criteria at all', async () => {
        await expectRefusedUnchanged(await put([]), 422, 'standard_criteria_empty');
      });
      it('the same rules in the command, for callers other than the API', async () => {
        await expect(
          runCommand(t.db, system, (ctx) => createStandardVersion(ctx, { version: '9.9', source: { kind: 'criteria', criteria: [criterion('HS-01', { area: 'finance' as never })] } })),
        ).rejects.toMatchObject({ code: 'standard_criteria_invalid', details: [{ index: 0, code: 'HS-01', field: 'area', problem: 'area_invalid' }] });
        expect(await findStandardVersion(t.db, '9.9')).toBeUndefined();
      });
      it('a version number that is not two numbers', async () => {
        await expectRefusedUnchanged(await api('/standard/versions', jsonRequest('POST', { version: 'v2', from: 'default' }, as('admin'))), 422, 'standard_version_format');
      });
      it('a version number already taken', async () => {
        await expectRefusedUnchanged(await api('/standard/versions', jsonRequest('POST', { version: '1.0', from: 'default' }, as('admin'))), 409, 'standard_version_taken');
      });
    });

    it('replaces the criteria of a draft', async () => {
      const criteria = [...defaultStandard.criteria.slice(0, 29), criterion('HS-09', { level: 'progress', textEn: 'Safety captains meet every week.', textFr: 'Les capitaines de sécurité se réunissent chaque semaine.' })];
      const response = await api('/standard/versions/1.0/criteria', jsonRequest('PUT', { criteria }, as('admin')));
      expect(response.status).toBe(200);
      expect(((await response.json()) as { criteria: unknown[] }).criteria).toEqual(criteria);
      expect(await lastEvent()).toMatchObject({ type: 'sites.standard_draft_updated', payload: { version: '1.0', criteria: 30, criteriaSha256: digest(criteria) } });
    });

    it('publishes a draft once; the journal commits to its exact text; it never changes again', async () => {
      const response = await api('/standard/versions/1.0/publish', { method: 'POST', headers: as('admin') });
      const body = (await response.json()) as { status: string; publishedAt: string; criteria: CriterionInput[] };
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(body.status).toBe('published');
      expect(await lastEvent()).toMatchObject({ type: 'sites.standard_version_published', subject: 'standard:1.0', payload: { version: '1.0', criteria: 30, criteriaSha256: digest(body.criteria) } });

      sizeBefore = await journalSize(t.db);
      await expectRefusedUnchanged(await api('/standard/versions/1.0/publish', { method: 'POST', headers: as('admin') }), 409, 'standard_version_published');
      await expectRefusedUnchanged(await api('/standard/versions/1.0/criteria', jsonRequest('PUT', { criteria: [criterion('HS-01')] }, as('admin'))), 409, 'standard_version_published');
      const after = (await (await api('/standard/versions/1.0')).json()) as { criteria: CriterionInput[]; publishedAt: string };
      expect(after).toEqual({ ...body, criteria: body.criteria });

      const latest = (await (await api('/standard')).json()) as { version: string; criteria: unknown[] };
      expect(latest.version).toBe('1.0');
      expect(latest.criteria).toHaveLength(30);
    });

    it('copies the latest published version into a new draft; earlier versions keep their criteria', async () => {
      const response = await api('/standard/versions', jsonRequest('POST', { version: '1.1', from: 'latest_published' }, as('admin')));
      expect(response.status).toBe(201);
      const v10 = (await findStandardVersion(t.db, '1.0'))!;
      const v11 = (await findStandardVersion(t.db, '1.1'))!;
      const strip = (rows: Awaited<ReturnType<typeof criteriaOf>>) => rows.map(({ code, area, level, textEn, textFr, guidanceEn, guidanceFr }) => ({ code, area, level, textEn, textFr, guidanceEn, guidanceFr }));
      expect(strip(await criteriaOf(t.db, v11.id))).toEqual(strip(await criteriaOf(t.db, v10.id)));
      expect(await lastEvent()).toMatchObject({ payload: { source: 'latest_published', copiedFrom: '1.0' } });

      await api('/standard/versions/1.1/criteria', jsonRequest('PUT', { criteria: [criterion('HS-01')] }, as('admin')));
      await api('/standard/versions/1.1/publish', { method: 'POST', headers: as('admin') });
      expect((await latestPublishedVersion(t.db))?.version).toBe('1.1');
      expect(await criteriaOf(t.db, v10.id)).toHaveLength(30);
      const listed = (await (await api('/standard/versions')).json()) as { versions: { version: string }[] };
      expect(listed.versions.map((v) => v.version)).toEqual(['1.1', '1.0']);
    });
  });

  describe('who may', () => {
    const readers = ['public', ...userRoles] as const;
    let sequence = 10;
    for (const role of readers) {
      const allowed = role === 'admin';
      it(`${allowed ? 'lets' : 'refuses'} ${role} create, edit and publish versions; lets ${role} read the standard`, async () => {
        const headers = role === 'public' ? {} : as(role);
        const version = `3.${++sequence}`;
        if (!allowed) await runCommand(t.db, system, (ctx) => createStandardVersion(ctx, { version, source: { kind: 'default' } }));
        sizeBefore = await journalSize(t.db);
        const responses = [
          await api('/standard/versions', jsonRequest('POST', { version: allowed ? version : `4.${sequence}`, from: 'default' }, headers)),
          await api(`/standard/versions/${version}/criteria`, jsonRequest('PUT', { criteria: [criterion('HS-01')] }, headers)),
          await api(`/standard/versions/${version}/publish`, { method: 'POST', headers }),
        ];
        for (const response of responses) {
          if (allowed) expect(response.status, await response.clone().text()).toBeLessThan(300);
          else {
            expect(response.status).toBe(role === 'public' ? 401 : 403);
            expect(((await response.json()) as { error: { code: string } }).error.code).toBe(role === 'public' ? 'unauthenticated' : 'forbidden');
          }
        }
        if (!allowed) expect(await journalSize(t.db)).toBe(sizeBefore);
        expect((await api('/standard', { headers })).status).toBe(200);
        expect((await api('/standard/versions', { headers })).status).toBe(200);
        expect((await t.app.request('/standard', { headers })).status).toBe(200);
      });
    }
  });

  it('describes its routes in a valid OpenAPI document', async () => {
    const document = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect((await new Validator().validate(document)).valid).toBe(true);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/standard', '/standard/versions', '/standard/versions/{version}', '/standard/versions/{version}/criteria', '/standard/versions/{version}/publish']),
    );
  });

  describe('pages', () => {
    it('shows the published criteria by area, with level tags and guidance folded, in the reader’s language', async () => {
      await runCommand(t.db, system, (ctx) => createStandardVersion(ctx, { version: '2.0', source: { kind: 'default' } }));
      const publish = await api('/standard/versions/2.0/publish', { method: 'POST', headers: as('admin') });
      expect(publish.status).toBe(200);
      const fr = await (await t.app.request('/standard?lang=fr')).text();
      expect(fr).toContain('Droits de l’enfant');
      expect(fr).toContain('Aucune personne de moins de 18 ans ne travaille sur le site');
      expect(fr).toContain('<details><summary>Conseils aux vérificateurs</summary>');
      expect(fr).toContain('De base');
      expect(fr).not.toContain('No person under 18 works on the site');
      const en = await (await t.app.request('/standard')).text();
      expect(en).toContain('No person under 18 works on the site');
      expect(en).toContain('Legality and traceability');
      expect(en).not.toContain('/standard/versions');
    });

    it('lets the secretariat create a draft and publish it after a confirmation page', async () => {
      const user = await t.buildUser({ role: 'admin' });
      const session = await t.signIn(user.email, user.password);
      const form = (fields: Record<string, string>) => ({
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...fields, _csrf: session.csrfToken }),
      });
      expect((await session.request('/standard/versions')).status).toBe(200);
      const taken = await session.request('/standard/versions', form({ version: '2.0', source: 'default' }));
      expect(taken.status).toBe(409);
      const takenHtml = await taken.text();
      expect(takenHtml).toContain('already exists');
      expect(takenHtml).toContain('value="2.0"');

      const created = await session.request('/standard/versions', form({ version: '2.1', source: 'latest_published' }));
      expect(created.status).toBe(303);
      expect(await (await session.request(created.headers.get('location')!)).text()).toContain('Draft version 2.1 created');
      const confirm = await (await session.request('/standard/versions/2.1/publish')).text();
      expect(confirm).toContain('can never be changed');
      expect(confirm).toContain(`has ${defaultStandard.criteria.length} criteria`);
      sizeBefore = await journalSize(t.db);
      const published = await session.request('/standard/versions/2.1/publish', form({}));
      expect(published.status).toBe(303);
      expect(await journalSize(t.db)).toBe(sizeBefore + 1);
      expect(await (await session.request('/standard/versions/2.1/publish')).text()).toContain('was published on');
    });

    it('keeps the versions page from everyone else', async () => {
      expect((await t.app.request('/standard/versions')).status).toBe(303);
      const buyer = await t.buildUser({ role: 'buyer' });
      const session = await t.signIn(buyer.email, buyer.password);
      expect((await session.request('/standard/versions')).status).toBe(403);
      expect((await session.request('/standard/versions/2.1/publish')).status).toBe(403);
    });
  });
});
