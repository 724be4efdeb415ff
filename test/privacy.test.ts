import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../src/journal/commands.ts';
import { signCheckpoint } from '../src/journal/commands.ts';
import { declareProduction } from '../src/sites/commands/production.ts';
import { createSite } from '../src/sites/commands/sites.ts';
import { createStandardVersion, publishStandardVersion } from '../src/sites/commands/standard.ts';
import { registerWorker } from '../src/sites/commands/workers.ts';
import { createTestContext, system, type TestContext } from './harness.ts';

/**
 * Personal data never reaches the public side: every anonymous API route in the OpenAPI document,
 * every public page, the whole journal and every log line are searched for the names and ID
 * numbers of the people in the register.
 */
let t: TestContext;
const logLines: string[] = [];
const secrets = ['Zawadi Canaryname', 'CANARYNAME', 'CD-CANARY-0001', 'Trésor Canaryboy', 'CD-CANARY-0002', 'Petitenfant Canary'];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  t = await createTestContext({ logger: pino({ level: 'debug' }, sink) });
  await runCommand(t.db, system, (c) => createStandardVersion(c, { version: '1.0', source: { kind: 'default' } }));
  await runCommand(t.db, system, (c) => publishStandardVersion(c, { version: '1.0' }));
  const cooperative = await t.buildOrganisation({ kind: 'cooperative', code: 'coop-privacy' });
  const site = await runCommand(t.db, system, (c) =>
    createSite(c, { code: 'PRV', name: 'Privacy site', province: 'Lualaba', town: 'Kolwezi', latitudeE6: -10_700_000, longitudeE6: 25_400_000, concessionHolder: 'EGC', cooperative: cooperative.code }),
  );
  const coopActor = { kind: 'system', orgId: cooperative.id, orgCode: cooperative.code, role: 'admin' } as const;
  await runCommand(t.db, coopActor, (c) => registerWorker(c, { siteId: site.id, fullName: 'Zawadi Canaryname', sex: 'F', birthYear: 1990, operatorGroup: 'washers', idNumber: 'CD-CANARY-0001', registeredOn: '2025-02-01' }));
  await runCommand(t.db, coopActor, (c) => registerWorker(c, { siteId: site.id, fullName: 'Trésor Canaryboy', sex: 'M', birthYear: 1985, operatorGroup: 'diggers', idNumber: 'CD-CANARY-0002', registeredOn: '2025-02-01' }));
  await runCommand(t.db, coopActor, (c) => registerWorker(c, { siteId: site.id, fullName: 'Petitenfant Canary', sex: 'M', birthYear: 2014, operatorGroup: 'diggers', registeredOn: '2025-02-01' }));
  await runCommand(t.db, coopActor, (c) => declareProduction(c, { siteId: site.id, mineral: 'cobalt', producedOn: '2025-02-03', wetOreKg: 40_000, dryOreKg: 36_000, gradeBasisPoints: 250, buyer: 'EGC depot' }));
  await signCheckpoint(t.db, t.keyring, 'on_demand');
  // A signed-in admin looks at the register: that request's log line must not carry names either.
  const admin = await t.buildUser({ role: 'admin' });
  const session = await t.signIn(admin.email, admin.password);
  expect(await (await session.request('/api/v1/sites/PRV/workers')).text()).toContain('Zawadi Canaryname');
  expect(await (await session.request('/sites/PRV/workers')).text()).toContain('Zawadi Canaryname');
});
afterAll(() => t.close());

function expectNoPersonalData(label: string, text: string) {
  for (const secret of secrets) expect(text.toLowerCase().includes(secret.toLowerCase()), `${label} shows “${secret}”`).toBe(false);
}

describe('Privacy of the public side', () => {
  it('keeps names and ID numbers out of every anonymous API route', async () => {
    const document = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const fill = (path: string) =>
      path
        .replace('{code}', 'PRV')
        .replace('{id}', path.startsWith('/indicators') ? 'sites.workers_by_group_and_sex' : '1')
        .replace('{version}', '1.0')
        .replace(/\{[^}]+\}/g, '1');
    const publicGets = Object.entries(document.paths)
      .filter(([, methods]) => methods.get && !(methods.get.security?.length))
      .map(([path]) => fill(path));
    expect(publicGets.length).toBeGreaterThan(10);
    for (const path of publicGets) {
      const query = path.startsWith('/indicators/') ? '?from=2025-01-01&to=2026-01-01' : path.includes('/journal/entries') ? '?limit=1000' : '';
      const response = await t.app.request(`/api/v1${path}${query}`);
      expectNoPersonalData(`GET ${path} (${response.status})`, await response.text());
    }
  });

  it('keeps them out of every indicator', async () => {
    const { indicators } = (await (await t.app.request('/api/v1/indicators')).json()) as { indicators: { id: string; visibility: string }[] };
    for (const indicator of indicators.filter((i) => i.visibility === 'public')) {
      const response = await t.app.request(`/api/v1/indicators/${indicator.id}?from=2025-01-01&to=2026-01-01`);
      expect(response.status).toBe(200);
      expectNoPersonalData(indicator.id, await response.text());
    }
  });

  it('keeps them out of the public pages', async () => {
    for (const path of ['/', '/sites', '/sites/PRV', '/journal', '/standard', '/api/docs', '/sites/PRV/production']) {
      const response = await t.app.request(path);
      expect(response.status, path).toBe(200);
      expectNoPersonalData(path, await response.text());
    }
    expect((await t.app.request('/sites/PRV/workers')).status).toBe(303);
  });

  it('keeps them out of the journal, which carries only codes and commitments', async () => {
    const body = (await (await t.app.request('/api/v1/journal/entries?limit=1000')).json()) as { entries: { bytes: string }[] };
    const events = body.entries.map((entry) => Buffer.from(entry.bytes, 'base64').toString('utf8'));
    expect(events.some((event) => event.includes('sites.worker_registered'))).toBe(true);
    expect(events.some((event) => event.includes('sites.child_referred'))).toBe(true);
    expectNoPersonalData('the journal', events.join('\n'));
  });

  it('keeps them out of every log line, including the lines of requests that showed them', () => {
    expect(logLines.length).toBeGreaterThan(10);
    expectNoPersonalData('the log', logLines.join('\n'));
  });
});
