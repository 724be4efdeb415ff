import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { hashLeaf } from '../src/core/merkle.ts';
import { openNote, parseCheckpoint } from '../src/core/signed-note.ts';
import { TileReader } from '../src/core/tlog-tiles.ts';
import { appendEvent, runCommand, signCheckpoint } from '../src/journal/commands.ts';
import { exportTiles } from '../src/journal/tiles-export.ts';
import { createTestContext, system, type TestContext } from './harness.ts';

let t: TestContext;
let dir: string;
/** Files written beside `dir`, removed with it. */
const afterAllRemove: string[] = [];
const b64 = (hashes: Buffer[]) => hashes.map((hash) => hash.toString('base64'));

beforeAll(async () => {
  t = await createTestContext();
  // 300 entries: a full level-0 tile, a partial one, and a partial level-1 tile.
  for (let i = 0; i < 300; i++) await t.buildOrganisation();
  await signCheckpoint(t.db, t.keyring, 'on_demand');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orebook-tiles-'));
});

afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const file of afterAllRemove) fs.rmSync(file, { force: true });
  await t.close();
});

/** Everything a mirror's reader gets from the static files alone. */
function staticReader() {
  const note = fs.readFileSync(path.join(dir, 'checkpoint'), 'utf8');
  const checkpoint = parseCheckpoint(openNote(note, t.keyring.verifiers).text);
  const reader = new TileReader(checkpoint.size, async (tile) => fs.readFileSync(path.join(dir, ...tile.split('/'))));
  return { checkpoint, reader };
}

describe('orebook export-tiles: the journal as static C2SP tlog-tiles files', () => {
  it('writes the checkpoint, every tile and every entry bundle, and a verifier reading only the files reaches the signed root and the API’s proofs', async () => {
    const exported = await exportTiles(t.db, dir);
    expect(exported.size).toBe(300);
    expect(fs.readFileSync(path.join(dir, 'checkpoint'), 'utf8')).toBe(await (await t.app.request('/api/v1/journal/checkpoint')).text());
    expect(fs.existsSync(path.join(dir, 'tile/0/000'))).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'tile/0/001.p'))).toEqual(['44']);
    expect(fs.readdirSync(path.join(dir, 'tile/1/000.p'))).toEqual(['1']);
    expect(fs.readdirSync(path.join(dir, 'tile/entries/001.p'))).toEqual(['44']);

    const { checkpoint, reader } = staticReader();
    expect((await reader.root()).equals(checkpoint.rootHash)).toBe(true);
    for (const index of [0, 137, 255, 256, 299]) {
      const api = (await (await t.app.request(`/api/v1/journal/proof/inclusion?index=${index}&size=300`)).json()) as { proof: string[]; leafHash: string };
      expect(b64(await reader.inclusionProof(index))).toEqual(api.proof);
      expect((await reader.leafHash(index)).toString('base64')).toBe(api.leafHash);
    }
    for (const from of [1, 100, 256, 299]) {
      const api = (await (await t.app.request(`/api/v1/journal/proof/consistency?from=${from}&to=300`)).json()) as { proof: string[]; fromRootHash: string };
      expect(b64(await reader.consistencyProof(from))).toEqual(api.proof);
      expect((await reader.root(from)).toString('base64')).toBe(api.fromRootHash);
    }
    // The entries are the API's bytes, and hash to the level-0 tile.
    const bundle = await reader.entries(1);
    const api = (await (await t.app.request('/api/v1/journal/entries?start=256&limit=44')).json()) as { entries: { bytes: string }[] };
    expect(bundle.map((entry) => entry.toString('base64'))).toEqual(api.entries.map((entry) => entry.bytes));
    for (const [i, entry] of bundle.entries()) expect(hashLeaf(entry).equals(await reader.leafHash(256 + i))).toBe(true);
  });

  it('adds only what is new when run again, and keeps the full tiles it wrote', async () => {
    const fullTile = path.join(dir, 'tile/0/000');
    const before = fs.statSync(fullTile).mtimeMs;
    for (let i = 0; i < 5; i++) await t.buildOrganisation();
    await signCheckpoint(t.db, t.keyring, 'on_demand');
    const again = await exportTiles(t.db, dir);
    expect(again).toMatchObject({ size: 305, kept: 2 });
    expect(fs.statSync(fullTile).mtimeMs).toBe(before);
    const { checkpoint, reader } = staticReader();
    expect(checkpoint.size).toBe(305);
    expect((await reader.root()).equals(checkpoint.rootHash)).toBe(true);
  });
});

describe('an entry larger than a tlog-tiles bundle can carry (over 65,535 bytes)', () => {
  it('is refused in the spec’s bundle with a clear error, and served and exported in the entries32 bundle with 4-byte lengths', async () => {
    await runCommand(t.db, system, (ctx) => appendEvent(ctx, { type: 'test.large_event', subject: 'test:1', payload: { text: 'x'.repeat(70_000) } }));
    await signCheckpoint(t.db, t.keyring, 'on_demand');
    const refused = await t.app.request('/api/v1/journal/tile/entries/001.p/50');
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { error: { code: string; details: unknown } }).error).toMatchObject({
      code: 'journal_bundle_too_large',
      details: { alternative: '/api/v1/journal/entries32/001.p/50' },
    });
    const served = await t.app.request('/api/v1/journal/entries32/001.p/50');
    expect(served.status).toBe(200);

    await exportTiles(t.db, dir);
    expect(fs.existsSync(path.join(dir, 'tile/entries/001.p/50'))).toBe(false);
    const large = fs.readFileSync(path.join(dir, 'entries32/001.p/50'));
    expect(large.equals(Buffer.from(await served.arrayBuffer()))).toBe(true);
    const { checkpoint, reader } = staticReader();
    expect((await reader.root()).equals(checkpoint.rootHash)).toBe(true);
    const entries = await reader.entries(1, 'u32');
    expect(entries.at(-1)!.length).toBeGreaterThan(70_000);
    for (const [i, entry] of entries.entries()) expect(hashLeaf(entry).equals(await reader.leafHash(256 + i))).toBe(true);
  });
});

describe('GET /api/v1/journal/tile/...', () => {
  it('serves the same bytes as the exported files, as immutable', async () => {
    for (const tile of ['tile/0/000', 'tile/0/001.p/50', 'tile/1/000.p/1', 'tile/entries/000', 'entries32/001.p/50']) {
      const response = await t.app.request(`/api/v1/journal/${tile}`);
      expect(response.status, tile).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/octet-stream');
      expect(response.headers.get('cache-control')).toContain('immutable');
      expect(Buffer.from(await response.arrayBuffer()).equals(fs.readFileSync(path.join(dir, ...tile.split('/'))))).toBe(true);
    }
  });

  it('answers 404 for a tile the journal does not hold yet and for a path the spec does not allow', async () => {
    for (const tile of ['tile/0/002', 'tile/0/001', 'tile/0/001.p/200', 'tile/0/1', 'tile/0/000.p/256', 'tile/entries/x000/001', 'tile/64/000']) {
      const response = await t.app.request(`/api/v1/journal/${tile}`);
      expect(response.status, tile).toBe(404);
    }
  });
});

type VerifyMirror = (options: { dir: string; verifierKey: string; witnessKeys?: string[]; quorum?: number }) => { size: number; entries: Buffer[] };

describe('verify-mirror.mjs in docs/journal.md: a reader checks a static copy of the log with nothing else', () => {
  let verifyMirror: VerifyMirror;
  let verifierKey: string;
  let copy: string;

  beforeAll(async () => {
    const doc = fs.readFileSync(path.resolve(import.meta.dirname, '../docs/journal.md'), 'utf8');
    const source = /<!-- verify-mirror -->\n```js\n([\s\S]*?)\n```\n/.exec(doc)?.[1];
    if (!source) throw new Error('docs/journal.md has no ```js block after <!-- verify-mirror -->');
    const file = path.join(dir, '..', `${path.basename(dir)}-verify-mirror.mjs`);
    fs.writeFileSync(file, source);
    afterAllRemove.push(file);
    ({ verifyMirror } = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as { verifyMirror: VerifyMirror });
    verifierKey = ((await (await t.app.request('/.well-known/orebook-key')).json()) as { keys: { verifierKey: string }[] }).keys[0]!.verifierKey;
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  beforeEach(() => {
    // Each test tampers with its own copy of the export.
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'orebook-mirror-'));
    fs.cpSync(dir, copy, { recursive: true });
  });
  afterEach(() => fs.rmSync(copy, { recursive: true, force: true }));

  it('reaches the signed root from the files alone, with every entry as the API gives it', async () => {
    await exportTiles(t.db, dir);
    fs.cpSync(dir, copy, { recursive: true });
    const { size, entries } = verifyMirror({ dir: copy, verifierKey });
    const checkpoint = parseCheckpoint(openNote(fs.readFileSync(path.join(dir, 'checkpoint'), 'utf8'), t.keyring.verifiers).text);
    expect(size).toBe(checkpoint.size);
    expect(entries).toHaveLength(size);
    expect(entries.at(-1)!.length).toBeGreaterThan(70_000); // read from entries32, which 2-byte lengths cannot frame
    const api = (await (await t.app.request(`/api/v1/journal/entries?start=7&limit=1`)).json()) as { entries: { bytes: string }[] };
    expect(entries[7]!.toString('base64')).toBe(api.entries[0]!.bytes);
  });

  it('refuses a changed byte of an entry, a changed tile, a missing entry, a checkpoint signed by another key, and too few witnesses', () => {
    const bundle = path.join(copy, 'entries32/000');
    const bytes = fs.readFileSync(bundle);
    bytes[100] = bytes[100]! ^ 1;
    fs.writeFileSync(bundle, bytes);
    expect(() => verifyMirror({ dir: copy, verifierKey })).toThrow('entry 0 does not hash to its tile');

    // Rewriting the entry and its tile hash together still cannot reach the signed root.
    fs.cpSync(dir, copy, { recursive: true });
    const tile = path.join(copy, 'tile/0/000');
    const entries = fs.readFileSync(path.join(copy, 'entries32/000'));
    entries[100] = entries[100]! ^ 1;
    fs.writeFileSync(path.join(copy, 'entries32/000'), entries);
    const hashes = fs.readFileSync(tile);
    hashLeaf(entries.subarray(4, 4 + entries.readUInt32BE(0))).copy(hashes, 0);
    fs.writeFileSync(tile, hashes);
    expect(() => verifyMirror({ dir: copy, verifierKey })).toThrow(/entries do not give the signed root/);

    fs.cpSync(dir, copy, { recursive: true });
    fs.rmSync(path.join(copy, 'tile/0/000'));
    expect(() => verifyMirror({ dir: copy, verifierKey })).toThrow(/ENOENT/);

    fs.cpSync(dir, copy, { recursive: true });
    const other = `${verifierKey.split('+')[0]}+00000000+${Buffer.concat([Buffer.from([1]), Buffer.alloc(32, 7)]).toString('base64')}`;
    expect(() => verifyMirror({ dir: copy, verifierKey: other })).toThrow(/bad verifier key/);
    const note = fs.readFileSync(path.join(copy, 'checkpoint'), 'utf8');
    fs.writeFileSync(path.join(copy, 'checkpoint'), note.replace(/\n(\d+)\n/, (_, n: string) => `\n${Number(n) - 1}\n`));
    expect(() => verifyMirror({ dir: copy, verifierKey })).toThrow('the checkpoint is not signed by your key');

    fs.cpSync(dir, copy, { recursive: true });
    const witness = `witness.example+${'0'.repeat(8)}+${Buffer.concat([Buffer.from([4]), Buffer.alloc(32, 9)]).toString('base64')}`;
    expect(() => verifyMirror({ dir: copy, verifierKey, witnessKeys: [witness], quorum: 1 })).toThrow(/bad verifier key/);
    expect(() => verifyMirror({ dir: copy, verifierKey, quorum: 1 })).toThrow('cosigned by 0 of your witnesses, you require 1');
  });
});
