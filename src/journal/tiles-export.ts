import fs from 'node:fs';
import path from 'node:path';
import { entryBundle, tileBytes, tilePath, tilesOfTree, TILE_WIDTH } from '../core/tlog-tiles.ts';
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
 * tiles, the entry bundles, then `checkpoint` (the cosigned note) last, so that a mirror never
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
  for (const [done, tile] of tiles.entries()) {
    const file = path.join(dir, ...tilePath(tile).split('/'));
    if (tile.width === TILE_WIDTH && fs.existsSync(file)) {
      kept++;
    } else {
      const bytes =
        tile.level === 'entries'
          ? entryBundle((await listEntries(db, tile.index * TILE_WIDTH, tile.width)).map((row) => row.bytes))
          : tileBytes(tree, tile.level, tile.index, tile.width);
      writeWhole(file, bytes);
      written++;
    }
    onProgress?.(done + 1, tiles.length);
  }
  writeWhole(path.join(dir, 'checkpoint'), await cosignedNote(db, checkpoint));
  return { size, written, kept };
}
