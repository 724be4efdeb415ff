import { count, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCommandRefusal } from '../../test/expect.ts';
import { actorOf } from '../../test/factories/registry.ts';
import { insertSite } from '../../test/factories/sites.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { anonymous, type Actor, type UserRole } from '../core/auth/roles.ts';
import { journalSize, runCommand, type CommandContext } from '../journal/public.ts';
import { registerWorker } from '../sites/public.ts';
import { addSupport } from './commands/add-support.ts';
import { closeCase } from './commands/close-case.ts';
import { confirmReferral } from './commands/confirm-referral.ts';
import { openCase, type OpenCaseProps } from './commands/open-case.ts';
import { recordVisit } from './commands/record-visit.ts';
import { childCases, childSupports, childVisits } from './schema.ts';

/**
 * Every command of the children module checks its caller itself, whoever calls it (the API, a
 * page, a Kobo import): only the admin and field users of the organisation that manages the case
 * write it. Each is called here directly, not over HTTP, by a role that may not and by the right
 * role of another organisation; each refusal writes nothing.
 */
let t: TestContext;
let siteCode: string;
let care: { id: number; code: string };
let otherCare: { id: number; code: string };
let caseId: number;
let referralCode: string;

/** Roles that never write a case, even as members of the organisation that manages it. */
const rolesThatMayNot: UserRole[] = ['cooperative', 'verifier', 'committee', 'buyer', 'member'];

const circumstances = () => ({
  caseOrganisationId: care.id,
  activity: 'washing_sorting' as const,
  community: 'Kasulo',
  householdHead: 'one_parent' as const,
  householdSize: 5,
  riskLevel: 'high' as const,
});
const newCase = (): OpenCaseProps => ({ ...circumstances(), siteCode, sex: 'female', ageAtIdentification: 13, identifiedOn: '2025-01-15', identifiedBy: 'field_officer' });

const sizeOf = async (table: typeof childCases | typeof childSupports | typeof childVisits) => Number((await t.db.select({ n: count() }).from(table))[0]!.n);
/** What a refused command must leave as it was: the journal, the cases, their plans and visits, and which are closed. */
const state = async () => ({
  journal: await journalSize(t.db),
  cases: await sizeOf(childCases),
  supports: await sizeOf(childSupports),
  visits: await sizeOf(childVisits),
  closed: Number((await t.db.select({ n: count() }).from(childCases).where(isNotNull(childCases.closedOn)))[0]!.n),
});

/** Runs a command as the actor, expects the refusal, and checks that nothing was written. */
async function expectRefused(actor: Actor, command: (ctx: CommandContext) => Promise<unknown>, code = 'forbidden', status = 403) {
  const before = await state();
  await expectCommandRefusal(() => runCommand(t.db, actor, command), code, status);
  expect(await state()).toEqual(before);
}

beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  const { site } = await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'CMD' });
  siteCode = site.code;
  care = await t.buildOrganisation({ kind: 'partner', code: 'care-cmd' });
  otherCare = await t.buildOrganisation({ kind: 'partner', code: 'care-other' });
  caseId = (await runCommand(t.db, actorOf({ ...care, kind: 'partner' }, 'field'), (ctx) => openCase(ctx, newCase()))).id;
  const worker = await runCommand(t.db, system, (ctx) =>
    registerWorker(ctx, { siteId: site.id, fullName: 'Petit Canarycommand', sex: 'M', birthYear: 2011, operatorGroup: 'diggers', registeredOn: '2025-03-02' }),
  );
  if (worker.outcome !== 'referred') throw new Error('expected a referral');
  referralCode = worker.referral.code;
});
afterAll(async () => {
  await t?.close();
});

/** Who may not write the case of `care`; built when called, once the organisations exist. */
const wrongCallers: [string, () => Actor][] = [
  ...rolesThatMayNot.map((role): [string, () => Actor] => [`a ${role} of the managing organisation`, () => actorOf({ ...care, kind: 'partner' }, role)]),
  ['a field officer of another organisation', () => actorOf({ ...otherCare, kind: 'partner' }, 'field')],
  ['an admin of another organisation', () => actorOf({ ...otherCare, kind: 'partner' }, 'admin')],
  ['the system, acting for no organisation', () => system],
];

describe('Opening a case', () => {
  it.each(wrongCallers)('is refused to %s', async (_who, actor) => {
    await expectRefused(actor(), (ctx) => openCase(ctx, newCase()));
  });

  it('is refused to a field officer opening it for another organisation', async () => {
    await expectRefused(actorOf({ ...otherCare, kind: 'partner' }, 'field'), (ctx) => openCase(ctx, { ...newCase(), caseOrganisationId: care.id }));
  });

  it('sends an anonymous caller to sign in', async () => {
    await expectRefused(anonymous, (ctx) => openCase(ctx, newCase()), 'unauthenticated', 401);
  });
});

describe('Confirming a referral', () => {
  it.each(wrongCallers)('is refused to %s', async (_who, actor) => {
    await expectRefused(actor(), (ctx) => confirmReferral(ctx, { ...circumstances(), referralCode }));
  });

  it('sends an anonymous caller to sign in', async () => {
    await expectRefused(anonymous, (ctx) => confirmReferral(ctx, { ...circumstances(), referralCode }), 'unauthenticated', 401);
  });
});

describe('Writing on a case', () => {
  type CaseCommand = (caseId: number) => (ctx: CommandContext) => Promise<unknown>;
  const commands: Record<string, CaseCommand> = {
    'adding a support': (id) => (ctx) =>
      addSupport(ctx, { caseId: id, kind: 'health_check', provider: care.code, startedOn: '2025-02-01', costMinor: 1500, currency: 'USD' }),
    'recording a visit': (id) => (ctx) => recordVisit(ctx, { caseId: id, visitedOn: '2025-02-10', outcome: 'in_school_or_training', dueMonths: null }),
    'closing the case': (id) => (ctx) => closeCase(ctx, { caseId: id, closedOn: '2025-03-01', reason: 'transferred' }),
  };
  const cases = Object.entries(commands).flatMap(([what, command]) => wrongCallers.map(([who, actor]) => ({ what, who, actor, command })));

  it.each(cases)('$what is refused to $who', async ({ actor, command }) => {
    await expectRefused(actor(), command(caseId));
  });

  it.each(Object.entries(commands))('%s is refused for a case that does not exist, as for another organisation’s', async (_what, command) => {
    await expectRefused(actorOf({ ...care, kind: 'partner' }, 'field'), command(999_999));
  });

  it.each(Object.entries(commands))('%s sends an anonymous caller to sign in', async (_what, command) => {
    await expectRefused(anonymous, command(caseId), 'unauthenticated', 401);
  });

  it('is allowed to a field officer of the managing organisation', async () => {
    const officer = actorOf({ ...care, kind: 'partner' }, 'field');
    for (const command of Object.values(commands)) await runCommand(t.db, officer, command(caseId));
    expect(await state()).toMatchObject({ supports: 1, visits: 1, closed: 1 });
  });
});
