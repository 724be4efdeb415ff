import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { demoActors, loadAccountsDemo } from '../accounts/public.ts';
import { seededRandom } from '../demo.ts';
import { runCommand } from '../journal/public.ts';
import { createSite, registerWorker } from '../sites/public.ts';
import type { DemoContext } from '../web/module.ts';
import { openCase } from './commands/open-case.ts';
import { loadChildrenDemo } from './demo.ts';
import { runInvariants } from '../core/invariants.ts';
import { childrenInvariants } from './invariants.ts';
import { newChildNameKey } from './name-key.ts';
import { childCases } from './schema.ts';

/**
 * The children demo, its small-number suppression on the public side, and the case pages. The
 * privacy walk over every anonymous route and public page (a child's name, community and every case
 * code planted and searched for, with a 2xx required) is test/privacy.test.ts, on the whole demo.
 */
let t: TestContext;
const caseCodes: string[] = [];

beforeAll(async () => {
  t = await createTestContext();
  const ctx: DemoContext = { db: t.db, random: seededRandom(6), system, organisations: {}, keyring: t.keyring, publicBaseUrl: 'https://test.orebook', say: () => undefined };
  await loadAccountsDemo(ctx);
  const site = await runCommand(t.db, ctx.system, (c) =>
    createSite(c, { code: 'KAM', name: 'Kamilombe', province: 'Lualaba', town: 'Kolwezi', latitudeE6: -10_735_400, longitudeE6: 25_440_900, concessionHolder: 'EGC', cooperative: 'cmds' }),
  );
  const cooperative = (await demoActors(ctx))['cooperative@orebook.demo']!;
  // Three children referred in 2024: that year's figures are all under 5.
  for (const [i, name] of ['Kabwe Canaryun', 'Mwila Canarydeux', 'Ilunga Canarytrois'].entries()) {
    await runCommand(t.db, cooperative, (c) => registerWorker(c, { siteId: site.id, fullName: name, sex: i === 0 ? 'F' : 'M', birthYear: 2009, operatorGroup: 'washers', registeredOn: `2024-0${i + 3}-10` }));
  }
  await loadChildrenDemo(ctx);
  const casework = (await demoActors(ctx))['casework@orebook.demo']!;
  await runCommand(t.db, casework, (c) =>
    openCase(c, {
      siteCode: 'KAM',
      caseOrganisationId: ctx.organisations['kolwezi-care']!,
      sex: 'female',
      ageAtIdentification: 14,
      activity: 'washing_sorting',
      community: 'Quartier Canary',
      householdHead: 'one_parent',
      householdSize: 5,
      identifiedOn: '2025-06-01',
      identifiedBy: 'community_monitor',
      riskLevel: 'high',
      name: 'Zawadi Canarychild',
      nameKey: newChildNameKey(),
    }),
  );
  for (const row of await t.db.select({ code: childCases.code }).from(childCases)) caseCodes.push(row.code);
});
afterAll(() => t?.close());

describe('The children demo', () => {
  it('has about 60 cases at every stage, and holds every invariant', async () => {
    expect(caseCodes.length).toBeGreaterThanOrEqual(60);
    const session = await t.signIn('casework@orebook.demo', 'demo-casework-2026');
    const { cases } = (await (await session.request('/api/v1/children/cases')).json()) as { cases: { stage: string; overdueVisits: unknown[]; latestVisit: { outcome: string } | null }[] };
    const stages = new Set(cases.map((c) => c.stage));
    for (const stage of ['identified', 'plan_started', 'visited_3_months', 'visited_6_months', 'closed_remediated']) expect(stages, stage).toContain(stage);
    expect(cases.some((c) => c.overdueVisits.length > 0)).toBe(true);
    expect(cases.some((c) => c.latestVisit?.outcome === 'working')).toBe(true);
    expect(cases.some((c) => c.latestVisit?.outcome === 'not_found')).toBe(true);
    const results = await runInvariants(t.db, childrenInvariants);
    expect(results.flatMap((r) => r.problems)).toEqual([]);
  });
});

describe('Children’s figures on the public side', () => {
  it('shows a year with fewer than 5 children as “fewer than 5”, in the API and on the page, never the number', async () => {
    const summary = (await (await t.app.request('/api/v1/children/summary?year=2024')).json()) as { identified: { total: unknown; bySex: Record<string, unknown> } };
    expect(summary.identified.total).toEqual({ suppressed: 'fewer_than_5' });
    expect(summary.identified.bySex).toEqual({ female: { suppressed: 'fewer_than_5' }, male: { suppressed: 'fewer_than_5' } });
    expect(JSON.stringify(summary)).not.toMatch(/"value":[0-4]\b/);
    const page = await (await t.app.request('/children?year=2024')).text();
    expect(page).toContain('fewer than 5');
    const french = await (await t.app.request('/children?year=2024', { headers: { 'accept-language': 'fr' } })).text();
    expect(french).toContain('moins de 5');
  });

  it('publishes the demo year’s figures with no count under 5', async () => {
    const summary = await (await t.app.request('/api/v1/children/summary?year=2025')).json();
    const values: number[] = [];
    const collect = (node: unknown) => {
      if (!node || typeof node !== 'object') return;
      for (const [key, child] of Object.entries(node)) {
        if (key === 'value' && typeof child === 'number') values.push(child);
        else collect(child);
      }
    };
    collect(summary);
    expect(values.length).toBeGreaterThan(5);
    expect(values.every((v) => v >= 5)).toBe(true);
    expect((summary as { identified: { total: unknown } }).identified.total).toMatchObject({ value: expect.any(Number) });
  });
});

describe('Case pages', () => {
  it('shows the case-management organisation its dashboard with charts, its cases and their pages', async () => {
    const session = await t.signIn('casework@orebook.demo', 'demo-casework-2026');
    const dashboard = await (await session.request('/children/cases')).text();
    expect(dashboard).toContain('Cases by stage');
    expect(dashboard).toContain('<svg');
    expect(dashboard).toContain('KAM-C-0001');
    const overdue = await (await session.request('/children/cases?overdue=true')).text();
    expect(overdue).toContain('Overdue');
    const [first] = await t.db.select({ id: childCases.id, code: childCases.code }).from(childCases).limit(1);
    const page = await session.request(`/children/cases/${first!.id}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(first!.code);
  });

  it('refuses case pages to the secretariat’s admin for a partner’s case, and to anyone of another organisation', async () => {
    const [first] = await t.db.select({ id: childCases.id }).from(childCases).limit(1);
    const admin = await t.signIn('admin@orebook.demo', 'demo-admin-2026');
    expect((await admin.request(`/children/cases/${first!.id}`)).status).toBe(403);
    const dashboard = await (await admin.request('/children/cases')).text();
    expect(dashboard).not.toContain('KAM-C-0001');
    const buyer = await t.signIn('buyer@orebook.demo', 'demo-buyer-2026');
    expect((await buyer.request('/children/cases')).status).toBe(403);
  });

  it('shows a refused visit as a form error in French, with the form kept, and records nothing', async () => {
    const session = await t.signIn('casework@orebook.demo', 'demo-casework-2026');
    const created = await session.request('/children/cases/new', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'fr' },
      body: new URLSearchParams({ _csrf: session.csrfToken, site: 'KAM', sex: 'male', ageAtIdentification: '12', identifiedOn: '2025-05-01', identifiedBy: 'teacher', activity: 'selling', community: 'Kanina', householdHead: 'both_parents', householdSize: '7', riskLevel: 'low' }).toString(),
    });
    expect(created.status).toBe(303);
    // The case page, without the `?done=opened` confirmation it was opened with.
    const location = new URL(created.headers.get('location')!, 'http://localhost').pathname;
    const refused = await session.request(`${location}/visits`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${session.cookie}; orebook_lang=fr` },
      body: new URLSearchParams({ _csrf: session.csrfToken, dueMonths: '', visitedOn: '2025-04-01', outcome: 'working' }).toString(),
    });
    expect(refused.status).toBe(422);
    const text = await refused.text();
    expect(text).toContain('antérieure à l’identification');
    expect(text).toContain('value="2025-04-01"');
    const adult = await session.request('/children/cases/new', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: session.csrfToken, site: 'KAM', sex: 'male', ageAtIdentification: '18', identifiedOn: '2025-05-01', identifiedBy: 'teacher', activity: 'selling', community: 'Kanina', householdHead: 'both_parents', householdSize: '7', riskLevel: 'low' }).toString(),
    });
    expect(adult.status).toBe(422);
    expect(await adult.text()).toContain('under 18');
  });
});
