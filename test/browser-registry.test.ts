import { execFileSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../src/journal/commands.ts';
import { issueBatch } from '../src/registry/commands/issue-batch.ts';
import { recordReferencePrice } from '../src/registry/commands/sales/record-reference-price.ts';
import { setCreditPrice } from '../src/registry/commands/sales/set-credit-price.ts';
import { openBrowserOn, signInOnPage } from './browser.ts';
import { insertSignedStatement, openApprovedAccount } from './factories/registry.ts';
import { createTestContext, system, type TestContext } from './harness.ts';

let t: TestContext;
let session: Awaited<ReturnType<typeof openBrowserOn>>;
let baseUrl: string;
let browser: Browser;
let admin: { email: string; password: string };
let buyer: { email: string; password: string };
let siteCode: string;

/** A secretariat, a signed statement of 50 t issued as one 2024 batch, its price, and a buyer with an approved account. */
beforeAll(async () => {
  t = await createTestContext();
  const secretariat = await t.buildOrganisation({ kind: 'secretariat', name: 'Fair Cobalt Alliance' });
  admin = await t.buildUser({ role: 'admin', organisationId: secretariat.id });
  const { statement, site } = await insertSignedStatement(t, { responsibleKg: 50_000, periodStart: '2024-01-01', periodEnd: '2024-12-31' });
  siteCode = site.code;
  await runCommand(t.db, system, (c) => issueBatch(c, { statementId: statement.id, quantityKg: 50_000 }));
  for (const [year, dollars] of [
    [2021, 51_000],
    [2022, 63_500],
    [2023, 33_500],
  ] as const) {
    await runCommand(t.db, system, (c) => recordReferencePrice(c, { mineral: 'cobalt', year, currency: 'USD', pricePerTonneMinor: dollars * 100, source: 'Yearly averages' }));
  }
  await runCommand(t.db, system, (c) => setCreditPrice(c, { mineral: 'cobalt', vintage: 2024, currency: 'USD', rule: 'ten_percent_of_three_year_average', registryFeeBasisPoints: 500 }));
  const company = await t.buildOrganisation({ kind: 'buyer', code: 'cellco', name: 'Cellco Batteries GmbH' });
  await openApprovedAccount(t.db, company, 'Claims');
  buyer = await t.buildUser({ role: 'buyer', organisationId: company.id });
  session = await openBrowserOn(t.app);
  ({ baseUrl, browser } = session);
});
afterAll(async () => {
  await session?.close();
  await t?.close();
});

const signIn = (page: Page, user: { email: string; password: string }) => signInOnPage(page, baseUrl, user);

describe('A buyer in a real browser', () => {
  it('computes its footprint, orders, is delivered after the admin records payment, retires, and checks its certificate publicly', async () => {
    const buyerPage = await (await browser.newContext()).newPage();
    await signIn(buyerPage, buyer);

    // Footprint: one product line, 1,200 packs of 1.25 kg of cobalt sold in 2024 = 1.5 t to cover.
    await buyerPage.goto(`${baseUrl}/registry/footprints`);
    await buyerPage.locator('#lineName').fill('Storage pack S4');
    await buyerPage.locator('#gramsPerUnit').fill('1250');
    await buyerPage.getByRole('button', { name: 'Add the product line' }).click();
    await buyerPage.waitForURL(/\/registry\/footprints\?recorded=\d+/);
    await buyerPage.getByLabel('Units of Storage pack S4 sold').fill('1 200');
    await buyerPage.locator('#periodStart').fill('2024-01-01');
    await buyerPage.locator('#periodEnd').fill('2024-12-31');
    await buyerPage.getByRole('button', { name: 'Calculate' }).click();
    await buyerPage.waitForURL(/\/registry\/footprints\/FP-CELLCO-1\?calculated=1/);
    await expect.poll(() => buyerPage.locator('main').innerText()).toContain('1.500 t');

    // Order what the footprint needs, and download the invoice.
    await buyerPage.goto(`${baseUrl}/registry/orders/new`);
    await buyerPage.locator('#offer').selectOption(`cobalt:2024:${siteCode}`);
    await buyerPage.locator('#quantity').fill('1.5');
    await buyerPage.locator('#buyerReference').fill('PO-77');
    await buyerPage.getByRole('button', { name: 'Place the order' }).click();
    await buyerPage.waitForURL(/\/registry\/orders\/\d+\?placed=1/);
    const orderUrl = buyerPage.url().replace(/\?.*$/, '');
    const invoice = await buyerPage.request.get(`${orderUrl}/invoice.pdf`);
    expect(invoice.status()).toBe(200);
    const invoiceText = execFileSync('pdftotext', ['-', '-'], { input: await invoice.body() }).toString();
    expect(invoiceText).toContain('PO-77');
    expect(invoiceText).toContain('USD 7,400.00'); // 1.5 t at USD 4,933.33 per tonne (10 % of the 2021–2023 average)

    // The secretariat records the payment: the credits are delivered.
    const adminPage = await (await browser.newContext()).newPage();
    await signIn(adminPage, admin);
    await adminPage.goto(orderUrl);
    await adminPage.locator('#reference').fill('SEPA 2026-11-26 CELLCO');
    await adminPage.getByRole('button', { name: 'Record the payment and deliver the credits' }).click();
    await adminPage.waitForURL(/\?paid=1/);

    // Back to the footprint: retire the rest, confirm the serials, get the certificate.
    await buyerPage.goto(`${baseUrl}/registry/footprints/FP-CELLCO-1`);
    await buyerPage.locator('#retire-rest').click();
    await buyerPage.waitForURL(/\/registry\/retire\?/);
    expect(await buyerPage.locator('#quantity').inputValue()).toBe('1.500');
    expect(await buyerPage.locator('#footprintReference').inputValue()).toBe('FP-CELLCO-1');
    await buyerPage.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => buyerPage.locator('main').innerText()).toMatch(/irreversible/i);
    await buyerPage.getByRole('button', { name: 'Confirm the retirement' }).click();
    await buyerPage.waitForURL(/\/registry\/retirements\/\d+\/done/);
    const retirementId = /\/registry\/retirements\/(\d+)\/done/.exec(buyerPage.url())![1];

    await buyerPage.locator(`a[href="/certificates/${retirementId}"]`).first().click();
    await buyerPage.waitForURL(new RegExp(`/certificates/${retirementId}$`));
    await expect.poll(() => buyerPage.locator('main').innerText()).toContain('Signature valid');
    const pdf = await buyerPage.request.get(`${baseUrl}/certificates/${retirementId}.pdf`);
    expect(pdf.status()).toBe(200);
    const certificateText = execFileSync('pdftotext', ['-', '-'], { input: await pdf.body() }).toString();
    expect(certificateText).toContain('Cellco Batteries GmbH');
    expect(certificateText).toContain(`RMC-CO-`);

    // Anyone, signed in or not, finds the retirement and its footprint coverage.
    const publicPage = await (await browser.newContext()).newPage();
    await publicPage.goto(`${baseUrl}/certificates/${retirementId}`);
    await expect.poll(() => publicPage.locator('main').innerText()).toContain('Signature valid');
    await publicPage.goto(`${baseUrl}/registry/retirements`);
    const publicList = await publicPage.locator('main').innerText();
    expect(publicList).toContain('Cellco Batteries GmbH');
    expect(publicList).toContain('1.500 t');
    await buyerPage.goto(`${baseUrl}/registry/footprints/FP-CELLCO-1`);
    await expect.poll(() => buyerPage.locator('main').innerText()).toContain('100');
    expect(await buyerPage.locator('#retire-rest').count()).toBe(0);
  });
});
