import fs from 'node:fs';
import path from 'node:path';
import { bundlePath, entryBundle, fitsEntryBundle, tileBytes, tilePath, tilesOfTree, TILE_WIDTH, type TileCoordinates } from '../core/tlog-tiles.ts';
import type { Queryable } from '../db/connect.ts';
import { latestCheckpoint, listEntries, loadJournalTree } from './queries.ts';
import { cosignedNote } from './witnesses.ts';

export type TilesExport = { size: number; written: number; kept: number };

function writeWhole(file: string, bytes: Uint8Array | string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, bytes);
  fs.renameSync(temporary, file);
}

/**
 * Writes the journal up to its latest checkpoint as a static C2SP tlog-tiles log in `dir`: the
 * tiles, the entry bundles (`tile/entries/` where the entries fit the spec's 2-byte lengths, and
 * every bundle in `entries32/`), then `checkpoint` (the cosigned note) last, so that a mirror never
 * shows a checkpoint whose tiles are not there yet. Full tiles already in `dir` are kept as they
 * are (they never change), so running it again only adds what is new.
 */
export async function exportTiles(db: Queryable, dir: string, onProgress?: (done: number, total: number) => void): Promise<TilesExport> {
  const checkpoint = await latestCheckpoint(db);
  if (!checkpoint) throw new Error('the journal has no signed checkpoint yet: run `orebook checkpoint` first');
  const size = checkpoint.treeSize;
  const tree = await loadJournalTree(db, size);
  if (!tree.root(size).equals(checkpoint.rootHash)) throw new Error(`the journal does not give the root of its latest checkpoint (size ${size}): run \`orebook verify\``);
  const tiles = tilesOfTree(size);
  let written = 0;
  let kept = 0;
  const fileOf = (relative: string) => path.join(dir, ...relative.split('/'));
  const isKept = (tile: TileCoordinates, file: string) => tile.width === TILE_WIDTH && fs.existsSync(file);
  for (const [done, tile] of tiles.entries()) {
    if (tile.level !== 'entries') {
      const file = fileOf(tilePath(tile));
      if (isKept(tile, file)) kept++;
      else {
        writeWhole(file, tileBytes(tree, tile.level, tile.index, tile.width));
        written++;
      }
    } else {
      // Every bundle with 4-byte lengths, and the spec's bundle where its entries fit 2-byte ones.
      const spec = fileOf(bundlePath(tile.index, tile.width, 'tlog-tiles'));
      const large = fileOf(bundlePath(tile.index, tile.width, 'u32'));
      if (isKept(tile, large)) kept++;
      else {
        const entries = (await listEntries(db, tile.index * TILE_WIDTH, tile.width)).map((row) => row.bytes);
        if (fitsEntryBundle(entries)) writeWhole(spec, entryBundle(entries));
        writeWhole(large, entryBundle(entries, 'u32'));
        written++;
      }
    }
    onProgress?.(done + 1, tiles.length);
  }
  writeWhole(path.join(dir, 'checkpoint'), await cosignedNote(db, checkpoint));
  return { size, written, kept };
}
