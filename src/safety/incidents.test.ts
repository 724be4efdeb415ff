import { count, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCommandRefusal } from '../../test/expect.ts';
import { insertSite } from '../../test/factories/sites.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { findEntries, journalSize as sizeOfJournal, runCommand } from '../journal/public.ts';
import { addPits, raiseCorrectiveAction, registerWorker } from '../sites/public.ts';
import { correctIncident } from './commands/correct-incident.ts';
import { recordHoursWorked } from './commands/record-hours-worked.ts';
import { recordIncident } from './commands/record-incident.ts';
import { recordIntervention } from './commands/record-intervention.ts';
import { setWorkPattern } from './commands/set-work-pattern.ts';
import type { IncidentFacts } from './incident-rules.ts';
import { incidentRates, incidentsByMonth, yearOnYearChange } from './indicators.ts';
import { safetyInvariants } from './invariants.ts';
import { findIncident, listIncidents } from './queries/incidents.ts';
import { yearFigures } from './queries/figures.ts';
import { safetyIncidents } from './schema.ts';

let t: TestContext;
let siteId: number;
let otherSiteId: number;
let actionId: number;
let otherActionId: number;

const facts = (overrides: Partial<IncidentFacts> = {}): IncidentFacts => ({
  occurredOn: '2025-02-10',
  occurredTime: '09:30',
  pit: 'P001',
  kind: 'flooding',
  severity: 'serious_lost_time',
  description: 'Water entered the pit after heavy rain.',
  immediateAction: 'Pit evacuated and pumped.',
  people: [{ sex: 'male', ageGroup: '25_54', operatorGroup: 'diggers', count: 2 }],
  ...overrides,
});

const incidentCount = async () => Number((await t.db.select({ n: count() }).from(safetyIncidents))[0]!.n);
const journalSize = () => sizeOfJournal(t.db);

beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  siteId = (await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'SAF' })).site.id;
  otherSiteId = (await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'OTH' })).site.id;
  await runCommand(t.db, system, (ctx) => addPits(ctx, { siteId, pits: [{ code: 'P001', covered: false }, { code: 'P002', covered: true }] }));
  await runCommand(t.db, system, (ctx) => addPits(ctx, { siteId: otherSiteId, pits: [{ code: 'X001', covered: false }] }));
  const raise = (id: number) =>
    runCommand(t.db, system, (ctx) => raiseCorrectiveAction(ctx, { siteId: id, title: 'Cover the pit entries', owner: 'Site manager', dueOn: '2025-06-30', costEstimate: '1500', currency: 'USD' }));
  actionId = (await raise(siteId)).id;
  otherActionId = (await raise(otherSiteId)).id;
  for (let i = 0; i < 4; i++) {
    await runCommand(t.db, system, (ctx) =>
      registerWorker(ctx, { siteId, fullName: `Worker ${i}`, sex: i % 2 ? 'F' : 'M', birthYear: 1990, operatorGroup: 'diggers', registeredOn: '2024-12-01' }),
    );
  }
});
afterAll(() => t?.close());

describe('Recording an incident', () => {
  it('stores the incident, the people by group and its corrective actions, and journals no free text', async () => {
    const incident = await runCommand(t.db, system, (ctx) => recordIncident(ctx, { siteId, ...facts({ correctiveActionIds: [actionId] }) }));
    expect(incident.status).toBe('reported');
    const detail = (await findIncident(t.db, { siteId, id: incident.id }))!;
    expect(detail.pit).toBe('P001');
    expect(detail.people).toEqual([expect.objectContaining({ sex: 'male', ageGroup: '25_54', operatorGroup: 'diggers', count: 2 })]);
    expect(detail.correctiveActions.map((a) => a.id)).toEqual([actionId]);
    const [entry] = await findEntries(t.db, { subject: `safety_incident:${incident.id}` });
    const event = JSON.parse(Buffer.from(entry!.bytes).toString('utf8')) as { payload: Record<string, unknown> };
    expect(event.payload).toMatchObject({ site: 'SAF', pit: 'P001', kind: 'flooding', severity: 'serious_lost_time', peopleAffected: 2 });
    expect(JSON.stringify(event)).not.toContain('heavy rain');
  });

  it('accepts a near miss that hurt no one, without a pit', async () => {
    const incident = await runCommand(t.db, system, (ctx) => recordIncident(ctx, { siteId, ...facts({ pit: null, severity: 'near_miss', kind: 'collapse_rockfall', people: [] }) }));
    expect(incident.pitId).toBeNull();
  });

  const badInputs: [string, Partial<IncidentFacts> & { siteId?: number }, string, number][] = [
    ['an unknown site', { siteId: 999_999 }, 'site_not_found', 404],
    ['a pit of another site', { pit: 'X001' }, 'pit_not_found', 422],
    ['a kind outside the list', { kind: 'landslide' }, 'kind_unknown', 422],
    ['a severity outside the list', { severity: 'catastrophic' }, 'severity_unknown', 422],
    ['a status outside the list', { status: 'archived' }, 'status_unknown', 422],
    ['a negative count of people', { people: [{ sex: 'female', ageGroup: '18_24', operatorGroup: 'washers', count: -1 }] }, 'count_invalid', 422],
    ['a fractional count of people', { people: [{ sex: 'female', ageGroup: '18_24', operatorGroup: 'washers', count: 1.5 }] }, 'count_invalid', 422],
    ['an unknown operator group', { people: [{ sex: 'female', ageGroup: '18_24', operatorGroup: 'pilots', count: 1 }] }, 'people_group_unknown', 422],
    ['an unknown age group', { people: [{ sex: 'female', ageGroup: 'teen', operatorGroup: 'washers', count: 1 }] }, 'people_age_unknown', 422],
    ['an injury with nobody affected', { people: [] }, 'people_missing', 422],
    ['a date in the future', { occurredOn: '2099-01-01' }, 'date_in_future', 422],
    ['a date that does not exist', { occurredOn: '2025-02-30' }, 'date_invalid', 422],
    ['a bad time', { occurredTime: '25:00' }, 'time_invalid', 422],
    ['no description', { description: '   ' }, 'description_missing', 422],
    ['a corrective action of another site', { correctiveActionIds: [otherActionId] }, 'corrective_action_not_of_site', 422],
  ];
  for (const [name, input, code, status] of badInputs) {
    it(`refuses ${name} (${code}) and writes nothing`, async () => {
      const [before, journal] = [await incidentCount(), await journalSize()];
      await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => recordIncident(ctx, { siteId, ...facts(input), ...(input.siteId !== undefined && { siteId: input.siteId }) })), code, status);
      expect(await incidentCount()).toBe(before);
      expect(await journalSize()).toBe(journal);
    });
  }
});

describe('Correcting an incident', () => {
  it('supersedes the entry with a new one and keeps the old one as it was', async () => {
    const original = await runCommand(t.db, system, (ctx) => recordIncident(ctx, { siteId, ...facts({ occurredOn: '2025-03-05', severity: 'minor_first_aid' }) }));
    const corrected = await runCommand(t.db, system, (ctx) =>
      correctIncident(ctx, { siteId, correctsId: original.id, reason: 'The digger lost three days of work.', ...facts({ occurredOn: '2025-03-05', status: 'closed', rootCause: 'No rain cover.' }) }),
    );
    expect(corrected.correctsId).toBe(original.id);
    const old = (await findIncident(t.db, { siteId, id: original.id }))!;
    expect(old.severity).toBe('minor_first_aid');
    expect(old.correctedById).toBe(corrected.id);
    expect(old.history.map((h) => h.id)).toEqual([original.id, corrected.id]);
    const latest = await listIncidents(t.db, { siteId, from: '2025-03-01', to: '2025-03-31' });
    expect(latest.map((r) => r.id)).toEqual([corrected.id]);
    const all = await listIncidents(t.db, { siteId, from: '2025-03-01', to: '2025-03-31', history: true });
    expect(all.map((r) => r.id).sort()).toEqual([original.id, corrected.id].sort());
    await expect(t.db.execute(sql`update safety_incidents set severity = 'fatal' where id = ${original.id}`)).rejects.toThrow();
  });

  it('refuses to correct an entry twice, an entry of another site, or without a reason', async () => {
    const original = await runCommand(t.db, system, (ctx) => recordIncident(ctx, { siteId, ...facts({ occurredOn: '2025-03-06' }) }));
    await runCommand(t.db, system, (ctx) => correctIncident(ctx, { siteId, correctsId: original.id, reason: 'Status', ...facts({ occurredOn: '2025-03-06', status: 'under_investigation' }) }));
    await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => correctIncident(ctx, { siteId, correctsId: original.id, reason: 'Again', ...facts() })), 'already_corrected', 409);
    await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => correctIncident(ctx, { siteId: otherSiteId, correctsId: original.id, reason: 'Moved', ...facts({ pit: 'X001' }) })), 'incident_not_found', 404);
    const fresh = await runCommand(t.db, system, (ctx) => recordIncident(ctx, { siteId, ...facts() }));
    await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => correctIncident(ctx, { siteId, correctsId: fresh.id, reason: ' ', ...facts() })), 'correction_reason_missing', 422);
  });

  it('takes a withdrawn incident out of the figures', async () => {
    const before = await yearFigures(t.db, { siteId, year: 2024, today: '2026-01-15' });
    const recorded = await runCommand(t.db, system, (ctx) => recordIncident(ctx, { siteId, ...facts({ occurredOn: '2024-05-02', severity: 'fatal' }) }));
    expect((await yearFigures(t.db, { siteId, year: 2024, today: '2026-01-15' })).bySeverity.fatal).toBe(before.bySeverity.fatal + 1);
    await runCommand(t.db, system, (ctx) => correctIncident(ctx, { siteId, correctsId: recorded.id, reason: 'Entered at the wrong site.', ...facts({ occurredOn: '2024-05-02', severity: 'fatal', status: 'withdrawn' }) }));
    expect((await yearFigures(t.db, { siteId, year: 2024, today: '2026-01-15' })).bySeverity.fatal).toBe(before.bySeverity.fatal);
  });
});

describe('Figures of a year', () => {
  it('counts incidents by month and severity and computes the rates from the register and the hours', async () => {
    const figures = await yearFigures(t.db, { siteId, year: 2025, today: '2026-01-15' });
    // February: the flooding of the first test and the uncorrected one of the refusals (serious), and the near miss.
    expect(figures.byMonth.find((m) => m.month === '2025-02')!.bySeverity).toMatchObject({ fatal: 0, serious_lost_time: 2, minor_first_aid: 0, near_miss: 1 });
    // March: two chains, each counted once through its latest entry.
    expect(figures.byMonth.find((m) => m.month === '2025-03')!.bySeverity.serious_lost_time).toBe(2);
    expect(figures.exposure.averageHeadcount).toBe(4);
    // No hours recorded, no setting: 4 workers × 26 days × 8 h × 12 months, estimated.
    expect(figures.exposure.hoursWorked).toBe(4 * 26 * 8 * 12);
    expect(figures.exposure.estimated).toBe(true);
    const serious = figures.bySeverity.serious_lost_time;
    expect(figures.rates.serious_lost_time.per1000Workers).toBeCloseTo((serious * 1000) / 4, 10);
    expect(figures.rates.serious_lost_time.per1mHours).toBeCloseTo((serious * 1_000_000) / (4 * 26 * 8 * 12), 10);
  });

  it('uses recorded hours and the site’s work pattern, and drops the estimate label when every month is recorded', async () => {
    await runCommand(t.db, system, (ctx) => setWorkPattern(ctx, { siteId, effectiveFrom: '2025-01', shiftMinutes: 600, daysWorkedPerMonth: 20 }));
    const estimated = await yearFigures(t.db, { siteId, year: 2025, today: '2026-01-15' });
    expect(estimated.exposure.hoursWorked).toBe(4 * 20 * 10 * 12);
    for (let month = 1; month <= 12; month++) {
      await runCommand(t.db, system, (ctx) => recordHoursWorked(ctx, { siteId, month: `2025-${String(month).padStart(2, '0')}`, hours: 1_000 }));
    }
    const recorded = await yearFigures(t.db, { siteId, year: 2025, today: '2026-01-15' });
    expect(recorded.exposure.hoursWorked).toBe(12_000);
    expect(recorded.exposure.estimated).toBe(false);
    expect(recorded.rates.recordable.per200kHours).toBeCloseTo((recorded.rates.recordable.count * 200_000) / 12_000, 10);
    expect(recorded.rates.recordable.estimated).toBe(false);
  });

  it('refuses bad hours, settings and interventions', async () => {
    await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => recordHoursWorked(ctx, { siteId, month: '2025-13', hours: 10 })), 'month_invalid', 422);
    await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => recordHoursWorked(ctx, { siteId, month: '2099-01', hours: 10 })), 'month_in_future', 422);
    await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => recordHoursWorked(ctx, { siteId, month: '2025-01', hours: -5 })), 'hours_invalid', 422);
    await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => setWorkPattern(ctx, { siteId, effectiveFrom: '2025-01', shiftMinutes: 0, daysWorkedPerMonth: 20 })), 'shift_invalid', 422);
    await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => setWorkPattern(ctx, { siteId, effectiveFrom: '2025-01', shiftMinutes: 480, daysWorkedPerMonth: 32 })), 'days_invalid', 422);
    const intervention = { siteId, kind: 'rain_covers', deliveredOn: '2025-01-10', quantity: 10, costMinor: 50_000, currency: 'USD', peopleReached: 40 };
    await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => recordIntervention(ctx, { ...intervention, kind: 'umbrellas' })), 'intervention_kind_unknown', 422);
    await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => recordIntervention(ctx, { ...intervention, quantity: -1 })), 'quantity_invalid', 422);
    await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => recordIntervention(ctx, { ...intervention, costMinor: -1 })), 'cost_invalid', 422);
    await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => recordIntervention(ctx, { ...intervention, currency: 'XXX' })), 'currency_unknown', 422);
    await expectCommandRefusal(() => runCommand(t.db, system, (ctx) => recordIntervention(ctx, { ...intervention, deliveredOn: '2099-01-01' })), 'date_in_future', 422);
    const recorded = await runCommand(t.db, system, (ctx) => recordIntervention(ctx, intervention));
    expect(recorded.costMinor).toBe(50_000);
  });

  it('gives the same figures through the indicators interface', async () => {
    const period = { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2026-01-01T00:00:00Z') };
    const figures = await yearFigures(t.db, { siteId, year: 2025, today: '2026-01-15' });
    const rates = await incidentRates.compute(t.db, { period, filters: { site: 'SAF' } });
    const per1m = rates.find((v) => v.dimensions.severity === 'recordable' && v.dimensions.base === 'per_1000000_hours')!;
    expect(per1m.value).toBeCloseTo(figures.rates.recordable.per1mHours!, 2);
    expect(per1m.dimensions.estimated).toBe('no');
    const byMonth = await incidentsByMonth.compute(t.db, { period, filters: { site: 'SAF' } });
    expect(byMonth.find((v) => v.dimensions.month === '2025-02' && v.dimensions.severity === 'serious_lost_time')!.value).toBe(2);
    const change = await yearOnYearChange.compute(t.db, { period, filters: { site: 'SAF' } });
    const fatal = change.find((v) => v.dimensions.severity === 'fatal' && v.dimensions.measure === 'difference')!;
    expect(fatal.value).toBe(figures.bySeverity.fatal - (await yearFigures(t.db, { siteId, year: 2024, today: '2026-01-15' })).bySeverity.fatal);
  });

  it('passes the module’s invariants', async () => {
    for (const invariant of safetyInvariants) {
      const problems: string[] = [];
      await invariant.check(t.db, (message) => problems.push(message));
      expect(problems, invariant.id).toEqual([]);
    }
  });
});
