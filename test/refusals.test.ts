import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoActors, demoPassword, loadAccountsDemo } from '../src/accounts/demo.ts';
import type { Actor } from '../src/core/auth/roles.ts';
import { rowsOf } from '../src/db/connect.ts';
import { seededRandom } from '../src/demo.ts';
import { decideProposal } from '../src/fund/commands/decide-proposal.ts';
import { disburseTranche } from '../src/fund/commands/disburse-tranche.ts';
import { fundWithCommittee, meetingOf, pngFile, submittedProposal } from '../src/fund/test-support.ts';
import { runCommand } from '../src/journal/commands.ts';
import { createGroup } from '../src/savings/commands/create-group.ts';
import { openCycle } from '../src/savings/commands/open-cycle.ts';
import { recordMeeting } from '../src/savings/commands/record-meeting.ts';
import { createSite } from '../src/sites/commands/sites/create-site.ts';
import { setWorkerPhoto } from '../src/sites/commands/workers/set-worker-photo.ts';
import { registerWorker } from '../src/sites/commands/workers/register-worker.ts';
import type { DemoContext } from '../src/web/module.ts';
import { createTestContext, system, type TestContext } from './harness.ts';

/**
 * The forms and files that move money or show restricted records, asked for by everyone who may not:
 * each refusal leaves every table as it was, and the same request by someone who may succeeds
 * (so the refusal is about who asks, not about a bad request).
 */
let t: TestContext;
let actors: Record<string, Actor>;
type Client = { label: string; request: (path: string, init?: RequestInit) => Promise<Response> };
const clients: Record<string, Client> = {};
let projectId: number;
let receiptId: number;
let photoFileId: number;
let workerCode: string;
const savingsGroup = 'KAM-VSLA-90';
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

beforeAll(async () => {
  t = await createTestContext();
  const ctx: DemoContext = { db: t.db, random: seededRandom(12), system, organisations: {}, keyring: t.keyring, publicBaseUrl: 'https://test.orebook', say: () => undefined };
  await loadAccountsDemo(ctx);
  actors = await demoActors(ctx);
  const site = await runCommand(t.db, system, (c) =>
    createSite(c, { code: 'KAM', name: 'Kamilombe', province: 'Lualaba', town: 'Kolwezi', latitudeE6: -10_735_400, longitudeE6: 25_440_900, concessionHolder: 'EGC', cooperative: 'cmds' }),
  );
  const admin = actors['admin@orebook.demo']!;
  const committee = actors['committee@orebook.demo']!;
  const { members } = await fundWithCommittee(t.db, admin, 'KAM');
  const proposal = await submittedProposal(t.db, committee, 'KAM', [300_000, 200_000]);
  const voters = members.slice(0, 3).map((m) => m.id);
  const meeting = await meetingOf(t.db, committee, 'KAM', voters);
  await runCommand(t.db, committee, (c) => decideProposal(c, { meetingId: meeting.id, proposalId: proposal.id, votes: voters.map((memberId) => ({ memberId, vote: 'yes' as const })) }));
  projectId = proposal.id;
  await runCommand(t.db, admin, (c) => disburseTranche(c, { proposalId: projectId, amountMinor: 100_000, paidOn: '2026-04-01', counterparty: 'Quincaillerie Lualaba', receipt: pngFile('receipt-first.png') }));
  receiptId = rowsOf<{ id: number }>(await t.db.execute(sql`select id from files where visibility = 'restricted' order by id desc limit 1`))[0]!.id;

  const registered = await runCommand(t.db, actors['cooperative@orebook.demo']!, (c) =>
    registerWorker(c, { siteId: site.id, fullName: 'Photo Worker', sex: 'F', birthYear: 1990, operatorGroup: 'washers', idNumber: 'CD-PHOTO-1', registeredOn: '2025-02-01' }),
  );
  if (registered.outcome !== 'registered') throw new Error('the worker was not registered');
  workerCode = registered.worker.code;
  await runCommand(t.db, actors['cooperative@orebook.demo']!, (c) => setWorkerPhoto(c, { siteId: site.id, workerCode, filename: 'face.png', content: png }));
  photoFileId = rowsOf<{ id: number }>(await t.db.execute(sql`select id from files where visibility = 'personal' order by id desc limit 1`))[0]!.id;

  // A savings cycle with one meeting and no loan: ready to share out.
  const field = actors['field@orebook.demo']!;
  await runCommand(t.db, field, (c) =>
    createGroup(c, { code: savingsGroup, name: 'Refusals', community: 'Kasulo', facilitator: 'fca', formedOn: '2025-01-01', members: [{ name: 'Neema Saver', sex: 'female', committeeRole: 'chair' }, { name: 'Sifa Saver', sex: 'female' }] }),
  );
  await runCommand(t.db, field, (c) => openCycle(c, { groupCode: savingsGroup, startsOn: '2025-01-07', endsOn: '2025-12-30', sharePriceMinor: 100_000, maxSharesPerMeeting: 5, monthlyInterestBps: 1000, socialFundContributionMinor: 20_000 }));
  const row = (memberCode: string, shares: number) => ({ memberCode, present: true, shares, socialFundMinor: 20_000, repaymentMinor: 0, fineMinor: 0 });
  await runCommand(t.db, field, (c) => recordMeeting(c, { groupCode: savingsGroup, cycle: 1, meetingDate: '2025-01-07', members: [row(`${savingsGroup}-M01`, 3), row(`${savingsGroup}-M02`, 1)], loans: [] }));

  clients.public = { label: 'the public', request: async (path, init) => t.app.request(path, init) };
  for (const role of ['admin', 'field', 'cooperative', 'committee', 'verifier', 'buyer', 'member']) {
    const email = `${role}@orebook.demo`;
    const session = await t.signIn(email, demoPassword(email));
    clients[role] = { label: role, request: async (path, init) => session.request(path, init) };
  }
});
afterAll(() => t?.close());

/** Every row of every table but the sign-in bookkeeping, as one digest per table. */
async function everyTable(): Promise<Record<string, string>> {
  const tables = rowsOf<{ name: string }>(await t.db.execute(sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`)).map((r) => r.name);
  const state: Record<string, string> = {};
  for (const name of tables.filter((n) => !/session|login|rate_limit/.test(n))) {
    const [row] = rowsOf<{ n: number; digest: string | null }>(await t.db.execute(sql.raw(`select count(*)::int as n, md5(string_agg(x::text, '|' order by x::text)) as digest from "${name}" x`)));
    state[name] = `${row!.n}:${row!.digest ?? ''}`;
  }
  return state;
}

/** Sends the request as each client, expects each refused, and every table unchanged. */
async function expectRefusedToAll(who: string[], send: (client: Client) => Promise<Response>, refused: (response: Response, client: Client) => void | Promise<void>) {
  const before = await everyTable();
  for (const role of who) {
    const client = clients[role]!;
    const response = await send(client);
    await refused(response, client);
    expect(await everyTable(), `${client.label}: nothing changes`).toEqual(before);
  }
}

const refusedPage = (response: Response, client: Client) => {
  if (client === clients.public) {
    expect([303, 403], `${client.label}: ${response.status}`).toContain(response.status);
    if (response.status === 303) expect(response.headers.get('location'), client.label).toMatch(/^\/login/);
  } else expect(response.status, client.label).toBe(403);
};
const refusedApi = async (response: Response, client: Client) => {
  expect(response.status, client.label).toBe(client === clients.public ? 401 : 403);
  expect(((await response.json()) as { error: { code: string } }).error.code, client.label).toMatch(/^(unauthenticated|forbidden|csrf_failed)$/);
};
const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
const everyoneBut = (...allowed: string[]) => Object.keys(clients).filter((role) => !allowed.includes(role));

describe('The fund’s disbursement form', () => {
  const tranche = () => {
    const body = new FormData();
    body.set('amount', '500.00');
    body.set('paidOn', '2026-04-02');
    body.set('counterparty', 'Quincaillerie Lualaba');
    body.set('receipt', new File([pngFile('receipt-second.png').content], 'receipt-second.png', { type: 'image/png' }));
    return { method: 'POST', body };
  };
  const disbursed = async () => rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from fund_transactions where kind = 'disbursement'`))[0]!.n;

  it('refuses a tranche, and its confirmation step, to everyone but the secretariat’s admin; the admin’s pays', async () => {
    await expectRefusedToAll(everyoneBut('admin'), (c) => c.request(`/funds/KAM/proposals/${projectId}/tranches`, tranche()), refusedPage);
    await expectRefusedToAll(everyoneBut('admin'), (c) => c.request(`/funds/KAM/proposals/${projectId}/tranches/check`, form({ amount: '500.00', paidOn: '2026-04-02', counterparty: 'Quincaillerie Lualaba' })), refusedPage);
    const before = await disbursed();
    const paid = await clients.admin!.request(`/funds/KAM/proposals/${projectId}/tranches`, tranche());
    expect(paid.status).toBe(303);
    expect(await disbursed()).toBe(before + 1);
  });
});

describe('The fund’s management forms', () => {
  const forms: [string, string, () => RequestInit][] = [
    ['an exchange rate', '/funds/KAM/rates', () => form({ currency: 'CDF', rateOn: '2026-02-03', rate: '2850', source: 'BCC daily rate' })],
    ['a committee member', '/funds/KAM/committee/members', () => form({ personName: 'Intruder Appointee', groupCode: 'washers', termStart: '2026-01-01', termEnd: '2026-12-31' })],
    ['the committee rules', '/funds/KAM/committee/rules', () => form({ quorum: '10', majority: '10', requiredGroups: '', publishMemberNames: '1' })],
    ['a project’s cancellation', `/funds/KAM/proposals/{project}/cancel`, () => form({ reason: 'Cancelled by someone who may not.' })],
    ['a project’s completion', `/funds/KAM/proposals/{project}/completion`, () => form({ completedOn: '2026-05-01', summary: 'Done by someone who may not.' })],
  ];
  for (const [what, path, init] of forms) {
    it(`refuses ${what} to everyone but the secretariat’s admin`, async () => {
      await expectRefusedToAll(everyoneBut('admin'), (c) => c.request(path.replace('{project}', String(projectId)), init()), refusedPage);
    });
  }

  it('takes the same forms from the admin (the refusals were about who asked)', async () => {
    for (const [what, path, init] of forms.slice(0, 3)) {
      const response = await clients.admin!.request(path, init());
      expect(response.status, what).toBe(303);
    }
    expect(rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from fund_committee_members where person_name = 'Intruder Appointee'`))[0]!.n).toBe(1);
  });
});

describe('The savings share-out', () => {
  const shareOuts = async () => rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from savings_share_outs`))[0]!.n;

  it('refuses the API share-out to everyone but the admin and the field officers', async () => {
    await expectRefusedToAll(
      everyoneBut('admin', 'field'),
      (c) => c.request(`/api/v1/savings/groups/${savingsGroup}/cycles/1/share-out`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ heldOn: '2025-12-30' }) }),
      refusedApi,
    );
  });

  it('refuses the statement page’s share-out form likewise', async () => {
    await expectRefusedToAll(everyoneBut('admin', 'field'), (c) => c.request(`/savings/groups/${savingsGroup}/cycles/1/statement`, form({ heldOn: '2025-12-30' })), refusedPage);
  });

  it('shares out for the field officer (the refusals were about who asked)', async () => {
    expect(await shareOuts()).toBe(0);
    const response = await clients.field!.request(`/api/v1/savings/groups/${savingsGroup}/cycles/1/share-out`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ heldOn: '2025-12-30' }) });
    expect(response.status).toBe(201);
    expect(await shareOuts()).toBe(1);
  });
});

describe('Restricted files', () => {
  const outsiders = ['public', 'buyer', 'member'];

  it('gives a tranche receipt to none of the public, a buyer or a member, and to the fund’s admin', async () => {
    await expectRefusedToAll(outsiders, (c) => c.request(`/api/v1/files/${receiptId}`), refusedApi);
    const allowed = await clients.admin!.request(`/api/v1/files/${receiptId}`);
    expect(allowed.status).toBe(200);
    expect(Buffer.from(await allowed.arrayBuffer())).toEqual(pngFile('receipt-first.png').content);
  });

  it('gives a tranche receipt to the site’s cooperative, but not to another cooperative’s committee member or a partner’s field officer', async () => {
    for (const [kind, role] of [['cooperative', 'committee'], ['partner', 'field']] as const) {
      const user = await t.buildUser({ role, organisationId: (await t.buildOrganisation({ kind })).id });
      const session = await t.signIn(user.email, user.password);
      const refused = await session.request(`/api/v1/files/${receiptId}`);
      expect(refused.status, `${kind} ${role}`).toBe(403);
    }
    expect((await clients.cooperative!.request(`/api/v1/files/${receiptId}`)).status).toBe(200);
  });

  it('gives a worker’s photo to none of them, through the file download or the worker’s photo route, API or page', async () => {
    for (const role of outsiders) {
      const client = clients[role]!;
      const download = await client.request(`/api/v1/files/${photoFileId}`);
      expect([401, 403, 404], `${client.label}: file ${download.status}`).toContain(download.status);
      expect(Buffer.from(await download.arrayBuffer()).includes(png), client.label).toBe(false);
    }
    await expectRefusedToAll(outsiders, (c) => c.request(`/api/v1/sites/KAM/workers/${workerCode}/photo`), refusedApi);
    await expectRefusedToAll(outsiders, (c) => c.request(`/sites/KAM/workers/${workerCode}/photo`), refusedPage);
    const allowed = await clients.cooperative!.request(`/api/v1/sites/KAM/workers/${workerCode}/photo`);
    expect(allowed.status).toBe(200);
    expect(Buffer.from(await allowed.arrayBuffer())).toEqual(png);
  });
});
