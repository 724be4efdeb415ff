import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './harness.ts';
import { signCheckpoint } from '../src/journal/public.ts';
import type { AppEnv } from '../src/web/context.ts';
import { renderPage } from '../src/web/layout.tsx';

let t: TestContext;
const computed: Record<string, number> = {};
const count = (name: string) => (computed[name] = (computed[name] ?? 0) + 1);

/** Pages whose every computation is counted, so a test can see whether an answer came from memory. */
function registerCountedPages(pages: Hono<AppEnv>) {
  pages.get('/counted', async (c) => {
    const n = count('counted');
    await new Promise((resolve) => setTimeout(resolve, 20));
    return c.json({ n, locale: c.get('locale') });
  });
  pages.get('/counted-page', (c) => {
    count('counted-page');
    return renderPage(c, { title: 'Counted', children: <p>counted</p> });
  });
  pages.get('/counted-form', (c) => {
    count('counted-form');
    return renderPage(c, { title: 'Form', children: <input type="hidden" name="_csrf" value={c.get('csrfToken')} /> });
  });
  pages.get('/counted-private', (c) => {
    count('counted-private');
    return c.json({ ok: true }, 200, { 'Cache-Control': 'no-store' });
  });
  pages.get('/counted-cookie', (c) => {
    count('counted-cookie');
    return c.json({ ok: true }, 200, { 'Set-Cookie': 'other=1; Path=/' });
  });
  pages.get('/counted-missing', (c) => {
    count('counted-missing');
    return c.json({ error: 'none' }, 404);
  });
}

beforeAll(async () => {
  t = await createTestContext({ extraModules: [{ name: 'counted', registerPages: registerCountedPages }] });
});
afterAll(() => t?.close());

const csrfCookieOf = (response: Response) => response.headers.getSetCookie().find((c) => c.startsWith('orebook_csrf='))?.split(';')[0];

describe('Public read cache', () => {
  it('answers a repeated anonymous read from memory until the journal grows', async () => {
    const first = await t.app.request('/counted');
    const second = await t.app.request('/counted');
    expect(first.status).toBe(200);
    expect(await second.json()).toEqual(await first.json());
    expect(computed.counted).toBe(1);

    await t.buildOrganisation();
    const afterEvent = (await (await t.app.request('/counted')).json()) as { n: number };
    expect(afterEvent.n).toBe(2);
  });

  it('computes again after a checkpoint is signed (the journal page shows checkpoints)', async () => {
    await t.app.request('/counted');
    const before = computed.counted;
    await signCheckpoint(t.db, t.keyring, 'on_demand', t.deps.journalTree);
    await t.app.request('/counted');
    expect(computed.counted).toBe(before! + 1);
  });

  it('keeps one answer per language', async () => {
    const en = (await (await t.app.request('/counted?x=lang', { headers: { 'accept-language': 'en' } })).json()) as { locale: string };
    const fr = (await (await t.app.request('/counted?x=lang', { headers: { 'accept-language': 'fr' } })).json()) as { locale: string };
    expect(en.locale).toBe('en');
    expect(fr.locale).toBe('fr');
  });

  it('computes concurrent identical reads once', async () => {
    const before = computed.counted ?? 0;
    const answers = await Promise.all(Array.from({ length: 8 }, () => t.app.request('/counted?x=concurrent')));
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(computed.counted).toBe(before + 1);
  });

  it('never serves a signed-in user or a token holder from memory', async () => {
    const password = 'a long enough password 1';
    const user = await t.buildUser({ role: 'admin', password });
    const session = await t.signIn(user.email, password);
    await t.app.request('/counted-page');
    const anonymous = computed['counted-page'];
    const signedIn = await session.request('/counted-page');
    expect(await signedIn.text()).toContain(user.displayName);
    const token = await t.buildToken({ role: 'buyer' });
    await t.app.request('/counted-page');
    const afterAnonymous = computed['counted-page']!;
    await t.app.request('/counted-page', { headers: { authorization: `Bearer ${token.token}` } });
    expect(computed['counted-page']).toBe(afterAnonymous + 1);
    expect(afterAnonymous).toBeGreaterThan(anonymous!);
  });

  it('never stores a page that carries the visitor’s CSRF token, nor hands it to another visitor', async () => {
    const alice = csrfCookieOf(await t.app.request('/counted-form'))!;
    const bob = csrfCookieOf(await t.app.request('/counted-page?visitor=bob'))!;
    const aliceToken = alice.split('=')[1]!;
    const bobToken = bob.split('=')[1]!;
    const forAlice = await (await t.app.request('/counted-form', { headers: { cookie: alice } })).text();
    const forBob = await (await t.app.request('/counted-form', { headers: { cookie: bob } })).text();
    expect(forAlice).toContain(aliceToken);
    expect(forBob).toContain(bobToken);
    expect(forBob).not.toContain(aliceToken);
    expect(computed['counted-form']).toBe(3);
  });

  it('keeps a first visit’s page without its CSRF cookie when the page has no form', async () => {
    const first = await t.app.request('/counted-page?fresh=1');
    expect(csrfCookieOf(first)).toBeDefined();
    const pageCount = computed['counted-page'];
    const second = await t.app.request('/counted-page?fresh=1');
    expect(second.headers.get('set-cookie')).toBeNull();
    expect(await second.text()).toContain('counted');
    expect(computed['counted-page']).toBe(pageCount);
  });

  it('never stores an answer that sets another cookie, says no-store, or is not a 200', async () => {
    for (const path of ['/counted-cookie', '/counted-private', '/counted-missing']) {
      await t.app.request(path);
      await t.app.request(path);
    }
    expect(computed['counted-cookie']).toBe(2);
    expect(computed['counted-private']).toBe(2);
    expect(computed['counted-missing']).toBe(2);
  });

  it('replays the stored status, type and security headers', async () => {
    await t.app.request('/counted?x=headers');
    const replayed = await t.app.request('/counted?x=headers');
    expect(replayed.headers.get('content-type')).toMatch(/application\/json/);
    expect(replayed.headers.get('x-frame-options')).toBe('DENY');
    expect(replayed.headers.get('x-request-id')).toBeTruthy();
    expect(replayed.headers.get('set-cookie')).toBeNull();
  });
});

describe('Public read cache with a trusted version window (as the server runs it)', () => {
  let w: TestContext;
  let adminToken: string;
  const reads: Record<string, number> = {};
  beforeAll(async () => {
    w = await createTestContext({
      deps: { publicVersionFreshForMs: 60_000 },
      extraModules: [
        {
          name: 'windowed',
          registerPages: (pages) => pages.get('/windowed', (c) => c.json({ n: (reads.windowed = (reads.windowed ?? 0) + 1) })),
        },
      ],
    });
    adminToken = (await w.buildToken({ role: 'admin' })).token;
  });
  afterAll(() => w?.close());
  const n = async () => ((await (await w.app.request('/windowed')).json()) as { n: number }).n;

  it('does not ask the database again within the window: a write from outside the server (the CLI) is not yet seen', async () => {
    const first = await n();
    await w.buildOrganisation();
    expect(await n()).toBe(first);
  });

  it('sees a write made through the server at once: its author never reads an older answer', async () => {
    const before = await n();
    const created = await w.app.request('/api/v1/organisations', {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'windowed-org', name: 'Windowed Org', kind: 'buyer', country: 'NL' }),
    });
    expect(created.status).toBe(201);
    expect(await n()).toBe(before + 1);
  });
});
