import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { journalSize } from '../src/journal/queries.ts';
import { createTestContext, jsonRequest, type TestContext } from './harness.ts';
import { expectApiRefusal } from './expect.ts';

let t: TestContext;
let admin: { token: string };
let sizeBefore: number;

beforeAll(async () => {
  t = await createTestContext();
  admin = await t.buildToken({ role: 'admin' });
});
afterAll(() => t.close());
beforeEach(async () => {
  sizeBefore = await journalSize(t.db);
});

/** Expects the refusal, and the journal not to have grown. */
async function expectRefused(response: Response, status: number, code: string) {
  const error = await expectApiRefusal(response, status, code);
  expect(await journalSize(t.db)).toBe(sizeBefore);
  return { error };
}

/** What @hono/node-server hands the app for a request that came over a socket from this address. */
const fromPeer = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

const asAdmin = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${admin.token}`, ...extra });
const goodOrganisation = { code: 'good-org', name: 'Good Org', kind: 'buyer', country: 'NL' };

describe('Bad input', () => {
  it('answers malformed JSON with 400 malformed_json', async () => {
    await expectRefused(await t.app.request('/api/v1/organisations', jsonRequest('POST', '{"code": "x",', asAdmin())), 400, 'malformed_json');
  });

  it('answers wrong types with 400 validation_failed naming the field', async () => {
    const body = await expectRefused(
      await t.app.request('/api/v1/organisations', jsonRequest('POST', { ...goodOrganisation, country: 42 }, asAdmin())),
      400,
      'validation_failed',
    );
    expect(body.error.message).toContain('country');
  });

  it('refuses unknown fields', async () => {
    await expectRefused(
      await t.app.request('/api/v1/organisations', jsonRequest('POST', { ...goodOrganisation, isAdmin: true }, asAdmin())),
      400,
      'validation_failed',
    );
  });

  it('refuses a body over the size limit with 413', async () => {
    const huge = { ...goodOrganisation, name: 'x'.repeat(100_000) };
    await expectRefused(await t.app.request('/api/v1/organisations', jsonRequest('POST', huge, asAdmin())), 413, 'payload_too_large');
  });

  it('answers a duplicate organisation code with 409 and leaves the first one alone', async () => {
    const first = await t.app.request('/api/v1/organisations', jsonRequest('POST', { ...goodOrganisation, code: 'dup-org' }, asAdmin()));
    expect(first.status).toBe(201);
    sizeBefore = await journalSize(t.db);
    await expectRefused(await t.app.request('/api/v1/organisations', jsonRequest('POST', { ...goodOrganisation, code: 'dup-org' }, asAdmin())), 409, 'organisation_code_taken');
  });

  it('refuses a role that does not fit the organisation kind', async () => {
    const buyerOrg = await t.buildOrganisation({ kind: 'buyer' });
    sizeBefore = await journalSize(t.db);
    await expectRefused(
      await t.app.request(
        '/api/v1/users',
        jsonRequest('POST', { organisationId: buyerOrg.id, email: 'v@example.test', displayName: 'V', role: 'verifier', password: 'a-long-password' }, asAdmin()),
      ),
      422,
      'role_not_allowed_for_organisation',
    );
  });

  it('speaks the reader’s language in errors', async () => {
    const response = await t.app.request('/api/v1/organisations', jsonRequest('POST', '{', asAdmin({ 'accept-language': 'fr-CD,fr;q=0.9' })));
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toBe('Le corps de la requête n’est pas du JSON valide.');
  });
});

describe('Credentials and tokens', () => {
  it('refuses a wrong password with 401 invalid_credentials, and an unknown email the same way', async () => {
    const user = await t.buildUser({ role: 'buyer' });
    sizeBefore = await journalSize(t.db);
    for (const body of [
      { email: user.email, password: 'wrong-password' },
      { email: 'nobody@example.test', password: 'wrong-password' },
    ]) {
      await expectRefused(await t.app.request('/api/v1/auth/login', jsonRequest('POST', body)), 401, 'invalid_credentials');
    }
  });

  it('locks an account after five failed sign-ins, even for the right password', async () => {
    const user = await t.buildUser({ role: 'member' });
    sizeBefore = await journalSize(t.db);
    for (let i = 0; i < 5; i++) {
      const response = await t.app.request('/api/v1/auth/login', jsonRequest('POST', { email: user.email, password: 'wrong-password' }), fromPeer(`192.0.2.${i + 10}`));
      expect(response.status).toBe(401);
    }
    const locked = await t.app.request('/api/v1/auth/login', jsonRequest('POST', { email: user.email, password: user.password }), fromPeer('192.0.2.20'));
    await expectRefused(locked, 429, 'account_locked');
    expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('rate-limits sign-in attempts from one address', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 11; i++) {
      last = await t.app.request('/api/v1/auth/login', jsonRequest('POST', { email: `flood${i}@example.test`, password: 'x' }), fromPeer('192.0.2.77'));
    }
    await expectRefused(last!, 429, 'rate_limited');
  });

  it('sets an HttpOnly, SameSite=Lax session cookie', async () => {
    const user = await t.buildUser({ role: 'buyer' });
    const response = await t.app.request('/api/v1/auth/login', jsonRequest('POST', { email: user.email, password: user.password }));
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('orebook_session=')) ?? '';
    expect(cookie).toMatch(/^orebook_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it('refuses a malformed, unknown, revoked or expired token, each with its own code', async () => {
    const expiring = await t.buildToken({ role: 'buyer', expiresAt: new Date(Date.now() - 1000) });
    const revoked = await t.buildToken({ role: 'buyer' });
    const revoke = await t.app.request(`/api/v1/tokens/${revoked.record.id}`, { method: 'DELETE', headers: asAdmin() });
    expect(revoke.status).toBe(200);
    sizeBefore = await journalSize(t.db);
    const me = (token: string) => t.app.request('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
    await expectRefused(await t.app.request('/api/v1/me', { headers: { authorization: 'Basic abc' } }), 401, 'token_invalid');
    await expectRefused(await me('obk_not-a-real-token'), 401, 'token_invalid');
    await expectRefused(await me(revoked.token), 401, 'token_revoked');
    await expectRefused(await me(expiring.token), 401, 'token_expired');
  });

  it('shows a new token once and stores only its hash', async () => {
    const response = await t.app.request('/api/v1/tokens', jsonRequest('POST', { name: 'ERP', organisationId: (await t.buildOrganisation({ kind: 'buyer' })).id, role: 'buyer' }, asAdmin()));
    expect(response.status).toBe(201);
    const created = (await response.json()) as { token: string; id: number };
    expect(created.token).toMatch(/^obk_/);
    const listed = await (await t.app.request('/api/v1/tokens', { headers: asAdmin() })).text();
    expect(listed).not.toContain(created.token);
    expect((await t.app.request('/api/v1/me', { headers: { authorization: `Bearer ${created.token}` } })).status).toBe(200);
  });
});

describe('CSRF', () => {
  it('refuses an unsafe request with a session cookie but no CSRF token', async () => {
    const user = await t.buildUser({ role: 'admin' });
    const session = await t.signIn(user.email, user.password);
    sizeBefore = await journalSize(t.db);
    const response = await t.app.request('/api/v1/organisations', jsonRequest('POST', { ...goodOrganisation, code: 'csrf-org' }, { cookie: session.cookie }));
    await expectRefused(response, 403, 'csrf_failed');
    const accepted = await session.request('/api/v1/organisations', jsonRequest('POST', { ...goodOrganisation, code: 'csrf-org' }));
    expect(accepted.status).toBe(201);
  });

  it('refuses a form post without the page’s token', async () => {
    const response = await t.app.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=a%40b.test&password=x',
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Reload the page');
  });
});

describe('HTTP frame', () => {
  it('sends security headers and a request id', async () => {
    const response = await t.app.request('/');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it('reports the database state on /healthz', async () => {
    const body = (await (await t.app.request('/healthz')).json()) as { status: string; database: { state: string } };
    expect(body).toMatchObject({ status: 'ok', database: { state: 'up' } });
  });

  it('answers an unknown API path with the error shape', async () => {
    await expectRefused(await t.app.request('/api/v1/nothing-here'), 404, 'not_found');
  });

  it('computes the journal indicator for a period', async () => {
    const year = new Date().getUTCFullYear();
    const response = await t.app.request(`/api/v1/indicators/journal.events_per_month?from=${year}-01-01&to=${year + 1}-01-01`);
    const body = (await response.json()) as { values: { value: number; dimensions: { month: string; type: string } }[] };
    const total = body.values.reduce((sum, v) => sum + v.value, 0);
    expect(total).toBe(await journalSize(t.db));
    expect(body.values.some((v) => v.dimensions.type === 'accounts.organisation_created')).toBe(true);
  });
});
