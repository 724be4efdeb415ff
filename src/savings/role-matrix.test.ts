import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import { userRoles } from '../core/auth/roles.ts';
import { runCommand } from '../journal/public.ts';
import { createGroup } from './commands/create-group.ts';
import { openCycle } from './commands/open-cycle.ts';
import { registerEnterprise } from './commands/register-enterprise.ts';

/**
 * Every caller against every savings route and page, with the expected outcome written out per
 * route: the callers listed succeed, the others get 401 or 403 (pages send an anonymous reader to
 * sign in). The table is the domain's rule, not read from the policy table: members are personal
 * data, kept by the secretariat's admins and field officers; a partner organisation's or a
 * cooperative's field user does not see them. Each allowed request would succeed, so a refusal
 * can only come from the policy.
 */
let t: TestContext;
const callers = ['public', ...userRoles, 'partner-field', 'coop-field'] as const;
type Caller = (typeof callers)[number];
const tokens = new Map<Caller, string>();
const group = 'RMX-VSLA-01';
let day = 0;
let added = 0;
/** A fresh meeting date for each allowed write, so every one of them can succeed. */
const nextMeetingDate = () => new Date(Date.UTC(2025, 0, 7 + 7 * day++)).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestContext();
  await t.buildOrganisation({ kind: 'secretariat', code: 'rm-fca' });
  for (const role of userRoles) tokens.set(role, (await t.buildToken({ role })).token);
  tokens.set('partner-field', (await t.buildToken({ role: 'field', organisationId: (await t.buildOrganisation({ kind: 'partner' })).id })).token);
  tokens.set('coop-field', (await t.buildToken({ role: 'field', organisationId: (await t.buildOrganisation({ kind: 'cooperative' })).id })).token);
  await runCommand(t.db, system, (ctx) =>
    createGroup(ctx, { code: group, name: 'Matrix', community: 'Kasulo', facilitator: 'rm-fca', formedOn: '2024-12-01', members: [{ name: 'Amina Kazadi', sex: 'female' }] }),
  );
  await runCommand(t.db, system, (ctx) => openCycle(ctx, { groupCode: group, startsOn: '2025-01-01', endsOn: '2025-12-31', sharePriceMinor: 10_000, monthlyInterestBps: 1000, socialFundContributionMinor: 0 }));
  await runCommand(t.db, system, (ctx) => registerEnterprise(ctx, { ownerMemberCode: `${group}-M01`, sector: 'food', startedOn: '2025-01-10' }));
});
afterAll(() => t?.close());

/** The programme's staff who keep the savings groups' records: the secretariat's admins and field officers. */
const staff: Caller[] = ['admin', 'field'];

type Probe = { name: string; allow: readonly Caller[]; request: () => [string, RequestInit]; page?: boolean };
const probes: Probe[] = [
  { name: 'GET /api/v1/savings/summary', allow: callers, request: () => ['/api/v1/savings/summary?year=2025', {}] },
  { name: 'GET /api/v1/savings/groups', allow: staff, request: () => ['/api/v1/savings/groups', {}] },
  { name: 'GET /api/v1/savings/groups/{code}', allow: staff, request: () => [`/api/v1/savings/groups/${group}`, {}] },
  { name: 'GET /api/v1/savings/groups/{code}/cycles/{n}', allow: staff, request: () => [`/api/v1/savings/groups/${group}/cycles/1`, {}] },
  { name: 'GET /api/v1/savings/enterprises', allow: staff, request: () => ['/api/v1/savings/enterprises', {}] },
  {
    name: 'POST /api/v1/savings/groups/{code}/members',
    allow: staff,
    request: () => [`/api/v1/savings/groups/${group}/members`, jsonRequest('POST', { name: `Matrix Member ${++added}`, sex: 'female', joinedOn: '2025-01-02' })],
  },
  {
    name: 'POST /api/v1/savings/meetings',
    allow: staff,
    request: () => ['/api/v1/savings/meetings', jsonRequest('POST', { groupCode: group, cycle: 1, meetingDate: nextMeetingDate(), members: [{ memberCode: `${group}-M01`, present: true, shares: 1 }] })],
  },
  { name: 'POST /api/v1/savings/enterprises/revenues', allow: staff, request: () => ['/api/v1/savings/enterprises/revenues', jsonRequest('POST', { enterpriseCode: `${group}-E01`, month: '2025-02', revenueMinor: 1000 })] },
  { name: 'page /savings', allow: staff, page: true, request: () => ['/savings?year=2025', {}] },
  { name: 'page /savings/groups', allow: staff, page: true, request: () => ['/savings/groups', {}] },
  { name: 'page group', allow: staff, page: true, request: () => [`/savings/groups/${group}`, {}] },
  { name: 'page cycle', allow: staff, page: true, request: () => [`/savings/groups/${group}/cycles/1`, {}] },
  { name: 'page statement', allow: staff, page: true, request: () => [`/savings/groups/${group}/cycles/1/statement`, {}] },
  { name: 'page enterprises', allow: staff, page: true, request: () => ['/savings/enterprises', {}] },
  { name: 'page meeting form', allow: staff, page: true, request: () => [`/savings/groups/${group}/cycles/1/meetings/new`, {}] },
  { name: 'page new group form', allow: staff, page: true, request: () => ['/savings/groups/new', {}] },
];

describe('savings role matrix', () => {
  for (const probe of probes) {
    describe(probe.name, () => {
      for (const caller of callers) {
        const allowed = probe.allow.includes(caller);
        it(`${allowed ? 'allows' : 'refuses'} ${caller}`, async () => {
          const [path, init] = probe.request();
          const auth: Record<string, string> = caller === 'public' ? {} : { authorization: `Bearer ${tokens.get(caller)!}` };
          const response = await t.app.request(path, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), ...auth } });
          if (allowed) expect(response.status, await response.clone().text()).toBeLessThan(300);
          else if (caller === 'public') expect(probe.page ? [303] : [401]).toContain(response.status);
          else expect(response.status).toBe(403);
        });
      }
    });
  }

  it('refuses the page form that adds a member to a partner organisation’s field user, and adds no one', async () => {
    const csrf = 'matrix-csrf-token-0123456789';
    const response = await t.app.request(`/savings/groups/${group}/members`, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: csrf, name: 'Intruder Added', sex: 'female', joinedOn: '2025-01-02' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `orebook_csrf=${csrf}`, authorization: `Bearer ${tokens.get('partner-field')!}` },
    });
    expect(response.status).toBe(403);
    const detail = (await (await t.app.request(`/api/v1/savings/groups/${group}`, { headers: { authorization: `Bearer ${tokens.get('field')!}` } })).json()) as { members: { name: string }[] };
    expect(detail.members.map((m) => m.name)).not.toContain('Intruder Added');
  });
});
