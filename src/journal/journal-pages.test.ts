import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { signCheckpoint } from './commands.ts';

let t: TestContext;

beforeAll(async () => {
  t = await createTestContext();
  // 55 organisations and 5 users (each in an organisation of its own): more events than one page holds, of two types.
  for (let i = 0; i < 55; i++) await t.buildOrganisation({ kind: 'buyer', code: `org-${String(i).padStart(2, '0')}` });
  for (let i = 0; i < 5; i++) await t.buildUser({ role: 'member' });
});
afterAll(() => t.close());

const html = async (path: string) => {
  const response = await t.app.request(path);
  return { status: response.status, text: await response.text() };
};
/** The text of the events table's cells, row by row (tags dropped). */
const rowsOf = (page: string) =>
  [...(/<tbody>([\s\S]*?)<\/tbody>/.exec(page)?.[1] ?? '').matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]!.replace(/<[^>]+>/g, '')));
/** The address of the link whose text holds `name` (the last href before it). */
const linkNamed = (page: string, name: string) => [...page.slice(0, page.indexOf(name)).matchAll(/href="([^"]*)"/g)].at(-1)?.[1]?.replace(/&amp;/g, '&');

describe('The journal page', () => {
  it('names event types in the reader’s language, not by their code', async () => {
    const en = await html('/journal');
    const fr = await html('/journal?lang=fr');
    expect(rowsOf(en.text).map((row) => row[2])).toContain('Organisation created');
    expect(rowsOf(fr.text).map((row) => row[2])).toContain('Organisation créée');
    expect(rowsOf(en.text).map((row) => row[2])).not.toContain('accounts.organisation_created');
  });

  it('pages through the events, fifty at a time, newest first, and back', async () => {
    const first = await html('/journal');
    const rows = rowsOf(first.text);
    expect(rows).toHaveLength(50);
    expect(first.text).not.toContain('Newer events');
    const older = linkNamed(first.text, 'Older events →')!;
    expect(older).toMatch(/^\/journal\?before=\d+#events$/);
    const second = await html(older);
    const secondRows = rowsOf(second.text);
    // 55 organisations, and 5 users each in an organisation of their own.
    expect(secondRows).toHaveLength(65 - 50);
    expect(Number(secondRows[0]![0])).toBe(Number(rows.at(-1)![0]) - 1);
    expect(second.text).not.toContain('Older events');
    const back = await html(linkNamed(second.text, '← Newer events')!);
    expect(rowsOf(back.text)).toEqual(rows);
  });

  it('filters by type and by day, and its links keep the filters', async () => {
    const users = await html('/journal?type=accounts.user_created');
    expect(rowsOf(users.text).map((row) => row[2])).toEqual(Array(5).fill('User created'));
    const organisations = await html('/journal?type=accounts.organisation_created');
    expect(rowsOf(organisations.text)).toHaveLength(50);
    expect(linkNamed(organisations.text, 'Older events →')).toMatch(/^\/journal\?type=accounts\.organisation_created&before=\d+#events$/);
    expect(organisations.text).toMatch(/<option value="accounts.organisation_created" selected="">Organisation created<\/option>/);

    const today = new Date().toISOString().slice(0, 10);
    expect(rowsOf((await html(`/journal?type=accounts.user_created&from=${today}&to=${today}`)).text)).toHaveLength(5);
    const none = await html('/journal?to=2000-01-01');
    expect(rowsOf(none.text)).toEqual([]);
    expect(none.text).toContain('No event matches these filters.');
  });

  it('refuses a day that is not one, beside its field', async () => {
    const bad = await html('/journal?from=2026-02-31');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter a day as year-month-day');
  });
});

describe('A journal entry’s page', () => {
  it('shows the entry readably, its leaf hash, the exact bytes and a proof once a checkpoint covers it', async () => {
    const before = await html('/journal/3');
    expect(before.text).toContain('Not yet covered by a signed checkpoint');
    const checkpoint = await signCheckpoint(t.db, t.keyring, 'on_demand');
    const page = await html('/journal/3');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Journal entry 3');
    expect(page.text).toContain('Organisation created');
    expect(page.text).toContain('&quot;type&quot;: &quot;accounts.organisation_created&quot;');

    const raw = await t.app.request('/journal/3/entry.json');
    expect(raw.headers.get('content-type')).toBe('application/json');
    const bytes = Buffer.from(await raw.arrayBuffer());
    const api = (await (await t.app.request('/api/v1/journal/entries?start=3&limit=1')).json()) as { entries: { bytes: string }[] };
    expect(bytes.equals(Buffer.from(api.entries[0]!.bytes, 'base64'))).toBe(true);
    const leafHash = createHash('sha256').update(Buffer.concat([Buffer.from([0]), bytes])).digest('hex');
    expect(page.text).toContain(leafHash);

    const proof = linkNamed(page.text, 'proof against the latest signed checkpoint')!;
    expect(proof).toBe(`/api/v1/journal/proof/inclusion?index=3&size=${checkpoint.treeSize}`);
    expect((await t.app.request(proof)).status).toBe(200);
  });

  it('answers 404 for an entry the journal does not hold', async () => {
    expect((await html('/journal/999999')).status).toBe(404);
    expect((await t.app.request('/journal/999999/entry.json')).status).toBe(404);
  });
});

describe('event type labels', () => {
  it('name every event type a module appends, in English and French', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { labelledEventTypes, eventTypeLabel } = await import('./event-types.ts');
    const src = join(import.meta.dirname, '..');
    const files = (readdirSync(src, { recursive: true }) as string[]).filter((file) => /\.tsx?$/.test(file) && !/\.test\.|test-support/.test(file));
    const appended = new Set<string>();
    for (const file of files) for (const match of readFileSync(join(src, file), 'utf8').matchAll(/type: '([a-z]+\.[a-z_]+)'/g)) if (!match[1]!.startsWith('test.')) appended.add(match[1]!);
    expect(appended.size).toBeGreaterThan(80);
    expect([...appended].filter((type) => !labelledEventTypes.includes(type))).toEqual([]);
    for (const type of appended) expect(eventTypeLabel('fr', type)).not.toBe(type);
  });
});
