import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userRoles, type Role, type UserRole } from '../src/core/auth/roles.ts';
import { createTestContext, jsonRequest, type TestContext } from './harness.ts';

let t: TestContext;
const tokens = new Map<UserRole, { token: string; organisationId: number; orgCode: string; tokenId: number }>();
let otherOrganisation: { id: number; code: string };
/** Users that the admin's allowed requests act on: one to deactivate then reactivate, one to give another role, one whose password is reset. */
let managed: { deactivated: number; roleChanged: number; passwordReset: number };

beforeAll(async () => {
  t = await createTestContext();
  for (const role of userRoles) {
    const created = await t.buildToken({ role });
    const org = (await (await t.app.request(`/api/v1/me`, { headers: { authorization: `Bearer ${created.token}` } })).json()) as { organisation: string };
    tokens.set(role, { token: created.token, organisationId: created.organisationId, orgCode: org.organisation, tokenId: created.record.id });
  }
  otherOrganisation = await t.buildOrganisation({ kind: 'buyer' });
  const partner = await t.buildOrganisation({ kind: 'partner' });
  managed = {
    deactivated: (await t.buildUser({ role: 'buyer', organisationId: otherOrganisation.id })).id,
    roleChanged: (await t.buildUser({ role: 'field', organisationId: partner.id })).id,
    passwordReset: (await t.buildUser({ role: 'buyer', organisationId: otherOrganisation.id })).id,
  };
});
afterAll(() => t.close());

let sequence = 0;

/**
 * Every protected route of the foundation, with the roles that may use it written out (DESIGN.md's
 * roles: the secretariat's admin runs organisations and users; everyone signed in manages their
 * own tokens) and a request that would succeed. The expected access is not read from the policy
 * table, so a change there fails here until this table is changed on purpose.
 */
type Case = { name: string; allow: readonly Role[]; request: (role: UserRole | 'public') => { path: string; init?: RequestInit } };
const signedIn: readonly Role[] = userRoles;
const adminOnly: readonly Role[] = ['admin'];

const own = (role: UserRole | 'public') => (role === 'public' ? undefined : tokens.get(role));

const cases: Case[] = [
  { name: 'GET /me', allow: signedIn, request: () => ({ path: '/api/v1/me' }) },
  { name: 'GET /organisations', allow: adminOnly, request: () => ({ path: '/api/v1/organisations' }) },
  {
    name: 'POST /organisations',
    allow: adminOnly,
    request: () => ({ path: '/api/v1/organisations', init: jsonRequest('POST', { code: `matrix-${++sequence}`, name: 'Matrix SARL', kind: 'partner', country: 'CD' }) }),
  },
  { name: 'GET /organisations/{own code}', allow: signedIn, request: (role) => ({ path: `/api/v1/organisations/${own(role)?.orgCode ?? 'x'}` }) },
  { name: 'GET /users', allow: adminOnly, request: () => ({ path: '/api/v1/users' }) },
  {
    name: 'POST /users',
    allow: adminOnly,
    request: () => ({
      path: '/api/v1/users',
      init: jsonRequest('POST', { organisationId: otherOrganisation.id, email: `matrix-${++sequence}@example.test`, displayName: 'M', role: 'buyer', password: 'long-enough-password' }),
    }),
  },
  // User administration (issue 15): the secretariat's admins only.
  { name: 'POST /users/{id}/deactivate', allow: adminOnly, request: () => ({ path: `/api/v1/users/${managed.deactivated}/deactivate`, init: { method: 'POST' } }) },
  { name: 'POST /users/{id}/reactivate', allow: adminOnly, request: () => ({ path: `/api/v1/users/${managed.deactivated}/reactivate`, init: { method: 'POST' } }) },
  { name: 'PUT /users/{id}/role', allow: adminOnly, request: () => ({ path: `/api/v1/users/${managed.roleChanged}/role`, init: jsonRequest('PUT', { role: 'committee' }) }) },
  { name: 'POST /users/{id}/password-reset', allow: adminOnly, request: () => ({ path: `/api/v1/users/${managed.passwordReset}/password-reset`, init: { method: 'POST' } }) },
  // One's own password is a person's: no API token changes one, whatever its role (a signed-in user of
  // every role may: see 'conditions on the resource').
  { name: 'PUT /me/password (with a token)', allow: [], request: () => ({ path: '/api/v1/me/password', init: jsonRequest('PUT', { currentPassword: 'x', newPassword: 'a long new password' }) }) },
  { name: 'GET /tokens', allow: signedIn, request: () => ({ path: '/api/v1/tokens' }) },
  {
    name: 'POST /tokens (own organisation and role)',
    allow: signedIn,
    request: (role) => ({
      path: '/api/v1/tokens',
      init: jsonRequest('POST', { name: 'matrix', organisationId: own(role)?.organisationId ?? 1, role: role === 'public' ? 'buyer' : role }),
    }),
  },
  {
    // Revoking: an admin any token; anyone else only their own.
    name: 'DELETE /tokens/{own token}',
    allow: signedIn,
    request: (role) => ({ path: `/api/v1/tokens/${own(role)?.tokenId ?? 1}`, init: { method: 'DELETE' } }),
  },
  {
    // A verifier organisation's own key: registered by its own verifiers alone, never by the
    // secretariat (which runs the registry the key is meant to be independent of).
    name: 'POST /organisations/{own code}/verifier-keys',
    allow: ['verifier'],
    request: (role) => ({
      path: `/api/v1/organisations/${own(role)?.orgCode ?? 'x'}/verifier-keys`,
      init: jsonRequest('POST', { publicKey: generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString() }),
    }),
  },
  {
    // Who holds the key is the verifier organisation's choice alone (after the registration above it is the verifier: back to the registry).
    name: 'PUT /organisations/{own code}/verifier-key-custody',
    allow: ['verifier'],
    request: (role) => ({ path: `/api/v1/organisations/${own(role)?.orgCode ?? 'x'}/verifier-key-custody`, init: jsonRequest('PUT', { custody: 'registry' }) }),
  },
  { name: 'POST /auth/logout', allow: signedIn, request: () => ({ path: '/api/v1/auth/logout', init: { method: 'POST' } }) },
  // The alliance's members (issue 13): the list, the rates and the arrears are the secretariat's; a
  // member's own record is tested with its organisation in src/finance/role-matrix.test.ts.
  { name: 'GET /finance/members', allow: adminOnly, request: () => ({ path: '/api/v1/finance/members' }) },
  { name: 'GET /finance/contribution-rates', allow: adminOnly, request: () => ({ path: '/api/v1/finance/contribution-rates' }) },
];

const readers: Role[] = ['public', ...userRoles];

describe('Policy matrix', () => {
  for (const testCase of cases) {
    describe(testCase.name, () => {
      for (const role of readers) {
        const allowed = testCase.allow.includes(role);
        it(`${allowed ? 'allows' : 'refuses'} ${role}`, async () => {
          const { path, init = {} } = testCase.request(role);
          const headers: Record<string, string> = { ...((init.headers as Record<string, string>) ?? {}) };
          const auth = role === 'public' ? undefined : tokens.get(role);
          if (auth) headers.authorization = `Bearer ${auth.token}`;
          const response = await t.app.request(path, { ...init, headers });
          if (allowed) {
            expect(response.status, await response.clone().text()).toBeLessThan(300);
          } else {
            const expected = role === 'public' ? { status: 401, code: 'unauthenticated' } : { status: 403, code: 'forbidden' };
            expect(response.status).toBe(expected.status);
            expect(((await response.json()) as { error: { code: string } }).error.code).toBe(expected.code);
          }
          // A revoked token cannot be used again: give the role a fresh one.
          if (allowed && testCase.name.startsWith('DELETE /tokens') && auth) {
            const fresh = await t.buildToken({ role: role as UserRole, organisationId: auth.organisationId });
            tokens.set(role as UserRole, { ...auth, token: fresh.token, tokenId: fresh.record.id });
          }
        });
      }
    });
  }

  describe('conditions on the resource', () => {
    it('lets a donor’s member user list its grants, and refuses a member user of an organisation that is not a donor', async () => {
      const donor = await t.buildOrganisation({ kind: 'donor' });
      const { token } = await t.buildToken({ role: 'member', organisationId: donor.id });
      const own = await t.app.request('/api/v1/finance/grants', { headers: { authorization: `Bearer ${token}` } });
      expect([own.status, await own.json()]).toEqual([200, []]);
      expect((await t.app.request('/api/v1/finance/grants', { headers: { authorization: `Bearer ${tokens.get('member')!.token}` } })).status).toBe(403);
    });
    it('lets a signed-in user of every role change their own password', async () => {
      for (const role of userRoles) {
        const user = await t.buildUser({ role });
        const session = await t.signIn(user.email, user.password);
        const response = await session.request('/api/v1/me/password', jsonRequest('PUT', { currentPassword: user.password, newPassword: `${user.password}-new` }));
        expect([role, response.status]).toEqual([role, 204]);
      }
    });

    it('refuses a non-admin reading another organisation', async () => {
      const response = await t.app.request(`/api/v1/organisations/${otherOrganisation.code}`, { headers: { authorization: `Bearer ${tokens.get('buyer')!.token}` } });
      expect(response.status).toBe(403);
    });

    it('refuses a non-admin creating a token for another organisation or role', async () => {
      const buyer = tokens.get('buyer')!;
      for (const body of [
        { name: 'x', organisationId: otherOrganisation.id, role: 'buyer' },
        { name: 'x', organisationId: buyer.organisationId, role: 'member' },
      ]) {
        const response = await t.app.request('/api/v1/tokens', jsonRequest('POST', body, { authorization: `Bearer ${buyer.token}` }));
        expect(response.status).toBe(403);
      }
    });

    it('refuses a non-admin revoking another organisation’s token', async () => {
      const admin = tokens.get('admin')!;
      const response = await t.app.request(`/api/v1/tokens/${admin.tokenId}`, { method: 'DELETE', headers: { authorization: `Bearer ${tokens.get('buyer')!.token}` } });
      expect(response.status).toBe(403);
    });

    it('lets an admin revoke another organisation’s token', async () => {
      const victim = await t.buildToken({ role: 'buyer', organisationId: otherOrganisation.id });
      const response = await t.app.request(`/api/v1/tokens/${victim.record.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${tokens.get('admin')!.token}` } });
      expect(response.status).toBe(200);
    });
  });

  describe('public routes', () => {
    for (const path of ['/api/v1/journal/checkpoint', '/api/v1/journal/entries', '/api/v1/journal/tile/0/000.p/1', '/api/v1/journal/tile/entries/000.p/1', '/api/v1/indicators', '/.well-known/orebook-key', '/healthz', '/journal', '/']) {
      it(`lets anyone read ${path}`, async () => {
        expect((await t.app.request(path)).status).toBe(200);
      });
    }
  });
});
