import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../src/journal/commands.ts';
import { journalSize } from '../src/journal/queries.ts';
import { createSite } from '../src/sites/commands/sites/create-site.ts';
import { createStandardVersion } from '../src/sites/commands/standard/create-standard-version.ts';
import { publishStandardVersion } from '../src/sites/commands/standard/publish-standard-version.ts';
import type { Hono } from 'hono';
import type { AppEnv } from '../src/web/context.ts';
import { createTestContext, jsonRequest, system, type TestContext } from './harness.ts';

/**
 * Hostile input (NUL and other control characters, ids past any integer column, broken
 * percent-encoding) is refused with a 4xx before it reaches the database, and nothing a request
 * carried ever reaches a log line.
 */
let t: TestContext;
const logLines: string[] = [];
let admin: { token: string };
let cooperative: { token: string };
const canary = 'Zawadi Logcanary';
const canaryId = 'CD-LOGCANARY-0001';

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  // A page whose query fails in a way no guard foresees (a unique violation on the salted value of a
  // person), to see what the log keeps of a real 500.
  const failingQuery = {
    name: 'failing-query-test',
    registerPages: (pages: Hono<AppEnv>) =>
      pages.get('/test/failing-query', async (c) => {
        await c.get('deps').db.execute(sql`select ${canary}::text as name, ${canaryId}::text as id, 1 / 0 as boom`);
        return c.text('unreachable');
      }),
  };
  t = await createTestContext({ logger: pino({ level: 'debug' }, sink), extraModules: [failingQuery] });
  await runCommand(t.db, system, (c) => createStandardVersion(c, { version: '1.0', source: { kind: 'default' } }));
  await runCommand(t.db, system, (c) => publishStandardVersion(c, { version: '1.0' }));
  const coop = await t.buildOrganisation({ kind: 'cooperative', code: 'coop-hostile' });
  await runCommand(t.db, system, (c) =>
    createSite(c, { code: 'HST', name: 'Hostile site', province: 'Lualaba', town: 'Kolwezi', latitudeE6: -10_700_000, longitudeE6: 25_400_000, concessionHolder: 'EGC', cooperative: coop.code }),
  );
  admin = await t.buildToken({ role: 'admin' });
  cooperative = await t.buildToken({ role: 'cooperative', organisationId: coop.id });
});
afterAll(() => t.close());

const bearer = (token: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });

async function expectApiError(response: Response, status: number, code?: string) {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { error: { code: string; message: string } };
  if (code) expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
  return body;
}

function expectNoCanaryInLogs() {
  const all = logLines.join('\n');
  for (const secret of [canary, 'Logcanary', canaryId, 'LOGCANARY']) expect(all).not.toContain(secret);
}

describe('Control characters in a JSON body', () => {
  it('refuses a NUL in a worker’s name with 400 invalid_characters, records nothing and logs none of the body', async () => {
    const before = await journalSize(t.db);
    const body = { fullName: `${canary}\u0000`, sex: 'F', birthYear: 1990, operatorGroup: 'washers', idNumber: canaryId, registeredOn: '2025-02-01' };
    const response = await t.app.request('/api/v1/sites/HST/workers', jsonRequest('POST', body, bearer(cooperative.token)));
    const refused = await expectApiError(response, 400, 'invalid_characters');
    expect(refused.error.message).toContain('fullName');
    expect(await journalSize(t.db)).toBe(before);
    expectNoCanaryInLogs();
  });

  it('refuses a NUL deep inside nested values and in keys', async () => {
    const nested = { code: 'org-nul', name: 'Nul org', kind: 'buyer', country: 'NL', extra: [{ deep: 'a\u0000' }] };
    await expectApiError(await t.app.request('/api/v1/organisations', jsonRequest('POST', nested, bearer(admin.token))), 400, 'invalid_characters');
    await expectApiError(await t.app.request('/api/v1/organisations', jsonRequest('POST', '{"co\\u0000de": "x"}', bearer(admin.token))), 400, 'invalid_characters');
  });

  it('refuses other control characters and lone surrogates, but keeps tabs and line breaks in text', async () => {
    for (const name of ['bell\u0007', 'escape\u001b[31m', 'delete\u007f', 'lone \ud800 surrogate']) {
      const response = await t.app.request('/api/v1/organisations', jsonRequest('POST', { code: 'org-ctl', name, kind: 'buyer', country: 'NL' }, bearer(admin.token)));
      await expectApiError(response, 400, 'invalid_characters');
    }
    const multiLine = await t.app.request('/api/v1/organisations', jsonRequest('POST', { code: 'org-lines', name: 'Two\tcolumns\r\nand lines', kind: 'buyer', country: 'NL' }, bearer(admin.token)));
    expect(multiLine.status).toBe(201);
  });

  it('answers in French when the reader asks for it', async () => {
    const response = await t.app.request(
      '/api/v1/organisations',
      jsonRequest('POST', { code: 'org-fr', name: 'x\u0000', kind: 'buyer', country: 'NL' }, bearer(admin.token, { 'accept-language': 'fr' })),
    );
    const body = await expectApiError(response, 400, 'invalid_characters');
    expect(body.error.message).toMatch(/caractères/);
  });
});

describe('Control characters in form fields', () => {
  it('refuses a NUL in a page form with a 400 page, not a 500', async () => {
    const response = await t.app.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: `${canary}\u0000@example.test`, password: 'x' }).toString(),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expectNoCanaryInLogs();
  });
});

describe('Control characters in the address', () => {
  const cases = [
    ['/api/v1/sites/%00', 'path'],
    ['/api/v1/sites/HST/workers?group=%00', 'query'],
    ['/api/v1/sites?x%00y=1', 'query name'],
    ['/api/v1/verifications/1%0A', 'path line feed'],
    ['/api/v1/sites/%ED%A0%80', 'lone surrogate'],
    ['/api/v1/sites/%E0%A4%A', 'broken escape'],
  ] as const;
  for (const [path, where] of cases) {
    it(`answers ${where} (${path}) with 400 invalid_characters, anonymous and signed in`, async () => {
      await expectApiError(await t.app.request(path), 400, 'invalid_characters');
      await expectApiError(await t.app.request(path, { headers: bearer(admin.token) }), 400, 'invalid_characters');
    });
  }

  it('answers a page address with a NUL with an HTML error page in the reader’s language', async () => {
    const response = await t.app.request('/safety/sites/%00', { headers: { 'accept-language': 'fr' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toMatch(/caractères/);
  });

  it('refuses line breaks in a redirect target instead of failing on the Location header', async () => {
    const response = await t.app.request('/lang/en?next=/%0D%0ASet-Cookie:%20x=1');
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('refuses a NUL in a session cookie before looking it up', async () => {
    const response = await t.app.request('/registry', { headers: { cookie: 'orebook_session=%00abc' } });
    expect(response.status).toBeLessThan(500);
  });
});

describe('Ids past every integer column', () => {
  const huge = '99999999999999999999';
  for (const path of [`/api/v1/verifications/${huge}`, `/api/v1/assessments/${huge}`, `/api/v1/verifications/2147483648`]) {
    it(`answers ${path} with a 4xx in the error shape`, async () => {
      const response = await t.app.request(path, { headers: bearer(admin.token) });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(((await response.json()) as { error: { code: string } }).error.code).toMatch(/^[a-z_]+$/);
    });
  }
  for (const path of [`/verifications/${huge}`, `/verifications/2147483648`]) {
    it(`answers the page ${path} with a 4xx HTML page`, async () => {
      const response = await t.app.request(path);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
    });
  }
});

describe('Logs', () => {
  it('never carry a query’s parameters when the database refuses a value', async () => {
    // A value the guard lets through but the database refuses: an id past int4 reaches the query.
    logLines.length = 0;
    await t.app.request('/api/v1/verifications/2147483648', { headers: bearer(admin.token) });
    expect(logLines.some((line) => line.includes('"sqlState":"22003"'))).toBe(true);
    expect(logLines.join('\n')).not.toContain('2147483648');
  });

  it('keep the class, SQLSTATE and route of a failed query, and none of its parameters', async () => {
    logLines.length = 0;
    const response = await t.app.request('/test/failing-query');
    expect(response.status).toBe(500);
    const errorLine = logLines.find((line) => line.includes('unhandled error'));
    expect(errorLine).toBeDefined();
    const logged = JSON.parse(errorLine!) as { route: string; err: { class: string; sqlState: string } };
    expect(logged.route).toBe('/test/failing-query');
    expect(logged.err.sqlState).toBe('22012');
    expectNoCanaryInLogs();
  });

  it('name the route pattern and not the concrete address', async () => {
    logLines.length = 0;
    await t.app.request(`/api/v1/sites/${encodeURIComponent(canary)}`);
    const lines = logLines.join('\n');
    expect(lines).toContain('/api/v1/sites/:code');
    expectNoCanaryInLogs();
  });
});
