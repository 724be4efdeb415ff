import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserOn } from './browser.ts';
import { createTestContext, type TestContext } from './harness.ts';

let t: TestContext;
let session: Awaited<ReturnType<typeof openBrowserOn>>;
let baseUrl: string;
let browser: Browser;
let user: { email: string; password: string };

beforeAll(async () => {
  t = await createTestContext({ demo: true });
  user = await t.buildUser({ role: 'admin' });
  session = await openBrowserOn(t.app);
  ({ baseUrl, browser } = session);
});
afterAll(async () => {
  await session?.close();
  await t?.close();
});

describe('In a real browser', () => {
  it('signs in, switches to French and keeps it, and signs out', async () => {
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/`);
    expect(await page.locator('.demo-banner').innerText()).toContain('Demonstration data');

    await page.getByRole('link', { name: 'Sign in' }).first().click();
    await page.getByLabel('Email address').fill(user.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.locator('.error-summary').innerText()).toContain('The email address or password is not right.');
    expect(await page.getByLabel('Email address').inputValue()).toBe(user.email);

    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${baseUrl}/`);
    expect(await page.locator('h1').innerText()).toBe('Your work in Orebook');

    await page.getByRole('link', { name: 'Français' }).click();
    expect(await page.locator('h1').innerText()).toBe('Votre travail dans Orebook');
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await page.goto(`${baseUrl}/journal`);
    expect(await page.locator('h1').innerText()).toBe('Journal public');

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL(`${baseUrl}/`);
    expect(await page.getByRole('link', { name: 'Se connecter' }).count()).toBeGreaterThan(0);
    expect(await page.locator('h1').innerText()).toContain('vérifiables par tous');
    await page.close();
  });
});
