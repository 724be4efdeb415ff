import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, journalEventTexts, system, type TestContext } from '../../test/harness.ts';
import { journalSize, runCommand } from '../journal/public.ts';
import { createSite } from './commands/sites/create-site.ts';
import { registerWorker } from './commands/workers/register-worker.ts';

let t: TestContext;
let workerCode: string;
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR-fake-face-pixels')]);
const tokens: Record<string, string> = {};

const upload = (token: string | undefined, content: Buffer, name = 'face.png') => {
  const form = new FormData();
  form.append('photo', new File([new Uint8Array(content)], name));
  return t.app.request(`/api/v1/sites/PHO/workers/${workerCode}/photo`, { method: 'POST', body: form, headers: token ? { authorization: `Bearer ${token}` } : {} });
};
const fetchPhoto = (token?: string) => t.app.request(`/api/v1/sites/PHO/workers/${workerCode}/photo`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative', code: 'coop-photo' });
  const site = await runCommand(t.db, system, (c) =>
    createSite(c, { code: 'PHO', name: 'Photo site', province: 'Lualaba', town: 'Kolwezi', latitudeE6: -10_700_000, longitudeE6: 25_400_000, concessionHolder: 'EGC', cooperative: cooperative.code }),
  );
  const outcome = await runCommand(t.db, system, (c) => registerWorker(c, { siteId: site.id, fullName: 'Sifa Photo', sex: 'F', birthYear: 1992, operatorGroup: 'washers', registeredOn: '2025-03-01' }));
  workerCode = (outcome as { worker: { code: string } }).worker.code;
  tokens.cooperative = (await t.buildToken({ role: 'cooperative', organisationId: cooperative.id })).token;
  tokens.admin = (await t.buildToken({ role: 'admin' })).token;
  tokens.verifier = (await t.buildToken({ role: 'verifier' })).token;
  tokens.committee = (await t.buildToken({ role: 'committee' })).token;
  tokens.otherCooperative = (await t.buildToken({ role: 'cooperative' })).token;
});
afterAll(() => t.close());

describe('Worker photos', () => {
  it('lets the site’s cooperative set a photo that the register’s readers can see', async () => {
    expect((await upload(tokens.cooperative, png)).status).toBe(201);
    const response = await fetchPhoto(tokens.admin);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('cache-control')).toContain('no-store');
    expect(Buffer.from(await response.arrayBuffer()).equals(png)).toBe(true);
  });

  it('keeps the photo from verifiers, committee members, other cooperatives and the public', async () => {
    expect((await fetchPhoto(tokens.verifier)).status).toBe(403);
    expect((await fetchPhoto(tokens.committee)).status).toBe(403);
    expect((await fetchPhoto(tokens.otherCooperative)).status).toBe(403);
    expect((await fetchPhoto()).status).toBe(401);
  });

  it('never serves it through the general file download, whoever asks', async () => {
    const rows = (await t.db.execute(`select id from files where visibility = 'personal'`)) as unknown as { rows: { id: number }[] };
    expect(rows.rows.length).toBe(1);
    // As if it did not exist: not found for an admin, refused like any file they hold no record of for the others.
    for (const [token, status] of [[tokens.admin, 404], [tokens.verifier, 403], [tokens.committee, 403]] as const) {
      expect((await t.app.request(`/api/v1/files/${rows.rows[0]!.id}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(status);
    }
  });

  it('journals that a photo was set, without its hash', async () => {
    const event = (await journalEventTexts(t.app)).map((text) => JSON.parse(text)).find((e) => e.type === 'sites.worker_photo_set');
    expect(event.payload).toEqual({ site: 'PHO', worker: workerCode });
  });

  it('refuses what is not a JPEG or PNG picture, an empty file, and roles that may not register', async () => {
    const before = await journalSize(t.db);
    expect((await upload(tokens.cooperative, Buffer.from('<svg onload=alert(1)>'), 'face.png')).status).toBe(415);
    expect((await upload(tokens.cooperative, Buffer.alloc(0))).status).toBe(422);
    expect((await upload(tokens.verifier, png)).status).toBe(403);
    expect((await upload(undefined, png)).status).toBe(401);
    expect(await journalSize(t.db)).toBe(before);
  });
});
