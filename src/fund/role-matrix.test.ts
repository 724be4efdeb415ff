import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../../test/factories/registry.ts';
import { insertSite } from '../../test/factories/sites.ts';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import { rolesFor, type Action } from '../core/auth/policies.ts';
import { userRoles, type Role, type UserRole } from '../core/auth/roles.ts';
import { fundWithCommittee, meetingOf, submittedProposal } from './test-support.ts';

/**
 * Every role, and an anonymous caller, against every fund route of the API and the fund's pages:
 * the roles the policy admits succeed (each request is one that would succeed), the others get
 * 401 or 403 (pages send an anonymous reader to sign in).
 */
let t: TestContext;
const tokens = new Map<UserRole, string>();
let members: { id: number }[];
let committee: ReturnType<typeof actorOf>;
const site = 'MTX';
let day = 0;

beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: site });
  committee = actorOf(cooperative, 'committee');
  ({ members } = await fundWithCommittee(t.db, system, site, 100_000_000));
  for (const role of userRoles) tokens.set(role, (await t.buildToken({ role })).token);
});
afterAll(() => t?.close());

const callers: Role[] = ['public', ...userRoles];
const bearer = (role: Role): Record<string, string> => (role === 'public' ? {} : { authorization: `Bearer ${tokens.get(role)!}` });
const nextDay = () => `2025-${String(1 + Math.floor(day / 28)).padStart(2, '0')}-${String(1 + (day++ % 28)).padStart(2, '0')}`;

type Case = { name: string; action: Action; request: () => Promise<{ path: string; body: unknown }> };
const cases: Case[] = [
  { name: 'POST /funds/{site}/exchange-rates', action: 'fund.manage', request: async () => ({ path: `/funds/${site}/exchange-rates`, body: { currency: 'CDF', rateOn: nextDay(), unitsPerUsdMicro: 2_800_000_000, source: 'BCC' } }) },
  {
    name: 'POST /funds/{site}/proposals',
    action: 'fund.proposal.write',
    request: async () => ({ path: `/funds/${site}/proposals`, body: { title: 'Gloves', area: 'health_safety', description: 'd', expectedBenefit: 'b', measure: 'm', currency: 'USD', budgetLines: [{ description: 'gloves', amountMinor: 100 }] } }),
  },
  {
    name: 'POST /funds/proposals/{id}/submission',
    action: 'fund.proposal.write',
    request: async () => {
      const { draftProposal } = await import('./commands/draft-proposal.ts');
      const { runCommand } = await import('../journal/commands.ts');
      const draft = await runCommand(t.db, committee, (c) => draftProposal(c, { site, title: 'T', area: 'environment', description: 'd', expectedBenefit: 'b', measure: 'm', currency: 'USD', budgetLines: [{ description: 'x', amountMinor: 100 }] }));
      return { path: `/funds/proposals/${draft.id}/submission`, body: {} };
    },
  },
  { name: 'POST /funds/{site}/meetings', action: 'fund.meeting.record', request: async () => ({ path: `/funds/${site}/meetings`, body: { heldOn: '2026-02-01', agenda: 'a', minutesLanguage: 'fr', attendeeIds: members.slice(0, 3).map((m) => m.id) } }) },
  {
    name: 'POST /funds/proposals/{id}/decision',
    action: 'fund.meeting.record',
    request: async () => {
      const proposal = await submittedProposal(t.db, committee, site, [100]);
      const meeting = await meetingOf(t.db, committee, site, members.slice(0, 3).map((m) => m.id));
      return { path: `/funds/proposals/${proposal.id}/decision`, body: { meetingId: meeting.id, votes: members.slice(0, 3).map((m) => ({ memberId: m.id, vote: 'yes' })) } };
    },
  },
];

describe('Fund role matrix: the API', () => {
  for (const testCase of cases) {
    describe(testCase.name, () => {
      for (const role of callers) {
        const allowed = rolesFor(testCase.action).includes(role);
        it(`${allowed ? 'allows' : 'refuses'} ${role}`, async () => {
          const { path, body } = await testCase.request();
          const response = await t.app.request(`/api/v1${path}`, jsonRequest('POST', body, bearer(role)));
          if (allowed) expect([200, 201], await response.clone().text()).toContain(response.status);
          else expect(response.status).toBe(role === 'public' ? 401 : 403);
        });
      }
    });
  }
});

describe('Fund role matrix: the pages', () => {
  const pagePaths = ['manage', 'committee', 'meetings', 'proposals', 'rates'];
  for (const page of pagePaths) {
    for (const role of callers) {
      const allowed = rolesFor('fund.read').includes(role);
      it(`GET /funds/${site}/${page} ${allowed ? 'shows' : 'refuses'} ${role}`, async () => {
        const response = await t.app.request(`/funds/${site}/${page}`, { headers: bearer(role) });
        if (allowed) expect(response.status).toBe(200);
        else expect(response.status).toBe(role === 'public' ? 303 : 403);
      });
    }
  }
  it('shows the public page to anyone', async () => {
    expect((await t.app.request(`/funds/${site}`)).status).toBe(200);
    expect((await t.app.request(`/api/v1/funds/${site}`)).status).toBe(200);
  });
});
