import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSite } from '../../test/factories/sites.ts';
import { createTestContext, jsonRequest, type TestContext } from '../../test/harness.ts';
import { newChildNameKey } from './name-key.ts';

/** The case worker's pages: the home link keeps its filter and its count, the case page reads as labels and values, and each action is confirmed. */
let t: TestContext;
let worker: Awaited<ReturnType<TestContext['signIn']>>;
let token: string;
let overdueCase: { id: number; code: string };
let newCaseOf: { id: number; code: string };

const opened = async (identifiedOn: string) => {
  const body = { site: 'PGC', sex: 'female', ageAtIdentification: 13, identifiedOn, identifiedBy: 'field_officer', activity: 'washing_sorting', community: 'Kasulo', householdHead: 'one_parent', householdSize: 6, riskLevel: 'high' };
  const response = await t.app.request('/api/v1/children/cases', jsonRequest('POST', body, { authorization: `Bearer ${token}` }));
  expect(response.status).toBe(201);
  return (await response.json()) as { id: number; code: string };
};

beforeAll(async () => {
  t = await createTestContext();
  t.deps.childNameKey = newChildNameKey();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'PGC' });
  const care = await t.buildOrganisation({ kind: 'partner', code: 'care-pages' });
  token = (await t.buildToken({ role: 'field', organisationId: care.id })).token;
  const user = await t.buildUser({ role: 'field', organisationId: care.id });
  worker = await t.signIn(user.email, user.password);
  // A plan started in 2024: its 3- and 6-month visits are overdue. The second case has no plan yet, so nothing is due.
  overdueCase = await opened('2024-01-15');
  const support = { kind: 'school_enrolment', provider: 'care-pages', startedOn: '2024-02-01', costMinor: 4500, currency: 'USD' };
  expect((await t.app.request(`/api/v1/children/cases/${overdueCase.id}/supports`, jsonRequest('POST', support, { authorization: `Bearer ${token}` }))).status).toBe(201);
  newCaseOf = await opened('2025-06-01');
});
afterAll(() => t?.close());

const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

describe('The overdue cases', () => {
  it('are linked from the home page with the list’s own filter, and the home count and the list count agree', async () => {
    const home = await (await worker.request('/')).text();
    expect(home).toContain('href="/children/cases?overdue=true">1 case with a follow-up visit overdue');
    for (const filter of ['true', '1']) {
      const list = await (await worker.request(`/children/cases?overdue=${filter}`)).text();
      expect(list, filter).toContain(`>${overdueCase.code}</a>`);
      expect(list, filter).not.toContain(`>${newCaseOf.code}</a>`);
      expect(textOf(list), filter).toContain('1 case has a follow-up visit overdue.');
      expect(textOf(list), filter).toContain('1 case with a follow-up visit overdue');
    }
    expect(await (await worker.request('/children/cases')).text()).toContain(`>${newCaseOf.code}</a>`);
  });
});

describe('A case page', () => {
  it('shows the sex as a label and a value in both languages, and one “Remediation plan” heading', async () => {
    const english = await (await worker.request(`/children/cases/${overdueCase.id}`)).text();
    expect(english).toContain('<dt>Sex</dt><dd>Girl</dd>');
    expect(english.match(/Remediation plan/g)).toHaveLength(1);
    expect(await (await worker.request(`/children/cases/${overdueCase.id}?lang=fr`)).text()).toContain('<dt>Sexe</dt><dd>Fille</dd>');
  });

  it('confirms each action once it is done', async () => {
    const added = await worker.request(`/children/cases/${newCaseOf.id}/supports`, form({ kind: 'health_check', provider: 'care-pages', startedOn: '2025-06-10', cost: '0', currency: 'USD' }));
    expect(added.status).toBe(303);
    expect(added.headers.get('location')).toBe(`/children/cases/${newCaseOf.id}?done=supports`);
    expect(await (await worker.request(added.headers.get('location')!)).text()).toContain('<div class="panel" role="status">The support is added to the remediation plan.</div>');
    const visited = await worker.request(`/children/cases/${newCaseOf.id}/visits?lang=fr`, form({ dueMonths: '3', visitedOn: '2025-09-10', outcome: 'in_school_or_training' }));
    expect(visited.status).toBe(303);
    expect(await (await worker.request(`${visited.headers.get('location')!}&lang=fr`)).text()).toContain('La visite est enregistrée.');
  });

  it('asks for the choices it needs instead of choosing them', async () => {
    const page = await (await worker.request('/children/cases/new')).text();
    for (const name of ['sex', 'identifiedBy', 'activity', 'riskLevel']) expect(page.match(new RegExp(`<select id="${name}"[^>]*><option value="">Choose…</option>`)), name).not.toBeNull();
  });
});

describe('The public children page', () => {
  it('withholds an average over fewer than 5 cases instead of calling it “fewer than 5” days', async () => {
    const page = textOf(await (await t.app.request('/children')).text());
    expect(page).not.toMatch(/fewer than 5 average days/);
    expect(page).toContain('not shown, fewer than 5 cases closed as remediated');
  });
});
