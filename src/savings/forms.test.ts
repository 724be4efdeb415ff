import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { isoDateOf } from '../core/calendar.ts';
import { runCommand } from '../journal/public.ts';
import { createGroup } from './commands/create-group.ts';
import { openCycle } from './commands/open-cycle.ts';
import { recordMeeting } from './commands/record-meeting.ts';
import { parseFoundingMembers } from './pages/forms.tsx';
import { savingsCycles, savingsEnterpriseRevenues, savingsEnterprises, savingsGroups, savingsMembers } from './schema.ts';

/** A field officer creates groups, members, cycles and enterprises from the web forms; others may not. */
let t: TestContext;
let officer: Awaited<ReturnType<TestContext['signIn']>>;
let verifier: Awaited<ReturnType<TestContext['signIn']>>;

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});
const rows = async (table: typeof savingsGroups | typeof savingsMembers | typeof savingsCycles | typeof savingsEnterprises | typeof savingsEnterpriseRevenues) =>
  Number((await t.db.select({ n: count() }).from(table))[0]!.n);
const daysAgo = (days: number) => isoDateOf(new Date(Date.now() - days * 86_400_000));

beforeAll(async () => {
  t = await createTestContext();
  const fca = await t.buildOrganisation({ kind: 'secretariat', code: 'fm-fca' });
  const user = await t.buildUser({ role: 'field', organisationId: fca.id });
  officer = await t.signIn(user.email, user.password);
  const other = await t.buildUser({ role: 'verifier' });
  verifier = await t.signIn(other.email, other.password);
});
afterAll(() => t?.close());

const newGroup = {
  code: 'FMA-VSLA-01',
  name: 'Tujenge',
  community: 'Kasulo',
  facilitator: 'fm-fca',
  formedOn: '2025-01-05',
  members: 'Neema Kasongo; F; présidente\nSifa Banza; F; treasurer\n\nJean Mbuyi; H',
};

describe('founding members text', () => {
  it('reads one member a line, in either language, and names the lines it cannot read', () => {
    expect(parseFoundingMembers(newGroup.members)).toEqual({
      members: [
        { name: 'Neema Kasongo', sex: 'female', committeeRole: 'chair' },
        { name: 'Sifa Banza', sex: 'female', committeeRole: 'treasurer' },
        { name: 'Jean Mbuyi', sex: 'male', committeeRole: 'member' },
      ],
      badLines: [],
    });
    expect(parseFoundingMembers('Neema; X\n; F\nAmani; F; Key keeper\nBora; F; boss').badLines).toEqual([1, 2, 4]);
  });
});

describe('savings forms', () => {
  it('shows the new-group form in French, linked from the groups list', async () => {
    expect(await (await officer.request('/savings/groups?lang=fr')).text()).toContain('href="/savings/groups/new"');
    const page = await (await officer.request('/savings/groups/new?lang=fr')).text();
    expect(page).toContain('Enregistrer un groupe d’épargne');
    expect(page).toContain('Membres fondateurs');
    expect(page).toContain('name="_csrf"');
  });

  it('refuses a bad group with the form kept and the errors beside the fields, writing nothing', async () => {
    const unreadable = await officer.request('/savings/groups/new?lang=fr', form({ ...newGroup, members: 'Neema Kasongo; F\nSifa Banza; Q' }));
    expect(unreadable.status).toBe(422);
    const page = await unreadable.text();
    expect(page).toContain('Les lignes 2 n’ont pas pu être lues');
    expect(page).toContain('Sifa Banza; Q');
    expect(page).toContain('value="Tujenge"');

    const invalid = await officer.request('/savings/groups/new', form({ ...newGroup, code: 'nope', formedOn: '2025-13-40' }));
    expect(invalid.status).toBe(422);
    const text = await invalid.text();
    expect(text).toContain('class="error-summary"');
    expect(text).toContain('id="code-error"');
    expect(text).toContain('id="formedOn-error"');
    expect(text).toContain('value="2025-13-40"');
    expect(await rows(savingsGroups)).toBe(0);
    expect(await rows(savingsMembers)).toBe(0);
  });

  it('creates the group with its founding members and goes to its page', async () => {
    const response = await officer.request('/savings/groups/new', form(newGroup));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/savings/groups/FMA-VSLA-01');
    const members = await t.db.select().from(savingsMembers).orderBy(savingsMembers.code);
    expect(members.map((m) => [m.code, m.name, m.sex, m.committeeRole])).toEqual([
      ['FMA-VSLA-01-M01', 'Neema Kasongo', 'female', 'chair'],
      ['FMA-VSLA-01-M02', 'Sifa Banza', 'female', 'treasurer'],
      ['FMA-VSLA-01-M03', 'Jean Mbuyi', 'male', 'member'],
    ]);
    const again = await officer.request('/savings/groups/new?lang=fr', form(newGroup));
    expect(again.status).toBe(422);
    expect(await again.text()).toContain('Un groupe d’épargne avec le code « FMA-VSLA-01 » existe déjà.');
    expect(await rows(savingsGroups)).toBe(1);
  });

  it('adds a member from the group page, and refuses one who joined before the group formed', async () => {
    const page = await (await officer.request('/savings/groups/FMA-VSLA-01?lang=fr')).text();
    expect(page).toContain('Ajouter un membre');
    expect(page).toContain('action="/savings/groups/FMA-VSLA-01/members"');
    const refused = await officer.request('/savings/groups/FMA-VSLA-01/members?lang=fr', form({ name: 'Amani Ilunga', sex: 'female', committeeRole: 'member', joinedOn: '2024-06-01' }));
    expect(refused.status).toBe(422);
    const text = await refused.text();
    expect(text).toContain('id="joinedOn-error"');
    expect(text).toContain('value="Amani Ilunga"');
    const blank = await officer.request('/savings/groups/FMA-VSLA-01/members', form({ name: ' ', sex: 'female', committeeRole: 'member', joinedOn: '2025-02-01' }));
    expect(blank.status).toBe(422);
    expect(await blank.text()).toContain('id="name-error"');
    expect(await rows(savingsMembers)).toBe(3);
    const added = await officer.request('/savings/groups/FMA-VSLA-01/members', form({ name: 'Amani Ilunga', sex: 'female', committeeRole: 'secretary', joinedOn: '2025-02-01' }));
    expect(added.status).toBe(303);
    const [member] = await t.db.select().from(savingsMembers).where(eq(savingsMembers.code, 'FMA-VSLA-01-M04'));
    expect(member).toMatchObject({ name: 'Amani Ilunga', committeeRole: 'secretary', joinedOn: '2025-02-01' });
  });

  it('opens a cycle from the group page with amounts in francs, and refuses unreadable or overlapping rules', async () => {
    const rules = { startsOn: '2025-01-06', endsOn: '2025-12-31', sharePrice: '1000', maxSharesPerMeeting: '5', monthlyInterest: '10', socialFund: '200' };
    const unreadable = await officer.request('/savings/groups/FMA-VSLA-01/cycles?lang=fr', form({ ...rules, sharePrice: 'mille' }));
    expect(unreadable.status).toBe(422);
    const text = await unreadable.text();
    expect(text).toContain('id="sharePrice-error"');
    expect(text).toContain('value="mille"');
    const tooMany = await officer.request('/savings/groups/FMA-VSLA-01/cycles', form({ ...rules, maxSharesPerMeeting: '12' }));
    expect(tooMany.status).toBe(422);
    expect(await tooMany.text()).toContain('id="maxSharesPerMeeting-error"');
    expect(await rows(savingsCycles)).toBe(0);
    expect((await officer.request('/savings/groups/FMA-VSLA-01/cycles', form(rules))).status).toBe(303);
    const [cycle] = await t.db.select().from(savingsCycles);
    expect(cycle).toMatchObject({ number: 1, sharePriceMinor: 100_000, maxSharesPerMeeting: 5, monthlyInterestBps: 1000, socialFundContributionMinor: 20_000 });
    const overlap = await officer.request('/savings/groups/FMA-VSLA-01/cycles?lang=fr', form({ ...rules, startsOn: '2025-06-01', endsOn: '2026-05-31' }));
    expect(overlap.status).toBe(422);
    expect(await overlap.text()).toContain('les cycles d’un groupe ne peuvent pas se chevaucher');
    expect(await rows(savingsCycles)).toBe(1);
  });

  it('registers an enterprise and records its takings, refusing an unknown owner or enterprise', async () => {
    const page = await (await officer.request('/savings/enterprises?lang=fr')).text();
    expect(page).toContain('Enregistrer une entreprise');
    expect(page).toContain('Recettes du mois (CDF)');
    const unknown = await officer.request('/savings/enterprises?lang=fr', form({ ownerMemberCode: 'FMA-VSLA-01-M09', sector: 'tailoring', startedOn: '2025-03-01', financingLoanId: '' }));
    expect(unknown.status).toBe(422);
    const text = await unknown.text();
    expect(text).toContain('id="ownerMemberCode-error"');
    expect(text).toContain('value="FMA-VSLA-01-M09"');
    expect(await rows(savingsEnterprises)).toBe(0);
    const registered = await officer.request('/savings/enterprises', form({ ownerMemberCode: 'fma-vsla-01-m02', sector: 'tailoring', startedOn: '2025-03-01', financingLoanId: '' }));
    expect(registered.status).toBe(303);
    const [enterprise] = await t.db.select().from(savingsEnterprises);
    expect(enterprise).toMatchObject({ code: 'FMA-VSLA-01-E01', sector: 'tailoring', financingLoanId: null });

    const badMonth = await officer.request('/savings/enterprises/revenue', form({ enterpriseCode: 'FMA-VSLA-01-E01', month: 'mars', revenue: '25000' }));
    expect(badMonth.status).toBe(422);
    expect(await badMonth.text()).toContain('id="month-error"');
    const noSuch = await officer.request('/savings/enterprises/revenue?lang=fr', form({ enterpriseCode: 'FMA-VSLA-01-E07', month: '2025-03', revenue: '25000' }));
    expect(noSuch.status).toBe(422);
    expect(await noSuch.text()).toContain('Il n’existe pas d’entreprise « FMA-VSLA-01-E07 ».');
    expect(await rows(savingsEnterpriseRevenues)).toBe(0);
    expect((await officer.request('/savings/enterprises/revenue', form({ enterpriseCode: 'FMA-VSLA-01-E01', month: '2025-03', revenue: '25 000,50' }))).status).toBe(303);
    const [revenue] = await t.db.select().from(savingsEnterpriseRevenues);
    expect(revenue).toMatchObject({ month: '2025-03', revenueMinor: 2_500_050, profitMinor: null });
  });

  it('records an enterprise’s jobs created and its profit or loss as well as its takings, and lists them with the owner’s sex', async () => {
    const tooMuch = await officer.request('/savings/enterprises/revenue?lang=fr', form({ enterpriseCode: 'FMA-VSLA-01-E01', month: '2025-04', revenue: '1000', profit: '1500' }));
    expect(tooMuch.status).toBe(422);
    expect(await tooMuch.text()).toContain('Le bénéfice ne peut pas dépasser les recettes du mois');
    const notNumber = await officer.request('/savings/enterprises/revenue', form({ enterpriseCode: 'FMA-VSLA-01-E01', month: '2025-04', revenue: '1000', jobsCreated: 'two' }));
    expect(await notNumber.text()).toContain('id="jobsCreated-error"');
    expect((await officer.request('/savings/enterprises/revenue', form({ enterpriseCode: 'FMA-VSLA-01-E01', month: '2025-04', revenue: '30000', profit: '-1500,50', jobsCreated: '2' }))).status).toBe(303);
    expect(await t.db.select({ profitMinor: savingsEnterpriseRevenues.profitMinor }).from(savingsEnterpriseRevenues).where(eq(savingsEnterpriseRevenues.month, '2025-04'))).toEqual([{ profitMinor: -150_050 }]);
    expect((await t.db.select({ jobs: savingsEnterprises.jobsCreated }).from(savingsEnterprises))[0]!.jobs).toBe(2);
    const list = (await (await officer.request('/savings/enterprises?lang=fr')).text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(list).toMatch(/FMA-VSLA-01-E01 FMA-VSLA-01-M02 (Femme|Homme) /);
    expect(list).toMatch(/-1\s500,50\sCDF 2/);
  });

  it('lets no one without savings.record create anything, and sends visitors to sign in', async () => {
    expect((await verifier.request('/savings/groups/new')).status).toBe(403);
    expect((await verifier.request('/savings/groups/new', form({ ...newGroup, code: 'FMA-VSLA-02' }))).status).toBe(403);
    expect((await verifier.request('/savings/groups/FMA-VSLA-01/members', form({ name: 'X', sex: 'female', committeeRole: 'member', joinedOn: '2025-02-01' }))).status).toBe(403);
    expect((await verifier.request('/savings/groups/FMA-VSLA-01/cycles', form({ startsOn: '2026-01-06', endsOn: '2026-12-31', sharePrice: '1000', monthlyInterest: '10', socialFund: '0' }))).status).toBe(403);
    expect((await verifier.request('/savings/enterprises', form({ ownerMemberCode: 'FMA-VSLA-01-M01', sector: 'food', startedOn: '2025-03-01' }))).status).toBe(403);
    expect((await verifier.request('/savings/enterprises/revenue', form({ enterpriseCode: 'FMA-VSLA-01-E01', month: '2025-04', revenue: '1' }))).status).toBe(403);
    expect([302, 303]).toContain((await t.app.request('/savings/groups/new')).status);
    expect(await rows(savingsGroups)).toBe(1);
    expect(await rows(savingsMembers)).toBe(4);
    expect(await rows(savingsCycles)).toBe(1);
    expect(await rows(savingsEnterprises)).toBe(1);
    expect(await rows(savingsEnterpriseRevenues)).toBe(2);
  });
});

describe('savings home section', () => {
  it('lists groups with no meeting for over two weeks and ended cycles to share out, for field officers only', async () => {
    const fresh = 'FMB-VSLA-01';
    const late = 'FMB-VSLA-02';
    const ended = 'FMB-VSLA-03';
    for (const code of [fresh, late, ended]) {
      await runCommand(t.db, system, (ctx) => createGroup(ctx, { code, name: code, community: 'Kasulo', facilitator: 'fm-fca', formedOn: daysAgo(200), members: [{ name: 'Neema', sex: 'female' }] }));
    }
    const rules = { sharePriceMinor: 100_000, monthlyInterestBps: 1000, socialFundContributionMinor: 0 };
    await runCommand(t.db, system, (ctx) => openCycle(ctx, { groupCode: fresh, startsOn: daysAgo(100), endsOn: daysAgo(-200), ...rules }));
    await runCommand(t.db, system, (ctx) => openCycle(ctx, { groupCode: late, startsOn: daysAgo(100), endsOn: daysAgo(-200), ...rules }));
    await runCommand(t.db, system, (ctx) => openCycle(ctx, { groupCode: ended, startsOn: daysAgo(150), endsOn: daysAgo(3), ...rules }));
    const meet = (groupCode: string, meetingDate: string) =>
      runCommand(t.db, system, (ctx) => recordMeeting(ctx, { groupCode, cycle: 1, meetingDate, members: [{ memberCode: `${groupCode}-M01`, present: true, shares: 1 }] }));
    await meet(fresh, daysAgo(7));
    await meet(late, daysAgo(20));

    const home = await (await officer.request('/?lang=fr')).text();
    expect(home).toContain('Groupes d’épargne');
    expect(home).toContain(`href="/savings/groups/${late}/cycles/1/meetings/new"`);
    expect(home).toContain(`href="/savings/groups/${ended}/cycles/1/statement"`);
    expect(home).not.toContain(`/savings/groups/${fresh}/cycles/1/meetings/new`);
    expect(home).toContain(`${late} : aucune réunion enregistrée depuis le`);
    const verifierHome = await (await verifier.request('/')).text();
    expect(verifierHome).not.toContain('/meetings/new');
  });
});
