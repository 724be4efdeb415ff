import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import { rolesFor, type Action } from '../core/auth/policies.ts';
import { userRoles, type UserRole } from '../core/auth/roles.ts';
import { runCommand } from '../journal/commands.ts';
import { createGroup } from './commands/create-group.ts';
import { openCycle } from './commands/open-cycle.ts';
import { registerEnterprise } from './commands/enterprises.ts';

/**
 * Every role, and an anonymous caller, against every savings route and page: the roles the policy
 * admits succeed, the others get 401 or 403 (pages send an anonymous reader to sign in). Each
 * allowed request would succeed, so a refusal can only come from the policy.
 */
let t: TestContext;
const tokens = new Map<UserRole, string>();
const group = 'RMX-VSLA-01';
let day = 0;
/** A fresh meeting date for each allowed write, so every one of them can succeed. */
const nextMeetingDate = () => new Date(Date.UTC(2025, 0, 7 + 7 * day++)).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestContext();
  await t.buildOrganisation({ kind: 'secretariat', code: 'rm-fca' });
  for (const role of userRoles) tokens.set(role, (await t.buildToken({ role })).token);
  await runCommand(t.db, system, (ctx) =>
    createGroup(ctx, { code: group, name: 'Matrix', community: 'Kasulo', facilitator: 'rm-fca', formedOn: '2024-12-01', members: [{ name: 'Amina Kazadi', sex: 'female' }] }),
  );
  await runCommand(t.db, system, (ctx) => openCycle(ctx, { groupCode: group, startsOn: '2025-01-01', endsOn: '2025-12-31', sharePriceMinor: 10_000, monthlyInterestBps: 1000, socialFundContributionMinor: 0 }));
  await runCommand(t.db, system, (ctx) => registerEnterprise(ctx, { ownerMemberCode: `${group}-M01`, sector: 'food', startedOn: '2025-01-10' }));
});
afterAll(() => t?.close());

type Probe = { name: string; action: Action; request: () => [string, RequestInit]; page?: boolean };
const probes: Probe[] = [
  { name: 'GET /api/v1/savings/summary', action: 'savings.read.public', request: () => ['/api/v1/savings/summary?year=2025', {}] },
  { name: 'GET /api/v1/savings/groups', action: 'savings.read', request: () => ['/api/v1/savings/groups', {}] },
  { name: 'GET /api/v1/savings/groups/{code}', action: 'savings.read', request: () => [`/api/v1/savings/groups/${group}`, {}] },
  { name: 'GET /api/v1/savings/groups/{code}/cycles/{n}', action: 'savings.read', request: () => [`/api/v1/savings/groups/${group}/cycles/1`, {}] },
  { name: 'GET /api/v1/savings/enterprises', action: 'savings.read', request: () => ['/api/v1/savings/enterprises', {}] },
  {
    name: 'POST /api/v1/savings/meetings',
    action: 'savings.record',
    request: () => ['/api/v1/savings/meetings', jsonRequest('POST', { groupCode: group, cycle: 1, meetingDate: nextMeetingDate(), members: [{ memberCode: `${group}-M01`, present: true, shares: 1 }] })],
  },
  { name: 'POST /api/v1/savings/enterprises/revenues', action: 'savings.record', request: () => ['/api/v1/savings/enterprises/revenues', jsonRequest('POST', { enterpriseCode: `${group}-E01`, month: '2025-02', revenueMinor: 1000 })] },
  { name: 'page /savings', action: 'savings.read', page: true, request: () => ['/savings?year=2025', {}] },
  { name: 'page /savings/groups', action: 'savings.read', page: true, request: () => ['/savings/groups', {}] },
  { name: 'page group', action: 'savings.read', page: true, request: () => [`/savings/groups/${group}`, {}] },
  { name: 'page cycle', action: 'savings.read', page: true, request: () => [`/savings/groups/${group}/cycles/1`, {}] },
  { name: 'page statement', action: 'savings.read', page: true, request: () => [`/savings/groups/${group}/cycles/1/statement`, {}] },
  { name: 'page enterprises', action: 'savings.read', page: true, request: () => ['/savings/enterprises', {}] },
  { name: 'page meeting form', action: 'savings.record', page: true, request: () => [`/savings/groups/${group}/cycles/1/meetings/new`, {}] },
];

describe('savings role matrix', () => {
  for (const probe of probes) {
    it(`${probe.name}: only ${rolesFor(probe.action).join(', ')}`, async () => {
      const allowed = rolesFor(probe.action);
      for (const role of userRoles) {
        const [path, init] = probe.request();
        const response = await t.app.request(path, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${tokens.get(role)!}` } });
        const ok = response.status >= 200 && response.status < 300;
        expect({ role, ok, status: response.status }).toEqual({ role, ok: allowed.includes(role), status: response.status });
        if (!ok) expect(response.status).toBe(403);
      }
      const [path, init] = probe.request();
      const anonymous = await t.app.request(path, init);
      if (allowed.includes('public')) expect(anonymous.status).toBe(200);
      else expect(probe.page ? [302, 303, 401] : [401]).toContain(anonymous.status);
    });
  }
});
