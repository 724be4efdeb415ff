import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { addMonths, isoDateOf } from '../core/calendar.ts';
import { runCommand } from '../journal/public.ts';
import { saveAssessmentResponses } from './commands/assessments/save-assessment-responses.ts';
import { startAssessment } from './commands/assessments/start-assessment.ts';
import { submitAssessment } from './commands/assessments/submit-assessment.ts';
import { closeCorrectiveAction } from './commands/corrective-actions/close-corrective-action.ts';
import { raiseCorrectiveAction } from './commands/corrective-actions/raise-corrective-action.ts';
import { declareProduction } from './commands/production/declare-production.ts';
import { createSite } from './commands/sites/create-site.ts';
import { createStandardVersion } from './commands/standard/create-standard-version.ts';
import { publishStandardVersion } from './commands/standard/publish-standard-version.ts';
import { registerWorker } from './commands/workers/register-worker.ts';
import { defaultStandard } from './default-standard.ts';

let t: TestContext;
const today = isoDateOf(new Date());
const year = Number(today.slice(0, 4));
// Everything is recorded in last month, so that no date is in the future on any day of the year (early January included).
const lastMonth = addMonths(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
const thisPeriod = `from=${lastMonth}-01&to=${addMonths(`${today.slice(0, 7)}-01`, 1)}`;

type Values = { value: number; dimensions: Record<string, string> }[];
async function values(id: string, query = thisPeriod): Promise<Values> {
  const response = await t.app.request(`/api/v1/indicators/${id}?${query}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { values: Values }).values;
}

beforeAll(async () => {
  t = await createTestContext();
  await runCommand(t.db, system, (c) => createStandardVersion(c, { version: '1.0', source: { kind: 'default' } }));
  await runCommand(t.db, system, (c) => publishStandardVersion(c, { version: '1.0' }));
  const cooperative = await t.buildOrganisation({ kind: 'cooperative', code: 'coop-ind' });
  const verifierOrg = await t.buildOrganisation({ kind: 'verifier', code: 'audit-ind' });
  const site = await runCommand(t.db, system, (c) =>
    createSite(c, { code: 'IND', name: 'Indicator site', province: 'Lualaba', town: 'Kolwezi', latitudeE6: -10_700_000, longitudeE6: 25_400_000, concessionHolder: 'EGC', cooperative: cooperative.code }),
  );
  for (const [fullName, sex, group] of [
    ['Amina One', 'F', 'washers'],
    ['Rose Two', 'F', 'washers'],
    ['Jean Three', 'M', 'diggers'],
    ['Guy Four', 'M', 'diggers'],
  ] as const) {
    await runCommand(t.db, system, (c) => registerWorker(c, { siteId: site.id, fullName, sex, birthYear: 1990, operatorGroup: group, registeredOn: `${lastMonth}-05` }));
  }
  const coop = { kind: 'system', orgId: cooperative.id, orgCode: cooperative.code, role: 'admin' } as const;
  await runCommand(t.db, coop, (c) => declareProduction(c, { siteId: site.id, mineral: 'cobalt', producedOn: `${lastMonth}-10`, wetOreKg: 10_000, dryOreKg: 10_000, gradeBasisPoints: 300, buyer: 'EGC' }));
  await runCommand(t.db, coop, (c) => declareProduction(c, { siteId: site.id, mineral: 'cobalt', producedOn: `${lastMonth}-20`, wetOreKg: 10_000, dryOreKg: 10_000, gradeBasisPoints: 200, buyer: 'EGC' }));
  const verifierUser = { kind: 'user', userId: 0, orgId: verifierOrg.id, orgCode: verifierOrg.code, orgKind: 'verifier', role: 'verifier', displayName: 'V' } as const;
  const assessment = await runCommand(t.db, verifierUser, (c) => startAssessment(c, { siteId: site.id, periodStart: `${lastMonth}-01`, periodEnd: `${lastMonth}-28` }));
  const responses = defaultStandard.criteria.map((criterion) => ({ criterionCode: criterion.code, rating: criterion.code === 'EN-03' ? ('not_met' as const) : ('met' as const) }));
  await runCommand(t.db, verifierUser, (c) => saveAssessmentResponses(c, { assessmentId: assessment.id, responses }));
  await runCommand(t.db, verifierUser, (c) => submitAssessment(c, { assessmentId: assessment.id }));
  const onTime = await runCommand(t.db, system, (c) => raiseCorrectiveAction(c, { siteId: site.id, title: 'Lead rain water away', owner: 'CMDS', dueOn: `${year + 1}-01-31`, costEstimate: '200', currency: 'USD' }));
  await runCommand(t.db, system, (c) => raiseCorrectiveAction(c, { siteId: site.id, title: 'Fence old pits', owner: 'CMDS', dueOn: `${year + 1}-06-30`, costEstimate: '100', currency: 'USD' }));
  await runCommand(t.db, system, (c) => closeCorrectiveAction(c, { correctiveActionId: onTime.id, closureNote: 'Done', closedOn: today }));
});
afterAll(() => t.close());

describe('Sites indicators', () => {
  it('counts workers by group and sex on the last day of the period', async () => {
    const rows = (await values('sites.workers_by_group_and_sex')).filter((v) => v.value > 0);
    expect(rows).toEqual(
      expect.arrayContaining([
        { value: 2, dimensions: { site: 'IND', group: 'washers', sex: 'female' } },
        { value: 2, dimensions: { site: 'IND', group: 'diggers', sex: 'male' } },
      ]),
    );
    expect(rows.reduce((sum, v) => sum + v.value, 0)).toBe(4);
    expect(await values('sites.workers_by_group_and_sex', `from=${addMonths(`${lastMonth}-01`, -12)}&to=${lastMonth}-02`).then((v) => v.every((x) => x.value === 0))).toBe(true);
  });

  it('gives the share of women', async () => {
    expect(await values('sites.share_of_women')).toEqual([{ value: 50, dimensions: { site: 'IND' } }]);
  });

  it('sums contained metal by month and mineral', async () => {
    expect(await values('sites.production_by_month', `from=${lastMonth}-01&to=${addMonths(`${lastMonth}-01`, 1)}&mineral=cobalt`)).toEqual([
      { value: 500, dimensions: { site: 'IND', month: lastMonth, mineral: 'cobalt' } },
    ]);
  });

  it('reports the latest scores by area', async () => {
    const rows = await values('sites.assessment_scores_by_area');
    expect(rows.find((v) => v.dimensions.area === 'health_safety')?.value).toBe(100);
    expect(rows.find((v) => v.dimensions.area === 'environment')?.value).toBe(80);
    expect(rows.find((v) => v.dimensions.area === 'overall')).toBeDefined();
  });

  it('counts corrective actions open and closed on time', async () => {
    const rows = await values('sites.corrective_actions');
    const state = (name: string) => rows.find((v) => v.dimensions.state === name)?.value;
    expect(state('closed')).toBe(1);
    expect(state('closed_on_time')).toBe(1);
    expect(state('open')).toBe(1);
    expect(state('overdue')).toBe(0);
  });
});
