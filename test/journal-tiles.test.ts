import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashLeaf } from '../src/core/merkle.ts';
import { openNote, parseCheckpoint } from '../src/core/signed-note.ts';
import { TileReader } from '../src/core/tlog-tiles.ts';
import { appendEvent, runCommand, signCheckpoint } from '../src/journal/commands.ts';
import { exportTiles } from '../src/journal/tiles-export.ts';
import { createTestContext, system, type TestContext } from './harness.ts';

let t: TestContext;
let dir: string;
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
