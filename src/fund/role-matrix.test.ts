import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../../test/factories/registry.ts';
import { insertSite } from '../../test/factories/sites.ts';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import type { UserRole } from '../core/auth/roles.ts';
import { runCommand } from '../journal/public.ts';
import { draftProposal } from './commands/draft-proposal.ts';
import { fundWithCommittee, meetingOf, submittedProposal } from './test-support.ts';

/**
 * Every caller against every fund route of the API and the fund's pages, with the expected outcome
 * written out per route: the callers listed succeed (each request is one that would succeed), every
 * other caller gets 401 or 403 (pages send an anonymous reader to sign in). The table is the
 * domain's rule, not read from the policy table, so a change to the policies fails here until the
 * table is changed on purpose.
 *
 * The fund is site MTX's, run by its cooperative. A second site, OTH, is run by a second
 * cooperative: its cooperative and committee users act on their own fund only. The secretariat's
 * committee member (the alliance's representative) sits on every committee.
 */
let t: TestContext;
const tokens = new Map<Caller, string>();
let members: { id: number }[];
let siteCommittee: ReturnType<typeof actorOf>;
const site = 'MTX';
let day = 0;

/** The roles with their default organisation (field officer and committee member: the secretariat's), and the callers of other organisations. */
const callers = [
  'public',
  'admin',
  'field',
  'cooperative',
  'verifier',
  'committee',
  'buyer',
  'member',
  'site-committee',
  'coop-field',
  'other-cooperative',
  'other-committee',
  'partner-field',
  'partner-committee',
] as const;
type Caller = (typeof callers)[number];

beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  const otherCooperative = await t.buildOrganisation({ kind: 'cooperative' });
  const partner = await t.buildOrganisation({ kind: 'partner' });
  await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: site });
  await insertSite(t.db, { cooperativeOrganisationId: otherCooperative.id, code: 'OTH' });
  siteCommittee = actorOf(cooperative, 'committee');
  ({ members } = await fundWithCommittee(t.db, system, site, 100_000_000));
  const byCaller: Record<Exclude<Caller, 'public'>, [UserRole, number?]> = {
    admin: ['admin'],
    field: ['field'],
    cooperative: ['cooperative', cooperative.id],
    verifier: ['verifier'],
    committee: ['committee'],
    buyer: ['buyer'],
    member: ['member'],
    'site-committee': ['committee', cooperative.id],
    'coop-field': ['field', cooperative.id],
    'other-cooperative': ['cooperative', otherCooperative.id],
    'other-committee': ['committee', otherCooperative.id],
    'partner-field': ['field', partner.id],
    'partner-committee': ['committee', partner.id],
  };
  for (const [caller, [role, organisationId]] of Object.entries(byCaller)) tokens.set(caller as Caller, (await t.buildToken({ role, organisationId })).token);
});
afterAll(() => t?.close());

const bearer = (caller: Caller): Record<string, string> => (caller === 'public' ? {} : { authorization: `Bearer ${tokens.get(caller)!}` });
const nextDay = () => `2025-${String(1 + Math.floor(day / 28)).padStart(2, '0')}-${String(1 + (day++ % 28)).padStart(2, '0')}`;

/** Who works on the site's proposals: the secretariat, the site's cooperative, and the committee members who sit for it. */
const proposalWriters: Caller[] = ['admin', 'cooperative', 'committee', 'site-committee'];
/** Who records the committee's meetings and decisions: the secretariat and the committee. */
const committeeWork: Caller[] = ['admin', 'committee', 'site-committee'];
/** Who reads the fund's working pages (committee members' names, drafts, minutes): the above and field officers of the secretariat or the site's cooperative. */
const fundReaders: Caller[] = ['admin', 'field', 'cooperative', 'committee', 'site-committee', 'coop-field'];

type Case = { name: string; allow: readonly Caller[]; request: () => Promise<{ path: string; body: unknown }> };
const cases: Case[] = [
  { name: 'POST /funds/{site}/exchange-rates', allow: ['admin'], request: async () => ({ path: `/funds/${site}/exchange-rates`, body: { currency: 'CDF', rateOn: nextDay(), unitsPerUsdMicro: 2_800_000_000, source: 'BCC' } }) },
  {
    name: 'POST /funds/{site}/proposals',
    allow: proposalWriters,
    request: async () => ({ path: `/funds/${site}/proposals`, body: { title: 'Gloves', area: 'health_safety', description: 'd', expectedBenefit: 'b', measure: 'm', currency: 'USD', budgetLines: [{ description: 'gloves', amountMinor: 100 }] } }),
  },
  {
    name: 'POST /funds/proposals/{id}/submission',
    allow: proposalWriters,
    request: async () => {
      const draft = await runCommand(t.db, siteCommittee, (c) => draftProposal(c, { site, title: 'T', area: 'environment', description: 'd', expectedBenefit: 'b', measure: 'm', currency: 'USD', budgetLines: [{ description: 'x', amountMinor: 100 }] }));
      return { path: `/funds/proposals/${draft.id}/submission`, body: {} };
    },
  },
  { name: 'POST /funds/{site}/meetings', allow: committeeWork, request: async () => ({ path: `/funds/${site}/meetings`, body: { heldOn: '2026-02-01', agenda: 'a', minutesLanguage: 'fr', attendeeIds: members.slice(0, 3).map((m) => m.id) } }) },
  {
    name: 'POST /funds/proposals/{id}/decision',
    allow: committeeWork,
    request: async () => {
      const proposal = await submittedProposal(t.db, siteCommittee, site, [100]);
      const meeting = await meetingOf(t.db, siteCommittee, site, members.slice(0, 3).map((m) => m.id));
      return { path: `/funds/proposals/${proposal.id}/decision`, body: { meetingId: meeting.id, votes: members.slice(0, 3).map((m) => ({ memberId: m.id, vote: 'yes' })) } };
    },
  },
];

describe('Fund role matrix: the API', () => {
  for (const testCase of cases) {
    describe(testCase.name, () => {
      for (const caller of callers) {
        const allowed = testCase.allow.includes(caller);
        it(`${allowed ? 'allows' : 'refuses'} ${caller}`, async () => {
          const { path, body } = await testCase.request();
          const response = await t.app.request(`/api/v1${path}`, jsonRequest('POST', body, bearer(caller)));
          if (allowed) expect([200, 201], await response.clone().text()).toContain(response.status);
          else expect(response.status).toBe(caller === 'public' ? 401 : 403);
        });
      }
    });
  }
});

describe('Fund role matrix: the pages', () => {
  const pages: { name: string; path: () => Promise<string>; allow: readonly Caller[] }[] = [
    ...['manage', 'committee', 'meetings', 'proposals', 'rates'].map((page) => ({ name: `/funds/{site}/${page}`, path: async () => `/funds/${site}/${page}`, allow: fundReaders })),
    { name: '/funds/{site}/proposals/{id}', path: async () => `/funds/${site}/proposals/${(await submittedProposal(t.db, siteCommittee, site, [100])).id}`, allow: fundReaders },
    { name: '/funds/{site}/meetings/{id}', path: async () => `/funds/${site}/meetings/${(await meetingOf(t.db, siteCommittee, site, members.slice(0, 3).map((m) => m.id))).id}`, allow: fundReaders },
    { name: '/funds/{site} (public)', path: async () => `/funds/${site}`, allow: callers },
    { name: '/funds (public)', path: async () => '/funds', allow: callers },
  ];
  for (const page of pages) {
    for (const caller of callers) {
      const allowed = page.allow.includes(caller);
      it(`GET ${page.name} ${allowed ? 'shows' : 'refuses'} ${caller}`, async () => {
        const response = await t.app.request(await page.path(), { headers: bearer(caller) });
        if (allowed) expect(response.status).toBe(200);
        else expect(response.status).toBe(caller === 'public' ? 303 : 403);
      });
    }
  }

  it('shows the public API answer to anyone', async () => {
    expect((await t.app.request(`/api/v1/funds/${site}`)).status).toBe(200);
  });

  it('links each caller to the working pages of the funds it may read, and no other', async () => {
    const links = async (caller: Caller) => [...(await (await t.app.request('/funds', { headers: bearer(caller) })).text()).matchAll(/href="\/funds\/([A-Z]+)\/manage"/g)].map((m) => m[1]).sort();
    expect(await links('admin')).toEqual(['MTX', 'OTH']);
    expect(await links('cooperative')).toEqual(['MTX']);
    expect(await links('other-committee')).toEqual(['OTH']);
    expect(await links('partner-field')).toEqual([]);
  });
});

describe('Fund actions on another site’s fund', () => {
  it('refuses the other site’s cooperative and committee on every page form, with nothing written', async () => {
    const proposal = await submittedProposal(t.db, siteCommittee, site, [100]);
    const meeting = await meetingOf(t.db, siteCommittee, site, members.slice(0, 3).map((m) => m.id));
    const forms: [string, Record<string, string>][] = [
      [`/funds/${site}/proposals`, { title: 'T', area: 'environment', description: 'd', expectedBenefit: 'b', measure: 'm', currency: 'USD', budget: 'x: 1' }],
      [`/funds/${site}/meetings`, { heldOn: '2026-02-01', agenda: 'a', minutesLanguage: 'fr', attendees: String(members[0]!.id) }],
      [`/funds/${site}/meetings/${meeting.id}/decisions`, { proposal: String(proposal.id), ...Object.fromEntries(members.slice(0, 3).map((m) => [`vote-${m.id}`, 'yes'])) }],
    ];
    for (const caller of ['other-cooperative', 'other-committee', 'partner-committee'] as const) {
      for (const [path, form] of forms) {
        const csrf = 'matrix-csrf-token-0123456789';
        const response = await t.app.request(path, {
          method: 'POST',
          body: new URLSearchParams({ ...form, _csrf: csrf }),
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `orebook_csrf=${csrf}`, ...bearer(caller) },
        });
        expect({ caller, path, status: response.status }).toEqual({ caller, path, status: 403 });
      }
    }
    const after = await t.app.request(`/api/v1/funds/${site}`);
    expect(((await after.json()) as { projects: { id: number; status: string }[] }).projects.find((p) => p.id === proposal.id)?.status).toBe('submitted');
  });
});
