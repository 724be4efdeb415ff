import net from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './harness.ts';

/**
 * What the server tells caches and connections: answers to a signed-in request are never stored, a
 * refused oversized body closes the connection it says it closes.
 */
let t: TestContext;
let server: ServerType;
let port: number;
let adminToken: string;

beforeAll(async () => {
  t = await createTestContext();
  adminToken = (await t.buildToken({ role: 'admin' })).token;
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});

describe('Compression of public answers', () => {
  it('gives a reader that takes gzip the kept answer gzipped, byte for byte the same once unzipped, and the others the plain answer', async () => {
    for (const path of ['/api/openapi.json', '/registry', '/api/docs']) {
      const first = await t.app.request(path);
      expect(first.status, path).toBe(200);
      const plain = Buffer.from(await first.arrayBuffer());
      const zipped = await t.app.request(path, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
      expect(zipped.headers.get('content-encoding'), path).toBe('gzip');
      expect(zipped.headers.get('vary'), path).toContain('Accept-Encoding');
      const body = Buffer.from(await zipped.arrayBuffer());
      expect(body.byteLength, path).toBeLessThan(plain.byteLength);
      expect(gunzipSync(body).equals(plain), path).toBe(true);
      for (const refused of [undefined, 'identity', 'gzip;q=0', 'br']) {
        const again = await t.app.request(path, refused === undefined ? {} : { headers: { 'accept-encoding': refused } });
        expect(again.headers.get('content-encoding'), `${path} ${refused}`).toBeNull();
        expect(Buffer.from(await again.arrayBuffer()).equals(plain), `${path} ${refused}`).toBe(true);
      }
    }
  });

  it('never compresses an answer to a signed-in reader through the public copy', async () => {
    const response = await t.app.request('/api/openapi.json', { headers: { authorization: `Bearer ${adminToken}`, 'accept-encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('Cache-Control', () => {
  it('is no-store on every answer to a request with an API token', async () => {
    for (const path of ['/api/v1/organisations', '/api/v1/registry/totals', '/api/v1/sites/NOPE', '/.well-known/orebook-key']) {
      const response = await t.app.request(path, { headers: { authorization: `Bearer ${adminToken}` } });
      expect(response.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('is no-store on every page and answer to a signed-in browser', async () => {
    const user = await t.buildUser({ role: 'admin' });
    const session = await t.signIn(user.email, user.password);
    for (const path of ['/', '/registry', '/api/v1/organisations', '/journal']) {
      const response = await session.request(path);
      expect(response.status, path).toBeLessThan(400);
      expect(response.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('is no-store on the refusals of signed-in routes to anonymous callers', async () => {
    const response = await t.app.request('/api/v1/organisations');
    expect(response.status).toBe(401);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('leaves public anonymous answers and static files cacheable', async () => {
    const totals = await t.app.request('/api/v1/registry/totals');
    expect(totals.status).toBe(200);
    expect(totals.headers.get('cache-control')).not.toBe('no-store');
    // A browser that already has its CSRF cookie (an answer that sets one is for that browser only).
    const key = await t.app.request('/.well-known/orebook-key', { headers: { cookie: `orebook_csrf=${'c'.repeat(32)}` } });
    expect(key.headers.get('cache-control')).toBe('max-age=300');
    const firstVisit = await t.app.request('/registry');
    expect(firstVisit.headers.get('set-cookie')).toContain('orebook_csrf=');
    expect(firstVisit.headers.get('cache-control')).toBe('no-store');
    const css = await t.app.request('/static/orebook.css', { headers: { authorization: `Bearer ${adminToken}` } });
    expect(css.status).toBe(200);
    expect(css.headers.get('cache-control')).toMatch(/public/);
  });

  it('keeps the favicon for a year, and sends /favicon.ico to it', async () => {
    const page = await (await t.app.request('/journal')).text();
    expect(page).toContain('<link rel="icon" href="/static/favicon.svg" type="image/svg+xml"/>');
    const icon = await t.app.request('/static/favicon.svg');
    expect([icon.status, icon.headers.get('content-type'), icon.headers.get('cache-control')]).toEqual([200, 'image/svg+xml', 'public, max-age=31536000, immutable']);
    expect((await icon.text()).startsWith('<svg')).toBe(true);
    const ico = await t.app.request('/favicon.ico');
    expect([ico.status, ico.headers.get('location')]).toEqual([301, '/static/favicon.svg']);
  });
});

/** Sends raw HTTP/1.1 on one socket and collects everything the server writes until it closes or goes quiet. */
function exchange(request: string, quietMs = 1_500): Promise<{ text: string; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let quiet: NodeJS.Timeout | undefined;
    const finish = (closedByServer: boolean) => {
      clearTimeout(quiet);
      socket.destroy();
      resolve({ text, closedByServer });
    };
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      clearTimeout(quiet);
      quiet = setTimeout(() => finish(false), quietMs);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? finish(true) : reject(error)));
    socket.write(request);
  });
}

describe('A body over the limit', () => {
  it('gets a 413 that says Connection: close, and the server then closes the connection', async () => {
    const body = JSON.stringify({ name: 'x'.repeat(100_000) });
    const { text, closedByServer } = await exchange(
      `POST /api/v1/organisations HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    const head = text.split('\r\n\r\n')[0]!.toLowerCase();
    expect(head).toMatch(/^http\/1\.1 413/);
    expect(head).toContain('connection: close');
    expect(head).not.toContain('keep-alive');
    expect(closedByServer).toBe(true);
  });

  it('leaves a connection that was not refused open for the next request', async () => {
    const { text, closedByServer } = await exchange('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n', 500);
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    expect(closedByServer).toBe(false);
  });
});
