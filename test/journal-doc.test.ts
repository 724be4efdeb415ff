import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signCheckpoint } from '../src/journal/commands.ts';
import { memoryKeyring } from '../src/journal/keys.ts';
import { journalSize } from '../src/journal/queries.ts';
import { createTestContext, testOrigin, type TestContext } from './harness.ts';

type Fetch = (url: string) => Response | Promise<Response>;
type VerifyEntry = (options: { baseUrl: string; index: number; verifierKey: string; fetch?: Fetch }) => Promise<{ size: number; event: string }>;

const docFile = path.resolve(import.meta.dirname, '../docs/journal.md');
const baseUrl = 'http://orebook.test';

/** The fenced js block right after the `<!-- verify-entry -->` marker. */
function verifyEntrySource(): string {
  const doc = fs.readFileSync(docFile, 'utf8');
  const match = /<!-- verify-entry -->\n```js\n([\s\S]*?)\n```\n/.exec(doc);
  if (!match) throw new Error('docs/journal.md has no ```js block after <!-- verify-entry -->');
  return match[1]!;
}

let t: TestContext;
let tmpDir: string;
let verifyEntry: VerifyEntry;
let verifierKey: string;
let size: number;

const appFetch: Fetch = (url) => {
  const { pathname, search } = new URL(url);
  return t.app.request(pathname + search);
};

/** A fetch that passes every request to the app and lets `change` rewrite the answers to paths starting with `prefix`. */
function tamperingFetch(prefix: string, change: (body: string) => string): Fetch {
  return async (url) => {
    const response = await appFetch(url);
    if (!new URL(url).pathname.startsWith(prefix)) return response;
    return new Response(change(await response.text()), { status: response.status, headers: response.headers });
  };
}

beforeAll(async () => {
  t = await createTestContext();
  for (let i = 0; i < 11; i++) await t.buildOrganisation();
  const checkpoint = await signCheckpoint(t.db, t.keyring, 'on_demand');
  size = checkpoint.treeSize;
  // An entry appended after the checkpoint exists on the server but is not covered by a signature.
  await t.buildOrganisation();
  const keys = (await (await t.app.request('/.well-known/orebook-key')).json()) as { keys: { verifierKey: string }[] };
  verifierKey = keys.keys[0]!.verifierKey;

  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orebook-journal-doc-'));
  const file = path.join(tmpDir, 'verify-entry.mjs');
  fs.writeFileSync(file, verifyEntrySource());
  ({ verifyEntry } = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as { verifyEntry: VerifyEntry });
  // The script reports OK on the console; keep the test output quiet.
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterAll(async () => {
  vi.restoreAllMocks();
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  await t?.close();
});

describe('docs/journal.md "Verify it yourself in fifty lines"', () => {
  it('is one js block of at most 50 lines', () => {
    const doc = fs.readFileSync(docFile, 'utf8');
    // Two programs in the doc, each behind its marker: this one, and the mirror check (test/journal-tiles.test.ts).
    expect(doc.match(/^```js$/gm)).toHaveLength(2);
    expect(doc.match(/<!-- verify-(entry|mirror) -->\n```js\n/g)).toHaveLength(2);
    expect(verifyEntrySource().split('\n').length).toBeLessThanOrEqual(50);
  });

  it('verifies every entry of the signed tree and prints OK', async () => {
    expect(await journalSize(t.db)).toBe(size + 1);
    for (let index = 0; index < size; index++) {
      const result = await verifyEntry({ baseUrl, index, verifierKey, fetch: appFetch });
      expect(result.size).toBe(size);
      expect(JSON.parse(result.event)).toMatchObject({ v: 1, seq: index });
      expect(console.log).toHaveBeenLastCalledWith(expect.stringMatching(new RegExp(`^OK entry ${index} `)));
    }
  });

  it('refuses an index at or beyond the signed size, even when the entry exists', async () => {
    await expect(verifyEntry({ baseUrl, index: size, verifierKey, fetch: appFetch })).rejects.toThrow(/not in the tree/);
    await expect(verifyEntry({ baseUrl, index: size + 5, verifierKey, fetch: appFetch })).rejects.toThrow(/not in the tree/);
  });

  it('refuses a checkpoint with one byte changed, in the signed text or in a signature', async () => {
    const note = await (await appFetch(`${baseUrl}/api/v1/journal/checkpoint`)).text();
    const rootStart = note.indexOf('\n', note.indexOf('\n') + 1) + 1;
    const inLastSignature = note.length - 10;
    for (const position of [rootStart, inLastSignature]) {
      const change = (text: string) => text.slice(0, position) + (text[position] === 'A' ? 'B' : 'A') + text.slice(position + 1);
      const fetch = tamperingFetch('/api/v1/journal/checkpoint', change);
      await expect(verifyEntry({ baseUrl, index: 0, verifierKey, fetch })).rejects.toThrow(/not signed by the verifier key/);
    }
  });

  it('refuses an entry whose bytes were changed', async () => {
    const flipByte = (body: string) => {
      const json = JSON.parse(body) as { size: number; entries: { index: number; bytes: string }[] };
      const bytes = Buffer.from(json.entries[0]!.bytes, 'base64');
      bytes[bytes.length - 2]! ^= 1;
      json.entries[0]!.bytes = bytes.toString('base64');
      return JSON.stringify(json);
    };
    const fetch = tamperingFetch('/api/v1/journal/entries', flipByte);
    await expect(verifyEntry({ baseUrl, index: 3, verifierKey, fetch })).rejects.toThrow(/not in the signed tree/);
  });

  it('refuses a checkpoint checked against another key', async () => {
    const other = memoryKeyring(testOrigin).published[0]!.verifierKey;
    await expect(verifyEntry({ baseUrl, index: 0, verifierKey: other, fetch: appFetch })).rejects.toThrow(/not signed by the verifier key/);
  });
});
