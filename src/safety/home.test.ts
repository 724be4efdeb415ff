import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSite } from '../../test/factories/sites.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';

let t: TestContext;
let cooperativeUser: { email: string; password: string };
let otherCooperativeUser: { email: string; password: string };

beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'SAF' });
  cooperativeUser = await t.buildUser({ role: 'cooperative', organisationId: cooperative.id });
  otherCooperativeUser = await t.buildUser({ role: 'cooperative', organisationId: (await t.buildOrganisation({ kind: 'cooperative' })).id });
});
afterAll(() => t?.close());

const homeOf = async (user: { email: string; password: string }, lang = 'en') => (await (await t.signIn(user.email, user.password)).request(`/?lang=${lang}`)).text();

describe('Safety on the home page', () => {
  it('offers a cooperative to record an incident at its own site only, in English and French', async () => {
    const home = await homeOf(cooperativeUser);
    expect(home).toContain('href="/safety/sites/SAF/incidents/new"');
    expect(home).toContain('incidents recorded at');
    expect(await homeOf(cooperativeUser, 'fr')).toContain('enregistrer un incident');
    expect(await homeOf(otherCooperativeUser)).not.toContain('/safety/sites/SAF/incidents/new');
  });
});
