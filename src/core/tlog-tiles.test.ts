import { describe, expect, it } from 'vitest';
import { hashLeaf, MerkleTree, rootHash } from './merkle.ts';
import { bundlePath, encodeTileIndex, entryBundle, parseTilePath, readEntryBundle, tileBytes, TileReader, tilePath, tilesOfTree, treeHoldsTile, type TileCoordinates } from './tlog-tiles.ts';

const entryOf = (i: number) => Buffer.from(`entry ${i} ${'x'.repeat(i % 7)}`);
const leaves = Array.from({ length: 600 }, (_, i) => hashLeaf(entryOf(i)));
const tree = new MerkleTree(leaves);

/** Every tile file of the tree of `size`, as a web server would hold them. */
function tileFiles(size: number): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const tile of tilesOfTree(size)) {
    const bytes =
      tile.level === 'entries'
        ? entryBundle(Array.from({ length: tile.width }, (_, i) => entryOf(tile.index * 256 + i)))
        : tileBytes(tree, tile.level, tile.index, tile.width);
    files.set(tilePath(tile), bytes);
  }
  return files;
}

/** MTH(D[start:end]) straight from the leaf hashes, without the tree's caches. */
const computed = new Map<string, Buffer>();
const mth = (start: number, end: number) => {
  const key = `${start}:${end}`;
  if (!computed.has(key)) computed.set(key, rootHash(leaves.slice(start, end)));
  return computed.get(key)!;
};

describe('tlog-tiles paths', () => {
  it('encodes indexes in 3-digit groups, all but the last prefixed with x (the spec’s example)', () => {
    expect(encodeTileIndex(1234067)).toBe('x001/x234/067');
    expect(encodeTileIndex(0)).toBe('000');
    expect(encodeTileIndex(1000)).toBe('x001/000');
    expect(tilePath({ level: 0, index: 5, width: 256 })).toBe('tile/0/005');
    expect(tilePath({ level: 1, index: 1234, width: 17 })).toBe('tile/1/x001/234.p/17');
    expect(tilePath({ level: 'entries', index: 2, width: 88 })).toBe('tile/entries/002.p/88');
  });

  it('parses exactly the paths it writes and refuses the rest', () => {
    for (const tile of [
      { level: 0, index: 0, width: 256 },
      { level: 2, index: 1234067, width: 1 },
      { level: 'entries', index: 999, width: 255 },
    ] satisfies TileCoordinates[]) {
      expect(parseTilePath(tilePath(tile))).toEqual(tile);
    }
    for (const bad of ['tile/0/5', 'tile/0/x000/005', 'tile/64/000', 'tile/01/000', 'tile/0/000.p/256', 'tile/0/000.p/0', 'tile/0/000.p/', 'tile/0/001/002', 'tile/entries/x1/000', 'tiles/0/000']) {
      expect(parseTilePath(bad), bad).toBeNull();
    }
  });

  it('lays a tree of 70,000 out as the spec says: 273 full level-0 tiles and one of 112, one full level-1 tile and one of 17, one level-2 tile of 1', () => {
    const tiles = tilesOfTree(70_000).filter((tile) => tile.level !== 'entries');
    const describe = (level: number) => tiles.filter((tile) => tile.level === level).map((tile) => tile.width);
    expect(describe(0)).toEqual([...Array(273).fill(256), 112]);
    expect(describe(1)).toEqual([256, 17]);
    expect(describe(2)).toEqual([1]);
    expect(tilesOfTree(256).map(tilePath)).toEqual(['tile/0/000', 'tile/1/000.p/1', 'tile/entries/000']);
  });
});

describe('tlog-tiles against the tree, for every size from 1 to 600', () => {
  it('gives tiles whose hashes are the spec’s MTH ranges, full tiles that never change, and a reader that finds the same root and proofs as the tree', async () => {
    const fullTiles = new Map<string, Buffer>();
    for (let size = 1; size <= 600; size++) {
      const files = tileFiles(size);
      for (const [path, bytes] of files) {
        const tile = parseTilePath(path)!;
        expect(treeHoldsTile(size, tile)).toBe(true);
        if (tile.width === 256) {
          // Full tiles are immutable: once written, every larger tree serves the same bytes.
          const earlier = fullTiles.get(path);
          if (earlier) expect(bytes.equals(earlier), path).toBe(true);
          fullTiles.set(path, bytes);
        }
        if (tile.level === 'entries') {
          expect(readEntryBundle(bytes).map((entry) => hashLeaf(entry).toString('hex'))).toEqual(leaves.slice(tile.index * 256, tile.index * 256 + tile.width).map((h) => h.toString('hex')));
          continue;
        }
        const span = 256 ** tile.level;
        for (let i = 0; i < tile.width; i++) {
          const first = (tile.index * 256 + i) * span;
          expect(bytes.subarray(i * 32, (i + 1) * 32).equals(mth(first, first + span)), `${path} hash ${i}`).toBe(true);
        }
      }
      // No tile is missing: the widest tile of each level ends at floor(size / 256^level).
      expect(files.has(size % 256 ? `tile/0/${encodeTileIndex(Math.floor(size / 256))}.p/${size % 256}` : `tile/0/${encodeTileIndex(size / 256 - 1)}`)).toBe(true);

      const reader = new TileReader(size, async (path) => {
        const bytes = files.get(path);
        if (!bytes) throw new Error(`no tile ${path} for size ${size}`);
        return bytes;
      });
      expect((await reader.root()).equals(tree.root(size)), `root of ${size}`).toBe(true);
      const hex = (hashes: Buffer[]) => hashes.map((h) => h.toString('hex'));
      for (const index of new Set([0, Math.floor(size / 2), size - 1])) {
        expect(hex(await reader.inclusionProof(index)), `inclusion of ${index} in ${size}`).toEqual(hex(tree.inclusionProof(index, size)));
      }
      for (const from of new Set([1, Math.floor(size / 3), size - 1])) {
        expect(hex(await reader.consistencyProof(from)), `consistency ${from}→${size}`).toEqual(hex(tree.consistencyProof(from, size)));
      }
    }
  });

  it('refuses a tile a tree of this size does not have', async () => {
    const reader = new TileReader(300, async () => Buffer.alloc(0));
    await expect(reader.root(301)).rejects.toThrow(RangeError);
    await expect(reader.entries(2)).rejects.toThrow(/no tile 2/);
  });

  it('refuses a tile of the wrong length, and a truncated entry bundle', async () => {
    await expect(new TileReader(3, async () => Buffer.alloc(64)).root()).rejects.toThrow(/has 64 bytes, not 96/);
    expect(() => readEntryBundle(Buffer.from([0x00, 0x05, 0x61]))).toThrow(/truncated/);
    expect(() => entryBundle([Buffer.alloc(65_536)])).toThrow(/does not fit/);
  });

  it('frames entries with a 2-byte big-endian length, or 4 bytes in the entries32 bundle that carries larger ones', () => {
    expect(entryBundle([Buffer.from('ab'), Buffer.from('')])).toEqual(Buffer.from([0x00, 0x02, 0x61, 0x62, 0x00, 0x00]));
    expect(entryBundle([Buffer.from('ab')], 'u32')).toEqual(Buffer.from([0x00, 0x00, 0x00, 0x02, 0x61, 0x62]));
    const large = Buffer.alloc(70_000, 0x78);
    expect(readEntryBundle(entryBundle([large, Buffer.from('c')], 'u32'), 'u32')).toEqual([large, Buffer.from('c')]);
    expect(bundlePath(1234, 17, 'u32')).toBe('entries32/x001/234.p/17');
    expect(bundlePath(3, 256, 'tlog-tiles')).toBe('tile/entries/003');
  });
});
