import { createPrivateKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectApiRefusal } from '../../test/expect.ts';
import { insertSite } from '../../test/factories/sites.ts';
import { insertPublishedStandard } from '../../test/factories/standard.ts';
import { createTestContext, jsonRequest, type TestContext } from '../../test/harness.ts';
import { buildCli, CliError, exit } from '../cli.ts';
import type { Config } from '../config.ts';
import { rowsOf } from '../db/connect.ts';
import { journalSize, listEntries } from '../journal/public.ts';
import { parseEd25519PublicKey } from './organisation-keys.ts';
import { assessmentResponses, assessments, productionDeclarations } from './schema.ts';

/**
 * Verifier-held keys (issue 16): a verifier organisation registers its own Ed25519 public key, gets
 * the exact bytes of a prepared statement, signs them offline (`orebook sign-statement`) and
 * uploads the signature; Orebook checks it, refuses anything else, and says in public who held the key.
 */
let t: TestContext;
let tmpDir: string;
beforeAll(async () => {
  t = await createTestContext();
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orebook-verifier-keys-'));
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterAll(async () => {
  vi.restoreAllMocks();
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  await t?.close();
});

let siteCounter = 0;
/** A verifier organisation with a submitted assessment (baseline met) of a new site, and 12 t of cobalt declared over 2024 (1 t a month). */
async function buildVerifier() {
  const verifierOrganisation = await t.buildOrganisation({ kind: 'verifier' });
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  const n = siteCounter++;
  const { site } = await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: `K${String.fromCharCode(65 + Math.floor(n / 26))}${String.fromCharCode(65 + (n % 26))}` });
  const { version, criteria } = await insertPublishedStandard(t.db);
  const [assessment] = await t.db
    .insert(assessments)
    .values({ siteId: site.id, verifierOrganisationId: verifierOrganisation.id, standardVersionId: version.id, periodStart: '2024-01-01', periodEnd: '2024-12-31', status: 'submitted', submittedAt: new Date() })
    .returning();
  await t.db.insert(assessmentResponses).values(criteria.map((criterion) => ({ assessmentId: assessment!.id, criterionId: criterion.id, rating: 'met' as const })));
  for (let month = 1; month <= 12; month++) {
    await t.db.insert(productionDeclarations).values({
      siteId: site.id,
      mineral: 'cobalt',
      producedOn: `2024-${String(month).padStart(2, '0')}-15`,
      wetOreKg: 1000,
      dryOreKg: 1000,
      gradeBasisPoints: 10_000,
      containedKg: 1000,
      buyer: 'EGC',
    });
  }
  const token = `Bearer ${(await t.buildToken({ role: 'verifier', organisationId: verifierOrganisation.id })).token}`;
  return { organisation: verifierOrganisation, cooperative, site, assessment: assessment!, token };
}
type Verifier = Awaited<ReturnType<typeof buildVerifier>>;

const month = (v: Verifier, m: number) => ({
  assessmentId: v.assessment.id,
  mineral: 'cobalt',
  periodStart: `2024-${String(m).padStart(2, '0')}-01`,
  periodEnd: `2024-${String(m).padStart(2, '0')}-28`,
  responsibleKg: 900,
});

const call = async <T = Record<string, unknown>,>(method: string, url: string, authorization: string | null, body?: unknown, headers: Record<string, string> = {}) => {
  const init = body === undefined ? { method, headers } : jsonRequest(method, body, headers);
  if (authorization) (init.headers as Record<string, string>).authorization = authorization;
  const response = await t.app.request(url, init);
  return { response, status: response.status, body: (await response.clone().json().catch(() => null)) as T };
};

async function counts() {
  const [row] = rowsOf<{ statements: number; keys: number; drafts: number; custody: number }>(
    await t.db.execute(
      sql`select (select count(*) from verification_statements)::int as statements, (select count(*) from organisation_keys)::int as keys, (select count(*) from verification_drafts)::int as drafts, (select count(*) from organisation_key_custody)::int as custody`,
    ),
  );
  return { ...row!, journal: await journalSize(t.db) };
}

/** Expects the API to refuse with this status and code, in English and in French, and to have written nothing. */
async function expectRefusedUnchanged(request: (headers: Record<string, string>) => Promise<{ response: Response }>, status: number, code: string) {
  const before = await counts();
  const english = await expectApiRefusal((await request({})).response, status, code);
  const french = await expectApiRefusal((await request({ 'accept-language': 'fr' })).response, status, code);
  expect(french.message).not.toBe(english.message);
  expect(await counts()).toEqual(before);
}

const cli = () => buildCli({} as Config);
async function runCli(...args: string[]): Promise<string> {
  const log = vi.mocked(console.log);
  log.mockClear();
  await cli().parseAsync(args, { from: 'user' });
  return log.mock.calls.map((c) => c.join(' ')).join('\n');
}

/** `orebook keygen-verifier`: a key file, and the public key it prints to register. */
async function keygen(name: string) {
  const file = path.join(tmpDir, `${name}.pem`);
  const out = await runCli('keygen-verifier', '--out', file);
  const publicKey = /public key to register: (\S+)/.exec(out)![1]!;
  return { file, publicKey };
}

/** `orebook sign-statement` over the bytes saved from the API, as the verifier would run it. */
async function signOffline(keyFile: string, draftId: number, token: string) {
  const document = await t.app.request(`/api/v1/verification-drafts/${draftId}/document`, { headers: { authorization: token } });
  expect(document.status).toBe(200);
  const statementFile = path.join(tmpDir, `draft-${draftId}.json`);
  fs.writeFileSync(statementFile, Buffer.from(await document.arrayBuffer()));
  const signatureFile = path.join(tmpDir, `draft-${draftId}-${path.basename(keyFile)}.sig`);
  await runCli('sign-statement', '--key', keyFile, '--in', statementFile, '--out', signatureFile);
  return fs.readFileSync(signatureFile, 'utf8').trim();
}

type Draft = { id: number; document: string; publicKey: string; keyId: number; statementId: number | null };
type Statement = { id: number; keyCustody: string; keyHeldBy: { en: string; fr: string }; signatureValid: boolean; document: string; signature: string; publicKey: string; keyId: number };

const register = (v: Verifier, publicKey: string, replaces?: number) =>
  call<{ id: number; custody: string }>('POST', `/api/v1/organisations/${v.organisation.code}/verifier-keys`, v.token, { publicKey, ...(replaces ? { replaces } : {}) });
const prepare = (v: Verifier, m: number) => call<Draft>('POST', `/api/v1/sites/${v.site.code}/verification-drafts`, v.token, month(v, m));
const upload = (v: Verifier, draftId: number, signature: string, headers: Record<string, string> = {}) =>
  call<Statement>('POST', `/api/v1/verification-drafts/${draftId}/signature`, v.token, { signature }, headers);

async function lastEvents(n: number) {
  const size = await journalSize(t.db);
  return (await listEntries(t.db, size - n, n)).map((entry) => JSON.parse(entry.bytes.toString('utf8')) as { type: string; payload: Record<string, unknown> });
}

/** The check-statement program of docs/verifications.md, as an outsider would run it. */
async function docsChecker() {
  const doc = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/verifications.md'), 'utf8');
  const source = /<!-- check-statement -->\n```js\n([\s\S]*?)\n```\n/.exec(doc)![1]!;
  const file = path.join(tmpDir, 'check-statement.mjs');
  fs.writeFileSync(file, source);
  return (await import(/* @vite-ignore */ pathToFileURL(file).href)) as { checkStatement: (statement: unknown, keys: unknown[]) => { responsibleKg: number; key: { custody?: string } } };
}

describe('Signing offline with a key Orebook never sees', () => {
  it('keygen → register → fetch the exact bytes → orebook sign-statement → upload → the public views say the verifier held the key → it checks', async () => {
    const v = await buildVerifier();
    const key = await keygen('offline');
    const registered = await register(v, key.publicKey);
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ publicKey: key.publicKey, custody: 'verifier', retiredAt: null });
    expect((await lastEvents(1))[0]).toMatchObject({ type: 'sites.verifier_key_registered', payload: { keyId: registered.body.id, publicKey: key.publicKey, custody: 'verifier', retiredKeyId: null } });

    const draft = await prepare(v, 1);
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({ keyId: registered.body.id, publicKey: key.publicKey, statementId: null });
    expect(JSON.parse(Buffer.from(draft.body.document, 'base64').toString('utf8')).key).toEqual({ publicKey: key.publicKey });

    const signature = await signOffline(key.file, draft.body.id, v.token);
    const before = await counts();
    const signed = await upload(v, draft.body.id, signature);
    expect(signed.status, JSON.stringify(signed.body)).toBe(201);
    expect(await counts()).toEqual({ ...before, statements: before.statements + 1, journal: before.journal + 1 });
    expect((await lastEvents(1))[0]).toMatchObject({ type: 'sites.verification_signed', payload: { statementId: signed.body.id, publicKey: key.publicKey, keyCustody: 'verifier', signature } });

    // Every public view says who held the key, in English and in French.
    const statement = await call<Statement>('GET', `/api/v1/verifications/${signed.body.id}`, null);
    expect(statement.body).toMatchObject({
      signatureValid: true,
      keyCustody: 'verifier',
      keyHeldBy: { en: 'Signed with a key held by the verifier', fr: 'Signé avec une clé détenue par le vérificateur' },
      document: draft.body.document,
      signature,
    });
    const list = await call<{ verifications: Statement[] }>('GET', `/api/v1/sites/${v.site.code}/verifications`, null);
    expect(list.body.verifications[0]).toMatchObject({ keyCustody: 'verifier' });
    expect(await (await t.app.request(`/verifications/${signed.body.id}`)).text()).toContain('Signed with a key held by the verifier');
    expect(await (await t.app.request(`/verifications/${signed.body.id}?lang=fr`)).text()).toContain('Signé avec une clé détenue par le vérificateur');
    expect(await (await t.app.request(`/sites/${v.site.code}`)).text()).toContain('the verifier');

    // The outsider's check: node:crypto over the exact bytes, and the program in docs/verifications.md.
    const rawKey = createPrivateKey(fs.readFileSync(key.file, 'utf8'));
    expect(verify(null, Buffer.from(statement.body.document, 'base64'), rawKey, Buffer.from(signature, 'base64'))).toBe(true);
    const keys = (await call<{ keys: unknown[] }>('GET', `/api/v1/organisations/${v.organisation.code}/verifier-keys`, null)).body.keys;
    const { checkStatement } = await docsChecker();
    expect(checkStatement(statement.body, keys).responsibleKg).toBe(900);
  });
});

describe('Refusals (nothing written)', () => {
  let v: Verifier;
  let key: { file: string; publicKey: string };
  let draft: Draft;
  beforeAll(async () => {
    v = await buildVerifier();
    key = await keygen('refusals');
    expect((await register(v, key.publicKey)).status).toBe(201);
    draft = (await prepare(v, 2)).body;
  });

  it('refuses the registry signing for an organisation that holds its own key', async () => {
    await expectRefusedUnchanged((headers) => call('POST', `/api/v1/sites/${v.site.code}/verifications`, v.token, month(v, 3), headers), 409, 'verifier_holds_key');
  });

  it('refuses a signature over other bytes, a signature by another key, and one that is not 64 bytes', async () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    const document = Buffer.from(draft.document, 'base64');
    const bySomeoneElse = sign(null, document, other).toString('base64');
    await expectRefusedUnchanged((headers) => upload(v, draft.id, bySomeoneElse, headers), 422, 'signature_does_not_verify');
    const overOtherBytes = sign(null, Buffer.concat([document, Buffer.from(' ')]), createPrivateKey(fs.readFileSync(key.file, 'utf8'))).toString('base64');
    await expectRefusedUnchanged((headers) => upload(v, draft.id, overOtherBytes, headers), 422, 'signature_does_not_verify');
    await expectRefusedUnchanged((headers) => upload(v, draft.id, Buffer.alloc(32, 1).toString('base64'), headers), 422, 'signature_malformed');
    expect((await upload(v, draft.id, 'not base64!')).status).toBe(422);
  });

  it('refuses a statement already signed', async () => {
    const signature = await signOffline(key.file, draft.id, v.token);
    expect((await upload(v, draft.id, signature)).status).toBe(201);
    await expectRefusedUnchanged((headers) => upload(v, draft.id, signature, headers), 409, 'draft_already_signed');
  });

  it('refuses bad keys: malformed, already registered, a second active key, a rotation of a key that is not the active one', async () => {
    await expectRefusedUnchanged((headers) => call('POST', `/api/v1/organisations/${v.organisation.code}/verifier-keys`, v.token, { publicKey: 'AAAA' }, headers), 422, 'verifier_key_malformed');
    const fresh = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();
    await expectRefusedUnchanged((headers) => call('POST', `/api/v1/organisations/${v.organisation.code}/verifier-keys`, v.token, { publicKey: key.publicKey, replaces: 1 }, headers), 409, 'verifier_key_not_active');
    await expectRefusedUnchanged((headers) => call('POST', `/api/v1/organisations/${v.organisation.code}/verifier-keys`, v.token, { publicKey: fresh }, headers), 409, 'verifier_key_already_active');
    const other = await buildVerifier();
    await expectRefusedUnchanged((headers) => call('POST', `/api/v1/organisations/${other.organisation.code}/verifier-keys`, other.token, { publicKey: key.publicKey }, headers), 409, 'verifier_key_already_registered');
    await expectRefusedUnchanged((headers) => call('POST', `/api/v1/sites/${other.site.code}/verification-drafts`, other.token, month(other, 1), headers), 409, 'no_verifier_key');
  });

  it('orebook sign-statement refuses, writing no signature, a statement for another key and bytes that are not the canonical document', async () => {
    const stranger = await keygen('stranger');
    const statementFile = path.join(tmpDir, 'refused.json');
    const out = path.join(tmpDir, 'refused.sig');
    fs.writeFileSync(statementFile, Buffer.from(draft.document, 'base64'));
    await expect(runCli('sign-statement', '--key', stranger.file, '--in', statementFile, '--out', out)).rejects.toMatchObject({ code: exit.badInput, message: expect.stringMatching(/to be signed with key/) });
    fs.writeFileSync(statementFile, JSON.stringify(JSON.parse(Buffer.from(draft.document, 'base64').toString('utf8')), null, 2));
    await expect(runCli('sign-statement', '--key', key.file, '--in', statementFile, '--out', out)).rejects.toBeInstanceOf(CliError);
    await expect(runCli('keygen-verifier', '--out', key.file)).rejects.toMatchObject({ code: exit.badInput });
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('Rotation and retirement', () => {
  it('keeps every statement checkable: the registry’s key, the first own key and its successor, after each is retired', async () => {
    const v = await buildVerifier();
    // January: signed by the registry, with the key it holds for the organisation.
    const january = await call<Statement>('POST', `/api/v1/sites/${v.site.code}/verifications`, v.token, month(v, 1));
    expect(january.body).toMatchObject({ keyCustody: 'registry', keyHeldBy: { en: 'Signed with a key held by the registry operator' } });

    const first = await keygen('rotation-1');
    const registered = await register(v, first.publicKey);
    expect((await lastEvents(1))[0]).toMatchObject({ type: 'sites.verifier_key_registered', payload: { retiredKeyId: january.body.keyId, retiredKeyCustody: 'registry' } });
    const februaryDraft = (await prepare(v, 2)).body;
    const february = await upload(v, februaryDraft.id, await signOffline(first.file, februaryDraft.id, v.token));
    expect(february.status).toBe(201);
    const pending = (await prepare(v, 3)).body; // prepared for the first key, signed after the rotation

    const second = await keygen('rotation-2');
    const rotated = await register(v, second.publicKey, registered.body.id);
    expect(rotated.status).toBe(201);
    expect((await lastEvents(1))[0]).toMatchObject({ type: 'sites.verifier_key_rotated', payload: { keyId: rotated.body.id, retiredKeyId: registered.body.id } });
    // A signature by the retired key is refused, and so is the draft that names it.
    await expectRefusedUnchanged(async (headers) => upload(v, pending.id, await signOffline(first.file, pending.id, v.token), headers), 409, 'draft_key_not_active');
    const marchDraft = (await prepare(v, 3)).body;
    await expectRefusedUnchanged(async (headers) => upload(v, marchDraft.id, sign(null, Buffer.from(marchDraft.document, 'base64'), createPrivateKey(fs.readFileSync(first.file, 'utf8'))).toString('base64'), headers), 422, 'signature_does_not_verify');
    const march = await upload(v, marchDraft.id, await signOffline(second.file, marchDraft.id, v.token));
    expect(march.status).toBe(201);

    const retired = await call('POST', `/api/v1/organisations/${v.organisation.code}/verifier-keys/${rotated.body.id}/retire`, v.token);
    expect(retired.status).toBe(200);
    expect((await lastEvents(1))[0]).toMatchObject({ type: 'sites.verifier_key_retired', payload: { keyId: rotated.body.id } });
    // Without an active key, nobody signs in the organisation's name: not the verifier, not the registry.
    await expectRefusedUnchanged((headers) => call('POST', `/api/v1/sites/${v.site.code}/verification-drafts`, v.token, month(v, 4), headers), 409, 'no_verifier_key');
    await expectRefusedUnchanged((headers) => call('POST', `/api/v1/sites/${v.site.code}/verifications`, v.token, month(v, 4), headers), 409, 'verifier_holds_key');
    await expectRefusedUnchanged((headers) => call('POST', `/api/v1/organisations/${v.organisation.code}/verifier-keys/${rotated.body.id}/retire`, v.token, undefined, headers), 409, 'verifier_key_not_active');

    const keys = (await call<{ custody: string; keys: { id: number; custody: string; retiredAt: string | null }[] }>('GET', `/api/v1/organisations/${v.organisation.code}/verifier-keys`, null)).body;
    expect(keys.custody).toBe('verifier');
    expect(keys.keys.map((k) => [k.custody, k.retiredAt === null])).toEqual([
      ['registry', false],
      ['verifier', false],
      ['verifier', false],
    ]);
    const { checkStatement } = await docsChecker();
    for (const id of [january.body.id, february.body.id, march.body.id]) {
      const statement = await call<Statement>('GET', `/api/v1/verifications/${id}`, null);
      expect(statement.body.signatureValid, String(id)).toBe(true);
      expect(checkStatement(statement.body, keys.keys).responsibleKg).toBe(900);
    }

    // Back to a key the registry holds: it makes a new one and signs again; statements say so.
    const back = await call('PUT', `/api/v1/organisations/${v.organisation.code}/verifier-key-custody`, v.token, { custody: 'registry' });
    expect(back.status).toBe(200);
    await expectRefusedUnchanged((headers) => call('PUT', `/api/v1/organisations/${v.organisation.code}/verifier-key-custody`, v.token, { custody: 'registry' }, headers), 409, 'key_custody_unchanged');
    const april = await call<Statement>('POST', `/api/v1/sites/${v.site.code}/verifications`, v.token, month(v, 4));
    expect(april.body).toMatchObject({ keyCustody: 'registry', signatureValid: true });
  });

  it('reads a public key in every form a verifier’s tools give', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    const spki = publicKey.export({ format: 'der', type: 'spki' });
    for (const text of [raw.toString('base64'), raw.toString('base64url'), spki.toString('base64'), publicKey.export({ format: 'pem', type: 'spki' }).toString()]) {
      expect(parseEd25519PublicKey(text)?.equals(raw), text).toBe(true);
    }
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    for (const text of ['', 'AAAA', Buffer.alloc(31).toString('base64'), rsa]) expect(parseEd25519PublicKey(text)).toBeNull();
  });
});

describe('Role matrix of the verifier-key and draft routes', () => {
  let v: Verifier;
  let draft: Draft;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    v = await buildVerifier();
    expect((await register(v, (await keygen('matrix')).publicKey)).status).toBe(201);
    draft = (await prepare(v, 5)).body;
    const bearer = async (role: 'verifier' | 'admin' | 'cooperative' | 'buyer' | 'field', organisationId?: number) =>
      `Bearer ${(await t.buildToken({ role, ...(organisationId ? { organisationId } : {}) })).token}`;
    tokens.otherVerifier = await bearer('verifier');
    tokens.admin = await bearer('admin');
    tokens.field = await bearer('field');
    tokens.cooperative = await bearer('cooperative', v.cooperative.id);
    tokens.buyer = await bearer('buyer');
  });

  /** Who may do what, written from the domain rules: only the organisation's own verifiers touch its keys and its drafts. */
  const rows: { name: string; request: () => [string, string, unknown?]; otherVerifier: [number, string] }[] = [
    { name: 'POST /organisations/{code}/verifier-keys', request: () => ['POST', `/api/v1/organisations/${v.organisation.code}/verifier-keys`, { publicKey: Buffer.alloc(32, 7).toString('base64') }], otherVerifier: [403, 'forbidden'] },
    { name: 'POST /organisations/{code}/verifier-keys/{id}/retire', request: () => ['POST', `/api/v1/organisations/${v.organisation.code}/verifier-keys/${draft.keyId}/retire`], otherVerifier: [403, 'forbidden'] },
    { name: 'PUT /organisations/{code}/verifier-key-custody', request: () => ['PUT', `/api/v1/organisations/${v.organisation.code}/verifier-key-custody`, { custody: 'registry' }], otherVerifier: [403, 'forbidden'] },
    { name: 'POST /sites/{code}/verification-drafts', request: () => ['POST', `/api/v1/sites/${v.site.code}/verification-drafts`, month(v, 6)], otherVerifier: [403, 'not_assessing_verifier'] },
    { name: 'GET /verification-drafts/{id}', request: () => ['GET', `/api/v1/verification-drafts/${draft.id}`], otherVerifier: [404, 'draft_not_found'] },
    { name: 'GET /verification-drafts/{id}/document', request: () => ['GET', `/api/v1/verification-drafts/${draft.id}/document`], otherVerifier: [404, 'draft_not_found'] },
    { name: 'POST /verification-drafts/{id}/signature', request: () => ['POST', `/api/v1/verification-drafts/${draft.id}/signature`, { signature: Buffer.alloc(64).toString('base64') }], otherVerifier: [404, 'draft_not_found'] },
  ];

  for (const row of rows) {
    it(`${row.name}: refuses another verifier organisation, the secretariat, field officers, the site’s cooperative, a buyer and the public`, async () => {
      const before = await counts();
      const [method, url, body] = row.request();
      await expectApiRefusal((await call(method, url, tokens.otherVerifier!, body)).response, ...row.otherVerifier);
      for (const role of ['admin', 'field', 'cooperative', 'buyer']) await expectApiRefusal((await call(method, url, tokens[role]!, body)).response, 403, 'forbidden');
      await expectApiRefusal((await call(method, url, null, body)).response, 401, 'unauthenticated');
      expect(await counts()).toEqual(before);
    });
  }

  it('shows the organisation’s verifiers, on their home page, the draft that waits for their signature instead of asking for a new statement, and links their signing keys', async () => {
    const home = await (await t.app.request('/', { headers: { authorization: v.token } })).text();
    expect(home).toContain(`href="/verification-drafts/${draft.id}"`);
    expect(home).not.toContain(`verifications/new?assessment=${v.assessment.id}`);
    expect(home).toContain('href="/verifier-keys"');
    const other = await (await t.app.request('/', { headers: { authorization: tokens.otherVerifier! } })).text();
    expect(other).not.toContain(`/verification-drafts/${draft.id}`);
    expect(await (await t.app.request('/', { headers: { authorization: tokens.admin! } })).text()).not.toContain('href="/verifier-keys"');
  });

  it('lets the organisation’s own verifiers read their draft and its exact bytes', async () => {
    const read = await call<Draft>('GET', `/api/v1/verification-drafts/${draft.id}`, v.token);
    expect(read.status).toBe(200);
    const bytes = await t.app.request(`/api/v1/verification-drafts/${draft.id}/document`, { headers: { authorization: v.token } });
    expect(Buffer.from(await bytes.arrayBuffer()).toString('base64')).toBe(read.body.document);
  });
});

describe('OpenAPI', () => {
  it('describes the new routes', async () => {
    const document = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(document.paths).flatMap(([route, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${route}`));
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /organisations/{code}/verifier-keys',
        'POST /organisations/{code}/verifier-keys/{id}/retire',
        'PUT /organisations/{code}/verifier-key-custody',
        'POST /sites/{code}/verification-drafts',
        'GET /verification-drafts/{id}',
        'GET /verification-drafts/{id}/document',
        'POST /verification-drafts/{id}/signature',
      ]),
    );
  });
});
