import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCommandRefusal } from '../../test/expect.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { anonymous, type Actor, type OrganisationKind, type UserRole } from '../core/auth/roles.ts';
import { journalSize as sizeOfJournal, runCommand, type CommandContext } from '../journal/public.ts';
import { addMember } from './commands/add-member.ts';
import { createGroup } from './commands/create-group.ts';
import { openCycle } from './commands/open-cycle.ts';
import { recordEnterpriseRevenue } from './commands/record-enterprise-revenue.ts';
import { recordMeeting } from './commands/record-meeting.ts';
import { registerEnterprise } from './commands/register-enterprise.ts';
import { shareOutCycle } from './commands/share-out.ts';

/**
 * Each savings command asks the policy itself (`savings.record`: admins and the secretariat's field
 * officers, who keep the members' personal data), whoever calls it: the API, a page, the Kobo import,
 * the demo or the CLI. A field officer of a partner organisation or of a cooperative has the right
 * role in the wrong organisation, and is refused like the roles that may not record at all.
 */
let t: TestContext;
const group = 'CPM-VSLA-01';
const actors = new Map<string, Actor>();

/** In an order in which each one succeeds for someone who may record: the share-out, which closes the cycle, comes last. */
const commands: { name: string; run: (ctx: CommandContext) => Promise<unknown> }[] = [
  { name: 'createGroup', run: (ctx) => createGroup(ctx, { code: 'CPM-VSLA-02', name: 'Second', community: 'Kasulo', facilitator: 'cp-fca', formedOn: '2025-01-01' }) },
  { name: 'addMember', run: (ctx) => addMember(ctx, { groupCode: group, name: 'Furaha Added', sex: 'female', joinedOn: '2025-01-02' }) },
  { name: 'openCycle', run: (ctx) => openCycle(ctx, { groupCode: group, startsOn: '2026-01-01', endsOn: '2026-06-30', sharePriceMinor: 10_000, monthlyInterestBps: 1000, socialFundContributionMinor: 0 }) },
  { name: 'recordMeeting', run: (ctx) => recordMeeting(ctx, { groupCode: group, cycle: 1, meetingDate: '2025-02-04', members: [{ memberCode: `${group}-M01`, present: true, shares: 2 }] }) },
  { name: 'registerEnterprise', run: (ctx) => registerEnterprise(ctx, { ownerMemberCode: `${group}-M01`, sector: 'retail', startedOn: '2025-02-01' }) },
  { name: 'recordEnterpriseRevenue', run: (ctx) => recordEnterpriseRevenue(ctx, { enterpriseCode: `${group}-E01`, month: '2025-02', revenueMinor: 150_000 }) },
  { name: 'shareOutCycle', run: (ctx) => shareOutCycle(ctx, { groupCode: group, cycle: 1, heldOn: '2025-12-30' }) },
];

/** Who may not record, and how they are refused. */
const refused: { who: string; code: string; status: number }[] = [
  { who: 'a field officer of a partner organisation', code: 'forbidden', status: 403 },
  { who: 'a field officer of a cooperative', code: 'forbidden', status: 403 },
  { who: 'a cooperative', code: 'forbidden', status: 403 },
  { who: 'a committee member', code: 'forbidden', status: 403 },
  { who: 'a verifier', code: 'forbidden', status: 403 },
  { who: 'a buyer', code: 'forbidden', status: 403 },
  { who: 'a member', code: 'forbidden', status: 403 },
  { who: 'nobody signed in', code: 'unauthenticated', status: 401 },
];

const journalSize = () => sizeOfJournal(t.db);

async function userActor(role: UserRole, kind: OrganisationKind, organisation?: { id: number; code: string }): Promise<Actor> {
  const org = organisation ?? (await t.buildOrganisation({ kind }));
  const user = await t.buildUser({ role, organisationId: org.id });
  return { kind: 'user', userId: user.id, orgId: org.id, orgCode: org.code, orgKind: kind, role, displayName: `Test ${role}` };
}

beforeAll(async () => {
  t = await createTestContext();
  const secretariat = await t.buildOrganisation({ kind: 'secretariat', code: 'cp-fca' });
  await runCommand(t.db, system, (ctx) =>
    createGroup(ctx, { code: group, name: 'Permissions', community: 'Kasulo', facilitator: 'cp-fca', formedOn: '2024-12-01', members: [{ name: 'Amina Saver', sex: 'female' }] }),
  );
  await runCommand(t.db, system, (ctx) => openCycle(ctx, { groupCode: group, startsOn: '2025-01-01', endsOn: '2025-12-31', sharePriceMinor: 10_000, monthlyInterestBps: 1000, socialFundContributionMinor: 0 }));
  await runCommand(t.db, system, (ctx) => registerEnterprise(ctx, { ownerMemberCode: `${group}-M01`, sector: 'food', startedOn: '2025-01-10' }));

  actors.set('the secretariat’s field officer', await userActor('field', 'secretariat', secretariat));
  actors.set('a field officer of a partner organisation', await userActor('field', 'partner'));
  actors.set('a field officer of a cooperative', await userActor('field', 'cooperative'));
  actors.set('a cooperative', await userActor('cooperative', 'cooperative'));
  actors.set('a committee member', await userActor('committee', 'cooperative'));
  actors.set('a verifier', await userActor('verifier', 'verifier'));
  actors.set('a buyer', await userActor('buyer', 'buyer'));
  actors.set('a member', await userActor('member', 'member'));
  actors.set('nobody signed in', anonymous);
});
afterAll(() => t?.close());

describe('Savings commands ask the policy themselves', () => {
  for (const command of commands) {
    describe(command.name, () => {
      for (const { who, code, status } of refused) {
        it(`refuses ${who} (${status} ${code}) and journals nothing`, async () => {
          await expectCommandRefusal(() => runCommand(t.db, actors.get(who)!, command.run), code, status, { unchanged: journalSize });
        });
      }
    });
  }

  it('refuses before it reads the props: a partner’s field officer adding a member dated in the future is forbidden, not invalid', async () => {
    const journal = await journalSize();
    await expectCommandRefusal(
      () => runCommand(t.db, actors.get('a field officer of a partner organisation')!, (ctx) => addMember(ctx, { groupCode: group, name: 'Too Early', sex: 'female', joinedOn: '2099-01-01' })),
      'forbidden',
      403,
    );
    expect(await journalSize()).toBe(journal);
  });

  it('lets the secretariat’s field officer run every one of them (the refusals were about who asked)', async () => {
    for (const command of commands) {
      const journal = await journalSize();
      await runCommand(t.db, actors.get('the secretariat’s field officer')!, command.run);
      expect(await journalSize(), command.name).toBe(journal + 1);
    }
  });
});
