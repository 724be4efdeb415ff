import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { runCommand } from '../journal/public.ts';
import { startAssessment } from './commands/assessments/start-assessment.ts';
import { raiseCorrectiveAction } from './commands/corrective-actions/raise-corrective-action.ts';
import { declareProduction } from './commands/production/declare-production.ts';
import { createSite } from './commands/sites/create-site.ts';
import { createStandardVersion } from './commands/standard/create-standard-version.ts';
import { publishStandardVersion } from './commands/standard/publish-standard-version.ts';
import { registerWorker } from './commands/workers/register-worker.ts';

let t: TestContext;
let sessions: Record<'admin' | 'verifier' | 'cooperative' | 'buyer', Awaited<ReturnType<TestContext['signIn']>>>;
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestContext();
  await runCommand(t.db, system, (c) => createStandardVersion(c, { version: '1.0', source: { kind: 'default' } }));
  await runCommand(t.db, system, (c) => publishStandardVersion(c, { version: '1.0' }));
  const cooperative = await t.buildOrganisation({ kind: 'cooperative', code: 'coop-home' });
  const verifierOrg = await t.buildOrganisation({ kind: 'verifier', code: 'audit-home' });
  const site = await runCommand(t.db, system, (c) =>
    createSite(c, { code: 'HOM', name: 'Home site', province: 'Lualaba', town: 'Kolwezi', latitudeE6: -10_700_000, longitudeE6: 25_400_000, concessionHolder: 'EGC', cooperative: cooperative.code }),
  );
  const coop = { kind: 'system', orgId: cooperative.id, orgCode: cooperative.code, role: 'admin' } as const;
  await runCommand(t.db, coop, (c) => registerWorker(c, { siteId: site.id, fullName: 'Neema Home', sex: 'F', birthYear: 1990, operatorGroup: 'washers', registeredOn: '2025-01-10' }));
  await runCommand(t.db, coop, (c) => registerWorker(c, { siteId: site.id, fullName: 'Young Home', sex: 'M', birthYear: 2013, operatorGroup: 'diggers', registeredOn: '2025-01-10' }));
  await runCommand(t.db, coop, (c) => declareProduction(c, { siteId: site.id, mineral: 'cobalt', producedOn: today, wetOreKg: 10_000, dryOreKg: 9_000, gradeBasisPoints: 200, buyer: 'EGC' }));
  await runCommand(t.db, system, (c) => raiseCorrectiveAction(c, { siteId: site.id, title: 'Fence the old pits', owner: 'CMDS', dueOn: '2025-03-01', costEstimate: '100', currency: 'USD' }));
  const users = {
    admin: await t.buildUser({ role: 'admin' }),
    verifier: await t.buildUser({ role: 'verifier', organisationId: verifierOrg.id }),
    cooperative: await t.buildUser({ role: 'cooperative', organisationId: cooperative.id }),
    buyer: await t.buildUser({ role: 'buyer' }),
  };
  const verifierActor = { kind: 'user', userId: users.verifier.id, orgId: verifierOrg.id, orgCode: verifierOrg.code, orgKind: 'verifier', role: 'verifier', displayName: 'V' } as const;
  await runCommand(t.db, verifierActor, (c) => startAssessment(c, { siteId: site.id, periodStart: '2025-01-01', periodEnd: '2025-06-30' }));
  sessions = {
    admin: await t.signIn(users.admin.email, users.admin.password),
    verifier: await t.signIn(users.verifier.email, users.verifier.password),
    cooperative: await t.signIn(users.cooperative.email, users.cooperative.password),
    buyer: await t.signIn(users.buyer.email, users.buyer.password),
  };
});
afterAll(() => t.close());

const home = async (who: keyof typeof sessions) => (await sessions[who].request('/')).text();

describe('The sites on the home page', () => {
  it('lists overdue corrective actions and new child referrals for the secretariat', async () => {
    const page = await home('admin');
    expect(page).toContain('1 overdue corrective action at Home site');
    expect(page).toContain('1 child referral at Home site waiting for a case manager');
  });

  it('gives the verifier its draft assessment to continue', async () => {
    expect(await home('verifier')).toContain('Continue the assessment of Home site');
  });

  it('shows the cooperative its workforce, this month’s production and open actions', async () => {
    const page = await home('cooperative');
    expect(page).toContain('workers registered at Home site today');
    expect(page).toContain('0.180');
    expect(page).toContain('Declare production at Home site');
  });

  it('adds nothing for roles the sites do not concern', async () => {
    expect(await home('buyer')).not.toContain('Home site');
  });

  it('shows child referrals to the secretariat only, with case codes and no name', async () => {
    const page = await (await sessions.admin.request('/sites/HOM/child-referrals')).text();
    expect(page).toMatch(/c-[0-9a-z]{10}/);
    expect(page).not.toContain('Young Home');
    expect((await sessions.cooperative.request('/sites/HOM/child-referrals')).status).toBe(403);
  });
});
