import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCommandRefusal } from '../../test/expect.ts';
import { insertSite } from '../../test/factories/sites.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { anonymous, type Actor, type UserRole } from '../core/auth/roles.ts';
import { journalSize as sizeOfJournal, runCommand, type CommandContext } from '../journal/public.ts';
import { correctIncident } from './commands/correct-incident.ts';
import { recordHoursWorked } from './commands/record-hours-worked.ts';
import { recordIncident } from './commands/record-incident.ts';
import { recordIntervention } from './commands/record-intervention.ts';
import { setWorkPattern } from './commands/set-work-pattern.ts';
import type { IncidentFacts } from './incident-rules.ts';

/**
 * Each safety command asks the policy itself (`safety.record`: admins, field officers, and the
 * cooperative of the site), whoever calls it: the API, a page, the Kobo import or the CLI.
 */
let t: TestContext;
let siteId: number;
let incidentId: number;
const actors = new Map<string, Actor>();

const nearMiss: IncidentFacts = { occurredOn: '2025-02-10', kind: 'collapse_rockfall', severity: 'near_miss', description: 'Loose rock fell at the entry; nobody was below.', people: [] };

const commands: { name: string; run: (ctx: CommandContext) => Promise<unknown> }[] = [
  { name: 'recordIncident', run: (ctx) => recordIncident(ctx, { siteId, ...nearMiss }) },
  { name: 'correctIncident', run: (ctx) => correctIncident(ctx, { siteId, correctsId: incidentId, reason: 'Closed after the site visit.', ...nearMiss, status: 'closed' }) },
  { name: 'recordIntervention', run: (ctx) => recordIntervention(ctx, { siteId, kind: 'rain_covers', deliveredOn: '2025-03-01', quantity: 10, costMinor: 50_000, currency: 'USD', peopleReached: 30 }) },
  { name: 'recordIntervention (cost as typed)', run: (ctx) => recordIntervention(ctx, { siteId, kind: 'training', deliveredOn: '2025-03-02', quantity: 1, typedCost: '120,50', currency: 'USD', peopleReached: 25 }) },
  { name: 'setWorkPattern', run: (ctx) => setWorkPattern(ctx, { siteId, effectiveFrom: '2025-01', shiftMinutes: 480, daysWorkedPerMonth: 24 }) },
  { name: 'recordHoursWorked', run: (ctx) => recordHoursWorked(ctx, { siteId, month: '2025-01', hours: 4_000 }) },
];

/** Who may not record at the site, and how they are refused. */
const refused: { who: string; code: string; status: number }[] = [
  { who: 'the cooperative of another site', code: 'forbidden', status: 403 },
  { who: 'a committee member of the site’s cooperative', code: 'forbidden', status: 403 },
  { who: 'a verifier', code: 'forbidden', status: 403 },
  { who: 'a buyer', code: 'forbidden', status: 403 },
  { who: 'a member', code: 'forbidden', status: 403 },
  { who: 'nobody signed in', code: 'unauthenticated', status: 401 },
];

const journalSize = () => sizeOfJournal(t.db);

async function userActor(role: UserRole, organisation: { id: number; code: string; kind: 'cooperative' | 'verifier' | 'buyer' | 'member' }): Promise<Actor> {
  const user = await t.buildUser({ role, organisationId: organisation.id });
  return { kind: 'user', userId: user.id, orgId: organisation.id, orgCode: organisation.code, orgKind: organisation.kind, role, displayName: `Test ${role}` };
}

beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  const otherCooperative = await t.buildOrganisation({ kind: 'cooperative' });
  siteId = (await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'PRM' })).site.id;
  incidentId = (await runCommand(t.db, system, (ctx) => recordIncident(ctx, { siteId, ...nearMiss }))).id;
  actors.set('the site’s cooperative', await userActor('cooperative', { ...cooperative, kind: 'cooperative' }));
  actors.set('the cooperative of another site', await userActor('cooperative', { ...otherCooperative, kind: 'cooperative' }));
  actors.set('a committee member of the site’s cooperative', await userActor('committee', { ...cooperative, kind: 'cooperative' }));
  for (const [who, role, kind] of [
    ['a verifier', 'verifier', 'verifier'],
    ['a buyer', 'buyer', 'buyer'],
    ['a member', 'member', 'member'],
  ] as const) {
    actors.set(who, await userActor(role, { ...(await t.buildOrganisation({ kind })), kind }));
  }
  actors.set('nobody signed in', anonymous);
});
afterAll(() => t?.close());

describe('Safety commands ask the policy themselves', () => {
  for (const command of commands) {
    describe(command.name, () => {
      for (const { who, code, status } of refused) {
        it(`refuses ${who} (${status} ${code}) and journals nothing`, async () => {
          await expectCommandRefusal(() => runCommand(t.db, actors.get(who)!, command.run), code, status, { unchanged: journalSize });
        });
      }
    });
  }

  it('refuses before it reads the facts: a verifier’s incident dated in the future is forbidden, not invalid', async () => {
    const journal = await journalSize();
    await expectCommandRefusal(() => runCommand(t.db, actors.get('a verifier')!, (ctx) => recordIncident(ctx, { siteId, ...nearMiss, occurredOn: '2099-01-01' })), 'forbidden', 403);
    expect(await journalSize()).toBe(journal);
  });

  it('lets the site’s own cooperative run every one of them', async () => {
    for (const command of commands) {
      const journal = await journalSize();
      await runCommand(t.db, actors.get('the site’s cooperative')!, command.run);
      expect(await journalSize(), command.name).toBe(journal + 1);
    }
  });
});
