import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../src/journal/commands.ts';
import { createSite } from '../src/sites/commands/sites/create-site.ts';
import { openBrowserOn, signInOnPage } from './browser.ts';
import { createTestContext, system, type TestContext } from './harness.ts';

let t: TestContext;
let session: Awaited<ReturnType<typeof openBrowserOn>>;
let baseUrl: string;
let browser: Browser;
let officer: { email: string; password: string };
const exportFile = path.resolve('test/fixtures/kobo-safety_incident.csv');

beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative', code: 'coop-imports' });
  await runCommand(t.db, system, (c) =>
    createSite(c, { code: 'KAM', name: 'Kamilombe', province: 'Lualaba', town: 'Kolwezi', latitudeE6: -10_735_400, longitudeE6: 25_440_900, concessionHolder: 'EGC', cooperative: cooperative.code }),
  );
  const secretariat = await t.buildOrganisation({ kind: 'secretariat', code: 'fca-imports' });
  officer = await t.buildUser({ role: 'field', organisationId: secretariat.id });
  session = await openBrowserOn(t.app);
  ({ baseUrl, browser } = session);
});
afterAll(async () => {
  await session?.close();
  await t?.close();
});

describe('A field officer in a real browser', () => {
  it('imports a KoboToolbox export of incidents in French and sees the safety figures change', async () => {
    const page = await browser.newPage();
    await signInOnPage(page, baseUrl, officer);
    await page.goto(`${baseUrl}/lang/fr?next=${encodeURIComponent('/safety/sites/KAM?year=2025')}`);
    await page.waitForURL(/\/safety\/sites\/KAM/);
    expect(await page.locator('main').innerText()).toContain('Aucun incident enregistré à Kamilombe en 2025.');

    await page.goto(`${baseUrl}/imports`);
    expect(await page.locator('h1').innerText()).toBe('Importer des données de terrain');
    expect(await page.getByRole('link', { name: 'Télécharger safety_incident.xlsx' }).count()).toBe(1);
    // Checking without a file says what is missing.
    await page.getByRole('button', { name: 'Vérifier le fichier' }).click();
    expect(await page.locator('.error-summary').innerText()).toContain('Choisissez le fichier d’export à importer.');

    await page.getByLabel('Formulaire', { exact: true }).selectOption('safety_incident');
    await page.getByLabel('Export des soumissions').setInputFiles(exportFile);
    await page.getByRole('button', { name: 'Vérifier le fichier' }).click();
    expect(await page.locator('main').innerText()).toContain('3 soumissions : 3 prêtes, 0 déjà importées, 0 avec un problème.');
    await page.getByRole('button', { name: 'Importer 3 soumissions' }).click();
    expect(await page.locator('main').innerText()).toContain('3 soumissions importées, 0 déjà importées auparavant, 0 laissées de côté.');

    await page.goto(`${baseUrl}/safety/sites/KAM?year=2025`);
    const after = await page.locator('main').innerText();
    expect(after).not.toContain('Aucun incident enregistré');
    expect(after).toContain('Grave (arrêt de travail) en 2025');

    // The same export again adds nothing.
    await page.goto(`${baseUrl}/imports`);
    await page.getByLabel('Formulaire', { exact: true }).selectOption('safety_incident');
    await page.getByLabel('Export des soumissions').setInputFiles(exportFile);
    await page.getByRole('button', { name: 'Vérifier le fichier' }).click();
    const again = await page.locator('main').innerText();
    expect(again).toContain('3 soumissions : 0 prêtes, 3 déjà importées, 0 avec un problème.');
    expect(again).toContain('Il n’y a rien de nouveau à importer.');
    await page.close();
  });
});
