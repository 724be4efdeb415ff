import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSite } from '../../test/factories/sites.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { safetyIncidentPeople, safetyIncidents } from './schema.ts';

/** The incident form asks, it does not guess: no severity, kind, sex or age is chosen before the field officer chooses, and “not known” is an answer. */
let t: TestContext;
let officer: Awaited<ReturnType<TestContext['signIn']>>;

beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'FRM' });
  const user = await t.buildUser({ role: 'cooperative', organisationId: cooperative.id });
  officer = await t.signIn(user.email, user.password);
});
afterAll(() => t?.close());

const post = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
const selectedIn = (page: string, name: string) => page.match(new RegExp(`<select id="${name}"[^>]*>(.*?)</select>`, 's'))![1]!.match(/<option value="([^"]*)" selected/)?.[1];
const incidents = async () => Number((await t.db.select({ n: count() }).from(safetyIncidents))[0]!.n);
const fields = { occurredOn: '2026-01-05', kind: 'fall', severity: 'minor_first_aid', description: 'A digger slipped on the ladder.', immediateAction: '', rootCause: '', people0group: '', people0count: '1' };

describe('The incident form', () => {
  it('starts with no severity, kind, sex or age group chosen, and offers “Not known” for the sex', async () => {
    for (const lang of ['en', 'fr']) {
      const page = await (await officer.request(`/safety/sites/FRM/incidents/new?lang=${lang}`)).text();
      for (const name of ['severity', 'kind', 'people0sex', 'people0age']) expect(selectedIn(page, name), name).toBe('');
      expect(page).not.toMatch(/<option value="fatal" selected/);
      expect(page).toContain(lang === 'en' ? '<option value="unknown">Not known</option>' : '<option value="unknown">Inconnu</option>');
    }
  });

  it('refuses an incident whose severity or people were not chosen, saying what to choose, with nothing written', async () => {
    const before = await incidents();
    const response = await officer.request('/safety/sites/FRM/incidents/new?lang=fr', post({ ...fields, severity: '', people0sex: '', people0age: '' }));
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('Choisissez la gravité');
    expect(page).toContain('Choisissez le sexe et la tranche d’âge');
    expect(selectedIn(page, 'kind')).toBe('fall');
    expect(await incidents()).toBe(before);
  });

  it('records a person whose sex nobody could say', async () => {
    const response = await officer.request('/safety/sites/FRM/incidents/new', post({ ...fields, people0sex: 'unknown', people0age: 'unknown' }));
    expect(response.status).toBe(303);
    const id = Number(new URL(response.headers.get('location')!, 'http://x').searchParams.get('recorded'));
    expect(await t.db.select({ sex: safetyIncidentPeople.sex, age: safetyIncidentPeople.ageGroup }).from(safetyIncidentPeople).where(eq(safetyIncidentPeople.incidentId, id))).toEqual([{ sex: 'unknown', age: 'unknown' }]);
  });
});
