import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { connectDatabase } from '../src/db/connect.ts';
import { migrateDatabase } from '../src/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite: a gzip'd data dir of the migrated schema, restored by each test file. */
    pgliteSnapshot: string;
    /** PostgreSQL: a migrated template database each test file copies. */
    postgresTemplate: string;
  }
}

/**
 * Builds the migrated schema once for the whole run: a PGlite snapshot, or a template database on
 * the PostgreSQL server named by DATABASE_URL. Each test file then starts from a copy.
 */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = `orebook_template_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop database if exists ${template}`);
    await admin.query(`create database ${template}`);
    const target = new URL(url);
    target.pathname = `/${template}`;
    const handle = await connectDatabase({ kind: 'postgres', url: target.toString(), poolSize: 1 });
    await migrateDatabase(handle);
    await handle.close();
    project.provide('postgresTemplate', template);
    project.provide('pgliteSnapshot', '');
    return async () => {
      await admin.query(`drop database if exists ${template} with (force)`);
      await admin.end();
    };
  }
  const handle = await connectDatabase({ kind: 'memory' });
  await migrateDatabase(handle);
  const snapshot = await handle.pglite!.dumpDataDir('gzip');
  await handle.close();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'orebook-test-')), 'schema.tar.gz');
  fs.writeFileSync(file, Buffer.from(await snapshot.arrayBuffer()));
  project.provide('pgliteSnapshot', file);
  project.provide('postgresTemplate', '');
  return () => fs.rmSync(path.dirname(file), { recursive: true, force: true });
}
