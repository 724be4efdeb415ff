import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiRefusal, expectCommandRefusal } from '../../test/expect.ts';
import { actorOf } from '../../test/factories/registry.ts';
import { insertSite } from '../../test/factories/sites.ts';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import { runInvariants } from '../core/invariants.ts';
import { journalSize, runCommand } from '../journal/public.ts';
import { financeInvariants } from './invariants.ts';
import type { ActivityProps } from './activity-input.ts';
import { createProgrammeArea } from './commands/create-programme-area.ts';
import { updateActivity } from './commands/update-activity.ts';
import { updateProgrammeArea } from './commands/update-programme-area.ts';
import { financeActivities, financeAreaSectors, financeParticipatingOrgs, financeProgrammeAreas } from './schema.ts';
import { activityProps, recordActivity, withProgrammeAreas } from './test-support.ts';

let t: TestContext;
let secretariat: { id: number; code: string };

beforeAll(async () => {
  t = await createTestContext();
  secretariat = await t.buildOrganisation({ kind: 'secretariat' });
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'KAM' });
  await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'MTX' });
  await withProgrammeAreas(t.db, system);
});
afterAll(() => t?.close());

const unchangedJournal = () => journalSize(t.db);

describe('Programme areas', () => {
  it('sets up the six areas with their DAC sectors, each summing to 100', async () => {
    const areas = await t.db.select().from(financeProgrammeAreas);
    expect(areas.map((area) => area.code).sort()).toEqual(['child_labour', 'credit_mechanism', 'economic_resilience', 'formalisation', 'governance', 'health_safety']);
    const sectors = await t.db.select().from(financeAreaSectors);
    for (const area of areas) expect(sectors.filter((s) => s.areaId === area.id).reduce((sum, s) => sum + s.percentage, 0)).toBe(100);
  });

  it('journals each area once, and an update replaces its sectors', async () => {
    const before = await journalSize(t.db);
    await runCommand(t.db, system, (ctx) => createProgrammeArea(ctx, { code: 'research', labelEn: 'Research', labelFr: 'Recherche', sectors: [{ code: '25040', percentage: 100 }] }));
    const area = await runCommand(t.db, system, (ctx) => updateProgrammeArea(ctx, { code: 'research', labelEn: 'Research and learning', labelFr: 'Recherche et apprentissage', sectors: [{ code: '25040', percentage: 40 }, { code: '16070', percentage: 60 }] }));
    expect(await journalSize(t.db)).toBe(before + 2);
    expect(area.labelEn).toBe('Research and learning');
    const sectors = await t.db.select().from(financeAreaSectors).where(eq(financeAreaSectors.areaId, area.id));
    expect(sectors.map((s) => [s.sectorCode, s.percentage]).sort()).toEqual([['16070', 60], ['25040', 40]]);
  });

  const area = (overrides: object) => ({ code: 'new_area', labelEn: 'New', labelFr: 'Nouveau', sectors: [{ code: '25040', percentage: 100 }], ...overrides });
  const refusals: [string, object, string, number][] = [
    ['a malformed code', { code: 'New Area' }, 'area_code_invalid', 422],
    ['an existing code', { code: 'governance' }, 'area_exists', 409],
    ['a missing French label', { labelFr: ' ' }, 'area_label_required', 422],
    ['no sectors', { sectors: [] }, 'sectors_required', 422],
    ['a sector twice', { sectors: [{ code: '25040', percentage: 50 }, { code: '25040', percentage: 50 }] }, 'sectors_required', 422],
    ['an unknown sector', { sectors: [{ code: '99999', percentage: 100 }] }, 'sector_unknown', 422],
    ['a withdrawn sector', { sectors: [{ code: '15162', percentage: 100 }] }, 'sector_unknown', 422],
    ['shares summing to 90', { sectors: [{ code: '25040', percentage: 40 }, { code: '16070', percentage: 50 }] }, 'sector_percentages', 422],
    ['a zero share', { sectors: [{ code: '25040', percentage: 100 }, { code: '16070', percentage: 0 }] }, 'sector_percentages', 422],
  ];
  for (const [name, overrides, code, status] of refusals) {
    it(`refuses ${name}, writing nothing`, async () => {
      await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => createProgrammeArea(ctx, area(overrides))), code, status, { unchanged: unchangedJournal });
    });
  }

  it('refuses to update an unknown area, and anyone but the secretariat’s admin', async () => {
    await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => updateProgrammeArea(ctx, area({ code: 'nowhere' }))), 'area_not_found', 404, { unchanged: unchangedJournal });
    for (const role of ['field', 'committee', 'member', 'buyer'] as const) {
      await expectCommandRefusal(() => runCommand(t.db, actorOf(secretariat, role), (ctx) => createProgrammeArea(ctx, area({}))), 'forbidden', 403, { unchanged: unchangedJournal });
    }
  });
});

describe('Activities', () => {
  it('records an activity with its sites and participating organisations, in one event', async () => {
    const before = await journalSize(t.db);
    const activity = await recordActivity(t.db, system, activityProps('CREDIT-DIGITAL', { sites: ['KAM', 'MTX'], participants: [{ role: 1, name: 'European Partnership for Responsible Minerals' }, { role: 4, organisation: secretariat.code }] }));
    expect(await journalSize(t.db)).toBe(before + 1);
    expect(activity).toMatchObject({ code: 'CREDIT-DIGITAL', statusCode: 2, plannedStart: '2024-01-01', actualEnd: null });
    const participants = await t.db.select().from(financeParticipatingOrgs).where(eq(financeParticipatingOrgs.activityId, activity.id));
    expect(participants.map((p) => [p.roleCode, p.organisationId, p.name])).toEqual([[1, null, 'European Partnership for Responsible Minerals'], [4, secretariat.id, null]]);
  });

  it('updates an activity as a whole, in one event', async () => {
    await recordActivity(t.db, system, activityProps('TO-CLOSE'));
    const before = await journalSize(t.db);
    const activity = await runCommand(t.db, system, (ctx) => updateActivity(ctx, activityProps('TO-CLOSE', { status: 4, actualEnd: '2025-06-30', area: 'governance' })));
    expect(await journalSize(t.db)).toBe(before + 1);
    expect(activity).toMatchObject({ statusCode: 4, actualEnd: '2025-06-30' });
  });

  const refusals: [string, Partial<ActivityProps>, string, number][] = [
    ['a malformed code', { code: 'lower-case' }, 'activity_code_invalid', 422],
    ['an existing code', { code: 'CREDIT-DIGITAL' }, 'activity_exists', 409],
    ['an unknown area', { area: 'nowhere' }, 'area_not_found', 422],
    ['an unknown site', { sites: ['KAM', 'NOPE'] }, 'site_not_found', 422],
    ['a date that is not one', { plannedStart: '2024-02-30' }, 'date_invalid', 422],
    ['a planned end before its start', { plannedEnd: '2023-12-31' }, 'planned_dates_order', 422],
    ['an actual end before its start', { actualEnd: '2024-01-01' }, 'actual_dates_order', 422],
    ['an actual end without a start', { actualStart: null, actualEnd: '2025-01-01' }, 'actual_end_without_start', 422],
    ['a status outside the IATI codelist', { status: 7 }, 'status_invalid', 422],
    ['a role outside the IATI codelist', { participants: [{ role: 5, name: 'Somebody Ltd' }] }, 'role_invalid', 422],
    ['no participating organisation', { participants: [] }, 'participants_required', 422],
    ['a participant both known and named', { participants: [{ role: 1, name: 'X', organisation: 'org-x' }] }, 'participant_party', 422],
    ['an unknown organisation', { participants: [{ role: 1, organisation: 'no-such-org' }] }, 'organisation_not_found', 422],
    ['a malformed IATI reference', { participants: [{ role: 1, name: 'X', iatiRef: 'has space' }] }, 'iati_ref_invalid', 422],
    ['a missing French title', { titleFr: '' }, 'text_required', 422],
  ];
  for (const [name, overrides, code, status] of refusals) {
    it(`refuses ${name}, writing nothing`, async () => {
      const count = async () => [await journalSize(t.db), (await t.db.select().from(financeActivities)).length];
      await expectCommandRefusal(() => recordActivity(t.db, system, activityProps(overrides.code ?? 'NEW-ACTIVITY', overrides)), code, status, { unchanged: count });
    });
  }

  it('refuses to update an unknown activity, and a bad update leaves the activity as it was', async () => {
    await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => updateActivity(ctx, activityProps('NOWHERE'))), 'activity_not_found', 404, { unchanged: unchangedJournal });
    const row = async () => (await t.db.select().from(financeActivities).where(eq(financeActivities.code, 'CREDIT-DIGITAL')))[0];
    await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => updateActivity(ctx, activityProps('CREDIT-DIGITAL', { sites: ['NOPE'] }))), 'site_not_found', 422, { unchanged: row });
  });

  it('refuses every role but admin', async () => {
    for (const role of ['field', 'cooperative', 'verifier', 'committee', 'buyer', 'member'] as const) {
      await expectCommandRefusal(() => recordActivity(t.db, actorOf(secretariat, role), activityProps('BY-ROLE')), 'forbidden', 403, { unchanged: unchangedJournal });
    }
  });
});

describe('The API', () => {
  it('answers a refusal with its stable code and a message in the reader’s language, writing nothing', async () => {
    const { token } = await t.buildToken({ role: 'admin', organisationId: secretariat.id });
    const { code: _code, ...body } = activityProps('API-REFUSED', { sites: ['NOPE'] });
    const before = await journalSize(t.db);
    const english = await expectApiRefusal(await t.app.request('/api/v1/finance/activities/API-REFUSED', jsonRequest('POST', body, { authorization: `Bearer ${token}` })), 422, 'site_not_found');
    const french = await expectApiRefusal(
      await t.app.request('/api/v1/finance/activities/API-REFUSED', jsonRequest('POST', body, { authorization: `Bearer ${token}`, 'accept-language': 'fr' })),
      422,
      'site_not_found',
    );
    expect([english.message, french.message]).toEqual(['There is no site “NOPE”.', 'Il n’existe pas de site « NOPE ».']);
    const shares = await t.app.request('/api/v1/finance/areas/api_area', jsonRequest('POST', { labelEn: 'A', labelFr: 'B', sectors: [{ code: '25040', percentage: 60 }] }, { authorization: `Bearer ${token}` }));
    await expectApiRefusal(shares, 422, 'sector_percentages');
    expect(await journalSize(t.db)).toBe(before);
  });

  it('records and updates through the API, answering the IATI identifier', async () => {
    const { token } = await t.buildToken({ role: 'admin', organisationId: secretariat.id });
    const { code: _code, ...body } = activityProps('API-MADE', { sites: ['KAM'] });
    const created = await t.app.request('/api/v1/finance/activities/API-MADE', jsonRequest('POST', body, { authorization: `Bearer ${token}` }));
    expect([created.status, await created.json()]).toEqual([201, { code: 'API-MADE', iatiIdentifier: 'XI-IATI-FCA-API-MADE', status: 2 }]);
    const updated = await t.app.request('/api/v1/finance/activities/API-MADE', jsonRequest('PUT', { ...body, status: 6 }, { authorization: `Bearer ${token}` }));
    expect([updated.status, ((await updated.json()) as { status: number }).status]).toEqual([200, 6]);
  });
});

describe('The public API', () => {
  it('lists the areas and activities in the reader’s language, as IATI publishes them', async () => {
    const areas = (await (await t.app.request('/api/v1/finance/areas?lang=fr')).json()) as { code: string; label: string; sectors: unknown[] }[];
    expect(areas.find((area) => area.code === 'child_labour')).toEqual({ code: 'child_labour', label: 'Remédiation du travail des enfants', sectors: [{ code: '16015', percentage: 50 }, { code: '16070', percentage: 50 }] });
    const activities = (await (await t.app.request('/api/v1/finance/activities')).json()) as { code: string; iatiIdentifier: string; title: string; area: string; sites: string[] }[];
    expect(activities.find((activity) => activity.code === 'CREDIT-DIGITAL')).toMatchObject({ iatiIdentifier: 'XI-IATI-FCA-CREDIT-DIGITAL', title: 'Scale and digitise the cobalt credit mechanism', area: 'credit_mechanism', sites: ['KAM', 'MTX'] });
  });
});

describe('The invariants orebook verify checks', () => {
  it('find an area whose sector shares no longer sum to 100 and an activity with no participant', async () => {
    const [area] = await t.db.insert(financeProgrammeAreas).values({ code: 'broken_area', labelEn: 'B', labelFr: 'B' }).returning();
    await t.db.insert(financeAreaSectors).values({ areaId: area!.id, sectorCode: '25040', percentage: 70 });
    await t.db.insert(financeActivities).values({ code: 'ORPHAN', areaId: area!.id, titleEn: 'T', titleFr: 'T', descriptionEn: 'D', descriptionFr: 'D', plannedStart: '2025-01-01', statusCode: 1 });
    const problems = (await runInvariants(t.db, financeInvariants)).flatMap((result) => result.problems);
    expect(problems).toEqual(['programme area broken_area has sector percentages summing to 70, not 100', 'activity ORPHAN has no participating organisation']);
  });
});
