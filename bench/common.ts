/**
 * What the benchmarks share: the engines they measure on (PGlite in a fresh temp data dir, and the
 * PostgreSQL server of DATABASE_URL in a fresh database dropped at the end), knobs, Ctrl-C, and
 * the output helpers. Each benchmark is a script of its own in this folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { connectDatabase, rowsOf, type Database, type DatabaseHandle } from '../src/db/connect.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let interrupted = false;
export const wasInterrupted = () => interrupted;
process.once('SIGINT', () => {
  interrupted = true;
  console.error('\ninterrupted: cleaning up (Ctrl-C again to force)');
});

export function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}

export function checkInterrupted(): void {
  if (interrupted) throw new Error('interrupted');
}

// ---------------------------------------------------------------------------------------------
// Engines

export type Engine = { label: string; version: string; where: string; handle: DatabaseHandle; cleanup(): Promise<void> };

const FS_TYPES: Record<number, string> = {
  0xef53: 'ext4',
  0x01021994: 'tmpfs (RAM, not a disk!)',
  0x58465342: 'xfs',
  0x9123683e: 'btrfs',
  0x794c7630: 'overlayfs',
  0x2fc12fc1: 'zfs',
  0x6a656a63: 'fakeowner (Docker Desktop)',
};

function fsType(dir: string): string {
  try {
    const type = fs.statfsSync(dir).type;
    return FS_TYPES[type] ?? `fs type 0x${type.toString(16)}`;
  } catch {
    return 'fs type unknown';
  }
}

async function serverVersion(db: Database): Promise<string> {
  const [row] = rowsOf<{ server_version: string }>(await db.execute(sql`show server_version`));
  return row?.server_version ?? '?';
}

function pgliteVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '?';
  } catch {
    return '?';
  }
}

export async function openPglite(): Promise<Engine> {
  const parent = process.env.OREBOOK_BENCH_DIR || os.tmpdir();
  fs.mkdirSync(parent, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(parent, 'orebook-bench-'));
  const remove = () => fs.rmSync(dataDir, { recursive: true, force: true });
  try {
    const handle = await connectDatabase({ kind: 'pglite', dataDir });
    return {
      label: 'PGlite (disk)',
      version: `PGlite ${pgliteVersion()} (PostgreSQL ${await serverVersion(handle.db)})`,
      where: `${dataDir} on ${fsType(dataDir)}`,
      handle,
      cleanup: async () => {
        try {
          await handle.close();
        } finally {
          remove();
        }
      },
    };
  } catch (error) {
    remove();
    throw error;
  }
}

export async function openPostgres(adminUrl: string): Promise<Engine> {
  const name = `orebook_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const drop = async () => {
    try {
      await admin.query(`drop database if exists ${name} with (force)`);
    } finally {
      await admin.end();
    }
  };
  let handle: DatabaseHandle | undefined;
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    handle = await connectDatabase({ kind: 'postgres', url: url.toString() });
    const [settings] = rowsOf<{ fsync: string; synchronous_commit: string }>(
      await handle.db.execute(sql`select current_setting('fsync') as fsync, current_setting('synchronous_commit') as synchronous_commit`),
    );
    const opened = handle;
    return {
      label: 'PostgreSQL',
      version: `PostgreSQL ${await serverVersion(opened.db)}`,
      where: `${new URL(opened.location).host}/${name} (fsync=${settings?.fsync}, synchronous_commit=${settings?.synchronous_commit})`,
      handle: opened,
      cleanup: async () => {
        try {
          await opened.close();
        } finally {
          await drop();
        }
      },
    };
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await drop();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Output

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const int = (n: number) => Math.round(n).toLocaleString('en-US');
export const pct = (ratio: number) => `${(ratio * 100).toFixed(0)} %`;

export function table(rows: string[][], rightAligned: (column: number) => boolean): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  return rows
    .map((row) => row.map((cell, c) => (rightAligned(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd())
    .join('\n');
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(' / ');
}

export function verdict(value: number, goal: number): string {
  return value >= goal ? 'PASS' : 'BELOW';
}

/** The header every benchmark prints first: what machine, which Node, how loaded. */
export function printMachine(title: string): void {
  const cpus = os.cpus();
  console.log(title);
  console.log(`  machine : ${cpus.length} CPU${cpus.length === 1 ? '' : 's'} (${cpus[0]?.model.trim() ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.release()} ${os.arch()}`);
  console.log(`  node    : ${process.version}`);
  console.log(`  load    : ${loadAverage()} (1/5/15 min) at start; other work on the machine skews every figure`);
}

/**
 * Runs a benchmark on PGlite, then on the PostgreSQL server of DATABASE_URL when it is set, each
 * in a fresh engine cleaned up after; returns each engine's result and what could not be measured.
 */
export async function onEveryEngine<R>(bench: (engine: Engine) => Promise<R>): Promise<{ results: R[]; failures: string[] }> {
  const databaseUrl = process.env.DATABASE_URL;
  const results: R[] = [];
  const failures: string[] = [];
  const openers: [string, () => Promise<Engine>][] = [['PGlite', openPglite]];
  if (databaseUrl) openers.push(['PostgreSQL', () => openPostgres(databaseUrl)]);
  else console.log('  (DATABASE_URL not set: PostgreSQL skipped)');
  for (const [name, open] of openers) {
    if (wasInterrupted()) break;
    let engine: Engine | undefined;
    try {
      engine = await open();
      console.log(`  engine  : ${engine.version}, ${engine.where}`);
      results.push(await bench(engine));
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message}`);
    } finally {
      await engine?.cleanup().catch((error: unknown) => failures.push(`${name} cleanup: ${(error as Error).message}`));
    }
  }
  return { results, failures };
}

/** A TCP port free on the loopback right now, for a server the benchmark starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
