import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { connectDatabase, type DatabaseHandle } from '../src/db/connect.ts';

/**
 * An installation for CLI tests: a fresh data directory (and, when DATABASE_URL is set, a fresh
 * database on that PostgreSQL server), with `orebook` run as a real process against it. Call
 * `setUp` in `beforeAll` and `tearDown` in `afterAll`.
 */
export function cliInstallation(name: string, options: { origin?: string } = {}) {
  const origin = options.origin ?? `${name}.orebook.test/journal`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `orebook-${name}-`));
  let databaseUrl: string | undefined;
  let admin: pg.Client | undefined;
  const databaseName = `orebook_${name.replace(/-/g, '_')}_${randomBytes(5).toString('hex')}`;

  /** `orebook ...args` with extra environment variables, e.g. a backup passphrase. */
  function orebookWith(extraEnv: Record<string, string>, ...args: string[]) {
    const { DATABASE_URL: _inherited, ...env } = process.env;
    const result = spawnSync(process.execPath, ['bin/orebook.js', ...args], {
      env: { ...env, OREBOOK_DATA_DIR: dataDir, OREBOOK_ORIGIN: origin, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), ...extraEnv },
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { status: result.status, out: result.stdout + result.stderr };
  }

  return {
    dataDir,
    async setUp() {
      if (!process.env.DATABASE_URL) return;
      admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`create database ${databaseName}`);
      const url = new URL(process.env.DATABASE_URL);
      url.pathname = `/${databaseName}`;
      databaseUrl = url.toString();
    },
    async tearDown() {
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (admin) {
        await admin.query(`drop database if exists ${databaseName} with (force)`);
        await admin.end();
      }
    },
    /** Runs `orebook ...args` on this installation; its exit status and everything it printed. */
    orebook(...args: string[]) {
      return orebookWith({}, ...args);
    },
    orebookWith,
    /** The installation's database, opened directly (the CLI must not hold it meanwhile). */
    openDirectly(): Promise<DatabaseHandle> {
      return databaseUrl ? connectDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 1 }) : connectDatabase({ kind: 'pglite', dataDir });
    },
  };
}
