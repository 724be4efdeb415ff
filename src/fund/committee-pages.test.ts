import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../../test/factories/registry.ts';
import { insertSite } from '../../test/factories/sites.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { isoDateOf } from '../core/calendar.ts';
import { runCommand } from '../journal/public.ts';
import { decideProposal } from './commands/decide-proposal.ts';
import { setCommitteeRules } from './commands/set-committee-rules.ts';
import { fundMeetings, fundVotes } from './schema.ts';
import { fundWithCommittee, meetingOf, submittedProposal } from './test-support.ts';

/** The committee's pages: the votes of each decision, the warning before a meeting that cannot decide, the votes kept when a decision is refused, and the home page's links. */
let t: TestContext;
let member: Awaited<ReturnType<TestContext['signIn']>>;
let committee: ReturnType<typeof actorOf>;
let members: { id: number }[];
const site = 'CMT';

beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: site });
  committee = actorOf(cooperative, 'committee');
  ({ members } = await fundWithCommittee(t.db, system, site));
  const user = await t.buildUser({ role: 'committee', organisationId: cooperative.id });
  member = await t.signIn(user.email, user.password);
});
afterAll(() => t?.close());

const form = (fields: Record<string, string> | [string, string][]) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});
const ids = (...indexes: number[]) => indexes.map((i) => members[i]!.id);
const meetingCount = async () => Number((await t.db.select({ n: count() }).from(fundMeetings))[0]!.n);
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const rules = (publishMemberNames: boolean) => runCommand(t.db, system, (c) => setCommitteeRules(c, { site, quorumBasisPoints: 6000, majorityBasisPoints: 5000, requiredGroups: ['washers'], publishMemberNames }));

describe('The votes of a decision', () => {
  it('are shown by group on the meeting page and the proposal when the committee keeps its members’ names private', async () => {
    const proposal = await submittedProposal(t.db, committee, site, [100_000]);
    const meeting = await meetingOf(t.db, committee, site, ids(0, 1, 2, 3));
    const votes = [
      { memberId: members[0]!.id, vote: 'yes' as const },
      { memberId: members[2]!.id, vote: 'yes' as const },
      { memberId: members[3]!.id, vote: 'no' as const },
      { memberId: members[1]!.id, vote: 'abstain' as const },
    ];
    await runCommand(t.db, committee, (c) => decideProposal(c, { meetingId: meeting.id, proposalId: proposal.id, votes }));
    for (const path of [`/funds/${site}/meetings/${meeting.id}`, `/funds/${site}/proposals/${proposal.id}`]) {
      const page = textOf(await (await member.request(path)).text());
      expect(page).toContain('Approved 2 votes for, 1 against, 1 abstention.');
      expect(page).toContain('by group (the committee does not publish its members’ names)');
      // washers: 1 yes, 1 no, 0 abstain
      expect(page).toMatch(/washers 1 1 0/);
      expect(page).not.toMatch(/Chantal Laveuse Yes|Denise Laveuse No/);
    }
    const french = textOf(await (await member.request(`/funds/${site}/proposals/${proposal.id}?lang=fr`)).text());
    expect(french).toContain('Approuvée 2 voix pour, 1 contre, 1 abstention.');
    expect(french).toContain('Décidé à la réunion du');
  });

  it('are shown member by member where the committee publishes its members’ names, with one vote said in the singular', async () => {
    await rules(true);
    try {
      const proposal = await submittedProposal(t.db, committee, site, [100_000]);
      const meeting = await meetingOf(t.db, committee, site, ids(0, 1, 2));
      await runCommand(t.db, committee, (c) => decideProposal(c, { meetingId: meeting.id, proposalId: proposal.id, votes: [{ memberId: members[2]!.id, vote: 'yes' }] }));
      const page = textOf(await (await member.request(`/funds/${site}/meetings/${meeting.id}`)).text());
      expect(page).toContain('Approved 1 vote for, none against, no abstention.');
      expect(page).toContain('Chantal Laveuse washers Yes');
      expect(textOf(await (await member.request(`/funds/${site}/proposals/${proposal.id}?lang=fr`)).text())).toContain('Chantal Laveuse washers Pour');
    } finally {
      await rules(false);
    }
  });
});

describe('Recording a meeting', () => {
  it('puts each attendance box beside its member’s name and says what a meeting needs to decide', async () => {
    const page = await (await member.request(`/funds/${site}/meetings`)).text();
    expect(page).toMatch(new RegExp(`<label class="radio"><input type="checkbox" name="attendees" value="${members[2]!.id}"/><span>Chantal Laveuse \\(washers\\)`));
    expect(textOf(page)).toContain('To decide, a meeting needs at least 3 of the 5 members in office present, including a member for each of: washers.');
  });

  it('warns before recording a meeting without quorum or without a required group, and records it once confirmed', async () => {
    const before = await meetingCount();
    const fields: [string, string][] = [['heldOn', '2026-03-02'], ['agenda', 'Budget'], ['minutes', ''], ['minutesLanguage', 'fr'], ['attendees', String(members[0]!.id)], ['attendees', String(members[1]!.id)], ['attendees', String(members[4]!.id)]];
    const warned = await member.request(`/funds/${site}/meetings`, form(fields));
    expect(warned.status).toBe(200);
    const page = textOf(await warned.text());
    expect(page).toContain('This meeting cannot decide');
    expect(page).toContain('No member is present for: washers.');
    expect(page).not.toContain('Only 3 members');
    expect(await meetingCount()).toBe(before);
    const thin = textOf(await (await member.request(`/funds/${site}/meetings?lang=fr`, form([...fields.slice(0, 4), ['attendees', String(members[2]!.id)]]))).text());
    expect(thin).toContain('Seul 1 membre est marqué présent ; une décision en demande au moins 3.');
    expect(await meetingCount()).toBe(before);

    const confirmed = await member.request(`/funds/${site}/meetings`, form([...fields, ['recordAnyway', '1']]));
    expect(confirmed.status).toBe(303);
    expect(await meetingCount()).toBe(before + 1);
  });

  it('records a meeting that can decide without asking', async () => {
    const before = await meetingCount();
    const response = await member.request(`/funds/${site}/meetings`, form([['heldOn', '2026-03-03'], ['agenda', 'Budget'], ['minutesLanguage', 'fr'], ...ids(0, 1, 2).map((id): [string, string] => ['attendees', String(id)])]));
    expect(response.status).toBe(303);
    expect(await meetingCount()).toBe(before + 1);
  });
});

describe('A refused decision', () => {
  it('comes back with the votes already entered, and records none', async () => {
    const proposal = await submittedProposal(t.db, committee, site, [100_000]);
    const meeting = await meetingOf(t.db, committee, site, ids(0, 2));
    const response = await member.request(
      `/funds/${site}/meetings/${meeting.id}/decisions`,
      form({ proposal: String(proposal.id), [`vote-${members[0]!.id}`]: 'no', [`vote-${members[2]!.id}`]: 'abstain' }),
    );
    expect(response.status).toBe(422);
    const page = await response.text();
    expect(page).toContain('No quorum');
    const selected = (memberId: number) => page.match(new RegExp(`<select id="vote-${memberId}"[^>]*>(.*?)</select>`, 's'))?.[1]?.match(/<option value="(\w+)" selected/)?.[1];
    expect(selected(members[0]!.id)).toBe('no');
    expect(selected(members[2]!.id)).toBe('abstain');
    expect(await t.db.select().from(fundVotes).where(eq(fundVotes.proposalId, proposal.id))).toEqual([]);
  });
});

describe('The committee member’s home page', () => {
  it('links to the meetings page while a submitted proposal waits for a meeting, then to the meeting held since, where its votes are recorded', async () => {
    const waiting = textOf(await (await member.request('/')).text());
    expect(waiting).toMatch(/1 proposal waits for a committee meeting; record the meeting/);
    await meetingOf(t.db, committee, site, ids(0, 1, 2), isoDateOf(new Date()));
    const home = await (await member.request('/')).text();
    expect(home).toMatch(new RegExp(`href="/funds/${site}/meetings/\\d+">[^<]*record the committee’s votes at the meeting of`));
    expect(home).toMatch(new RegExp(`href="/funds/${site}/proposals/\\d+">[^<]*waits for the committee’s decision`));
  });
});
