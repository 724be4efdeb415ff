import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { runInvariants } from '../core/invariants.ts';
import { loadDemo } from '../demo.ts';
import { modules } from '../modules.ts';
import { savingsInvariants } from './invariants.ts';
import { savingsFigures } from './queries/figures.ts';
import { listEnterprises, listGroups } from './queries/groups.ts';
import { savingsMembers } from './schema.ts';

/** The demo: twenty groups at Kamilombe, fourteen shared out after a year of weekly meetings, six mid-cycle; forty enterprises. */
let t: TestContext;

beforeAll(async () => {
  t = await createTestContext();
  // The accounts demo makes the people the savings demo needs. (How long the demo takes is a
  // measurement, not a test: machines here are shared.)
  const accounts = modules.find((m) => m.name === 'accounts')!;
  const savings = modules.find((m) => m.name === 'savings')!;
  await loadDemo(t.handle, t.keyring, [accounts, savings], { force: true });
}, 600_000);
afterAll(() => t?.close());

describe('Savings demo at KAM', () => {
  it('has twenty groups, each with a year of weekly meetings or a cycle under way', async () => {
    const groups = await listGroups(t.db);
    expect(groups).toHaveLength(20);
    expect(groups.filter((g) => g.cycleStatus === 'shared_out')).toHaveLength(14);
    for (const group of groups.filter((g) => g.cycleStatus === 'shared_out')) expect(group.meetings).toBe(52);
    expect(await listEnterprises(t.db)).toHaveLength(40);
  });

  it('holds every invariant', async () => {
    const results = await runInvariants(t.db, savingsInvariants);
    expect(results.flatMap((r) => r.problems)).toEqual([]);
  });

  it('gives 2026 figures in the expected ranges', async () => {
    const figures = await savingsFigures(t.db, { from: '2026-01-01', to: '2026-11-26' });
    // KAM-VSLA-01's cycle ended on 30 December 2025: it did not meet in 2026.
    expect(figures.groups).toBe(19);
    expect(figures.shareOfWomen).toBeGreaterThan(0.6);
    expect(figures.attendanceRate).toBeGreaterThan(0.85);
    expect(figures.attendanceRate).toBeLessThan(0.95);
    expect(figures.loansOutstandingMinor).toBeGreaterThan(0);
    expect(figures.portfolioAtRisk30).toBeGreaterThan(0);
    expect(figures.annualisedReturnOnSavings).toBeGreaterThan(0);
    expect(figures.shareOuts.count).toBeGreaterThan(0);
    expect(figures.enterprisesActive).toBe(40);
    expect(figures.months.length).toBeGreaterThanOrEqual(10);
  });

  it('shows no member on the public route, for any year of the demo', async () => {
    const members = await t.db.select({ name: savingsMembers.name, code: savingsMembers.code }).from(savingsMembers);
    for (const year of [2025, 2026]) {
      const response = await t.app.request(`/api/v1/savings/summary?year=${year}`);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ year, groups: expect.any(Number) });
      expect(text).not.toMatch(/VSLA-\d+-M\d+/);
      for (const member of members) expect(text).not.toContain(member.name);
    }
  });
});
