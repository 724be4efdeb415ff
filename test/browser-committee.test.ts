import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from './factories/registry.ts';
import { insertSite } from './factories/sites.ts';
import { runCommand } from '../src/journal/public.ts';
import { decideProposal } from '../src/fund/commands/decide-proposal.ts';
import { fundWithCommittee, meetingOf, submittedProposal } from '../src/fund/test-support.ts';
import { openBrowserOn, signInOnPage } from './browser.ts';
import { createTestContext, system, type TestContext } from './harness.ts';

/** A committee member reads how the committee voted, on the meeting page and on the proposal, in English and French, on a desktop and a 390-pixel phone. */
let t: TestContext;
let session: Awaited<ReturnType<typeof openBrowserOn>>;
let baseUrl: string;
let browser: Browser;
let committeeUser: { email: string; password: string };
let proposal: { id: number };
let meeting: { id: number };

beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'VOT' });
  const { members } = await fundWithCommittee(t.db, system, 'VOT', 2_000_000);
  const committee = actorOf(cooperative, 'committee');
  proposal = await submittedProposal(t.db, committee, 'VOT', [300_000]);
  meeting = await meetingOf(t.db, committee, 'VOT', members.slice(0, 4).map((m) => m.id));
  const votes = (['yes', 'abstain', 'yes', 'no'] as const).map((vote, i) => ({ memberId: members[i]!.id, vote }));
  await runCommand(t.db, committee, (c) => decideProposal(c, { meetingId: meeting.id, proposalId: proposal.id, votes }));
  committeeUser = await t.buildUser({ role: 'committee', organisationId: cooperative.id });
  session = await openBrowserOn(t.app);
  ({ baseUrl, browser } = session);
}, 120_000);
afterAll(async () => {
  await session?.close();
  await t?.close();
});

async function signIn(width: number): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width, height: 800 } })).newPage();
  await signInOnPage(page, baseUrl, committeeUser);
  return page;
}

const cases = [
  { lang: 'en', tally: '2 votes for, 1 against, 1 abstention.', caption: 'by group', decided: 'Decided at the meeting of', washers: ['washers', '1', '1', '0'] },
  { lang: 'fr', tally: '2 voix pour, 1 contre, 1 abstention.', caption: 'par groupe', decided: 'Décidé à la réunion du', washers: ['washers', '1', '1', '0'] },
] as const;

describe('The committee’s votes in a real browser', () => {
  for (const width of [1280, 390]) {
    it(`a committee member sees each decision's votes on the meeting page and the proposal, in English and French, ${width} px wide`, async () => {
      const page = await signIn(width);
      for (const { lang, tally, caption, decided, washers } of cases) {
        // The language switch in the header, as a reader would use it: the choice follows them from page to page.
        await page.goto(`${baseUrl}/lang/${lang}?next=${encodeURIComponent(`/funds/VOT/meetings/${meeting.id}`)}`);
        await page.waitForURL(new RegExp(`/meetings/${meeting.id}$`));
        const votes = page.locator('table', { has: page.locator('caption', { hasText: caption }) });
        expect(await page.locator('main').innerText()).toContain(tally);
        expect(await votes.locator('tr', { hasText: 'washers' }).locator('td').allInnerTexts()).toEqual(washers);
        // Names stay private: the committee did not choose to publish them.
        expect(await votes.innerText()).not.toContain('Chantal');
        // The table fits the phone's width or scrolls inside its own frame, never the page.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

        await page.getByRole('link', { name: new RegExp(`Tarpaulin rain covers`) }).first().click();
        await page.waitForURL(new RegExp(`/proposals/${proposal.id}`));
        const main = await page.locator('main').innerText();
        expect(main).toContain(decided);
        expect(main).toContain(tally);
        expect(await page.locator('table', { has: page.locator('caption', { hasText: caption }) }).locator('tr', { hasText: 'washers' }).locator('td').allInnerTexts()).toEqual(washers);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      }
    }, 120_000);
  }
});
