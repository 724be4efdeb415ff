import { count, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiRefusal, expectCommandRefusal } from '../../test/expect.ts';
import { insertSite } from '../../test/factories/sites.ts';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import type { Indicator } from '../core/indicators.ts';
import { rowsOf } from '../db/connect.ts';
import { loadDemo } from '../demo.ts';
import { journalSize, runCommand } from '../journal/public.ts';
import { modules } from '../modules.ts';
import { recordIncident } from '../safety/public.ts';
import { addPits } from '../sites/public.ts';
import { defineResult } from './commands/define-result.ts';
import { setResultTarget } from './commands/set-result-target.ts';
import type { ResultIndicatorProps, ResultProps } from './result-input.ts';
import { financeResultIndicators, financeResults, financeResultTargets } from './results-schema.ts';
import { activityProps, iatiActivityFileProblems, recordActivity, withProgrammeAreas } from './test-support.ts';

const indicators: readonly Indicator[] = modules.flatMap((module) => module.indicators ?? []);
const indicator = (id: string) => indicators.find((candidate) => candidate.id === id)!;

/** The sum of an indicator's values over a calendar year whose dimensions match the selection, computed straight from the indicator. */
async function directSum(db: TestContext['db'], id: string, year: number, filters: Record<string, string>, selection: Record<string, string>) {
  const values = await indicator(id).compute(db, { period: { from: new Date(Date.UTC(year, 0, 1)), to: new Date(Date.UTC(year + 1, 0, 1)) }, filters });
  return values.filter((value) => Object.entries(selection).every(([key, wanted]) => value.dimensions[key] === wanted)).reduce((sum, value) => sum + value.value, 0);
}

/** The part of the activity file for one activity. */
const activityElement = (xml: string, code: string) => xml.split('<iati-activity ').find((part) => part.includes(`<iati-identifier>XI-IATI-FCA-${code}</iati-identifier>`))!;

let t: TestContext;
let admin: Record<string, string>;
const secretDescription = 'Jean-Pierre Kabila was trapped in pit P001 by the water.';

beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  const kam = (await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'KAM' })).site.id;
  const other = (await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'OTH' })).site.id;
  for (const siteId of [kam, other]) await runCommand(t.db, system, (ctx) => addPits(ctx, { siteId, pits: [{ code: 'P001', covered: false }] }));
  const incident = (siteId: number, occurredOn: string, severity: 'fatal' | 'serious_lost_time' | 'minor_first_aid') =>
    runCommand(t.db, system, (ctx) =>
      recordIncident(ctx, {
        siteId,
        occurredOn,
        occurredTime: '10:00',
        pit: 'P001',
        kind: 'flooding',
        severity,
        description: secretDescription,
        immediateAction: 'Pit evacuated and pumped.',
        people: [{ sex: 'male', ageGroup: '25_54', operatorGroup: 'diggers', count: 1 }],
      }),
    );
  // KAM: 2023 three fatal; 2024 two fatal, one serious; 2025 no fatal, three serious and a minor one. OTH: fatal ones that the KAM filter leaves out.
  for (const day of ['2023-02-10', '2023-03-10', '2023-11-02']) await incident(kam, day, 'fatal');
  for (const day of ['2024-02-10', '2024-10-03']) await incident(kam, day, 'fatal');
  await incident(kam, '2024-05-05', 'serious_lost_time');
  for (const day of ['2025-01-10', '2025-03-10', '2025-11-20']) await incident(kam, day, 'serious_lost_time');
  await incident(kam, '2025-04-04', 'minor_first_aid');
  for (const day of ['2024-03-03', '2025-03-03']) await incident(other, day, 'fatal');
  await withProgrammeAreas(t.db, system);
  await recordActivity(t.db, system, activityProps('OHS-KAM', { area: 'credit_mechanism', plannedStart: '2024-01-01', plannedEnd: '2027-12-31', actualStart: '2024-02-01', sites: ['KAM'] }));
  admin = { authorization: `Bearer ${(await t.buildToken({ role: 'admin' })).token}` };
}, 120_000);
afterAll(() => t?.close());

const fatalAtKam: ResultIndicatorProps = {
  indicator: 'safety.incidents_by_kind',
  titleEn: 'Fatal incidents at Kamilombe',
  titleFr: 'Incidents mortels à Kamilombe',
  filters: { site: 'KAM' },
  selection: { severity: 'fatal' },
  measure: 1,
  ascending: false,
  baselineYear: 2023,
  baselineValue: 3,
};
const result = (overrides: Partial<ResultProps> = {}): ResultProps => ({
  activity: 'OHS-KAM',
  type: 2,
  titleEn: 'Fewer fatal incidents at Kamilombe',
  titleFr: 'Moins d’incidents mortels à Kamilombe',
  descriptionEn: 'Covered pits and training.',
  descriptionFr: 'Puits couverts et formation.',
  indicators: [fatalAtKam],
  ...overrides,
});

/** A result as the API takes it: the activity is in the address. */
const body = ({ activity: _activity, ...rest }: ResultProps) => rest;

const counts = async () => ({
  results: Number((await t.db.select({ n: count() }).from(financeResults))[0]!.n),
  indicators: Number((await t.db.select({ n: count() }).from(financeResultIndicators))[0]!.n),
  targets: Number((await t.db.select({ n: count() }).from(financeResultTargets))[0]!.n),
  journal: await journalSize(t.db),
});

type ApiResults = { results: { id: number; indicators: { id: number; periods: { year: number; target: number; actual: number | null }[] }[] }[] };

describe('Results of an activity, from the indicators', () => {
  let indicatorId = 0;

  it('are defined and given yearly targets by the secretariat through the API, and read by anyone', async () => {
    const defined = await t.app.request('/api/v1/finance/activities/OHS-KAM/results', jsonRequest('POST', body(result()), admin));
    expect(defined.status, await defined.clone().text()).toBe(201);
    indicatorId = ((await defined.json()) as { indicators: { id: number }[] }).indicators[0]!.id;
    for (const [year, value] of [[2024, 1], [2025, 0], [2026, 0]] as const) {
      const set = await t.app.request(`/api/v1/finance/activities/OHS-KAM/results/indicators/${indicatorId}/targets/${year}`, jsonRequest('PUT', { value }, admin));
      expect(set.status, await set.clone().text()).toBe(200);
    }
    // Set again, a year's target replaces the one before.
    expect((await t.app.request(`/api/v1/finance/activities/OHS-KAM/results/indicators/${indicatorId}/targets/2024`, jsonRequest('PUT', { value: 2 }, admin))).status).toBe(200);
    const read = (await (await t.app.request('/api/v1/finance/activities/OHS-KAM/results')).json()) as ApiResults;
    expect(read.results[0]!.indicators[0]!.periods.map((period) => period.target)).toEqual([2, 0, 0]);
  });

  it('publishes each year’s actual as the indicator computed over that calendar year, the matching values summed; a year not yet ended has none', async () => {
    const read = (await (await t.app.request('/api/v1/finance/activities/OHS-KAM/results')).json()) as ApiResults;
    const periods = read.results[0]!.indicators[0]!.periods;
    const expected2024 = await directSum(t.db, 'safety.incidents_by_kind', 2024, { site: 'KAM' }, { severity: 'fatal' });
    const expected2025 = await directSum(t.db, 'safety.incidents_by_kind', 2025, { site: 'KAM' }, { severity: 'fatal' });
    expect([expected2024, expected2025]).toEqual([2, 0]);
    // 2026's actual waits for the year's end.
    const expected2026 = new Date() >= new Date('2027-01-01') ? await directSum(t.db, 'safety.incidents_by_kind', 2026, { site: 'KAM' }, { severity: 'fatal' }) : null;
    expect(periods).toEqual([
      { year: 2024, target: 2, actual: expected2024 },
      // No fatal incident at KAM in 2025: a count of events with no value is zero.
      { year: 2025, target: 0, actual: expected2025 },
      { year: 2026, target: 0, actual: expected2026 },
    ]);
  });

  it('is in the activity file after the transactions, valid against the IATI schema and the ResultType and IndicatorMeasure codelists', async () => {
    const beforeDefining = new Date();
    await runCommand(t.db, system, (ctx) =>
      defineResult(
        ctx,
        result({
          type: 1,
          titleEn: 'Serious incidents at Kamilombe',
          titleFr: 'Incidents graves à Kamilombe',
          descriptionEn: '',
          descriptionFr: '',
          indicators: [{ ...fatalAtKam, titleEn: 'Serious incidents', titleFr: 'Incidents graves', selection: { severity: 'serious_lost_time' }, baselineYear: 2023, baselineValue: 0.5, measure: 1 }],
        }),
        indicators,
      ),
    );
    const xml = await (await t.app.request('/iati/activities.xml')).text();
    expect(await iatiActivityFileProblems(xml)).toEqual([]);
    const element = activityElement(xml, 'OHS-KAM');
    // The activity's record changed when a result was defined: readers of the file see it by its date.
    expect(new Date(/last-updated-datetime="([^"]+)"/.exec(element)![1]!).getTime()).toBeGreaterThanOrEqual(beforeDefining.getTime());
    expect(element).toMatch(/<result type="2">\s*<title>\s*<narrative xml:lang="en">Fewer fatal incidents at Kamilombe<\/narrative>/);
    expect(element).toMatch(/<indicator measure="1" ascending="false">/);
    expect(element).toContain('<baseline year="2023" iso-date="2023-12-31" value="3"/>');
    expect(element).toMatch(/<period-start iso-date="2024-01-01"\/>\s*<period-end iso-date="2024-12-31"\/>\s*<target value="2"\/>\s*<actual value="2"\/>/);
    expect(element).toMatch(/<period-start iso-date="2025-01-01"\/>\s*<period-end iso-date="2025-12-31"\/>\s*<target value="0"\/>\s*<actual value="0"\/>/);
    if (new Date() < new Date('2027-01-01')) expect(element).toMatch(/<period-start iso-date="2026-01-01"\/>\s*<period-end iso-date="2026-12-31"\/>\s*<target value="0"\/>\s*<\/period>/);
    expect(element.indexOf('<result ')).toBeGreaterThan(element.lastIndexOf('<location '));
    // The second result: an output with no description, its baseline value as written.
    expect(element).toMatch(/<result type="1">\s*<title>/);
    expect(element).toContain('<baseline year="2023" iso-date="2023-12-31" value="0.5"/>');
    // The indicator's formula describes it, in both languages.
    expect(element).toContain(indicator('safety.incidents_by_kind').formula.fr);
  });

  it('sets a second indicator’s targets and computes its actual with its own selection', async () => {
    const read = (await (await t.app.request('/api/v1/finance/activities/OHS-KAM/results')).json()) as ApiResults;
    const serious = read.results[1]!.indicators[0]!;
    await runCommand(t.db, system, (ctx) => setResultTarget(ctx, { activity: 'OHS-KAM', resultIndicator: serious.id, year: 2025, value: 2 }));
    const after = (await (await t.app.request('/api/v1/finance/activities/OHS-KAM/results')).json()) as ApiResults;
    const expected = await directSum(t.db, 'safety.incidents_by_kind', 2025, { site: 'KAM' }, { severity: 'serious_lost_time' });
    expect(expected).toBe(3);
    expect(after.results[1]!.indicators[0]!.periods).toEqual([{ year: 2025, target: 2, actual: expected }]);
  });

  it('publishes no actual for a year whose figure the indicator withholds (children counts under 5), rather than a false zero', async () => {
    const defined = await runCommand(t.db, system, (ctx) =>
      defineResult(ctx, result({ indicators: [{ indicator: 'children.not_in_child_labour', titleEn: 'Children out of work', titleFr: 'Enfants sortis du travail', measure: 1, ascending: true, baselineYear: 2023, baselineValue: 0 }] }), indicators),
    );
    await runCommand(t.db, system, (ctx) => setResultTarget(ctx, { activity: 'OHS-KAM', resultIndicator: defined.indicators[0]!.id, year: 2024, value: 10 }));
    const read = (await (await t.app.request('/api/v1/finance/activities/OHS-KAM/results')).json()) as ApiResults;
    expect(read.results.find((r) => r.id === defined.id)!.indicators[0]!.periods).toEqual([{ year: 2024, target: 10, actual: null }]);
    const xml = await (await t.app.request('/iati/activities.xml')).text();
    expect(await iatiActivityFileProblems(xml)).toEqual([]);
    expect(xml).toMatch(/<target value="10"\/>\s*<\/period>/);
  });

  it('names no person: no incident’s description, no worker, only the counts', async () => {
    const xml = await (await t.app.request('/iati/activities.xml')).text();
    const api = await (await t.app.request('/api/v1/finance/activities/OHS-KAM/results')).text();
    for (const text of [xml, api]) {
      expect(text).not.toContain('Jean-Pierre');
      expect(text).not.toContain('pit P001');
      expect(text).not.toMatch(/diggers|25_54/);
    }
  });

  it('refuses bad input with a reason in English and French, writing nothing', async () => {
    const unchanged = counts;
    const define = (props: ResultProps) => runCommand(t.db, system, (ctx) => defineResult(ctx, props, indicators));
    await expectCommandRefusal(() => define(result({ activity: 'NO-SUCH' })), 'activity_not_found', 404, { unchanged });
    await expectCommandRefusal(() => define(result({ indicators: [{ ...fatalAtKam, indicator: 'safety.no_such_figure' }] })), 'indicator_unknown', 422, { unchanged });
    await expectCommandRefusal(() => define(result({ indicators: [{ ...fatalAtKam, indicator: 'safety.people_affected', selection: {} }] })), 'indicator_restricted', 422, { unchanged });
    await expectCommandRefusal(() => define(result({ indicators: [{ ...fatalAtKam, filters: { worker: 'W-1' } }] })), 'indicator_filter_invalid', 422, { unchanged });
    await expectCommandRefusal(() => define(result({ indicators: [{ ...fatalAtKam, selection: { name: 'x' } }] })), 'indicator_selection_invalid', 422, { unchanged });
    await expectCommandRefusal(() => define(result({ indicators: [{ ...fatalAtKam, filters: { site: 'K\u0000M' } }] })), 'indicator_filter_invalid', 422, { unchanged });
    await expectCommandRefusal(() => define(result({ type: 4 })), 'result_type_invalid', 422, { unchanged });
    await expectCommandRefusal(() => define(result({ indicators: [{ ...fatalAtKam, measure: 5 }] })), 'measure_invalid', 422, { unchanged });
    await expectCommandRefusal(() => define(result({ indicators: [] })), 'indicators_required', 422, { unchanged });
    await expectCommandRefusal(() => define(result({ titleFr: ' ' })), 'result_text_required', 422, { unchanged });
    await expectCommandRefusal(() => define(result({ titleEn: 'Bad \u0001 title' })), 'text_characters', 422, { unchanged });
    const [row] = await t.db.select({ id: financeResultIndicators.id }).from(financeResultIndicators).limit(1);
    const target = (props: { year: number; value?: number; resultIndicator?: number; activity?: string }) =>
      runCommand(t.db, system, (ctx) => setResultTarget(ctx, { activity: props.activity ?? 'OHS-KAM', resultIndicator: props.resultIndicator ?? row!.id, year: props.year, value: props.value ?? 1 }));
    await expectCommandRefusal(() => target({ year: 2023 }), 'target_year_outside_activity', 422, { unchanged });
    await expectCommandRefusal(() => target({ year: 2028 }), 'target_year_outside_activity', 422, { unchanged });
    await expectCommandRefusal(() => target({ year: 2025, value: Number.NaN }), 'target_value_invalid', 422, { unchanged });
    await expectCommandRefusal(() => target({ year: 2025, resultIndicator: 999_999 }), 'result_indicator_not_found', 404, { unchanged });
    await expectCommandRefusal(() => target({ year: 2025, activity: 'NO-SUCH' }), 'activity_not_found', 404, { unchanged });
  });

  it('answers the refusals over the API as 4xx with a stable code, and 404 for an unknown activity’s results', async () => {
    const before = await counts();
    await expectApiRefusal(await t.app.request('/api/v1/finance/activities/OHS-KAM/results', jsonRequest('POST', body(result({ indicators: [{ ...fatalAtKam, indicator: 'safety.people_affected', selection: {} }] })), admin)), 422, 'indicator_restricted');
    await expectApiRefusal(await t.app.request('/api/v1/finance/activities/NO-SUCH/results'), 404, 'activity_not_found');
    await expectApiRefusal(await t.app.request('/api/v1/finance/activities/x%27%3B--/results'), 404, 'activity_not_found');
    expect(await counts()).toEqual(before);
  });
});

describe('The results of the demo', () => {
  let demo: TestContext;
  beforeAll(async () => {
    demo = await createTestContext();
    const needed = new Set(['accounts', 'journal', 'files', 'sites', 'rates', 'safety', 'children', 'finance']);
    await loadDemo(demo.handle, demo.keyring, modules.filter((m) => needed.has(m.name)), { force: true });
  }, 900_000);
  afterAll(() => demo?.close());

  it('are in a valid activity file, their actuals those the indicators compute', async () => {
    const xml = await (await demo.app.request('/iati/activities.xml')).text();
    expect(await iatiActivityFileProblems(xml)).toEqual([]);
    const ohs = activityElement(xml, 'OHS-KAM');
    expect(ohs.match(/<indicator /g)).toHaveLength(2);
    const fatal2024 = await directSum(demo.db, 'safety.incidents_by_kind', 2024, { site: 'KAM' }, { severity: 'fatal' });
    const serious2025 = await directSum(demo.db, 'safety.incidents_by_kind', 2025, { site: 'KAM' }, { severity: 'serious_lost_time' });
    expect(ohs).toMatch(new RegExp(`<period-start iso-date="2024-01-01"/>\\s*<period-end iso-date="2024-12-31"/>\\s*<target value="0"/>\\s*<actual value="${fatal2024}"/>`));
    expect(ohs).toMatch(new RegExp(`<period-start iso-date="2025-01-01"/>\\s*<period-end iso-date="2025-12-31"/>\\s*<target value="5"/>\\s*<actual value="${serious2025}"/>`));
    const child = activityElement(xml, 'CHILD-REMEDIATION');
    expect(child).toMatch(/<result type="2">/);
    expect(child).toMatch(/<indicator measure="1" ascending="true">/);
    // Children receiving support in 2025, as the children indicator computes them.
    const supported2025 = await directSum(demo.db, 'children.receiving_support', 2025, {}, {});
    expect(supported2025).toBeGreaterThanOrEqual(5);
    expect(child).toMatch(new RegExp(`<period-start iso-date="2025-01-01"/>\\s*<period-end iso-date="2025-12-31"/>\\s*<target value="20"/>\\s*<actual value="${supported2025}"/>`));
    // Those no longer in child labour in 2025 are withheld by the children module (a count under 5 by subtraction): a target, and no actual rather than 0.
    const withheld = await indicators.find((i) => i.id === 'children.not_in_child_labour')!.compute(demo.db, { period: { from: new Date(Date.UTC(2025, 0, 1)), to: new Date(Date.UTC(2026, 0, 1)) }, filters: {} });
    expect(withheld).toEqual([]);
    expect(child).toMatch(/<period-start iso-date="2025-01-01"\/>\s*<period-end iso-date="2025-12-31"\/>\s*<target value="5"\/>\s*<\/period>/);
  });

  it('are on the page of each grant that funds them, for its donor, with the same actuals as the file', async () => {
    const [lumen] = rowsOf<{ id: number; donor: number }>(await demo.db.execute(sql`select id, donor_organisation_id as donor from finance_grants where reference = 'LFMR-23-04'`));
    const [eprm] = rowsOf<{ id: number; donor: number }>(await demo.db.execute(sql`select id, donor_organisation_id as donor from finance_grants where reference = 'EPRM-2024-017'`));
    const donorOf = async (organisationId: number) => ({ headers: { authorization: `Bearer ${(await demo.buildToken({ role: 'member', organisationId })).token}` } });
    const page = await (await demo.app.request(`/finance/grants/${lumen!.id}`, await donorOf(lumen!.donor))).text();
    expect(page).toContain('Results of what this grant funds');
    expect(page).toContain('Fewer fatal and serious incidents at Kamilombe');
    expect(page).toContain('Children out of child labour and in school or training');
    const serious2025 = await directSum(demo.db, 'safety.incidents_by_kind', 2025, { site: 'KAM' }, { severity: 'serious_lost_time' });
    expect(page).toMatch(new RegExp(`<td[^>]*>2025</td><td[^>]*>5</td><td[^>]*>${serious2025}</td>`));
    // The EPRM grant funds the credit mechanism's digitisation, which has no result yet.
    const other = await (await demo.app.request(`/finance/grants/${eprm!.id}?lang=fr`, await donorOf(eprm!.donor))).text();
    expect(other).toContain('Aucun résultat n’est encore enregistré');
  });
});
