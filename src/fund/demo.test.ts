import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, journalEventTexts, type TestContext } from '../../test/harness.ts';
import { demoPassword } from '../accounts/public.ts';
import { runInvariants } from '../core/invariants.ts';
import { loadDemo } from '../demo.ts';
import { modules } from '../modules.ts';
import { fundIndicators } from './indicators.ts';
import { fundInvariants } from './invariants.ts';
import { unbookedPremiums } from './queries/ledger.ts';
import type { PublicFundReport } from './queries/public-report.ts';

/** The demo fund end to end, and its public side: what it shows, and that it names no committee member. */
let t: TestContext;
const memberNames = ['Patrick Mbuyi', 'Odette Kasongo', 'Mamie Tshibangu', 'Rachel Mujinga', 'Serge Ngoy', 'Aimé Kalala', 'Nathalie Mwanza'];

beforeAll(async () => {
  t = await createTestContext();
  const needed = new Set(['accounts', 'journal', 'files', 'rates', 'sites', 'registry', 'fund']);
  await loadDemo(t.handle, t.keyring, modules.filter((m) => needed.has(m.name)), { force: true });
}, 600_000);
afterAll(() => t?.close());

describe('The KAM fund demo', () => {
  it('books every premium of the registry demo’s paid sales, and the ledger holds', async () => {
    expect(await unbookedPremiums(t.db, 'KAM')).toEqual([]);
    const results = await runInvariants(t.db, fundInvariants);
    expect(results.filter((r) => r.problems.length > 0)).toEqual([]);
  });

  it('shows money in and out, the projects with their evidence, and the CDF rate used, in English and French', async () => {
    const response = await t.app.request('/api/v1/funds/KAM');
    expect(response.status).toBe(200);
    const report = (await response.json()) as PublicFundReport;
    expect(report.moneyIn.find((m) => m.source === 'premium')!.amountMinor).toBeGreaterThan(0);
    const cdf = report.moneyIn.find((m) => m.currency === 'CDF')!;
    expect(cdf.usdMinor).toBe(200_000);
    expect(report.ratesUsed.map((r) => `${r.currency} ${r.rateOn}`)).toEqual(['CDF 2026-03-02', 'CDF 2026-03-05', 'CDF 2026-03-20']);
    const statuses = report.projects.map((p) => p.status).sort();
    expect(statuses).toEqual(['cancelled', 'completed', 'completed', 'in_progress', 'in_progress', 'rejected']);
    expect(report.projects.find((p) => p.title.startsWith('Tarpaulin'))!.completion!.photos).toHaveLength(2);
    expect(report.spendTiming.find((s) => s.currency === 'USD')!.premiumSpentWithin12MonthsMinor).toBeGreaterThan(0);
    expect(report.committee).toMatchObject({ membersInOffice: 7, members: null });
    const french = await (await t.app.request('/funds/KAM?lang=fr')).text();
    expect(french).toContain('Droits de l’enfant');
    expect(french).toContain('2850.5'.slice(0, 4));
  });

  it('names no committee member, and links only public files, on the public page, its API or the journal', async () => {
    const page = await (await t.app.request('/funds/KAM')).text();
    const api = await (await t.app.request('/api/v1/funds/KAM')).text();
    const events = (await journalEventTexts(t.app)).join('\n');
    expect(events).toContain('fund.proposal_decided');
    for (const [label, text] of [['page', page], ['api', api], ['journal', events]] as const) {
      for (const name of memberNames) expect(text.includes(name), `${label} shows ${name}`).toBe(false);
    }
    expect(page).not.toContain('receipt-');
    expect(api).not.toContain('receipt-');
    // Every file the public side links to is a public file (anonymous download succeeds); receipts are restricted.
    for (const photo of [...api.matchAll(/\/api\/v1\/files\/(\d+)/g)]) expect((await t.app.request(`/api/v1/files/${photo[1]}`)).status).toBe(200);
  });

  it('computes the fund’s indicators', async () => {
    const period = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2027-01-01T00:00:00Z') };
    const values = Object.fromEntries(await Promise.all(fundIndicators.map(async (i) => [i.id, await i.compute(t.db, { period, filters: { site: 'KAM' } })] as const)));
    expect(values['fund.premium_received']!.find((v) => v.dimensions.currency === 'USD')!.value).toBeGreaterThan(0);
    expect(values['fund.projects_completed']!.reduce((s, v) => s + v.value, 0)).toBe(2);
    expect(values['fund.disbursed_by_area']!.map((v) => v.dimensions.area)).toContain('child_rights');
    expect(values['fund.days_receipt_to_disbursement']!.find((v) => v.dimensions.currency === 'USD')!.value).toBeGreaterThan(0);
  });

  it('lists every site fund at /funds, and tells the secretariat on its home page what waits in the funds', async () => {
    const list = await (await t.app.request('/funds?lang=fr')).text();
    expect(list).toContain('href="/funds/KAM"');
    expect(list).not.toContain('/funds/KAM/manage');
    const admin = await t.signIn('admin@orebook.demo', demoPassword('admin@orebook.demo'));
    expect(await (await admin.request('/funds')).text()).toContain('href="/funds/KAM/manage"');
    const home = await (await admin.request('/')).text();
    expect(home).toContain('<h2>Site funds</h2>');
    expect(home).toContain('No proposal waits for a decision and no premium is left to book.');
  });
});
