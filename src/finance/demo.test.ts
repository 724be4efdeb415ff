import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { demoPassword, demoUsers } from '../accounts/public.ts';
import { runInvariants } from '../core/invariants.ts';
import { loadDemo } from '../demo.ts';
import { modules } from '../modules.ts';
import { financeInvariants } from './invariants.ts';
import { iatiActivityFileProblems } from './test-support.ts';

/** The finance demo end to end: its IATI activity file, valid and naming no person. */
let t: TestContext;

beforeAll(async () => {
  t = await createTestContext();
  const needed = new Set(['accounts', 'journal', 'files', 'sites', 'finance']);
  await loadDemo(t.handle, t.keyring, modules.filter((m) => needed.has(m.name)), { force: true });
}, 600_000);
afterAll(() => t?.close());

describe('The finance demo', () => {
  it('publishes its six activities in an IATI file valid against the schema and the codelists', async () => {
    const response = await t.app.request('/iati/activities.xml');
    expect(response.status).toBe(200);
    const xml = await response.text();
    expect(await iatiActivityFileProblems(xml)).toEqual([]);
    expect([...xml.matchAll(/<iati-identifier>([^<]+)<\/iati-identifier>/g)].map((m) => m[1])).toEqual(
      ['CHILD-REMEDIATION', 'CREDIT-DIGITAL', 'OHS-KAM', 'SAVINGS-GROUPS', 'SECRETARIAT', 'SITE-QUALIFICATION'].map((code) => `XI-IATI-FCA-${code}`),
    );
    expect(xml).toContain('<narrative>European Partnership for Responsible Minerals</narrative>');
  });

  it('keeps the invariants orebook verify checks', async () => {
    expect((await runInvariants(t.db, financeInvariants)).filter((result) => result.problems.length > 0)).toEqual([]);
  });

  it('names no person', async () => {
    const xml = await (await t.app.request('/iati/activities.xml')).text();
    for (const user of demoUsers) {
      expect(xml).not.toContain(user.displayName);
      expect(xml).not.toContain(user.email);
    }
  });

  it('holds the EPRM grant of EUR 320,000 for 2024–2026 with its budget against actual, and names no individual payee to its donor', async () => {
    const donor = demoUsers.find((user) => user.email === 'donor@orebook.demo')!;
    const session = await t.signIn(donor.email, demoPassword(donor.email));
    const grants = (await (await session.request('/api/v1/finance/grants')).json()) as { id: number; reference: string; totalMinor: number; currency: string; periodStart: string; periodEnd: string; receivedMinor: number }[];
    expect(grants.map(({ reference, totalMinor, currency, periodStart, periodEnd }) => ({ reference, totalMinor, currency, periodStart, periodEnd }))).toEqual([
      { reference: 'EPRM-2024-017', totalMinor: 32_000_000, currency: 'EUR', periodStart: '2024-01-01', periodEnd: '2026-12-31' },
    ]);
    const detail = await (await session.request(`/api/v1/finance/grants/${grants[0]!.id}`)).text();
    const parsed = JSON.parse(detail) as { budgetAgainstActual: { lines: { overspent: boolean }[]; total: { actualMinor: number } }; spending: { payee: string }[] };
    expect(parsed.budgetAgainstActual.total.actualMinor).toBeGreaterThan(0);
    expect(parsed.budgetAgainstActual.lines.some((line) => line.overspent)).toBe(true);
    expect(parsed.spending.map((row) => row.payee)).toContain('individual');
    const page = await (await session.request(`/finance/grants/${grants[0]!.id}`)).text();
    expect(page).toContain('<svg');
    for (const output of [detail, page]) expect(output).not.toContain('Didier Mbuyi');
  });
});

describe('The members demo', () => {
  it('has the demo’s companies and the three members that joined in 2024, with a part-paid call in arrears', async () => {
    const { token } = await t.buildToken({ role: 'admin', organisationId: (await t.buildOrganisation({ kind: 'secretariat' })).id });
    const body = (await (await t.app.request('/api/v1/finance/members', { headers: { authorization: `Bearer ${token}` } })).json()) as {
      members: { organisation: string; name: string; memberSince: string; balances: { calledMinor: number; paidMinor: number; arrearsMinor: number }[] }[];
      totals: { currency: string; arrearsMinor: number }[];
    };
    expect(body.members.map((m) => m.organisation).sort()).toEqual(['arm', 'fairphone', 'nordcell', 'northvolt', 'telf']);
    const joined2024 = body.members.filter((m) => m.memberSince.startsWith('2024-')).map((m) => m.name);
    expect(joined2024.sort()).toEqual(['Alliance for Responsible Mining', 'Northvolt AB', 'Telf AG']);
    const nordcell = body.members.find((m) => m.organisation === 'nordcell')!;
    expect(nordcell.balances[0]!.arrearsMinor).toBeGreaterThan(0);
    expect(nordcell.balances[0]!.paidMinor).toBeGreaterThan(0);
    expect(body.totals).toEqual([expect.objectContaining({ currency: 'USD', arrearsMinor: nordcell.balances[0]!.arrearsMinor })]);
    const calls = (await (await t.app.request('/api/v1/finance/members/nordcell', { headers: { authorization: `Bearer ${token}` } })).json()) as { calls: { year: number; payments: unknown[]; inArrears: boolean }[] };
    expect(calls.calls.map((call) => [call.year, call.payments.length, call.inArrears])).toEqual([
      [2025, 1, true],
      [2024, 2, false],
      [2023, 1, false],
    ]);
  });

  it('shows the member user its own page, naming no other person', async () => {
    const member = demoUsers.find((user) => user.role === 'member' && user.org === 'arm')!;
    const session = await t.signIn(member.email, demoPassword(member.email));
    const page = await (await session.request('/finance/membership')).text();
    expect(page).toContain('Alliance for Responsible Mining');
    expect(page).toContain('MC-2025-');
    expect(page).toContain('Membership contributions are unrestricted');
    for (const user of demoUsers.filter((other) => other.email !== member.email)) expect(page).not.toContain(user.displayName);
  });
});
