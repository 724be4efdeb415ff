import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.ts';
import { createTestContext, type TestContext } from './harness.ts';

let t: TestContext;
let server: ServerType;
let baseUrl: string;
let browser: Browser;
let user: { email: string; password: string };

beforeAll(async () => {
  t = await createTestContext({ demo: true });
  user = await t.buildUser({ role: 'admin' });
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
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
