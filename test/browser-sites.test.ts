import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../src/journal/commands.ts';
import { declareProduction } from '../src/sites/commands/production/declare-production.ts';
import { createSite } from '../src/sites/commands/sites/create-site.ts';
import { createStandardVersion } from '../src/sites/commands/standard/create-standard-version.ts';
import { publishStandardVersion } from '../src/sites/commands/standard/publish-standard-version.ts';
import { openBrowserOn, signInOnPage } from './browser.ts';
import { createTestContext, system, type TestContext } from './harness.ts';

let t: TestContext;
let session: Awaited<ReturnType<typeof openBrowserOn>>;
let baseUrl: string;
let browser: Browser;
let verifier: { email: string; password: string };

beforeAll(async () => {
  t = await createTestContext();
  await runCommand(t.db, system, (c) => createStandardVersion(c, { version: '1.0', source: { kind: 'default' } }));
  await runCommand(t.db, system, (c) => publishStandardVersion(c, { version: '1.0' }));
  const cooperative = await t.buildOrganisation({ kind: 'cooperative', code: 'coop-browser' });
  const site = await runCommand(t.db, system, (c) =>
    createSite(c, { code: 'KAM', name: 'Kamilombe', province: 'Lualaba', town: 'Kolwezi', latitudeE6: -10_735_400, longitudeE6: 25_440_900, concessionHolder: 'EGC', cooperative: cooperative.code }),
  );
  const coopActor = { kind: 'system', orgId: cooperative.id, orgCode: cooperative.code, role: 'admin' } as const;
  for (let day = 5; day <= 25; day++) {
    await runCommand(t.db, coopActor, (c) =>
      declareProduction(c, { siteId: site.id, mineral: 'cobalt', producedOn: `2026-01-${String(day).padStart(2, '0')}`, wetOreKg: 40_000, dryOreKg: 36_000, gradeBasisPoints: 250, buyer: 'EGC depot' }),
    );
  }
  const verifierOrg = await t.buildOrganisation({ kind: 'verifier', code: 'audit-browser' });
  verifier = await t.buildUser({ role: 'verifier', organisationId: verifierOrg.id });
  session = await openBrowserOn(t.app);
  ({ baseUrl, browser } = session);
});
afterAll(async () => {
  await session?.close();
  await t?.close();
});

describe('A verifier in a real browser', () => {
  it('assesses the site area by area, submits, and signs a verification statement', async () => {
    const page = await browser.newPage();
    await signInOnPage(page, baseUrl, verifier);

    await page.goto(`${baseUrl}/sites/KAM/assessments/new`);
    await page.locator('#periodStart').fill('2026-01-01');
    await page.locator('#periodEnd').fill('2026-01-31');
    await page.getByRole('button', { name: 'Start the assessment' }).click();
    await page.waitForURL(/\/assessments\/\d+/);
    const assessmentUrl = new URL(page.url());
    const assessmentId = /\/assessments\/(\d+)/.exec(assessmentUrl.pathname)![1];

    // One page per area: rate every criterion "Met", save and continue.
    for (const area of ['health_safety', 'child_rights', 'cooperative_governance', 'environment', 'legality_traceability']) {
      await page.goto(`${baseUrl}/assessments/${assessmentId}/areas/${area}`);
      const radios = page.locator('input[type=radio][value=met]');
      const count = await radios.count();
      expect(count).toBeGreaterThan(3);
      for (let i = 0; i < count; i++) await radios.nth(i).check();
      await page.locator('textarea').first().fill(`Checked on site for ${area}.`);
      await page.getByRole('button', { name: 'Save and continue' }).click();
      await page.waitForLoadState('load');
      expect(await page.locator('.error-summary').count()).toBe(0);
    }
    // What was saved is shown when coming back to an area.
    await page.goto(`${baseUrl}/assessments/${assessmentId}/areas/child_rights`);
    expect(await page.locator('input[type=radio][value=met]:checked').count()).toBe(await page.locator('input[type=radio][value=met]').count());

    await page.goto(`${baseUrl}/assessments/${assessmentId}/submit`);
    await page.getByRole('button', { name: 'Submit the assessment' }).click();
    await page.waitForURL(/submitted=1/);
    expect(await page.locator('body').innerText()).toContain('100.0');

    await page.getByRole('link', { name: 'Sign a verification statement from this assessment' }).click();
    await page.getByLabel('Quantity produced responsibly, in tonnes of contained metal').fill('15.000');
    await page.getByRole('button', { name: 'Continue' }).click();
    const confirmation = await page.locator('main').innerText();
    expect(confirmation).toContain('This cannot be undone');
    expect(confirmation).toContain('15.000 t');
    await page.getByRole('button', { name: 'Sign the statement' }).click();
    await page.waitForURL(/\/verifications\/\d+\?signed=1$/);
    const view = await page.locator('main').innerText();
    expect(view).toContain('Signature valid');
    expect(view).toContain('15.000 t');

    // Anyone can check it: the public API answer verifies with the published key.
    const id = /\/verifications\/(\d+)/.exec(page.url())![1];
    const answer = (await (await t.app.request(`/api/v1/verifications/${id}`)).json()) as { signatureValid: boolean; remainingIssuableKg: number };
    expect(answer.signatureValid).toBe(true);
    expect(answer.remainingIssuableKg).toBe(15_000);
    await page.close();
  });
});
