import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoDateOf } from '../src/core/calendar.ts';
import { runCommand } from '../src/journal/commands.ts';
import { addPits } from '../src/sites/commands/sites/add-pits.ts';
import { createSite } from '../src/sites/commands/sites/create-site.ts';
import { registerWorker } from '../src/sites/commands/workers/register-worker.ts';
import { openBrowserOn, signInOnPage } from './browser.ts';
import { createTestContext, system, type TestContext } from './harness.ts';

let t: TestContext;
let session: Awaited<ReturnType<typeof openBrowserOn>>;
let baseUrl: string;
let browser: Browser;
let officer: { email: string; password: string };
// The incident is recorded today: a fixed day early in the year would be in the future in early January.
const today = isoDateOf(new Date());
const year = Number(today.slice(0, 4));

beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative', code: 'coop-safety' });
  const site = await runCommand(t.db, system, (c) =>
    createSite(c, { code: 'KAM', name: 'Kamilombe', province: 'Lualaba', town: 'Kolwezi', latitudeE6: -10_735_400, longitudeE6: 25_440_900, concessionHolder: 'EGC', cooperative: cooperative.code }),
  );
  await runCommand(t.db, system, (c) => addPits(c, { siteId: site.id, pits: [{ code: 'P001', covered: false }, { code: 'P002', covered: true }] }));
  for (let i = 0; i < 10; i++) {
    await runCommand(t.db, system, (c) => registerWorker(c, { siteId: site.id, fullName: `Mineur Numéro${i}`, sex: 'M', birthYear: 1990, operatorGroup: 'diggers', registeredOn: `${year - 1}-01-10` }));
  }
  const secretariat = await t.buildOrganisation({ kind: 'secretariat', code: 'fca-safety' });
  officer = await t.buildUser({ role: 'field', organisationId: secretariat.id });
  session = await openBrowserOn(t.app);
  ({ baseUrl, browser } = session);
});
afterAll(async () => {
  await session?.close();
  await t?.close();
});

describe('A field officer in a real browser', () => {
  it('records an incident in French and sees the dashboard change', async () => {
    const page = await browser.newPage();
    await signInOnPage(page, baseUrl, officer);
    await page.goto(`${baseUrl}/lang/fr?next=${encodeURIComponent(`/safety/sites/KAM?year=${year}`)}`);
    await page.waitForURL(/\/safety\/sites\/KAM/);
    const before = await page.locator('main').innerText();
    expect(before).toContain(`Sécurité à Kamilombe, ${year}`);
    expect(before).toContain(`Aucun incident enregistré à Kamilombe en ${year}.`);

    await page.getByRole('link', { name: 'Enregistrer un incident' }).click();
    await page.waitForURL(/\/incidents\/new$/);
    // A future date is refused beside its field, and the form comes back filled in.
    await page.getByLabel('Date de l’incident').fill(`${year + 1}-01-15`);
    await page.getByLabel('Type d’incident').selectOption('flooding');
    await page.getByLabel('Gravité').selectOption('serious_lost_time');
    await page.getByLabel('Puits (facultatif)').selectOption('P001');
    await page.getByLabel('Ce qui s’est passé').fill('L’eau a envahi la galerie après l’orage.');
    // No sex or age is chosen in advance: the field officer says what they know.
    await page.locator('#people0sex').selectOption('male');
    await page.locator('#people0age').selectOption('25_54');
    await page.locator('#people0count').fill('2');
    await page.getByRole('button', { name: 'Enregistrer l’incident' }).click();
    expect(await page.locator('.error-summary').innerText()).toContain('est dans le futur');
    expect(await page.locator('#description').inputValue()).toBe('L’eau a envahi la galerie après l’orage.');

    await page.getByLabel('Date de l’incident').fill(today);
    await page.getByLabel('Heure (facultatif)').fill('14:30');
    await page.getByRole('button', { name: 'Enregistrer l’incident' }).click();
    await page.waitForURL(/recorded=\d+/);
    const list = await page.locator('main').innerText();
    expect(list).toMatch(/Incident \d+ enregistré\./);
    expect(list).toContain('Grave (arrêt de travail)');

    await page.goto(`${baseUrl}/safety/sites/KAM?year=${year}`);
    const after = await page.locator('main').innerText();
    expect(after).not.toContain('Aucun incident enregistré');
    expect(after).toContain(`Grave (arrêt de travail) en ${year}`);
    expect(after).toContain('Incidents par mois et par gravité');
    // Ten diggers, one serious incident: 100 per 1,000 workers; hours are estimated and say so.
    expect(after).toContain('100,00');
    expect(after).toContain('Estimé');
    expect(await page.locator('figure.chart svg').count()).toBeGreaterThan(0);
    await page.close();
  });
});
