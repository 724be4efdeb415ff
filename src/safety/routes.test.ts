import { randomBytes } from 'node:crypto';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSite } from '../../test/factories/sites.ts';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import { userRoles, type Role, type UserRole } from '../core/auth/roles.ts';
import { runCommand } from '../journal/public.ts';
import { addPits, registerWorker } from '../sites/public.ts';
import { recordIncident } from './commands/record-incident.ts';
import { safetyIncidents } from './schema.ts';

/**
 * The safety API: the role matrix over every route, bad input refused with nothing written, and
 * the public summary, which carries counts and rates and nothing that could identify a person.
 */
let t: TestContext;
const tokens = new Map<UserRole, string>();
let otherCooperativeToken: string;
let firstIncident: number;

const description = 'Canary Kabulo slipped near the washing pond';
const incident = (overrides: Record<string, unknown> = {}) => ({
  occurredOn: '2025-01-20',
  occurredTime: '07:45',
  pit: 'P001',
  kind: 'flooding',
  severity: 'serious_lost_time',
  description,
  immediateAction: 'Taken to the health post by Canary Kabulo’s brother',
  rootCause: 'Uncovered pit entry',
  people: [{ sex: 'female', ageGroup: '18_24', operatorGroup: 'washers', count: 1 }],
  ...overrides,
});

beforeAll(async () => {
  t = await createTestContext();
  for (const role of userRoles) tokens.set(role, (await t.buildToken({ role })).token);
  const cooperative = await t.buildToken({ role: 'cooperative' });
  tokens.set('cooperative', cooperative.token);
  otherCooperativeToken = (await t.buildToken({ role: 'cooperative' })).token;
  const { site } = await insertSite(t.db, { cooperativeOrganisationId: cooperative.organisationId, code: 'RTE' });
  await runCommand(t.db, system, (ctx) => addPits(ctx, { siteId: site.id, pits: [{ code: 'P001', covered: false }] }));
  for (let i = 0; i < 20; i++) {
    await runCommand(t.db, system, (ctx) => registerWorker(ctx, { siteId: site.id, fullName: `Worker Number${i}`, sex: i % 4 ? 'M' : 'F', birthYear: 1985, operatorGroup: i % 4 ? 'diggers' : 'washers', registeredOn: '2024-06-01' }));
  }
  firstIncident = (await runCommand(t.db, system, (ctx) => recordIncident(ctx, { siteId: site.id, ...incident() }))).id;
  // Six diggers in a collapse: a cell of 5 or more is published as is.
  await runCommand(t.db, system, (ctx) =>
    recordIncident(ctx, { siteId: site.id, ...incident({ occurredOn: '2025-02-11', kind: 'collapse_rockfall', severity: 'minor_first_aid', people: [{ sex: 'male', ageGroup: '25_54', operatorGroup: 'diggers', count: 6 }] }) }),
  );
});
afterAll(() => t?.close());

const bearer = (role: Role): Record<string, string> => (role === 'public' ? {} : { authorization: `Bearer ${tokens.get(role)!}` });
const incidentCount = async () => Number((await t.db.select({ n: count() }).from(safetyIncidents))[0]!.n);

/**
 * Who may do what, written out from the safety rules (not read from the policy table, so a change
 * there fails here until this table is changed on purpose): incidents and interventions are
 * recorded by the secretariat's field officers and the site's cooperative; verifiers and committee
 * members read them too; the summary is public. ('cooperative' is the site's own cooperative.)
 */
const readers: readonly Role[] = ['admin', 'field', 'cooperative', 'verifier', 'committee'];
const recorders: readonly Role[] = ['admin', 'field', 'cooperative'];
const everyone: readonly Role[] = ['public', ...userRoles];

type Case = { name: string; allow: readonly Role[]; method: 'GET' | 'POST'; path: () => string; body?: () => unknown };
const month = () => `2025-${String(1 + (randomBytes(1)[0]! % 12)).padStart(2, '0')}`;
const cases: Case[] = [
  { name: 'GET incidents', allow: readers, method: 'GET', path: () => '/safety/sites/RTE/incidents' },
  { name: 'GET an incident', allow: readers, method: 'GET', path: () => `/safety/sites/RTE/incidents/${firstIncident}` },
  { name: 'POST an incident', allow: recorders, method: 'POST', path: () => '/safety/sites/RTE/incidents', body: () => incident({ severity: 'near_miss', people: [] }) },
  {
    name: 'POST a correction',
    allow: recorders,
    method: 'POST',
    path: () => `/safety/sites/RTE/incidents/${firstIncident}/corrections`,
    // Each allowed role corrects the newest entry, so the request is one that would succeed.
    body: () => ({ ...incident(), status: 'under_investigation', reason: 'Investigation opened' }),
  },
  { name: 'GET interventions', allow: readers, method: 'GET', path: () => '/safety/sites/RTE/interventions' },
  { name: 'POST an intervention', allow: recorders, method: 'POST', path: () => '/safety/sites/RTE/interventions', body: () => ({ kind: 'training', deliveredOn: '2025-03-01', quantity: 1, costMinor: 10_000, currency: 'USD', peopleReached: 30 }) },
  { name: 'GET exposure', allow: readers, method: 'GET', path: () => '/safety/sites/RTE/exposure?year=2025' },
  { name: 'POST hours', allow: recorders, method: 'POST', path: () => '/safety/sites/RTE/hours', body: () => ({ month: month(), hours: 4_000 }) },
  { name: 'GET hours', allow: readers, method: 'GET', path: () => '/safety/sites/RTE/hours' },
  { name: 'POST a work pattern', allow: recorders, method: 'POST', path: () => '/safety/sites/RTE/work-patterns', body: () => ({ effectiveFrom: '2025-01', shiftMinutes: 480, daysWorkedPerMonth: 24 }) },
  { name: 'GET the public summary', allow: everyone, method: 'GET', path: () => '/safety/summary?year=2025' },
];

describe('Safety role matrix', () => {
  for (const testCase of cases) {
    describe(testCase.name, () => {
      for (const role of ['public', ...userRoles] as Role[]) {
        const allowed = testCase.allow.includes(role);
        it(`${allowed ? 'allows' : 'refuses'} ${role}`, async () => {
          if (testCase.name === 'POST a correction' && allowed) {
            const latest = (await (await t.app.request(`/api/v1/safety/sites/RTE/incidents?history=false&from=2025-01-20&to=2025-01-20`, { headers: bearer('admin') })).json()) as { incidents: { id: number }[] };
            firstIncident = latest.incidents[0]!.id;
          }
          const init = testCase.method === 'GET' ? { headers: bearer(role) } : jsonRequest('POST', testCase.body!(), bearer(role));
          const response = await t.app.request(`/api/v1${testCase.path()}`, init);
          if (allowed) {
            expect(response.status, await response.clone().text()).toBeGreaterThanOrEqual(200);
            expect(response.status).toBeLessThan(300);
          } else {
            const expected = role === 'public' ? { status: 401, code: 'unauthenticated' } : { status: 403, code: 'forbidden' };
            expect({ status: response.status, code: ((await response.json()) as { error: { code: string } }).error.code }).toEqual(expected);
          }
        });
      }
    });
  }

  it('refuses a cooperative that does not operate the site', async () => {
    for (const testCase of cases.filter((c) => c.allow !== everyone)) {
      const headers = { authorization: `Bearer ${otherCooperativeToken}` };
      const init = testCase.method === 'GET' ? { headers } : jsonRequest('POST', testCase.body!(), headers);
      expect((await t.app.request(`/api/v1${testCase.path()}`, init)).status, testCase.name).toBe(403);
    }
  });
});

describe('Bad input through the API', () => {
  const field = () => bearer('field');
  const refusals: [string, string, Record<string, unknown>, number, string][] = [
    ['an unknown site', '/safety/sites/NOPE/incidents', incident(), 404, 'site_not_found'],
    ['an unknown pit', '/safety/sites/RTE/incidents', incident({ pit: 'P999' }), 422, 'pit_not_found'],
    ['a kind outside the list', '/safety/sites/RTE/incidents', incident({ kind: 'meteorite' }), 422, 'kind_unknown'],
    ['a severity outside the list', '/safety/sites/RTE/incidents', incident({ severity: 'bad' }), 422, 'severity_unknown'],
    ['a negative count', '/safety/sites/RTE/incidents', incident({ people: [{ sex: 'male', ageGroup: '25_54', operatorGroup: 'diggers', count: -3 }] }), 422, 'count_invalid'],
    ['a future date', '/safety/sites/RTE/incidents', incident({ occurredOn: '2999-01-01' }), 422, 'date_in_future'],
    ['an unknown field', '/safety/sites/RTE/incidents', incident({ victimName: 'someone' }), 400, 'validation_failed'],
  ];
  for (const [name, path, body, status, code] of refusals) {
    it(`refuses ${name} with ${status} ${code}, in French too, and writes nothing`, async () => {
      const before = await incidentCount();
      const response = await t.app.request(`/api/v1${path}?lang=fr`, jsonRequest('POST', body, field()));
      const answer = (await response.json()) as { error: { code: string; message: string } };
      expect({ status: response.status, code: answer.error.code }).toEqual({ status, code });
      expect(answer.error.message.length).toBeGreaterThan(5);
      expect(await incidentCount()).toBe(before);
    });
  }

  it('answers a malformed summary query with 400, not 500', async () => {
    expect((await t.app.request('/api/v1/safety/summary?year=abc')).status).toBe(400);
    expect((await t.app.request('/api/v1/safety/summary?year=2025&site=NOPE')).status).toBe(404);
  });
});

describe('The public summary', () => {
  it('gives counts and rates per site, with the estimate flagged', async () => {
    const response = await t.app.request('/api/v1/safety/summary?year=2025&site=RTE');
    expect(response.status).toBe(200);
    const { sites } = (await response.json()) as { sites: { incidents: { bySeverity: Record<string, number> }; exposure: { averageHeadcount: number; estimated: boolean }; rates: Record<string, { count: number; per1000Workers: number; estimated: boolean }> }[] };
    const site = sites[0]!;
    expect(site.incidents.bySeverity.minor_first_aid).toBe(1);
    expect(site.exposure.averageHeadcount).toBe(20);
    expect(site.exposure.estimated).toBe(true);
    // One minor incident among 20 workers: 1 × 1,000 / 20 = 50 per 1,000 workers.
    expect(site.rates.minor_first_aid).toMatchObject({ count: 1, per1000Workers: 50, estimated: true });
  });

  it('carries no description, no free text and no small group of people', async () => {
    const text = await (await t.app.request('/api/v1/safety/summary?year=2025')).text();
    for (const secret of ['Canary', 'Kabulo', 'washing pond', 'health post', 'Uncovered pit entry', 'Worker Number', 'P001', '07:45', '2025-01-20']) expect(text, secret).not.toContain(secret);
    const summary = JSON.parse(text) as { sites: { peopleAffected: { bySex: { key: string; people: number | null; suppressed: boolean }[]; byOperatorGroup: { key: string; people: number | null; suppressed: boolean }[] } }[] };
    const people = summary.sites[0]!.peopleAffected;
    // One woman washer: "fewer than 5"; six male diggers: shown.
    expect(people.bySex.find((r) => r.key === 'female')).toEqual({ key: 'female', people: null, suppressed: true });
    expect(people.byOperatorGroup.find((r) => r.key === 'diggers')).toEqual({ key: 'diggers', people: 6, suppressed: false });
  });

  it('keeps descriptions behind the safety.read policy', async () => {
    const restricted = await t.app.request(`/api/v1/safety/sites/RTE/incidents/${firstIncident}`);
    expect(restricted.status).toBe(401);
    const readable = await t.app.request(`/api/v1/safety/sites/RTE/incidents/${firstIncident}`, { headers: bearer('verifier') });
    expect(((await readable.json()) as { description: string }).description).toBe(description);
  });
});

describe('Safety role matrix: the pages', () => {
  const pages: [string, readonly Role[]][] = [
    ['/safety', everyone],
    ['/safety/sites/RTE', everyone],
    ['/safety/sites/RTE/incidents', readers],
    ['/safety/sites/RTE/interventions', readers],
    ['/safety/sites/RTE/hours', readers],
    ['/safety/sites/RTE/settings', readers],
    ['/safety/sites/RTE/incidents/new', recorders],
  ];
  for (const [path, allow] of pages) {
    for (const role of ['public', ...userRoles] as Role[]) {
      const allowed = allow.includes(role);
      it(`GET ${path} ${allowed ? 'allows' : 'refuses'} ${role}`, async () => {
        const response = await t.app.request(path, { headers: bearer(role) });
        if (allowed) expect(response.status).toBe(200);
        else if (role === 'public') expect({ status: response.status, location: (response.headers.get('location') ?? '').split('?')[0] }).toEqual({ status: 303, location: '/login' });
        else expect(response.status).toBe(403);
      });
    }
  }

  it('lets a recording role post the incident form and refuses the others', async () => {
    for (const role of ['public', ...userRoles] as Role[]) {
      const csrf = randomBytes(24).toString('base64url');
      const form = { _csrf: csrf, occurredOn: '2025-05-05', kind: 'fall', severity: 'near_miss', description: 'Échelle cassée', people0count: '' };
      const response = await t.app.request('/safety/sites/RTE/incidents/new', {
        method: 'POST',
        body: new URLSearchParams(form),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `orebook_csrf=${csrf}`, ...bearer(role) },
      });
      const allowed = recorders.includes(role);
      if (allowed) expect(response.status, role).toBe(303);
      else expect(response.status, role).toBe(role === 'public' ? 303 : 403);
      if (role === 'public') expect(response.headers.get('location') ?? '').toContain('/login');
    }
  });
});
