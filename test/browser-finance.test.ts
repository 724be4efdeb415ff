import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPassword } from '../src/accounts/public.ts';
import { formatMoney } from '../src/core/i18n/format.ts';
import { rowsOf } from '../src/db/connect.ts';
import { loadDemo } from '../src/demo.ts';
import { budgetAgainstActual } from '../src/finance/queries/budget-vs-actual.ts';
import { modules } from '../src/modules.ts';
import { convert } from '../src/rates/public.ts';
import { openBrowserOn, signInOnPage } from './browser.ts';
import { createTestContext, type TestContext } from './harness.ts';

let t: TestContext;
let session: Awaited<ReturnType<typeof openBrowserOn>>;
let baseUrl: string;
let browser: Browser;
const grants: Record<string, { id: number; periodStart: string; periodEnd: string }> = {};

const demoUser = (email: string) => ({ email, password: demoPassword(email) });
const admin = demoUser('admin@orebook.demo');
const donor = demoUser('donor@orebook.demo');

/**
 * The Kolwezi field office's general ledger for October 2025 as QuickBooks writes it (grouped by
 * account, US dollars, month first), with an account the secretariat has not mapped yet: the
 * registry's cloud hosting, which the EPRM grant pays in euros.
 */
const hostingPostings = [
  { date: '10/05/2025', on: '2025-10-05', num: 'QB-2025-311', memo: 'Registry servers, October 2025', amountMinor: 148_000 },
  { date: '10/25/2025', on: '2025-10-25', num: 'QB-2025-318', memo: 'Map tiles and geocoding, October 2025', amountMinor: 32_050 },
];
const dollars = (minor: number) => `"${(minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}"`;
const quickbooksExport = Buffer.from(
  [
    'General Ledger',
    'Fair Cobalt Alliance - Kolwezi field office',
    'October 2025',
    '',
    ',Date,Transaction Type,Num,Name,Memo/Description,Split,Amount,Balance',
    '6420 Cloud hosting and software,,,,,,,,',
    ...hostingPostings.map((p) => `,${p.date},Expense,${p.num},,"${p.memo}",090 Equity BCDC USD current account,${dollars(p.amountMinor)},`),
    'Total for 6420 Cloud hosting and software,,,,,,,"1,800.50",',
    '090 Equity BCDC USD current account,,,,,,,,',
    ...hostingPostings.map((p) => `,${p.date},Expense,${p.num},,"${p.memo}",6420 Cloud hosting and software,${dollars(-p.amountMinor)},`),
  ].join('\n'),
);

beforeAll(async () => {
  t = await createTestContext({ demo: true });
  const needed = new Set(['accounts', 'journal', 'files', 'rates', 'sites', 'finance']);
  await loadDemo(t.handle, t.keyring, modules.filter((m) => needed.has(m.name)), { force: true });
  for (const row of rowsOf<{ id: number; reference: string; periodStart: string; periodEnd: string }>(
    await t.db.execute(sql`select id, reference, period_start::text as "periodStart", period_end::text as "periodEnd" from finance_grants`),
  )) {
    grants[row.reference] = row;
  }
  session = await openBrowserOn(t.app);
  ({ baseUrl, browser } = session);
}, 600_000);
afterAll(async () => {
  await session?.close();
  await t?.close();
});

async function signIn(user: { email: string; password: string }, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await (await browser.newContext(viewport ? { viewport } : {})).newPage();
  await signInOnPage(page, baseUrl, user);
  return page;
}

async function hostingLine() {
  const comparison = await budgetAgainstActual(t.db, grants['EPRM-2024-017']!, '2026-12-31');
  return comparison.lines.find((line) => line.activity === 'CREDIT-DIGITAL' && line.category === 'services_consultants' && line.year === 2025)!;
}

async function uploadLedger(page: Page, button: 'Check (dry run)' | 'Import') {
  await page.getByLabel('Ledger export (CSV or XLSX)').setInputFiles({ name: 'general-ledger-2025-10.csv', mimeType: 'text/csv', buffer: quickbooksExport });
  await page.getByLabel('Currency of the books').fill('USD');
  await page.getByLabel('How the file writes dates').selectOption('mdy');
  await page.getByRole('button', { name: button }).click();
  await page.waitForLoadState('load');
}

describe('Finance in a real browser', () => {
  it('the admin checks a ledger export, maps the account it does not know, imports it, and sees the spending in the grant’s budget against actual', async () => {
    const before = await hostingLine();
    const page = await signIn(admin);
    await page.goto(`${baseUrl}/finance/ledger`);
    expect(await page.locator('h1').innerText()).toBe('Ledger imports');

    await uploadLedger(page, 'Check (dry run)');
    const plan = await page.locator('section[aria-labelledby="plan-title"]').innerText();
    expect(plan).toContain('4 postings read (CSV, grouped by account): 0 to record as spending, 2 on accounts that are not spending, 0 imported before, 2 that cannot be taken.');
    const unmapped = page.getByRole('table', { name: /^Accounts of the file that no mapping covers/ });
    expect(await unmapped.innerText()).toContain('6420');
    expect(await unmapped.innerText()).toContain('Cloud hosting and software');
    // Importing before mapping is refused whole, with the same list.
    await uploadLedger(page, 'Import');
    expect(await page.locator('main').innerText()).toContain('Accounts not mapped yet');
    expect((await hostingLine()).actualMinor).toBe(before.actualMinor);

    // The mapping form offers the account the check found.
    expect(await page.getByLabel('Account code').inputValue()).toBe('6420');
    await page.getByLabel('What the account is').selectOption('spending');
    await page.getByLabel('Activity code (for spending)').fill('CREDIT-DIGITAL');
    await page.getByLabel('Cost category (for spending)').selectOption('services_consultants');
    await page.getByLabel('Grant reference (leave empty for unrestricted funds)').fill('EPRM-2024-017');
    await page.getByRole('button', { name: 'Save the mapping' }).click();
    await page.waitForURL(/\/finance\/ledger\?mapped=6420$/);
    expect(await page.getByRole('status').innerText()).toContain('Account 6420 is mapped.');
    expect(await page.getByRole('table', { name: 'Each account of the books, and what it is to Orebook' }).getByRole('row', { name: /6420/ }).innerText()).toContain('EPRM-2024-017');

    await uploadLedger(page, 'Check (dry run)');
    expect(await page.locator('section[aria-labelledby="plan-title"]').innerText()).toContain('2 to record as spending, 2 on accounts that are not spending, 0 imported before, 0 that cannot be taken.');
    await uploadLedger(page, 'Import');
    await page.waitForURL(/\/finance\/ledger\?imported=2$/);
    expect(await page.getByRole('status').innerText()).toBe('Imported: 2 postings recorded as spending.');

    // The grant pays in euros what the books paid in dollars, at each day's rate.
    let charged = 0;
    for (const posting of hostingPostings) charged += (await convert(t.db, { amountMinor: posting.amountMinor, from: 'USD', to: 'EUR', on: posting.on })).amountMinor;
    const after = await hostingLine();
    expect(after.actualMinor).toBe(before.actualMinor + charged);
    await page.goto(`${baseUrl}/finance/grants/${grants['EPRM-2024-017']!.id}`);
    const line = page
      .getByRole('table', { name: /Budget version 1 against what is charged/ })
      .getByRole('row')
      .filter({ hasText: 'CREDIT-DIGITAL' })
      .filter({ hasText: 'Services and consultants' })
      .filter({ hasText: '2025' });
    expect(await line.count()).toBe(1);
    expect(await line.innerText()).toContain(formatMoney('en', after.actualMinor, 'EUR'));
    // Paid in dollars, charged to the grant in euros.
    const hosting = page.getByRole('table', { name: 'Spending charged to the grant, latest first' }).getByRole('row').filter({ hasText: 'Registry servers, October 2025' });
    const servers = await convert(t.db, { amountMinor: hostingPostings[0]!.amountMinor, from: 'USD', to: 'EUR', on: hostingPostings[0]!.on });
    expect(await hosting.innerText()).toContain(formatMoney('en', hostingPostings[0]!.amountMinor, 'USD'));
    expect(await hosting.innerText()).toContain(formatMoney('en', servers.amountMinor, 'EUR'));

    // The same export again imports nothing.
    await page.goto(`${baseUrl}/finance/ledger`);
    await uploadLedger(page, 'Check (dry run)');
    expect(await page.locator('section[aria-labelledby="plan-title"]').innerText()).toContain('0 to record as spending, 0 on accounts that are not spending, 4 imported before, 0 that cannot be taken.');

    // The spending page shows a year at a time, the latest first, each year a link away.
    await page.goto(`${baseUrl}/finance/spending`);
    expect(await page.getByRole('table', { name: 'Spending and disbursements of 2025, latest first' }).innerText()).toContain('Registry servers, October 2025');
    await page.getByRole('navigation', { name: 'Spending of the year' }).getByRole('link', { name: '2023' }).click();
    await page.waitForURL(/year=2023/);
    const spent2023 = await page.getByRole('table', { name: 'Spending and disbursements of 2023, latest first' }).innerText();
    expect(spent2023).toContain('Office rent Kolwezi, January 2023');
    expect(spent2023).not.toContain('2024');
    await page.context().close();
  }, 180_000);

  it('a donor sees its grant with budget against actual, in English and in French, and cannot open another donor’s grant', async () => {
    const page = await signIn(donor);
    await page.goto(`${baseUrl}/finance/grants`);
    const list = await page.locator('main').innerText();
    expect(list).toContain('EPRM-2024-017');
    expect(list).not.toContain('LFMR-23-04');
    expect(list).not.toContain('NFFSC-2025-2');
    await page.getByRole('link', { name: 'EPRM-2024-017' }).click();
    await page.waitForURL(/\/finance\/grants\/\d+$/);
    expect(await page.locator('main').innerText()).toMatch(/European Partnership for Responsible Minerals · EUR\s320,000\.00 · 1 Jan 2024 to 31 Dec 2026/);
    expect(await page.locator('h2').allInnerTexts()).toContain('Budget against actual');
    expect(await page.locator('figure.chart svg').count()).toBeGreaterThan(0);
    expect(await page.getByRole('table', { name: /Budget version 1 against what is charged/ }).getByRole('row').count()).toBeGreaterThan(10);

    for (const other of ['LFMR-23-04', 'NFFSC-2025-2']) {
      const response = await page.goto(`${baseUrl}/finance/grants/${grants[other]!.id}`);
      expect([403, 404], other).toContain(response!.status());
      expect(await page.locator('main').innerText()).not.toContain(other);
    }

    await page.goto(`${baseUrl}/lang/fr?next=${encodeURIComponent(`/finance/grants/${grants['EPRM-2024-017']!.id}`)}`);
    await page.waitForURL(/\/finance\/grants\/\d+$/);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.locator('h2').allInnerTexts()).toContain('Budget et réalisé');
    const total = await page.getByRole('table', { name: /Version 1 du budget face à ce qui est imputé/ }).innerText();
    expect(total).toContain('Services et consultants');
    expect(total).toMatch(/\d{1,3}[\u202f\u00a0 ]\d{3},\d{2}\s?EUR/);
    await page.context().close();
  }, 120_000);

  it('fits a 390 px wide phone: no finance page scrolls sideways', async () => {
    const page = await signIn(admin, { width: 390, height: 844 });
    await page.goto(`${baseUrl}/finance/ledger`);
    await uploadLedger(page, 'Check (dry run)');
    const paths = ['/finance/grants', `/finance/grants/${grants['EPRM-2024-017']!.id}`, '/finance/spending', '/finance/spending?year=2023', '/finance/ledger'];
    const overflowing: string[] = [];
    const check = async (label: string) => {
      const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
      if (scroll > width) overflowing.push(`${label}: ${scroll} px wide`);
    };
    await check('/finance/ledger after a dry run');
    for (const path of paths) {
      await page.goto(`${baseUrl}${path}`);
      await check(path);
    }
    expect(overflowing).toEqual([]);
    await page.context().close();
  }, 120_000);
});
