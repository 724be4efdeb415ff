import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, jsonRequest, type TestContext } from '../../test/harness.ts';
import { AppError } from '../core/errors.ts';
import { trustProxies } from '../web/client-address.ts';
import { signIn } from './sessions.ts';

let t: TestContext;

beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

/** What @hono/node-server hands the app for a request that came over a socket from this address. */
const fromPeer = (address: string) => ({ incoming: { socket: { remoteAddress: address, remoteFamily: address.includes(':') ? 'IPv6' : 'IPv4' } } });

const codeOf = (outcome: PromiseSettledResult<unknown>) =>
  outcome.status === 'rejected' && outcome.reason instanceof AppError ? outcome.reason.code : outcome.status;

const apiSignIn = (body: { email: string; password: string }, peer: string, headers: Record<string, string> = {}) =>
  t.app.request('/api/v1/auth/login', jsonRequest('POST', { email: body.email, password: body.password }, headers), fromPeer(peer));

/** Opens the sign-in page as a browser would and posts its form with the page's CSRF token. */
async function formSignIn(fields: Record<string, string>, peer: string, headers: Record<string, string> = {}) {
  const page = await t.app.request('/login', { headers }, fromPeer(peer));
  const csrf = page.headers.getSetCookie().find((c) => c.startsWith('orebook_csrf='))!.split(';')[0]!;
  return t.app.request(
    '/login',
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrf, ...headers },
      body: new URLSearchParams({ _csrf: csrf.split('=')[1]!, ...fields }).toString(),
    },
    fromPeer(peer),
  );
}

describe('Account lockout', () => {
  it('refuses all but five of 25 wrong passwords sent at once, and then the right password', async () => {
    const user = await t.buildUser({ role: 'buyer' });
    const outcomes = await Promise.allSettled(Array.from({ length: 25 }, () => signIn(t.db, { email: user.email, password: 'wrong-password' })));
    const codes = outcomes.map(codeOf);
    expect(codes.filter((c) => c === 'invalid_credentials')).toHaveLength(5);
    expect(codes.filter((c) => c === 'account_locked')).toHaveLength(20);
    await expect(signIn(t.db, { email: user.email, password: user.password })).rejects.toMatchObject({ code: 'account_locked', status: 429 });
  });

  it('holds over HTTP too, when the guesses come from 25 addresses at once', async () => {
    const user = await t.buildUser({ role: 'member' });
    const responses = await Promise.all(Array.from({ length: 25 }, (_, i) => apiSignIn({ email: user.email, password: 'wrong-password' }, `203.0.113.${i + 1}`)));
    expect(responses.filter((r) => r.status === 401)).toHaveLength(5);
    expect(responses.filter((r) => r.status === 429)).toHaveLength(20);
    const right = await apiSignIn(user, '203.0.113.100');
    expect(right.status).toBe(429);
    expect(((await right.json()) as { error: { code: string } }).error.code).toBe('account_locked');
    expect(right.headers.getSetCookie().some((c) => c.startsWith('orebook_session='))).toBe(false);
  });

  it('lets the right password in after four failures and starts counting again', async () => {
    const user = await t.buildUser({ role: 'buyer' });
    for (let i = 0; i < 4; i++) await expect(signIn(t.db, { email: user.email, password: 'wrong-password' })).rejects.toMatchObject({ code: 'invalid_credentials' });
    await expect(signIn(t.db, { email: user.email, password: user.password })).resolves.toMatchObject({ userId: user.id });
    for (let i = 0; i < 4; i++) await expect(signIn(t.db, { email: user.email, password: 'wrong-password' })).rejects.toMatchObject({ code: 'invalid_credentials' });
    await expect(signIn(t.db, { email: user.email, password: user.password })).resolves.toMatchObject({ userId: user.id });
  });

  it('opens again once the lock has run out', async () => {
    const user = await t.buildUser({ role: 'buyer' });
    const start = new Date();
    for (let i = 0; i < 5; i++) await expect(signIn(t.db, { email: user.email, password: 'wrong-password', now: start })).rejects.toMatchObject({ code: 'invalid_credentials' });
    await expect(signIn(t.db, { email: user.email, password: user.password, now: start })).rejects.toMatchObject({ code: 'account_locked' });
    const later = new Date(start.getTime() + 16 * 60_000);
    await expect(signIn(t.db, { email: user.email, password: user.password, now: later })).resolves.toMatchObject({ userId: user.id });
  });
});

describe('Sign-in limit per client address', () => {
  it('counts attempts per connection, whatever X-Forwarded-For says', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const response = await apiSignIn({ email: `rotate${i}@example.test`, password: 'x' }, '198.51.100.7', { 'x-forwarded-for': `10.9.0.${i}` });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it('limits the sign-in form like the API, with a page in the reader’s language', async () => {
    const french = { 'accept-language': 'fr' };
    for (let i = 0; i < 10; i++) {
      const response = await formSignIn({ email: `form${i}@example.test`, password: 'x' }, '198.51.100.8', { ...french, 'x-forwarded-for': `10.8.0.${i}` });
      expect(response.status).toBe(401);
    }
    const refused = await formSignIn({ email: 'form-last@example.test', password: 'x' }, '198.51.100.8', french);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.headers.get('content-type')).toMatch(/text\/html/);
    expect(await refused.text()).toContain('Trop de requêtes');
  });

  it('shares one count between the API and the form for one address', async () => {
    for (let i = 0; i < 10; i++) expect((await apiSignIn({ email: `mixed${i}@example.test`, password: 'x' }, '198.51.100.9')).status).toBe(401);
    expect((await formSignIn({ email: 'mixed@example.test', password: 'x' }, '198.51.100.9')).status).toBe(429);
  });

  it('reads the address from the socket of a real server', async () => {
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/auth/login`;
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        const body = JSON.stringify({ email: `socket${i}@example.test`, password: 'x' });
        statuses.push((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.6.0.${i}` }, body })).status);
      }
      expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
      expect(statuses[10]).toBe(429);
      // The count belonged to 127.0.0.1: a request without a socket is another client.
      expect((await t.app.request('/api/v1/auth/login', jsonRequest('POST', { email: 'socketless@example.test', password: 'x' }))).status).toBe(401);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('does not count successful sign-ins, so an office behind one address can sign in', async () => {
    const user = await t.buildUser({ role: 'buyer' });
    for (let i = 0; i < 12; i++) expect((await apiSignIn(user, '198.51.100.10')).status).toBe(200);
  });
});

describe('Behind a trusted proxy', () => {
  let behindProxy: TestContext;
  beforeAll(async () => {
    behindProxy = await createTestContext({ deps: { trustedProxies: trustProxies(['127.0.0.1', '10.1.0.0/16']), secureCookies: 'auto' } });
  });
  afterAll(() => behindProxy.close());

  const viaProxy = (body: { email: string; password: string }, forwardedFor: string, extra: Record<string, string> = {}) =>
    behindProxy.app.request('/api/v1/auth/login', jsonRequest('POST', { email: body.email, password: body.password }, { 'x-forwarded-for': forwardedFor, ...extra }), fromPeer('::ffff:127.0.0.1'));

  it('limits the client the proxy saw, not what the client wrote in X-Forwarded-For', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await viaProxy({ email: `proxied${i}@example.test`, password: 'x' }, `10.7.0.${i}, 192.0.2.44, 10.1.3.4`)).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    const user = await behindProxy.buildUser({ role: 'buyer' });
    expect((await viaProxy(user, '192.0.2.45')).status).toBe(200);
  });

  it('marks the session cookie Secure only when a trusted proxy says the request came over HTTPS', async () => {
    const user = await behindProxy.buildUser({ role: 'buyer' });
    const sessionCookieOf = (response: Response) => response.headers.getSetCookie().find((c) => c.startsWith('orebook_session=')) ?? '';
    const proxied = await viaProxy(user, '192.0.2.46', { 'x-forwarded-proto': 'https' });
    expect(sessionCookieOf(proxied)).toMatch(/;\s*Secure/i);
    const direct = await behindProxy.app.request('/api/v1/auth/login', jsonRequest('POST', { email: user.email, password: user.password }, { 'x-forwarded-proto': 'https' }), fromPeer('192.0.2.47'));
    expect(direct.status).toBe(200);
    expect(sessionCookieOf(direct)).not.toMatch(/;\s*Secure/i);
  });
});

describe('Where the sign-in form sends the browser', () => {
  it('goes on to a same-origin path', async () => {
    const user = await t.buildUser({ role: 'buyer' });
    const response = await formSignIn({ email: user.email, password: user.password, next: '/registry?year=2025#totals' }, '198.51.100.20');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/registry?year=2025#totals');
  });

  for (const next of ['/\\evil.example', '/\\/evil.example', '//evil.example', 'https://evil.example/', '/%5Cevil.example/..', 'evil.example']) {
    it(`goes home instead of ${JSON.stringify(next)}`, async () => {
      const user = await t.buildUser({ role: 'buyer' });
      const response = await formSignIn({ email: user.email, password: user.password, next }, '198.51.100.21');
      expect(response.status).toBe(303);
      expect(new URL(response.headers.get('location')!, 'http://orebook.test').origin).toBe('http://orebook.test');
    });
  }

  for (const next of ['/\t/evil.example', '/\r\nSet-Cookie: a=b', '/\u0000']) {
    it(`refuses ${JSON.stringify(next)} with 400 and does not sign in`, async () => {
      const user = await t.buildUser({ role: 'buyer' });
      const response = await formSignIn({ email: user.email, password: user.password, next }, '198.51.100.22');
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(response.headers.getSetCookie().some((c) => c.startsWith('orebook_session='))).toBe(false);
    });
  }
});
