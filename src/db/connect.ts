import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import pg from 'pg';
import { lockDataDir, type DataDirLock } from './lock.ts';

export type Database = PgDatabase<PgQueryResultHKT, Record<string, never>>;
export type Transaction = PgTransaction<PgQueryResultHKT, Record<string, never>, ExtractTablesWithRelations<Record<string, never>>>;
/** Anything a query can run on: the database or an open transaction. */
export type Queryable = Database | Transaction;

export type DatabaseHandle = {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** Where the data lives, for messages: the data dir or the server URL without its password. */
  location: string;
  close(): Promise<void>;
  /** PGlite only: the embedded instance (for snapshots in tests and backups). */
  pglite?: PGlite;
};

export type ConnectOptions =
  | { kind: 'postgres'; url: string; poolSize?: number }
  | { kind: 'pglite'; dataDir: string; displayDir?: string }
  | { kind: 'memory'; loadDataDir?: Blob | File };

const extensions = { btree_gist };

/** Opens the database: a PostgreSQL server when a URL is given, otherwise embedded PGlite under dataDir/pglite. */
export async function connectDatabase(options: ConnectOptions): Promise<DatabaseHandle> {
  if (options.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    pool.on('error', () => {
      // an idle client lost its connection; the pool replaces it on next use
    });
    await pool.query('select 1');
    const url = new URL(options.url);
    url.password = '';
    return {
      db: drizzlePg(pool) as unknown as Database,
      kind: 'postgres',
      location: url.toString(),
      close: () => pool.end(),
    };
  }
  if (options.kind === 'memory') {
    const pglite = await PGlite.create({ extensions, loadDataDir: options.loadDataDir });
    return {
      db: drizzlePglite(pglite) as unknown as Database,
      kind: 'pglite',
      location: 'memory',
      pglite,
      close: () => pglite.close(),
    };
  }
  const lock: DataDirLock = lockDataDir(options.dataDir, options.displayDir);
  try {
    const dir = path.join(options.dataDir, 'pglite');
    fs.mkdirSync(dir, { recursive: true });
    const pglite = await PGlite.create(dir, { extensions });
    return {
      db: drizzlePglite(pglite) as unknown as Database,
      kind: 'pglite',
      location: options.displayDir ?? options.dataDir,
      pglite,
      close: async () => {
        try {
          await pglite.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** Rows of a raw SQL result, the same on both drivers. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}
