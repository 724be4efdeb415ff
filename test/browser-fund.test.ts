import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from './factories/registry.ts';
import { insertSite } from './factories/sites.ts';
import { accountBalance } from '../src/fund/ledger.ts';
import { fundWithCommittee, submittedProposal } from '../src/fund/test-support.ts';
import { openBrowserOn, signInOnPage } from './browser.ts';
import { createTestContext, system, type TestContext } from './harness.ts';

let t: TestContext;
let session: Awaited<ReturnType<typeof openBrowserOn>>;
let baseUrl: string;
let browser: Browser;
let committeeUser: { email: string; password: string };
let adminUser: { email: string; password: string };
let proposal: { id: number; fundId: number };

beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'KAM' });
  await fundWithCommittee(t.db, system, 'KAM', 2_000_000);
  proposal = await submittedProposal(t.db, actorOf(cooperative, 'committee'), 'KAM', [300_000, 200_000]);
  committeeUser = await t.buildUser({ role: 'committee', organisationId: cooperative.id });
  adminUser = await t.buildUser({ role: 'admin' });
  session = await openBrowserOn(t.app);
  ({ baseUrl, browser } = session);
}, 120_000);
afterAll(async () => {
  await session?.close();
  await t?.close();
});

async function signIn(user: { email: string; password: string }): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signInOnPage(page, baseUrl, user);
  return page;
}

describe('The fund in a real browser', () => {
  it('a committee meeting approves a project, and the admin pays a tranche against a receipt', async () => {
    const member = await signIn(committeeUser);
    await member.goto(`${baseUrl}/funds/KAM/meetings`);
    await member.getByLabel('Agenda', { exact: true }).fill('Rain covers before the rains');
    await member.getByLabel('Minutes', { exact: true }).fill('Le comité approuve les bâches.');
    for (const name of ['Alice Alliance', 'Bernard Coop', 'Chantal Laveuse']) await member.getByLabel(new RegExp(name)).check();
    await member.getByRole('button', { name: 'Record the meeting' }).click();
    await member.waitForURL(/\/meetings\/\d+\?recorded=1/);
    for (const name of ['Alice Alliance', 'Bernard Coop', 'Chantal Laveuse']) await member.getByLabel(new RegExp(name)).selectOption('yes');
    await member.getByRole('button', { name: `Record the decision on proposal ${proposal.id}` }).click();
    await member.waitForURL(/decided=approved/);
    expect(await member.locator('.panel').innerText()).toContain('Approved');
    expect(await accountBalance(t.db, { fundId: proposal.fundId, currency: 'USD', kind: 'committed', proposalId: proposal.id })).toBe(500_000);

    const admin = await signIn(adminUser);
    await admin.goto(`${baseUrl}/funds/KAM/proposals/${proposal.id}`);
    await admin.getByLabel('Amount (USD)').fill('1250.50');
    await admin.getByLabel('Paid to (supplier or organisation)').fill('Quincaillerie du Lualaba');
    await admin.getByRole('button', { name: 'Continue' }).click();
    // The confirmation page restates the payment before anything is paid.
    await admin.waitForURL(/\/tranches\/check$/);
    expect(await admin.locator('.panel').innerText()).toMatch(/Pay USD\s1,250\.50 to Quincaillerie du Lualaba/);
    expect(await accountBalance(t.db, { fundId: proposal.fundId, currency: 'USD', kind: 'disbursed', proposalId: proposal.id })).toBe(0);
    await admin.getByLabel('Receipt', { exact: true }).setInputFiles({ name: 'receipt.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 receipt') });
    await admin.getByRole('button', { name: 'Pay the tranche' }).click();
    await admin.waitForURL(/done=disbursed/);
    const text = await admin.locator('main').innerText();
    expect(text).toContain('The tranche is paid and booked.');
    expect(text).toContain('Quincaillerie du Lualaba');
    expect(await accountBalance(t.db, { fundId: proposal.fundId, currency: 'USD', kind: 'disbursed', proposalId: proposal.id })).toBe(125_050);

    // A tranche beyond what is left is refused on the page, with nothing paid.
    await admin.getByLabel('Amount (USD)').fill('5000');
    await admin.getByLabel('Paid to (supplier or organisation)').fill('Quincaillerie du Lualaba');
    await admin.getByRole('button', { name: 'Continue' }).click();
    await admin.waitForLoadState('load');
    expect(await admin.locator('.error-summary').innerText()).toContain('more than the');
    expect(await accountBalance(t.db, { fundId: proposal.fundId, currency: 'USD', kind: 'disbursed', proposalId: proposal.id })).toBe(125_050);
  }, 120_000);
});
