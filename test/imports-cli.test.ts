import path from 'node:path';
import { count } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInstallation } from './cli-installation.ts';
import { createOrganisation } from '../src/accounts/commands.ts';
import { fieldForms } from '../src/imports/forms/registry.ts';
import { importedSubmissions } from '../src/imports/schema.ts';
import { runCommand } from '../src/journal/commands.ts';
import { safetyIncidents } from '../src/safety/schema.ts';
import { createSite } from '../src/sites/commands/sites/create-site.ts';
import { system } from './harness.ts';

/** `orebook forms export` and `orebook import` as an operator runs them: real processes on a fresh data directory. */
const installation = cliInstallation('imports-cli');
const { dataDir, orebook, openDirectly } = installation;
const formsDir = path.join(dataDir, 'forms');
beforeAll(() => installation.setUp());
afterAll(() => installation.tearDown());

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
