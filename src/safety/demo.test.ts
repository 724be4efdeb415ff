import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { loadDemo } from '../demo.ts';
import { modules } from '../modules.ts';
import { safetyInvariants } from './invariants.ts';
import { listIncidents } from './queries/incidents.ts';
import { yearFigures } from './queries/figures.ts';
import { siteByCode } from '../sites/public.ts';

/** The demo tells the pilot site's story: floods in the rains, fewer serious ones after the covers, an electrocution and its briefings. */
let t: TestContext;
let siteId: number;
const today = '2026-11-26';

beforeAll(async () => {
  t = await createTestContext();
  const needed = new Set(['accounts', 'journal', 'files', 'sites', 'safety']);
  await loadDemo(t.handle, t.keyring, modules.filter((m) => needed.has(m.name)), { force: true });
  siteId = (await siteByCode(t.db, 'KAM'))!.id;
}, 600_000);
afterAll(() => t?.close());

const seriousFloods = async (from: string, to: string) =>
  (await listIncidents(t.db, { siteId, from, to, kind: 'flooding' })).filter((i) => i.severity === 'fatal' || i.severity === 'serious_lost_time').length;

describe('Safety demo at KAM', () => {
  it('floods in the rainy season only', async () => {
    const floods = await listIncidents(t.db, { siteId, from: '2023-01-01', to: '2025-12-31', kind: 'flooding' });
    expect(floods.length).toBeGreaterThan(15);
    const months = floods.map((f) => Number(f.occurredOn.slice(5, 7)));
    expect(months.every((m) => m >= 11 || m <= 4)).toBe(true);
  });

  it('has fewer serious floods after the rain covers of early 2024', async () => {
    const before = await seriousFloods('2023-01-01', '2024-03-31');
    const after = await seriousFloods('2024-04-01', '2025-06-30');
    expect(before).toBeGreaterThan(after);
  });

  it('records the electrocution of late 2023, closed through a correction that links its corrective action', async () => {
    const [shock] = await listIncidents(t.db, { siteId, kind: 'electrocution', from: '2023-11-01', to: '2023-11-30' });
    expect(shock).toMatchObject({ severity: 'serious_lost_time', status: 'closed' });
    expect(shock!.correctsId).not.toBeNull();
    const summary = (await (await t.app.request('/api/v1/safety/summary?year=2023&site=KAM')).json()) as { sites: { interventions: { kind: string; peopleReached: number }[] }[] };
    expect(summary.sites[0]!.interventions).toEqual([expect.objectContaining({ kind: 'training', peopleReached: 320 })]);
  });

  it('gives 2025 rates on recorded hours and 2024 rates on estimated ones', async () => {
    const y2025 = await yearFigures(t.db, { siteId, year: 2025, today });
    const y2024 = await yearFigures(t.db, { siteId, year: 2024, today });
    expect(y2025.exposure.estimated).toBe(false);
    expect(y2024.exposure.estimated).toBe(true);
    expect(y2025.rates.recordable.per1mHours).not.toBeNull();
    expect(y2025.bySeverity.serious_lost_time + y2025.bySeverity.fatal).toBeLessThan(y2024.bySeverity.serious_lost_time + y2024.bySeverity.fatal + 1);
  });

  it('shows the demo year on the dashboard, in French too', async () => {
    const page = await (await t.app.request('/safety/sites/KAM?lang=fr')).text();
    expect(page).toContain('Sécurité à Kamilombe, 2025');
    expect(page).toContain('<svg');
    expect(page).toContain('Pour 1 000 travailleurs');
  });

  it('passes the safety invariants', async () => {
    for (const invariant of safetyInvariants) {
      const problems: string[] = [];
      await invariant.check(t.db, (message) => problems.push(message));
      expect(problems, invariant.id).toEqual([]);
    }
  });
});
