/**
 * C2SP tlog-tiles (https://c2sp.org/tlog-tiles): the Merkle tree and the entries of a log as
 * static, mostly immutable files that any web server or object store can host, and the reading
 * side that rebuilds roots and proofs from those files alone.
 *
 * A tile at level L holds up to 256 consecutive hashes of tree height 8·L: hash i of tile N is
 * MTH(D[(N·256 + i)·256^L : (N·256 + i + 1)·256^L]). Level-0 tiles hold leaf hashes. A full tile
 * has 256 hashes (8,192 bytes); the rightmost tile of a level is partial (1–255 hashes) and is
 * served at `<N>.p/<W>`. Entry bundles hold the entries of the matching level-0 tile, each
 * prefixed by its length as a big-endian uint16.
 */
import { consistencyProofRanges, foldSubtreeHashes, hashChildren, HASH_SIZE, inclusionProofRanges, perfectSubtrees, type MerkleTree } from './merkle.ts';

/** Hashes per full tile: tiles have height 8. */
export const TILE_WIDTH = 256;
const TILE_HEIGHT = 8;
/** An entry bundle's length prefix is a uint16. */
export const MAX_ENTRY_BYTES = 0xffff;

/** One tile or entry bundle: its level (`entries` for a bundle), index and width (256 when full). */
export type TileCoordinates = { level: number | 'entries'; index: number; width: number };

/** `1234067` → `x001/x234/067`: zero-padded 3-digit path elements, all but the last prefixed by `x`. */
export function encodeTileIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`tile index must be a non-negative integer, got ${index}`);
  const groups: string[] = [];
  let rest = index;
  do {
    groups.unshift(String(rest % 1000).padStart(3, '0'));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join('/');
}

/** The path of a tile or entry bundle below the log's prefix, e.g. `tile/1/x001/234.p/17` or `tile/entries/000`. */
export function tilePath({ level, index, width }: TileCoordinates): string {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new RangeError(`tile width must be 1 to ${TILE_WIDTH}, got ${width}`);
  const partial = width < TILE_WIDTH ? `.p/${width}` : '';
  return `tile/${level}/${encodeTileIndex(index)}${partial}`;
}

/** Reads a tile path (after `tile/`): the inverse of `tilePath`; null for anything the spec does not allow. */
export function parseTilePath(path: string): TileCoordinates | null {
  const match = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path);
  if (!match) return null;
  const level = match[1] === 'entries' ? 'entries' : Number(match[1]);
  if (level !== 'entries' && level > 63) return null;
  const groups = match[2]!.split('/').map((group) => group.replace(/^x/, ''));
  // No leading zero groups: index 5 is `005`, never `x000/005`, so that each tile has one path.
  if (groups.length > 1 && groups[0] === '000') return null;
  const index = Number(groups.join(''));
  const width = match[3] === undefined ? TILE_WIDTH : Number(match[3]);
  if (!Number.isSafeInteger(index) || (match[3] !== undefined && width >= TILE_WIDTH)) return null;
  return { level, index, width };
}

/** How many hashes of tree height 8·`level` a tree of `size` leaves has: floor(size / 256^level). */
function hashesAtLevel(size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/**
 * Every tile a tree of `size` leaves is served as: the full tiles and, where a level does not end
 * on a full tile, its partial tile; then the entry bundles, which follow the level-0 tiles.
 */
export function tilesOfTree(size: number): TileCoordinates[] {
  const tiles: TileCoordinates[] = [];
  for (let level = 0; hashesAtLevel(size, level) > 0; level++) tiles.push(...tilesOfLevel(size, level));
  return [...tiles, ...tilesOfLevel(size, 0).map((tile) => ({ ...tile, level: 'entries' as const }))];
}

function tilesOfLevel(size: number, level: number): TileCoordinates[] {
  const count = hashesAtLevel(size, level);
  const tiles: TileCoordinates[] = [];
  for (let index = 0; index < Math.floor(count / TILE_WIDTH); index++) tiles.push({ level, index, width: TILE_WIDTH });
  if (count % TILE_WIDTH > 0) tiles.push({ level, index: Math.floor(count / TILE_WIDTH), width: count % TILE_WIDTH });
  return tiles;
}

/**
 * Whether a tree of `size` leaves holds the whole of this tile (its hashes are then fixed for
 * ever); false for a tile beyond the tree, or for a partial tile wider than the tree reaches.
 */
export function treeHoldsTile(size: number, tile: TileCoordinates): boolean {
  const level = tile.level === 'entries' ? 0 : tile.level;
  return tile.index * TILE_WIDTH + tile.width <= hashesAtLevel(size, level);
}

/** The bytes of a hash tile, from a tree that holds it (see `treeHoldsTile`). */
export function tileBytes(tree: MerkleTree, level: number, index: number, width: number): Buffer {
  const hashes: Buffer[] = [];
  for (let i = 0; i < width; i++) hashes.push(tree.nodeHash(TILE_HEIGHT * level, index * TILE_WIDTH + i));
  return Buffer.concat(hashes);
}

/**
 * How entries are framed in a bundle: `tlog-tiles` is the spec's big-endian uint16 length, which
 * cannot carry an entry over 65,535 bytes; `u32` is Orebook's same bundle with a uint32 length,
 * served at its own path (`entries32/<N>[.p/<W>]`, as the spec asks of other encodings), for the
 * journal's few larger entries (a spreadsheet import's event).
 */
export type BundleFormat = 'tlog-tiles' | 'u32';

const lengthBytes = (format: BundleFormat) => (format === 'tlog-tiles' ? 2 : 4);

/** The path of an entry bundle in `format`: `tile/entries/<N>[.p/<W>]`, or `entries32/<N>[.p/<W>]`. */
export function bundlePath(index: number, width: number, format: BundleFormat): string {
  const path = tilePath({ level: 'entries', index, width });
  return format === 'tlog-tiles' ? path : path.replace(/^tile\/entries\//, 'entries32/');
}

/** Whether every entry fits the spec's bundle (at most 65,535 bytes each). */
export function fitsEntryBundle(entries: readonly Uint8Array[]): boolean {
  return entries.every((entry) => entry.length <= MAX_ENTRY_BYTES);
}

/** An entry bundle: each entry as its big-endian length (uint16 in `tlog-tiles`, uint32 in `u32`) and its bytes. */
export function entryBundle(entries: readonly Uint8Array[], format: BundleFormat = 'tlog-tiles'): Buffer {
  const size = lengthBytes(format);
  const parts: Buffer[] = [];
  for (const entry of entries) {
    if (format === 'tlog-tiles' && entry.length > MAX_ENTRY_BYTES) throw new RangeError(`an entry of ${entry.length} bytes does not fit a tlog-tiles entry bundle (at most ${MAX_ENTRY_BYTES})`);
    const length = Buffer.alloc(size);
    length.writeUIntBE(entry.length, 0, size);
    parts.push(length, Buffer.from(entry));
  }
  return Buffer.concat(parts);
}

/** The entries of a bundle; throws on a truncated bundle. */
export function readEntryBundle(bundle: Uint8Array, format: BundleFormat = 'tlog-tiles'): Buffer[] {
  const size = lengthBytes(format);
  const bytes = Buffer.from(bundle);
  const entries: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    if (offset + size > bytes.length) throw new Error('entry bundle is truncated');
    const length = bytes.readUIntBE(offset, size);
    if (offset + size + length > bytes.length) throw new Error('entry bundle is truncated');
    entries.push(bytes.subarray(offset + size, offset + size + length));
    offset += size + length;
  }
  return entries;
}

/** Fetches the bytes at a tile path (`tile/...`) from wherever the tiles are: a web server, a directory. */
export type TileFetcher = (path: string) => Promise<Uint8Array>;

/**
 * Reads a log of `size` leaves from its tiles alone, as a mirror's client does: its root, inclusion
 * and consistency proofs, and its entries. Tiles are fetched once and kept. It trusts nothing but
 * the tiles' bytes: compare the root with a signed checkpoint before using anything else.
 */
export class TileReader {
  readonly #tiles = new Map<string, Promise<Buffer>>();

  constructor(
    readonly size: number,
    private readonly fetchTile: TileFetcher,
  ) {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`tree size must be a non-negative integer, got ${size}`);
  }

  /** The root hash of the tree of `size` leaves (the reader's size by default). */
  async root(size: number = this.size): Promise<Buffer> {
    this.#assertSize(size);
    return this.#rangeHash(0, size);
  }

  async inclusionProof(index: number, size: number = this.size): Promise<Buffer[]> {
    this.#assertSize(size);
    return Promise.all(inclusionProofRanges(index, size).map(([start, end]) => this.#rangeHash(start, end)));
  }

  async consistencyProof(from: number, to: number = this.size): Promise<Buffer[]> {
    this.#assertSize(to);
    return Promise.all(consistencyProofRanges(from, to).map(([start, end]) => this.#rangeHash(start, end)));
  }

  /** The leaf hash of entry `index`, from the level-0 tile. */
  async leafHash(index: number): Promise<Buffer> {
    return this.#nodeHash(0, index);
  }

  /** The entries of bundle `tileIndex` (entries tileIndex·256 onwards); hash them and compare with `leafHash` before trusting them. */
  async entries(tileIndex: number, format: BundleFormat = 'tlog-tiles'): Promise<Buffer[]> {
    const width = this.#widthOf(0, tileIndex);
    const entries = readEntryBundle(await this.#fetch(bundlePath(tileIndex, width, format)), format);
    if (entries.length !== width) throw new Error(`entry bundle ${tileIndex} has ${entries.length} entries, not ${width}`);
    return entries;
  }

  #assertSize(size: number) {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) throw new RangeError(`size must be 0 to ${this.size}, got ${size}`);
  }

  async #rangeHash(start: number, end: number): Promise<Buffer> {
    const parts = await Promise.all(perfectSubtrees(start, end).map(({ height, index }) => this.#nodeHash(height, index)));
    return foldSubtreeHashes(parts);
  }

  /**
   * MTH of the complete subtree of 2^height leaves numbered `index`: read from the tile of level
   * floor(height / 8), hashing together the 2^(height mod 8) tile hashes it spans.
   */
  async #nodeHash(height: number, index: number): Promise<Buffer> {
    const level = Math.floor(height / TILE_HEIGHT);
    const span = 2 ** (height % TILE_HEIGHT);
    const first = index * span;
    const tileIndex = Math.floor(first / TILE_WIDTH);
    const width = this.#widthOf(level, tileIndex);
    const tile = await this.#fetch(tilePath({ level, index: tileIndex, width }));
    if (tile.length !== width * HASH_SIZE) throw new Error(`tile ${tilePath({ level, index: tileIndex, width })} has ${tile.length} bytes, not ${width * HASH_SIZE}`);
    const offset = first % TILE_WIDTH;
    if (offset + span > width) throw new RangeError(`the tree of ${this.size} leaves has no complete subtree of height ${height} at ${index}`);
    let hashes: Buffer[] = [];
    for (let i = 0; i < span; i++) hashes.push(tile.subarray((offset + i) * HASH_SIZE, (offset + i + 1) * HASH_SIZE));
    while (hashes.length > 1) {
      const next: Buffer[] = [];
      for (let i = 0; i < hashes.length; i += 2) next.push(hashChildren(hashes[i]!, hashes[i + 1]!));
      hashes = next;
    }
    return Buffer.from(hashes[0]!);
  }

  /** The width of tile `index` at `level` in this tree: 256 if full, else the partial tile's. */
  #widthOf(level: number, index: number): number {
    const count = hashesAtLevel(this.size, level);
    const full = Math.floor(count / TILE_WIDTH);
    if (index < full) return TILE_WIDTH;
    if (index === full && count % TILE_WIDTH > 0) return count % TILE_WIDTH;
    throw new RangeError(`the tree of ${this.size} leaves has no tile ${index} at level ${level}`);
  }

  #fetch(path: string): Promise<Buffer> {
    let tile = this.#tiles.get(path);
    if (!tile) {
      tile = this.fetchTile(path).then((bytes) => Buffer.from(bytes));
      this.#tiles.set(path, tile);
    }
    return tile;
  }
}
