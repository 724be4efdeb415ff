import { bundlePath, tilePath, tilesOfTree } from '../src/core/tlog-tiles.ts';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoActors } from '../src/accounts/demo.ts';
import { openCase } from '../src/children/commands/open-case.ts';
import { rowsOf } from '../src/db/connect.ts';
import { loadDemo } from '../src/demo.ts';
import { recordExpenditure } from '../src/finance/commands/record-expenditure.ts';
import { appointMember } from '../src/fund/commands/appoint-member.ts';
import { runCommand, signCheckpoint } from '../src/journal/commands.ts';
import { modules } from '../src/modules.ts';
import { openAccount } from '../src/registry/commands/open-account.ts';
import { addMember } from '../src/savings/commands/add-member.ts';
import { registerWorker } from '../src/sites/commands/workers/register-worker.ts';
import { createTestContext, journalEventTexts, type TestContext } from './harness.ts';

/**
 * Personal data never reaches the public side. On the whole demo, one person of every kind is
 * planted with marker strings found nowhere else (a worker and her ID number, a savings-group
 * member, a fund committee member, a child's name and community, a registry account's KYC contact
 * email); then every anonymous API route, with real parameters and a 2xx required (an error body
 * shows nothing, so it proves nothing), every public page reached by following links from `/`,
 * the whole journal and every log line are searched for every marker, and for every child's case code.
 */
let t: TestContext;
const logLines: string[] = [];
const markers = {
  workerName: 'Zawadi Qxworkername',
  workerIdNumber: 'CD-QXWORKERID-77',
  savingsMemberName: 'Neema Qxsavingsname',
  committeeMemberName: 'Patrice Qxcommitteename',
  childName: 'Kabwe Qxchildname',
  childCommunity: 'Quartier Qxchildcommunity',
  kycEmail: 'qx.kyc.contact@fairphone.example',
  individualPayeeName: 'Honorine Qxpayeename',
};
const secrets: string[] = Object.values(markers);
const year = 2025;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  t = await createTestContext({ logger: pino({ level: 'debug' }, sink) });
  await loadDemo(t.handle, t.keyring, modules, { force: true, publicBaseUrl: t.deps.publicBaseUrl });
  const actors = await demoActors({ db: t.db } as Parameters<typeof demoActors>[0]);
  const cooperative = actors['cooperative@orebook.demo']!;
  const [kam] = rowsOf<{ id: number }>(await t.db.execute(sql`select id from sites where code = 'KAM'`));
  const planted = await runCommand(t.db, cooperative, (c) =>
    registerWorker(c, { siteId: kam!.id, fullName: markers.workerName, sex: 'F', birthYear: 1990, operatorGroup: 'washers', idNumber: markers.workerIdNumber, registeredOn: `${year}-02-01` }),
  );
  expect(planted.outcome).toBe('registered');
  await runCommand(t.db, actors['field@orebook.demo']!, (c) => addMember(c, { groupCode: 'KAM-VSLA-15', name: markers.savingsMemberName, sex: 'female', joinedOn: '2026-02-03' }));
  await runCommand(t.db, actors['admin@orebook.demo']!, (c) => appointMember(c, { site: 'KAM', personName: markers.committeeMemberName, groupCode: 'washers', termStart: '2026-01-01', termEnd: '2027-12-31' }));
  // In US dollars, the reporting currency: the year's public statement, which must answer 2xx below, needs no rate for it.
  await runCommand(t.db, actors['admin@orebook.demo']!, (c) =>
    recordExpenditure(c, { kind: 'expenditure', reference: 'QX-PAYEE', spentOn: '2025-05-05', amountMinor: 50_000, currency: 'USD', activity: 'SECRETARIAT', category: 'services_consultants', payee: { individual: markers.individualPayeeName }, description: 'Translation', allocations: [{ grantId: null, amountMinor: 50_000 }] }),
  );
  const [careOrganisation] = rowsOf<{ id: number }>(await t.db.execute(sql`select id from organisations where code = 'kolwezi-care'`));
  await runCommand(t.db, actors['casework@orebook.demo']!, (c) =>
    openCase(c, {
      siteCode: 'KAM',
      caseOrganisationId: careOrganisation!.id,
      sex: 'male',
      ageAtIdentification: 13,
      activity: 'washing_sorting',
      community: markers.childCommunity,
      householdHead: 'one_parent',
      householdSize: 6,
      identifiedOn: `${year}-06-01`,
      identifiedBy: 'community_monitor',
      riskLevel: 'high',
      name: markers.childName,
      nameKey: t.deps.childNameKey,
    }),
  );
  await runCommand(t.db, actors['buyer@orebook.demo']!, (c) =>
    openAccount(c, { name: 'Qx account', legalName: 'Fairphone B.V.', country: 'NL', registrationNumber: 'KVK 12345678', contactEmail: markers.kycEmail }),
  );
  for (const row of rowsOf<{ code: string }>(await t.db.execute(sql`select code from child_cases`))) secrets.push(row.code);
  await signCheckpoint(t.db, t.keyring, 'on_demand');

  // The staff see them (so the markers are really stored, and their requests are logged).
  const admin = await t.signIn('admin@orebook.demo', 'demo-admin-2026');
  let register = '';
  for (let offset = 0; !register.includes(markers.workerName) && offset < 20_000; offset += 200) {
    const response = await admin.request(`/api/v1/sites/KAM/workers?limit=200&offset=${offset}`);
    expect(response.status).toBe(200);
    const page = await response.text();
    if (!page.includes('"code"')) break;
    register += page;
  }
  expect(register).toContain(markers.workerIdNumber);
  expect(await (await admin.request('/api/v1/savings/groups/KAM-VSLA-15')).text()).toContain(markers.savingsMemberName);
  expect(await (await admin.request('/funds/KAM/committee')).text()).toContain(markers.committeeMemberName);
  const casework = await t.signIn('casework@orebook.demo', 'demo-casework-2026');
  const [childCase] = rowsOf<{ id: number }>(await t.db.execute(sql`select id from child_cases order by id desc limit 1`));
  const casePage = await (await casework.request(`/children/cases/${childCase!.id}`)).text();
  expect(casePage).toContain(markers.childName);
  expect(casePage).toContain(markers.childCommunity);
  expect(rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from credit_accounts where contact_email = ${markers.kycEmail}`))[0]!.n).toBe(1);
}, 900_000);
afterAll(() => t?.close());

function expectNoSecret(label: string, text: string) {
  const lower = text.toLowerCase();
  const shown = secrets.filter((secret) => lower.includes(secret.toLowerCase()));
  expect(shown, `${label} shows personal data`).toEqual([]);
}

const get = (path: string) => t.app.request(path);
/** The tree size of the latest checkpoint, from its signed note (origin, size, root hash). */
async function journalSizeOf(): Promise<number> {
  const response = await get('/api/v1/journal/checkpoint');
  expect(response.status).toBe(200);
  return Number((await response.text()).split('\n')[1]);
}
async function json<T>(path: string): Promise<T> {
  const response = await get(path);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}
const firstId = async (query: ReturnType<typeof sql>) => {
  const [row] = rowsOf<{ id: string | number }>(await t.db.execute(query));
  expect(row, String(query)).toBeDefined();
  return String(row!.id);
};

describe('Privacy of the public side', () => {
  it('keeps every marker out of every anonymous API route, each asked with real parameters and answering 2xx', async () => {
    const document = await json<{ paths: Record<string, Record<string, { security?: unknown[] }>> }>('/api/openapi.json');
    const size = await journalSizeOf();
    const serial = await firstId(sql`select serial_prefix || '-1' as id from credit_batches order by id limit 1`);
    const values: Record<string, string> = {
      code: 'KAM',
      site: 'KAM',
      version: await firstId(sql`select version as id from standard_versions where published_at is not null order by version limit 1`),
      serial,
    };
    const idFor: Record<string, () => Promise<string>> = {
      '/files/{id}': () => firstId(sql`select id from files where visibility = 'public' order by id limit 1`),
      '/verifications/{id}': () => firstId(sql`select id from verification_statements order by id limit 1`),
      '/certificates/{id}': () => firstId(sql`select id from credit_retirements order by id limit 1`),
      '/certificates/{id}.pdf': () => firstId(sql`select id from credit_retirements order by id limit 1`),
      '/certificates/{id}.tlog-proof': () => firstId(sql`select id from credit_retirements order by id limit 1`),
    };
    const queries: Record<string, string[]> = {
      '/journal/entries': Array.from({ length: Math.ceil(size / 1000) }, (_, i) => `?start=${i * 1000}&limit=1000`),
      '/journal/proof/inclusion': [`?index=${size - 1}&size=${size}`],
      '/journal/proof/consistency': [`?from=1&to=${size}`],
      '/sites/{code}': ['', `?on=${year}-12-31`],
      '/sites/{code}/headcount': ['', `?on=${year}-12-31`],
      '/sites/{code}/production': [`?from=${year}-01-01&to=${year + 1}-01-01`],
      '/sites/{code}/production/monthly': [`?year=${year}`, `?year=${year + 1}`],
      '/registry/batches': ['', '?site=KAM'],
      '/safety/summary': [`?year=${year}`, `?year=${year}&site=KAM`, `?year=${year + 1}`],
      '/children/summary': [`?year=${year}`, `?year=${year + 1}`],
      '/savings/summary': [`?year=${year}`, `?year=${year + 1}`],
      '/rates': ['', '?currency=CDF'],
      '/rates/conversion': ['?amountMinor=100000&from=USD&to=USD&on=2026-03-02'],
      '/finance/statements': [`?year=${year}`, `?from=${year}-03-01&to=${year}-09-30`],
      '/finance/statements.csv': [`?year=${year}`],
      '/finance/statements.xlsx': [`?year=${year}`],
    };
    const publicGets = Object.entries(document.paths).filter(([, methods]) => methods.get && !methods.get.security?.length).map(([path]) => path);
    expect(publicGets.length).toBeGreaterThanOrEqual(35);
    let asked = 0;
    for (const template of publicGets) {
      if (template === '/indicators/{id}') continue;
      if (template === '/forms/{form}.xlsx') continue;
      if (template.startsWith('/journal/tile/') || template.startsWith('/journal/entries32/')) {
        // Every tile and entry bundle of the journal: the bundles carry every entry's bytes.
        const bundles = template.includes('entries');
        for (const tile of tilesOfTree(size).filter((t) => (t.level === 'entries') === bundles)) {
          const tilePathOf = template.startsWith('/journal/entries32/') ? bundlePath(tile.index, tile.width, 'u32') : tilePath(tile);
          const response = await get(`/api/v1/journal/${tilePathOf}`);
          // A spec bundle holding an entry over 65,535 bytes is refused; its entries32 twin is asked too.
          if (response.status === 404 && template === '/journal/tile/entries/{N}') {
            expect(((await response.json()) as { error: { code: string } }).error.code).toBe('journal_bundle_too_large');
            continue;
          }
          expect(response.status, tilePathOf).toBe(200);
          expectNoSecret(`GET ${tilePathOf}`, Buffer.from(await response.arrayBuffer()).toString('latin1') + '\n');
          asked += 1;
        }
        continue;
      }
      let path = template.replace('/organisations/{code}/', '/organisations/kivu-audit/').replace('/finance/activities/{code}/', '/finance/activities/OHS-KAM/');
      for (const [name, value] of Object.entries(values)) path = path.replace(`{${name}}`, value);
      if (path.includes('{id}')) path = path.replace('{id}', await idFor[template]!());
      expect(path, `no value for a parameter of ${template}`).not.toMatch(/\{/);
      for (const query of queries[template] ?? ['']) {
        const response = await get(`/api/v1${path}${query}`);
        expect(response.status, `GET ${path}${query}`).toBeGreaterThanOrEqual(200);
        expect(response.status, `GET ${path}${query}`).toBeLessThan(300);
        expectNoSecret(`GET ${path}${query}`, Buffer.from(await response.arrayBuffer()).toString('latin1') + '\n');
        asked += 1;
      }
    }
    for (const { id } of (await json<{ forms: { id: string }[] }>('/api/v1/forms')).forms) {
      const response = await get(`/api/v1/forms/${id}.xlsx`);
      expect(response.status, `form ${id}`).toBe(200);
      asked += 1;
    }
    const { indicators } = await json<{ indicators: { id: string; visibility: string }[] }>('/api/v1/indicators');
    for (const indicator of indicators.filter((i) => i.visibility === 'public')) {
      const body = await json<{ values: unknown[] }>(`/api/v1/indicators/${indicator.id}?from=2024-01-01&to=2027-01-01`);
      expectNoSecret(indicator.id, JSON.stringify(body));
      asked += 1;
    }
    expect(asked).toBeGreaterThan(50);
  });

  it('keeps them out of every public page reached by following links from the home page', async () => {
    const limit = 400;
    const seen = new Map<string, number>();
    const queue = ['/', `/children?year=${year}`, `/safety?year=${year}`, `/safety/sites/KAM?year=${year}`];
    while (queue.length > 0 && seen.size < limit) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      const response = await get(path);
      seen.set(path, response.status);
      if (response.status >= 300) continue;
      const body = Buffer.from(await response.arrayBuffer()).toString(/html|json|text|csv|svg/.test(response.headers.get('content-type') ?? '') ? 'utf8' : 'latin1');
      expectNoSecret(`page ${path}`, body);
      if (!(response.headers.get('content-type') ?? '').includes('html')) continue;
      for (const match of body.matchAll(/href="([^"#]*)"/g)) {
        const url = new URL(match[1]!.replace(/&amp;/g, '&'), `${t.deps.publicBaseUrl}${path}`);
        if (url.origin !== t.deps.publicBaseUrl) continue;
        const link = `${url.pathname}${url.search}`;
        if (link.startsWith('/static/') || link.startsWith('/lang/') || seen.has(link)) continue;
        queue.push(link);
      }
    }
    const ok = [...seen].filter(([, status]) => status >= 200 && status < 300).map(([path]) => path);
    // The pages where a leak would show, each reached from the home page and answered.
    for (const page of ['/', '/sites', '/sites/KAM', '/funds', '/funds/KAM', '/registry', '/journal', '/children', '/safety']) expect(ok, page).toContain(page);
    expect(ok.length).toBeGreaterThan(40);
    // Links from public pages lead to public pages, or to the sign-in page for staff pages: nothing broken.
    const broken = [...seen].filter(([, status]) => !(status >= 200 && status < 400));
    expect(broken).toEqual([]);
  });

  it('keeps them out of the journal, which carries only codes and commitments', async () => {
    const size = await journalSizeOf();
    const events = await journalEventTexts(t.app);
    expect(events).toHaveLength(size);
    for (const type of ['sites.worker_registered', 'savings.member_added', 'fund.member_appointed', 'children.case_opened', 'registry.account_opened']) {
      expect(events.some((event) => event.includes(type)), type).toBe(true);
    }
    expectNoSecret('the journal', events.join('\n'));
  });

  it('keeps them out of every log line, including the lines of requests that showed them', () => {
    expect(logLines.length).toBeGreaterThan(10);
    expectNoSecret('the log', logLines.join('\n'));
  });
});
