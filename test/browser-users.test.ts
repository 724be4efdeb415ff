import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowserOn, signInOnPage } from './browser.ts';
import { createTestContext, type TestContext } from './harness.ts';

let t: TestContext;
let session: Awaited<ReturnType<typeof openBrowserOn>>;
let baseUrl: string;
let browser: Browser;
let admin: { email: string; password: string };

beforeAll(async () => {
  t = await createTestContext();
  const secretariat = await t.buildOrganisation({ kind: 'secretariat', code: 'fca-users' });
  admin = await t.buildUser({ role: 'admin', organisationId: secretariat.id });
  session = await openBrowserOn(t.app);
  ({ baseUrl, browser } = session);
});
afterAll(async () => {
  await session?.close();
  await t?.close();
});

describe('User administration in a real browser', () => {
  it('deactivates a user, whose open session is signed out at once', async () => {
    const buyer = await t.buildUser({ role: 'buyer' });
    const buyerContext = await browser.newContext();
    const buyerPage = await buyerContext.newPage();
    await signInOnPage(buyerPage, baseUrl, buyer);
    await buyerPage.goto(`${baseUrl}/tokens`);
    expect(await buyerPage.locator('h1').innerText()).toBe('API tokens');

    const adminContext = await browser.newContext();
    const page = await adminContext.newPage();
    await signInOnPage(page, baseUrl, admin);
    await page.goto(`${baseUrl}/users`);
    await page.getByRole('link', { name: 'Test buyer' }).click();
    await page.getByRole('link', { name: 'Deactivate this user' }).click();
    const confirmation = await page.locator('main').innerText();
    expect(confirmation).toContain('Deactivate Test buyer?');
    expect(confirmation).toContain('will be signed out at once');
    await page.getByRole('button', { name: 'Deactivate Test buyer' }).click();
    await page.waitForURL(/done=deactivated/);
    expect(await page.locator('[role=status]').innerText()).toContain('Test buyer is deactivated');
    expect(await page.locator('.summary-list').innerText()).toContain('Deactivated');

    // The buyer's open tab: the next page they open asks them to sign in, and their password no longer works.
    await buyerPage.goto(`${baseUrl}/tokens`);
    await buyerPage.waitForURL(/\/login\?next=%2Ftokens/);
    await buyerPage.getByLabel('Email address').fill(buyer.email);
    await buyerPage.getByLabel('Password').fill(buyer.password);
    await buyerPage.getByRole('button', { name: 'Sign in' }).click();
    expect(await buyerPage.locator('.error-summary').innerText()).toContain('This account has been deactivated');
    await adminContext.close();
    await buyerContext.close();
  });

  it('resets a password in French on a phone, and the user signs in with it and must choose a new one', async () => {
    const member = await t.buildUser({ role: 'member' });
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await phone.newPage();
    await signInOnPage(page, baseUrl, admin);
    await page.goto(`${baseUrl}/lang/fr?next=${encodeURIComponent('/users')}`);
    await page.waitForURL(/\/users$/);
    // The form to add a user makes the admin choose a role.
    expect(await page.getByLabel('Rôle').inputValue()).toBe('');
    await page.getByRole('link', { name: 'Test member' }).click();
    await page.getByRole('link', { name: 'Réinitialiser le mot de passe' }).click();
    expect(await page.locator('h1').innerText()).toBe('Réinitialiser le mot de passe de Test member ?');
    await page.getByRole('button', { name: 'Réinitialiser le mot de passe' }).click();
    const temporary = (await page.locator('#temporary-password').innerText()).trim();
    expect(temporary).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(await page.locator('main').innerText()).toContain('Transmettez-le à Test member en privé');
    // Nothing wider than the phone's screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.close();

    const context = await browser.newContext();
    const userPage = await context.newPage();
    await userPage.goto(`${baseUrl}/login`);
    await userPage.getByLabel('Email address').fill(member.email);
    await userPage.getByLabel('Password').fill(temporary);
    await userPage.getByRole('button', { name: 'Sign in' }).click();
    await userPage.waitForURL(/\/account\/password/);
    expect(await userPage.locator('.lead').innerText()).toContain('You signed in with a temporary password');
    // Any other page sends them back here until they have chosen.
    await userPage.goto(`${baseUrl}/registry`);
    await userPage.waitForURL(/\/account\/password$/);

    await userPage.getByLabel('Current password').fill(temporary);
    await userPage.getByLabel('New password', { exact: true }).fill('a password of my own');
    await userPage.getByLabel('New password, again').fill('a password of my own!');
    await userPage.getByRole('button', { name: 'Change the password' }).click();
    expect(await userPage.locator('.error-summary').innerText()).toContain('The two new passwords are not the same');
    await userPage.getByLabel('Current password').fill(temporary);
    await userPage.getByLabel('New password', { exact: true }).fill('a password of my own');
    await userPage.getByLabel('New password, again').fill('a password of my own');
    await userPage.getByRole('button', { name: 'Change the password' }).click();
    await userPage.locator('[role=status]').waitFor();
    expect(await userPage.locator('[role=status]').innerText()).toContain('Your password is changed');
    await userPage.goto(`${baseUrl}/tokens`);
    expect(await userPage.locator('h1').innerText()).toBe('API tokens');
    await context.close();

    const again = await browser.newPage();
    await signInOnPage(again, baseUrl, { email: member.email, password: 'a password of my own' });
    await again.close();
  });
});
