import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { authorize } from '../core/auth/policies.ts';
import { coreError, notFound } from '../core/errors.ts';
import { bundlePath, entryBundle, fitsEntryBundle, parseTilePath, tileBytes, tilePath, treeHoldsTile } from '../core/tlog-tiles.ts';
import type { AppEnv } from '../web/context.ts';
import { errorResponses } from '../web/openapi.ts';
import { signCheckpoint } from './commands.ts';
import { journalSize, latestCheckpoint, listEntries } from './queries.ts';
import { cosignedNote } from './witnesses.ts';

const base64 = z.string().openapi({ description: 'base64 (standard alphabet, padded)' });

/**
 * The most entry bytes one page of entries carries after its first entry. A page of 100 worker
 * registers would be ~800 KiB; like RFC 6962's get-entries, the log answers fewer entries than
 * asked and the client goes on from the last index it got, so a crawler's page stays small
 * (~25 KiB gzipped). A mirror of the whole log reads the entry bundles of the tiles instead.
 */
export const entriesPageBytes = 32 * 1024;

/** The entries that fit one page: the first always, then each while the page stays within `entriesPageBytes`. */
export function fitPage<T extends { bytes: Buffer }>(rows: readonly T[]): T[] {
  let total = 0;
  const page: T[] = [];
  for (const row of rows) {
    total += row.bytes.length;
    if (page.length > 0 && total > entriesPageBytes) break;
    page.push(row);
  }
  return page;
}

const checkpointRoute = createRoute({
  method: 'get',
  path: '/journal/checkpoint',
  tags: ['Journal'],
  summary: 'The latest signed checkpoint (C2SP signed-note, tlog-checkpoint body), with the witnesses’ cosignatures (C2SP tlog-cosignature) received so far',
  description: 'Also the checkpoint of the C2SP tlog-tiles log whose prefix is `/api/v1/journal`.',
  responses: { 200: { description: 'The signed note', content: { 'text/plain': { schema: z.string() } } } },
});

const entriesRoute = createRoute({
  method: 'get',
  path: '/journal/entries',
  tags: ['Journal'],
  summary: 'Journal entries: the exact canonical JSON bytes of each event, base64',
  description:
    'Send `Accept: application/x-ndjson` for one JSON object per line. A page holds at most `limit` entries and, after its first, at most 32 KiB of entry bytes: it may hold fewer entries than asked, so go on from the index after the last one received.',
  request: {
    query: z.object({
      start: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
  },
  responses: {
    200: {
      description: 'Entries from `start`: at most `limit`, and fewer where the page would pass 32 KiB of entry bytes',
      content: {
        'application/json': { schema: z.object({ size: z.number().int(), entries: z.array(z.object({ index: z.number().int(), bytes: base64 })) }) },
        'application/x-ndjson': { schema: z.string() },
      },
    },
    ...errorResponses(400),
  },
});

const inclusionRoute = createRoute({
  method: 'get',
  path: '/journal/proof/inclusion',
  tags: ['Journal'],
  summary: 'RFC 9162 inclusion proof of entry `index` in the tree of `size` entries',
  request: { query: z.object({ index: z.coerce.number().int().min(0), size: z.coerce.number().int().min(1) }) },
  responses: {
    200: {
      description: 'The audit path, leaf first',
      content: {
        'application/json': {
          schema: z.object({ index: z.number().int(), size: z.number().int(), leafHash: base64, rootHash: base64, proof: z.array(base64) }),
        },
      },
    },
    ...errorResponses(400),
  },
});

const consistencyRoute = createRoute({
  method: 'get',
  path: '/journal/proof/consistency',
  tags: ['Journal'],
  summary: 'RFC 9162 consistency proof between the trees of `from` and `to` entries',
  request: { query: z.object({ from: z.coerce.number().int().min(0), to: z.coerce.number().int().min(0) }) },
  responses: {
    200: {
      description: 'The consistency proof',
      content: {
        'application/json': {
          schema: z.object({ from: z.number().int(), to: z.number().int(), fromRootHash: base64, toRootHash: base64, proof: z.array(base64) }),
        },
      },
    },
    ...errorResponses(400),
  },
});

async function treeOfSize(c: Context<AppEnv>, size: number, reason: (size: number) => string | null) {
  const { db, journalTree } = c.get('deps');
  const journal = await journalSize(db);
  const problem = size > journal ? `size ${size} is larger than the journal` : reason(journal);
  if (problem) throw coreError('journal_range_invalid', 400, { size: journal, reason: problem }, { size: journal, reason: problem });
  return journalTree.at(db, size);
}

/** The public, anonymous journal API: checkpoints, entries and proofs that let anyone check the log offline. */
export function registerJournalApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(checkpointRoute, async (c) => {
    authorize(c.get('actor'), 'journal.read');
    const { db, keyring, journalTree } = c.get('deps');
    const checkpoint = (await latestCheckpoint(db)) ?? (await signCheckpoint(db, keyring, 'on_demand', journalTree));
    return c.text(await cosignedNote(db, checkpoint), 200, { 'Cache-Control': 'no-cache' });
  });

  registerTiles(api);

  api.openapi(entriesRoute, async (c) => {
    authorize(c.get('actor'), 'journal.read');
    const { start, limit } = c.req.valid('query');
    const db = c.get('deps').db;
    const size = await journalSize(db);
    const rows = fitPage(await listEntries(db, start, Math.min(limit, Math.max(0, size - start))));
    const entries = rows.map((row) => ({ index: row.seq, bytes: row.bytes.toString('base64') }));
    if ((c.req.header('accept') ?? '').includes('application/x-ndjson')) {
      const body = entries.map((entry) => JSON.stringify(entry)).join('\n');
      // NDJSON is a second representation of the same entries; the typed-response helper knows only JSON.
      return c.body(entries.length ? `${body}\n` : '', 200, { 'Content-Type': 'application/x-ndjson' }) as never;
    }
    return c.json({ size, entries }, 200);
  });

  api.openapi(inclusionRoute, async (c) => {
    authorize(c.get('actor'), 'journal.read');
    const { index, size } = c.req.valid('query');
    const tree = await treeOfSize(c, size, () => (index >= size ? `index ${index} is not below size ${size}` : null));
    return c.json(
      {
        index,
        size,
        leafHash: tree.leafHash(index).toString('base64'),
        rootHash: tree.root(size).toString('base64'),
        proof: tree.inclusionProof(index, size).map((hash) => hash.toString('base64')),
      },
      200,
    );
  });

  api.openapi(consistencyRoute, async (c) => {
    authorize(c.get('actor'), 'journal.read');
    const { from, to } = c.req.valid('query');
    const tree = await treeOfSize(c, to, () => (from > to ? `from ${from} is larger than to ${to}` : null));
    return c.json(
      {
        from,
        to,
        fromRootHash: tree.root(from).toString('base64'),
        toRootHash: tree.root(to).toString('base64'),
        proof: tree.consistencyProof(from, to).map((hash) => hash.toString('base64')),
      },
      200,
    );
  });
}

const tileParams = z.object({
  L: z.string().openapi({ description: 'The level, 0 to 63' }),
  N: z.string().openapi({ description: 'The tile index in 3-digit path elements, all but the last prefixed by `x` (`x001/x234/067`), then `.p/<W>` for a partial tile of width W' }),
});

/**
 * The journal as a C2SP tlog-tiles log whose prefix is `/api/v1/journal`: hash tiles and entry
 * bundles, each fixed for ever once the journal holds it, so they are cached as immutable. Plain
 * routes (a tile index has a variable number of path elements), described by hand in the document.
 */
function registerTiles(api: OpenAPIHono<AppEnv>) {
  const immutable = { 'Content-Type': 'application/octet-stream', 'Cache-Control': 'public, max-age=31536000, immutable' };
  api.get('/journal/tile/:path{.+}', async (c) => {
    authorize(c.get('actor'), 'journal.read');
    const tile = parseTilePath(`tile/${c.req.param('path')}`);
    const { db, journalTree } = c.get('deps');
    const size = await journalSize(db);
    if (!tile || !treeHoldsTile(size, tile)) throw notFound();
    if (tile.level === 'entries') {
      const entries = (await listEntries(db, tile.index * 256, tile.width)).map((row) => row.bytes);
      if (!fitsEntryBundle(entries)) {
        const details = { bundle: tilePath(tile), alternative: `/api/v1/journal/${bundlePath(tile.index, tile.width, 'u32')}` };
        throw coreError('journal_bundle_too_large', 404, details, details);
      }
      return c.body(new Uint8Array(entryBundle(entries)), 200, immutable);
    }
    const tree = await journalTree.at(db, size);
    return c.body(new Uint8Array(tileBytes(tree, tile.level, tile.index, tile.width)), 200, immutable);
  });
  api.get('/journal/entries32/:path{.+}', async (c) => {
    authorize(c.get('actor'), 'journal.read');
    const tile = parseTilePath(`tile/entries/${c.req.param('path')}`);
    const db = c.get('deps').db;
    if (!tile || !treeHoldsTile(await journalSize(db), tile)) throw notFound();
    const entries = (await listEntries(db, tile.index * 256, tile.width)).map((row) => row.bytes);
    return c.body(new Uint8Array(entryBundle(entries, 'u32')), 200, immutable);
  });
  for (const [path, summary] of [
    ['/journal/tile/{L}/{N}', 'A tile of the journal’s Merkle tree (C2SP tlog-tiles): up to 256 hashes of height 8·L'],
    ['/journal/tile/entries/{N}', 'An entry bundle (C2SP tlog-tiles): the entries of level-0 tile N, each prefixed by its length (big-endian uint16); 404 journal_bundle_too_large when one is over 65,535 bytes'],
    ['/journal/entries32/{N}', 'The same entry bundle with big-endian uint32 lengths, for bundles that hold an entry over 65,535 bytes (an Orebook encoding beside tlog-tiles)'],
  ] as const) {
    api.openAPIRegistry.registerPath({
      method: 'get',
      path,
      tags: ['Journal'],
      summary,
      request: { params: path.includes('{L}') ? tileParams : tileParams.pick({ N: true }) },
      responses: { 200: { description: 'The tile’s bytes', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } }, ...errorResponses(404) },
    });
  }
}
