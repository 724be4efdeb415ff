import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { count } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation } from '../src/accounts/commands.ts';
import { connectDatabase, type DatabaseHandle } from '../src/db/connect.ts';
import { fieldForms } from '../src/imports/forms/registry.ts';
import { importedSubmissions } from '../src/imports/schema.ts';
import { runCommand } from '../src/journal/commands.ts';
import { safetyIncidents } from '../src/safety/schema.ts';
import { createSite } from '../src/sites/commands/sites.ts';
import { system } from './harness.ts';

/** `orebook forms export` and `orebook import` as an operator runs them: real processes on a fresh data directory. */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orebook-imports-cli-'));
const formsDir = path.join(dataDir, 'forms');
let databaseUrl: string | undefined;
let admin: pg.Client | undefined;
let databaseName = '';

beforeAll(async () => {
  if (process.env.DATABASE_URL) {
    admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    databaseName = `orebook_imports_cli_${randomBytes(5).toString('hex')}`;
    await admin.query(`create database ${databaseName}`);
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${databaseName}`;
    databaseUrl = url.toString();
  }
});
afterAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (admin) {
    await admin.query(`drop database if exists ${databaseName} with (force)`);
    await admin.end();
  }
});

function orebook(...args: string[]) {
  const { DATABASE_URL: _inherited, ...env } = process.env;
  const result = spawnSync(process.execPath, ['bin/orebook.js', ...args], {
    env: { ...env, OREBOOK_DATA_DIR: dataDir, OREBOOK_ORIGIN: 'imports-cli.orebook.test/journal', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, out: result.stdout + result.stderr };
}

async function openDirectly(): Promise<DatabaseHandle> {
  return databaseUrl ? connectDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 1 }) : connectDatabase({ kind: 'pglite', dataDir });
}

describe('orebook forms export and orebook import', { timeout: 300_000 }, () => {
  it('writes every form as an XLSForm, then imports a Kobo export of incidents', async () => {
    const exported = orebook('forms', 'export', formsDir);
    expect(exported.status, exported.out).toBe(0);
    for (const form of fieldForms) {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(path.join(formsDir, `${form.id}.xlsx`));
      expect(workbook.worksheets.map((ws) => ws.name)).toEqual(['survey', 'choices', 'settings']);
    }

    // The database now exists (the export migrated it): give it the site the export names.
    const handle = await openDirectly();
    try {
      const cooperative = await runCommand(handle.db, system, (ctx) => createOrganisation(ctx, { code: 'coop-kam', name: 'Coopérative KAM', kind: 'cooperative', country: 'CD' }));
      await runCommand(handle.db, system, (ctx) =>
        createSite(ctx, { code: 'KAM', name: 'Kamilombe', province: 'Lualaba', town: 'Kolwezi', latitudeE6: -10_735_400, longitudeE6: 25_440_900, concessionHolder: 'EGC', cooperative: cooperative.code }),
      );
    } finally {
      await handle.close();
    }

    const imported = orebook('import', 'safety_incident', 'test/fixtures/kobo-safety_incident.csv');
    expect(imported.status, imported.out).toBe(0);
    expect(imported.out).toContain('safety_incident 2025.1 (csv): 3 submissions, 3 imported, 0 already imported, 0 with a problem: imported');

    const after = await openDirectly();
    try {
      expect((await after.db.select({ n: count() }).from(safetyIncidents))[0]!.n).toBe(3);
      expect((await after.db.select({ n: count() }).from(importedSubmissions))[0]!.n).toBe(3);
    } finally {
      await after.close();
    }
  });
});
