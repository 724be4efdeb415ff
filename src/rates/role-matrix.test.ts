import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, jsonRequest, type TestContext } from '../../test/harness.ts';
import { userRoles, type UserRole } from '../core/auth/roles.ts';

/**
 * Every caller against every rates route, the expected access written out from the domain's rule
 * (not read from the policy table): rates are public figures, read by anyone; only the
 * secretariat's admin records a rate or sets the reporting currency.
 */
let t: TestContext;
const tokens = new Map<UserRole, string>();
const callers = ['public', ...userRoles] as const;
type Caller = (typeof callers)[number];
let day = 0;

beforeAll(async () => {
  t = await createTestContext();
  for (const role of userRoles) tokens.set(role, (await t.buildToken({ role })).token);
});
afterAll(() => t?.close());

const bearer = (caller: Caller): Record<string, string> => (caller === 'public' ? {} : { authorization: `Bearer ${tokens.get(caller)!}` });
const nextDay = () => `2024-${String(1 + Math.floor(day / 28)).padStart(2, '0')}-${String(1 + (day++ % 28)).padStart(2, '0')}`;

const cases: { name: string; allow: readonly Caller[]; request: () => { path: string; init?: RequestInit } }[] = [
  { name: 'GET /rates', allow: callers, request: () => ({ path: '/rates?currency=CDF' }) },
  { name: 'GET /rates/currencies', allow: callers, request: () => ({ path: '/rates/currencies' }) },
  { name: 'GET /rates/conversion', allow: callers, request: () => ({ path: '/rates/conversion?amountMinor=100&from=USD&to=USD&on=2024-01-01' }) },
  { name: 'POST /rates', allow: ['admin'], request: () => ({ path: '/rates', init: jsonRequest('POST', { currency: 'CDF', rateOn: nextDay(), unitsPerUsdMicro: 2_800_000_000, source: 'BCC' }) }) },
  { name: 'PUT /rates/reporting-currency', allow: ['admin'], request: () => ({ path: '/rates/reporting-currency', init: jsonRequest('PUT', { currency: 'USD' }) }) },
];

describe('Rates role matrix: the API', () => {
  for (const testCase of cases) {
    describe(testCase.name, () => {
      for (const caller of callers) {
        const allowed = testCase.allow.includes(caller);
        it(`${allowed ? 'allows' : 'refuses'} ${caller}`, async () => {
          const { path, init = {} } = testCase.request();
          const response = await t.app.request(`/api/v1${path}`, { ...init, headers: { ...((init.headers as Record<string, string>) ?? {}), ...bearer(caller) } });
          if (allowed) expect([200, 201], await response.clone().text()).toContain(response.status);
          else expect(response.status).toBe(caller === 'public' ? 401 : 403);
        });
      }
    });
  }
});

describe('Rates role matrix: the page', () => {
  for (const caller of callers) {
    it(`GET /rates shows ${caller} the rates, and the forms only to the admin`, async () => {
      const response = await t.app.request('/rates', { headers: bearer(caller) });
      expect(response.status).toBe(200);
      expect((await response.text()).includes('action="/rates"')).toBe(caller === 'admin');
    });
  }
});
