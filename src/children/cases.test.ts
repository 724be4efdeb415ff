import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSite } from '../../test/factories/sites.ts';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import { userRoles, type UserRole } from '../core/auth/roles.ts';
import { findEntries, journalSize, runCommand } from '../journal/public.ts';
import { registerWorker } from '../sites/public.ts';
import { newChildNameKey } from './name-key.ts';
import { childCases, childVisits } from './schema.ts';

/**
 * Cases through the API: who may see and change them (only admin and field users of the
 * organisation that manages the case), the rules of the follow-up, and every bad input refused with
 * nothing written.
 */
let t: TestContext;
let siteCode: string;
let siteId: number;
const key = newChildNameKey();
let care: { id: number; code: string };
let otherCare: { id: number; code: string };
const tokens = new Map<string, string>();
const as = (who: string) => ({ authorization: `Bearer ${tokens.get(who)!}` });

const newCase = (overrides: Record<string, unknown> = {}) => ({
  site: siteCode,
  sex: 'female',
  ageAtIdentification: 13,
  identifiedOn: '2025-01-15',
  identifiedBy: 'field_officer',
  activity: 'washing_sorting',
  community: 'Kasulo',
  householdHead: 'one_parent',
  householdSize: 6,
  riskLevel: 'high',
  ...overrides,
});

const caseCount = async () => Number((await t.db.select({ n: count() }).from(childCases))[0]!.n);
const visitCount = async () => Number((await t.db.select({ n: count() }).from(childVisits))[0]!.n);
const journalCount = () => journalSize(t.db);

async function post(path: string, body: unknown, who = 'care-field') {
  return t.app.request(`/api/v1${path}`, jsonRequest('POST', body, as(who)));
}

async function openedCase(overrides: Record<string, unknown> = {}) {
  const response = await post('/children/cases', newCase(overrides));
  expect(response.status).toBe(201);
  return (await response.json()) as { id: number; code: string; stage: string };
}

beforeAll(async () => {
  t = await createTestContext();
  t.deps.childNameKey = key;
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  const site = await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'KID' });
  siteCode = site.site.code;
  siteId = site.site.id;
  care = await t.buildOrganisation({ kind: 'partner', code: 'care-one' });
  otherCare = await t.buildOrganisation({ kind: 'partner', code: 'care-two' });
  const secretariat = await t.buildOrganisation({ kind: 'secretariat' });
  tokens.set('care-field', (await t.buildToken({ role: 'field', organisationId: care.id })).token);
  tokens.set('other-field', (await t.buildToken({ role: 'field', organisationId: otherCare.id })).token);
  tokens.set('secretariat-admin', (await t.buildToken({ role: 'admin', organisationId: secretariat.id })).token);
  tokens.set('secretariat-field', (await t.buildToken({ role: 'field', organisationId: secretariat.id })).token);
  for (const role of userRoles) if (!tokens.has(role)) tokens.set(role, (await t.buildToken({ role })).token);
});
afterAll(async () => {
  await t?.close();
});

describe('Opening a case', () => {
  it('gives a pseudonymous per-site code and records the case for the caller’s organisation', async () => {
    const first = await openedCase();
    const second = await openedCase({ sex: 'male', ageAtIdentification: 16 });
    expect(first.code).toBe('KID-C-0001');
    expect(second.code).toBe('KID-C-0002');
    expect(first.stage).toBe('identified');
    const [row] = await t.db.select().from(childCases).where(eq(childCases.id, first.id));
    expect(row!.caseOrganisationId).toBe(care.id);
  });

  it('keeps the case code, age, sex and community out of the public journal', async () => {
    const created = await openedCase({ community: 'Quartier Canary' });
    const [entry] = await findEntries(t.db, { subject: `child_case:${created.id}` });
    const text = Buffer.from(entry!.bytes).toString('utf8');
    expect(text).not.toContain(created.code);
    expect(text).not.toContain('Canary');
    expect(JSON.parse(text).payload).toEqual({ case: created.id, site: siteCode, caseOrganisation: 'care-one' });
  });

  it('stores a name only encrypted, and opens it for the case’s organisation', async () => {
    const created = await openedCase({ name: 'Furaha Canaryname' });
    const [row] = await t.db.select().from(childCases).where(eq(childCases.id, created.id));
    expect(row!.nameCiphertext).not.toBeNull();
    expect(JSON.stringify(row)).not.toContain('Furaha');
    expect(row!.nameCiphertext!.toString('utf8')).not.toContain('Furaha');
    const read = (await (await t.app.request(`/api/v1/children/cases/${created.id}`, { headers: as('care-field') })).json()) as { name: unknown };
    expect(read.name).toEqual({ recorded: true, value: 'Furaha Canaryname' });
  });

  it('refuses a name when the server has no key, and writes nothing', async () => {
    const saved = t.deps.childNameKey;
    t.deps.childNameKey = null;
    try {
      const before = await caseCount();
      const response = await post('/children/cases', newCase({ name: 'Nobody Canary' }));
      expect(response.status).toBe(422);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('name_key_missing');
      expect(await caseCount()).toBe(before);
      expect((await post('/children/cases', newCase())).status).toBe(201);
    } finally {
      t.deps.childNameKey = saved;
    }
  });

  it.each([
    ['a child aged 18', { ageAtIdentification: 18 }, 422, 'age_not_minor'],
    ['an adult', { ageAtIdentification: 25 }, 422, 'age_not_minor'],
    ['an unknown site', { site: 'NOPE' }, 422, 'site_unknown'],
    ['an identification in the future', { identifiedOn: '2999-01-01' }, 422, 'date_in_future'],
    ['an activity outside the list', { activity: 'mining' }, 400, 'validation_failed'],
    ['an empty community', { community: ' ' }, 400, 'validation_failed'],
  ])('refuses %s with a clear error and writes nothing', async (_label, overrides, status, code) => {
    const [cases, journal] = [await caseCount(), await journalCount()];
    const response = await post('/children/cases', newCase(overrides), 'care-field');
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(10);
    expect([await caseCount(), await journalCount()]).toEqual([cases, journal]);
  });

  it('answers in French', async () => {
    const response = await t.app.request('/api/v1/children/cases', jsonRequest('POST', newCase({ ageAtIdentification: 19 }), { ...as('care-field'), 'accept-language': 'fr' }));
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('moins de 18 ans');
  });
});

describe('Plan, visits and closure', () => {
  let caseId: number;
  beforeAll(async () => {
    caseId = (await openedCase({ identifiedOn: '2024-01-10', ageAtIdentification: 12 })).id;
  });

  it('starts the plan with the first support and schedules the visits from it', async () => {
    const response = await post(`/children/cases/${caseId}/supports`, { kind: 'school_enrolment', provider: 'care-one', startedOn: '2024-02-01', costMinor: 4500, currency: 'USD' });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { planStartedOn: string; stage: string; schedule: { dueMonths: number; dueOn: string }[] };
    expect(body.planStartedOn).toBe('2024-02-01');
    expect(body.stage).toBe('plan_started');
    expect(body.schedule.slice(0, 3).map((d) => [d.dueMonths, d.dueOn])).toEqual([
      [3, '2024-05-01'],
      [6, '2024-08-01'],
      [18, '2025-08-01'],
    ]);
  });

  it('refuses a provider that is not a case-management organisation', async () => {
    const buyer = await t.buildOrganisation({ kind: 'buyer', code: 'not-a-carer' });
    const response = await post(`/children/cases/${caseId}/supports`, { kind: 'health_check', provider: buyer.code, startedOn: '2024-02-01', costMinor: 0, currency: 'USD' });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('provider_not_accredited');
  });

  it('refuses a visit before the identification date and writes nothing', async () => {
    const [visits, journal] = [await visitCount(), await journalCount()];
    const response = await post(`/children/cases/${caseId}/visits`, { visitedOn: '2023-12-31', outcome: 'in_school_or_training', dueMonths: null });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('visit_before_identification');
    expect(body.error.message).toContain('2024-01-10');
    expect([await visitCount(), await journalCount()]).toEqual([visits, journal]);
  });

  it('lists the case as overdue while its 3-month visit is missing', async () => {
    const list = (await (await t.app.request('/api/v1/children/cases?overdue=true', { headers: as('care-field') })).json()) as { cases: { id: number; overdueVisits: { dueMonths: number }[] }[] };
    expect(list.cases.find((c) => c.id === caseId)?.overdueVisits.map((d) => d.dueMonths)).toContain(3);
  });

  it('refuses to close as remediated until the 3- and 6-month visits found the child not working', async () => {
    expect((await post(`/children/cases/${caseId}/visits`, { visitedOn: '2024-05-03', outcome: 'in_school_or_training', dueMonths: 3 })).status).toBe(201);
    const early = await post(`/children/cases/${caseId}/close`, { closedOn: '2024-06-01', reason: 'remediated' });
    expect(early.status).toBe(422);
    expect(((await early.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'closure_rule_not_met', message: expect.stringContaining('6-month visit is not recorded') });
    expect((await post(`/children/cases/${caseId}/visits`, { visitedOn: '2024-08-05', outcome: 'working', dueMonths: 6 })).status).toBe(201);
    const working = await post(`/children/cases/${caseId}/close`, { closedOn: '2024-09-01', reason: 'remediated' });
    expect(working.status).toBe(422);
    expect(((await working.json()) as { error: { message: string } }).error.message).toContain('found the child working');
    expect((await post(`/children/cases/${caseId}/visits`, { visitedOn: '2024-08-20', outcome: 'in_school_or_training', dueMonths: 6 })).status).toBe(409);
  });

  it('closes as remediated when the rule holds, and then takes no more visits', async () => {
    const good = (await openedCase({ identifiedOn: '2024-01-10' })).id;
    await post(`/children/cases/${good}/supports`, { kind: 'catch_up_classes', provider: 'care-one', startedOn: '2024-01-20', costMinor: 12000, currency: 'USD' });
    await post(`/children/cases/${good}/visits`, { visitedOn: '2024-04-22', outcome: 'in_school_or_training', dueMonths: 3 });
    await post(`/children/cases/${good}/visits`, { visitedOn: '2024-07-21', outcome: 'in_school_or_training', dueMonths: 6 });
    const closed = await post(`/children/cases/${good}/close`, { closedOn: '2024-08-01', reason: 'remediated' });
    expect(closed.status).toBe(200);
    expect(((await closed.json()) as { stage: string }).stage).toBe('closed_remediated');
    const after = await post(`/children/cases/${good}/visits`, { visitedOn: '2024-09-01', outcome: 'working', dueMonths: null });
    expect(after.status).toBe(409);
  });
});

describe('Referrals from the worker register', () => {
  it('arrive as cases to confirm, and a referral becomes one case only', async () => {
    const outcome = await runCommand(t.db, system, (ctx) =>
      registerWorker(ctx, { siteId, fullName: 'Petit Canaryreferral', sex: 'M', birthYear: 2010, operatorGroup: 'diggers', registeredOn: '2025-03-02' }),
    );
    expect(outcome.outcome).toBe('referred');
    const code = outcome.outcome === 'referred' ? outcome.referral.code : '';
    const listed = (await (await t.app.request('/api/v1/children/referrals', { headers: as('care-field') })).json()) as { referrals: { code: string; ageYears: number }[] };
    expect(listed.referrals.find((r) => r.code === code)).toMatchObject({ ageYears: 15 });
    const body = { activity: 'digging', community: 'Musompo', householdHead: 'grandparent', householdSize: 4, riskLevel: 'medium' };
    const confirmed = await post(`/children/referrals/${code}/confirm`, body);
    expect(confirmed.status).toBe(201);
    expect(await confirmed.json()).toMatchObject({ sex: 'male', ageAtIdentification: 15, identifiedOn: '2025-03-02', identifiedBy: 'worker_register', referred: true, site: siteCode });
    expect((await post(`/children/referrals/${code}/confirm`, body, 'other-field')).status).toBe(409);
    const after = (await (await t.app.request('/api/v1/children/referrals', { headers: as('care-field') })).json()) as { referrals: { code: string }[] };
    expect(after.referrals.some((r) => r.code === code)).toBe(false);
  });
});

describe('Access by role and organisation', () => {
  let caseId: number;
  beforeAll(async () => {
    caseId = (await openedCase()).id;
  });

  const callers: { who: string; read: number; list: boolean }[] = [
    { who: 'care-field', read: 200, list: true },
    { who: 'other-field', read: 403, list: false },
    { who: 'secretariat-admin', read: 403, list: false },
    { who: 'secretariat-field', read: 403, list: false },
    ...(['cooperative', 'verifier', 'committee', 'buyer', 'member'] as UserRole[]).map((role) => ({ who: role, read: 403, list: false })),
  ];

  it.each(callers)('$who reads the case: $read', async ({ who, read }) => {
    expect((await t.app.request(`/api/v1/children/cases/${caseId}`, { headers: as(who) })).status).toBe(read);
    const write = await post(`/children/cases/${caseId}/visits`, { visitedOn: '2025-02-01', outcome: 'in_school_or_training', dueMonths: null }, who);
    expect(write.status).toBe(read === 200 ? 201 : 403);
  });

  it.each(callers)('$who lists only its own organisation’s cases', async ({ who, list }) => {
    const response = await t.app.request('/api/v1/children/cases', { headers: as(who) });
    if (['cooperative', 'verifier', 'committee', 'buyer', 'member'].includes(who)) {
      expect(response.status).toBe(403);
      return;
    }
    const body = (await response.json()) as { cases: { id: number }[] };
    expect(body.cases.some((c) => c.id === caseId)).toBe(list);
  });

  it('sends an anonymous caller to sign in', async () => {
    expect((await t.app.request(`/api/v1/children/cases/${caseId}`)).status).toBe(401);
    expect((await t.app.request('/api/v1/children/cases')).status).toBe(401);
    expect((await t.app.request('/api/v1/children/referrals')).status).toBe(401);
  });

  it('lets a field officer of another organisation open a case only for their own organisation', async () => {
    const created = (await (await post('/children/cases', newCase(), 'other-field')).json()) as { id: number; caseOrganisation: string };
    expect(created.caseOrganisation).toBe('care-two');
    expect((await t.app.request(`/api/v1/children/cases/${created.id}`, { headers: as('care-field') })).status).toBe(403);
  });

  it('refuses a case for an organisation that does not manage cases', async () => {
    const response = await post('/children/cases', newCase(), 'admin');
    // A freshly built admin belongs to a secretariat: allowed. A cooperative field officer is not a case manager.
    expect(response.status).toBe(201);
    const coopField = await t.buildOrganisation({ kind: 'cooperative' });
    tokens.set('coop-field', (await t.buildToken({ role: 'field', organisationId: coopField.id })).token);
    const refused = await post('/children/cases', newCase(), 'coop-field');
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('case_organisation_not_accredited');
  });
});

describe('The home page of a case worker', () => {
  it('shows the open cases of its organisation and the referrals to confirm, and nothing to another organisation', async () => {
    await openedCase();
    const worker = await t.buildUser({ role: 'field', organisationId: care.id });
    const home = await (await (await t.signIn(worker.email, worker.password)).request('/')).text();
    expect(home).toContain('<h2>Child remediation</h2>');
    expect(home).toContain('open cases your organisation manages');
    const outsider = await t.buildUser({ role: 'field', organisationId: (await t.buildOrganisation({ kind: 'partner' })).id });
    expect(await (await (await t.signIn(outsider.email, outsider.password)).request('/')).text()).not.toContain('Child remediation');
  });
});

describe('Referrals to confirm', () => {
  it("are read by case-management organisations only, never by a cooperative's field officer", async () => {
    const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
    const cooperativeField = await t.buildToken({ role: 'field', organisationId: cooperative.id });
    const refused = await t.app.request('/api/v1/children/referrals', { headers: { authorization: `Bearer ${cooperativeField.token}` } });
    expect(refused.status).toBe(403);
    const allowed = await t.app.request('/api/v1/children/referrals', { headers: as('care-field') });
    expect(allowed.status).toBe(200);
  });
});
