import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSite } from '../../test/factories/sites.ts';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import { userRoles, type UserRole } from '../core/auth/roles.ts';
import { grantProps, recordGrant, spendingProps } from './grant-test-support.ts';
import { runCommand } from '../journal/public.ts';
import { modules } from '../modules.ts';
import { defineResult } from './commands/define-result.ts';
import { createMembership } from './commands/members/create-membership.ts';
import { issueContributionCalls } from './commands/members/issue-contribution-calls.ts';
import { setContributionRate } from './commands/members/set-contribution-rate.ts';
import { activityProps, recordActivity, withProgrammeAreas } from './test-support.ts';

/**
 * Every caller against every finance route, with the expected outcome written out per route: the
 * callers listed succeed (each request is one that would succeed), every other caller gets 401 or
 * 403. The table is the domain's rule (issue 13: the secretariat records everything, the public sees
 * the IATI files), not read from the policy table, so a change to the policies fails here until the
 * table is changed on purpose.
 */
let t: TestContext;
const tokens = new Map<UserRole, string>();
const callers = ['public', ...userRoles] as const;
type Caller = (typeof callers)[number];
let sequence = 0;
const organisationCodes = new Map<UserRole, string>();
let otherMember: string;
let ownCall: string;
let otherCall: string;
/** Organisations the matrix admits as members, one per allowed request. */
const candidates: string[] = [];

beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'KAM' });
  await withProgrammeAreas(t.db, system);
  await recordActivity(t.db, system, activityProps('PUBLISHED', { sites: ['KAM'] }));
  for (const role of userRoles) {
    const created = await t.buildToken({ role });
    tokens.set(role, created.token);
    const me = (await (await t.app.request('/api/v1/me', { headers: { authorization: `Bearer ${created.token}` } })).json()) as { organisation: string };
    organisationCodes.set(role, me.organisation);
  }
  // The member-role caller's organisation is a member with a call; so is another organisation, which only the secretariat may read.
  for (const category of ['downstream', 'associate']) {
    await runCommand(t.db, system, (ctx) => setContributionRate(ctx, { year: 2024, category, currency: 'USD', fixedAmountMinor: 100_000, perTonneMinor: 1_000, floorMinor: 50_000, capMinor: 500_000 }));
  }
  await runCommand(t.db, system, (ctx) => createMembership(ctx, { organisation: organisationCodes.get('member')!, category: 'downstream', memberSince: '2023-01-01', rule: 'category_fixed' }));
  otherMember = (await t.buildOrganisation({ kind: 'member' })).code;
  await runCommand(t.db, system, (ctx) => createMembership(ctx, { organisation: otherMember, category: 'associate', memberSince: '2023-01-01', rule: 'category_fixed' }));
  const calls = await runCommand(t.db, system, (ctx) => issueContributionCalls(ctx, { year: 2024, issuedOn: '2024-01-15', dueOn: '2024-03-31' }));
  ownCall = calls.find((call) => call.organisation === organisationCodes.get('member'))!.number;
  otherCall = calls.find((call) => call.organisation === otherMember)!.number;
  for (let n = 0; n < 20; n++) candidates.push((await t.buildOrganisation({ kind: 'member' })).code);
  const { type, titleEn, titleFr, indicators } = resultBody;
  const result = await runCommand(t.db, system, (ctx) => defineResult(ctx, { activity: 'PUBLISHED', type, titleEn, titleFr, indicators }, modules.flatMap((module) => module.indicators ?? [])));
  resultIndicatorId = result.indicators[0]!.id;
});
afterAll(() => t?.close());

const bearer = (caller: Caller): Record<string, string> => (caller === 'public' ? {} : { authorization: `Bearer ${tokens.get(caller)!}` });
const secretariat: readonly Caller[] = ['admin'];
const area = { labelEn: 'Area', labelFr: 'Domaine', sectors: [{ code: '25040', percentage: 100 }] };
const { code: _code, ...activity } = activityProps('X', { sites: ['KAM'] });
const resultBody = {
  type: 2,
  titleEn: 'Fewer incidents',
  titleFr: 'Moins d’incidents',
  indicators: [{ indicator: 'safety.incidents_by_kind', titleEn: 'Fatal incidents', titleFr: 'Incidents mortels', filters: { site: 'KAM' }, selection: { severity: 'fatal' }, measure: 1, ascending: false, baselineYear: 2023, baselineValue: 1 }],
};
let resultIndicatorId = 0;

describe('Finance role matrix: the public API', () => {
  // The statements are aggregate and public (issue 13 part 6); 2023 holds none of the records the other rows add, so it stays convertible.
  for (const path of ['/finance/areas', '/finance/activities', '/finance/activities/PUBLISHED/results', '/finance/statements?year=2023', '/finance/statements.csv?year=2023', '/finance/statements.xlsx?year=2023']) {
    for (const caller of callers) {
      it(`GET ${path} answers ${caller}`, async () => {
        expect((await t.app.request(`/api/v1${path}`, { headers: bearer(caller) })).status).toBe(200);
      });
    }
  }
});

type Case = { name: string; allow: readonly Caller[]; request: () => Promise<{ method: string; path: string; body: unknown }> };
const cases: Case[] = [
  { name: 'POST /finance/areas/{code}', allow: secretariat, request: async () => ({ method: 'POST', path: `/finance/areas/matrix_${++sequence}`, body: area }) },
  { name: 'PUT /finance/areas/{code}', allow: secretariat, request: async () => ({ method: 'PUT', path: '/finance/areas/governance', body: area }) },
  { name: 'POST /finance/activities/{code}', allow: secretariat, request: async () => ({ method: 'POST', path: `/finance/activities/MATRIX-${++sequence}`, body: activity }) },
  { name: 'PUT /finance/activities/{code}', allow: secretariat, request: async () => ({ method: 'PUT', path: '/finance/activities/PUBLISHED', body: activity }) },
  // Results (issue 13, part 7): anyone reads them (above); the secretariat defines them and sets their targets.
  { name: 'POST /finance/activities/{code}/results', allow: secretariat, request: async () => ({ method: 'POST', path: '/finance/activities/PUBLISHED/results', body: resultBody }) },
  {
    name: 'PUT /finance/activities/{code}/results/indicators/{id}/targets/{year}',
    allow: secretariat,
    request: async () => ({ method: 'PUT', path: `/finance/activities/PUBLISHED/results/indicators/${resultIndicatorId}/targets/2025`, body: { value: ++sequence } }),
  },
  // Members (issue 13): the secretariat keeps them; a member's own users read its record, nobody else does.
  { name: 'GET /finance/members', allow: secretariat, request: async () => ({ method: 'GET', path: '/finance/members', body: undefined }) },
  { name: 'GET /finance/members/{the member caller’s own}', allow: ['admin', 'member'], request: async () => ({ method: 'GET', path: `/finance/members/${organisationCodes.get('member')}`, body: undefined }) },
  { name: 'GET /finance/members/{another member}', allow: secretariat, request: async () => ({ method: 'GET', path: `/finance/members/${otherMember}`, body: undefined }) },
  {
    name: 'POST /finance/members/{organisation}',
    allow: secretariat,
    request: async () => ({ method: 'POST', path: `/finance/members/${candidates.pop()}`, body: { category: 'associate', memberSince: '2024-01-01', rule: 'category_fixed' } }),
  },
  { name: 'PUT /finance/members/{organisation}', allow: secretariat, request: async () => ({ method: 'PUT', path: `/finance/members/${otherMember}`, body: { category: 'associate', status: 'active', rule: 'category_fixed' } }) },
  { name: 'GET /finance/contribution-rates', allow: secretariat, request: async () => ({ method: 'GET', path: '/finance/contribution-rates', body: undefined }) },
  {
    name: 'PUT /finance/contribution-rates/{year}/{category}',
    allow: secretariat,
    request: async () => ({ method: 'PUT', path: `/finance/contribution-rates/${2030 + (++sequence % 60)}/upstream`, body: { currency: 'USD', fixedAmountMinor: 100, perTonneMinor: 1, floorMinor: 1, capMinor: 100 } }),
  },
  { name: 'GET /finance/contribution-calls/{the member caller’s own}', allow: ['admin', 'member'], request: async () => ({ method: 'GET', path: `/finance/contribution-calls/${ownCall}`, body: undefined }) },
  { name: 'GET /finance/contribution-calls/{another member’s}', allow: secretariat, request: async () => ({ method: 'GET', path: `/finance/contribution-calls/${otherCall}`, body: undefined }) },
  {
    name: 'POST /finance/contribution-calls/{number}/payments',
    allow: secretariat,
    request: async () => ({ method: 'POST', path: `/finance/contribution-calls/${otherCall}/payments`, body: { amountMinor: 1, currency: 'USD', receivedOn: '2024-06-01', reference: `MATRIX-${++sequence}` } }),
  },
];

describe('Finance role matrix: the API', () => {
  for (const testCase of cases) {
    describe(testCase.name, () => {
      for (const caller of callers) {
        const allowed = testCase.allow.includes(caller);
        it(`${allowed ? 'allows' : 'refuses'} ${caller}`, async () => {
          const { method, path, body } = await testCase.request();
          const response = await t.app.request(`/api/v1${path}`, method === 'GET' ? { headers: bearer(caller) } : jsonRequest(method, body, bearer(caller)));
          if (allowed) expect([200, 201], await response.clone().text()).toContain(response.status);
          else expect(response.status).toBe(caller === 'public' ? 401 : 403);
        });
      }
    });
  }
});

describe('Finance role matrix: the public files', () => {
  const files: { name: string; allow: readonly Caller[] }[] = [
    { name: '/iati/activities.xml', allow: callers },
    { name: '/iati/organisation.xml', allow: callers },
  ];
  for (const file of files) {
    for (const caller of callers) {
      const allowed = file.allow.includes(caller);
      it(`GET ${file.name} ${allowed ? 'answers' : 'refuses'} ${caller}`, async () => {
        const response = await t.app.request(file.name, { headers: bearer(caller) });
        expect(response.status).toBe(allowed ? 200 : 403);
      });
    }
  }
});

/**
 * Grants and spending (issue 13, parts 3 and 4): the secretariat records everything and reads
 * every grant, individual payees and receipts; a donor's member users read only their own grants;
 * nobody else reads a grant. The `member` caller above is a member of a buyer, not of a donor.
 */
describe('Finance role matrix: grants and spending', () => {
  let grantId = 0;
  let donorToken = '';
  let otherDonorToken = '';
  beforeAll(async () => {
    const donor = await t.buildOrganisation({ kind: 'donor' });
    const otherDonor = await t.buildOrganisation({ kind: 'donor' });
    grantId = (await recordGrant(t.db, system, grantProps(donor.code, { activities: ['PUBLISHED'], areas: [] }))).id;
    donorToken = (await t.buildToken({ role: 'member', organisationId: donor.id })).token;
    otherDonorToken = (await t.buildToken({ role: 'member', organisationId: otherDonor.id })).token;
  });

  const grantCases: Case[] = [
    { name: 'GET /finance/grants', allow: secretariat, request: async () => ({ method: 'GET', path: '/finance/grants', body: undefined }) },
    { name: 'GET /finance/grants/{id}', allow: secretariat, request: async () => ({ method: 'GET', path: `/finance/grants/${grantId}`, body: undefined }) },
    { name: 'GET /finance/grants/{id}/budget-against-actual', allow: secretariat, request: async () => ({ method: 'GET', path: `/finance/grants/${grantId}/budget-against-actual`, body: undefined }) },
    { name: 'POST /finance/grants', allow: secretariat, request: async () => ({ method: 'POST', path: '/finance/grants', body: { ...grantProps('eprm'), donor: (await t.buildOrganisation({ kind: 'donor' })).code, activities: ['PUBLISHED'], areas: [] } }) },
    { name: 'POST /finance/grants/{id}/budget', allow: secretariat, request: async () => ({ method: 'POST', path: `/finance/grants/${grantId}/budget`, body: { reason: 'Revision', lines: [{ activity: 'PUBLISHED', category: 'staff', year: 2024, amountMinor: 1000 }] } }) },
    { name: 'POST /finance/grants/{id}/money', allow: secretariat, request: async () => ({ method: 'POST', path: `/finance/grants/${grantId}/money`, body: { kind: 'receipt', amountMinor: 100, valueOn: '2024-02-01', reference: `BANK-${++sequence}` } }) },
    { name: 'GET /finance/expenditures', allow: secretariat, request: async () => ({ method: 'GET', path: '/finance/expenditures', body: undefined }) },
    { name: 'POST /finance/expenditures', allow: secretariat, request: async () => ({ method: 'POST', path: '/finance/expenditures', body: spendingProps('PUBLISHED', { individual: 'A Person' }, { reference: `MATRIX-${++sequence}` }) }) },
    // The general-ledger import: the secretariat's alone (its books name people).
    { name: 'GET /finance/ledger/accounts', allow: secretariat, request: async () => ({ method: 'GET', path: '/finance/ledger/accounts', body: undefined }) },
    { name: 'PUT /finance/ledger/accounts/{account}', allow: secretariat, request: async () => ({ method: 'PUT', path: `/finance/ledger/accounts/512${++sequence}`, body: { treatment: 'not_spending' } }) },
  ];
  for (const testCase of grantCases) {
    describe(testCase.name, () => {
      for (const caller of callers) {
        const allowed = testCase.allow.includes(caller);
        it(`${allowed ? 'allows' : 'refuses'} ${caller}`, async () => {
          const { method, path, body } = await testCase.request();
          const response = await t.app.request(`/api/v1${path}`, body === undefined ? { method, headers: bearer(caller) } : jsonRequest(method, body, bearer(caller)));
          if (allowed) expect([200, 201], await response.clone().text()).toContain(response.status);
          else expect(response.status).toBe(caller === 'public' ? 401 : 403);
        });
      }
    });
  }

  const donorReads: { path: () => string; own: number; other: number }[] = [
    { path: () => '/finance/grants', own: 200, other: 200 },
    { path: () => `/finance/grants/${grantId}`, own: 200, other: 403 },
    { path: () => `/finance/grants/${grantId}/budget-against-actual`, own: 200, other: 403 },
    { path: () => '/finance/expenditures', own: 403, other: 403 },
  ];
  for (const read of donorReads) {
    it(`GET ${read.path()} answers the grant's donor ${read.own} and another donor ${read.other}`, async () => {
      expect((await t.app.request(`/api/v1${read.path()}`, { headers: { authorization: `Bearer ${donorToken}` } })).status).toBe(read.own);
      expect((await t.app.request(`/api/v1${read.path()}`, { headers: { authorization: `Bearer ${otherDonorToken}` } })).status).toBe(read.other);
    });
  }
  for (const caller of callers) {
    const allowed = secretariat.includes(caller);
    it(`POST /finance/ledger/import (a dry run) ${allowed ? 'allows' : 'refuses'} ${caller}`, async () => {
      const form = new FormData();
      form.set('file', new File(['Date,Account,Description,Debit,Credit\n2024-03-01,5121,Bank,10.00,\n'], 'ledger.csv', { type: 'text/csv' }));
      form.set('currency', 'USD');
      form.set('dateOrder', 'dmy');
      const response = await t.app.request('/api/v1/finance/ledger/import?dry_run=true', { method: 'POST', body: form, headers: bearer(caller) });
      expect(response.status).toBe(allowed ? 200 : caller === 'public' ? 401 : 403);
    });
  }
  it('refuses every write to a donor’s member user', async () => {
    const response = await t.app.request(`/api/v1/finance/grants/${grantId}/money`, jsonRequest('POST', { kind: 'receipt', amountMinor: 1, valueOn: '2024-02-01', reference: 'DONOR' }, { authorization: `Bearer ${donorToken}` }));
    expect(response.status).toBe(403);
  });
});

describe('Finance role matrix: the members’ pages', () => {
  const pages: { name: string; path: () => string; allow: readonly Caller[] }[] = [
    { name: '/finance/members', path: () => '/finance/members', allow: secretariat },
    { name: '/finance/ledger', path: () => '/finance/ledger', allow: secretariat },
    // The statements: the secretariat's dashboard, and everyone's public page.
    { name: '/finance', path: () => '/finance?year=2023', allow: secretariat },
    { name: '/finance/public', path: () => '/finance/public?year=2023', allow: callers },
    { name: '/finance/members/{the member caller’s own}', path: () => `/finance/members/${organisationCodes.get('member')}`, allow: ['admin', 'member'] },
    { name: '/finance/members/{another member}', path: () => `/finance/members/${otherMember}`, allow: secretariat },
    // The secretariat has no membership of its own: it is sent on to the members list (303).
    { name: '/finance/membership', path: () => '/finance/membership', allow: ['admin', 'member'] },
    { name: '/finance/contributions/{the member caller’s own}/invoice.pdf', path: () => `/finance/contributions/${ownCall}/invoice.pdf`, allow: ['admin', 'member'] },
    { name: '/finance/contributions/{another member’s}/invoice.pdf', path: () => `/finance/contributions/${otherCall}/invoice.pdf`, allow: secretariat },
  ];
  for (const page of pages) {
    for (const caller of callers) {
      const allowed = page.allow.includes(caller);
      it(`GET ${page.name} ${allowed ? 'answers' : 'refuses'} ${caller}`, async () => {
        const response = await t.app.request(page.path(), { headers: bearer(caller) });
        if (allowed) expect([200, 303]).toContain(response.status);
        // A page asks the anonymous reader to sign in (a redirect to /login); a signed-in caller without the right gets 403.
        else expect(caller === 'public' ? [302, 303, 401] : [403]).toContain(response.status);
      });
    }
  }
});
