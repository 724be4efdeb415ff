import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, insertSignedStatement, openApprovedAccount } from '../../test/factories/registry.ts';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import { journalSize, listEntries, runCommand } from '../journal/public.ts';
import { issueBatch } from './commands/issue-batch.ts';
import { retireCredits } from './commands/retire-credits.ts';
import { transferCredits } from './commands/transfer-credits.ts';
import { getIssuanceAccount } from './queries/accounts.ts';

let t: TestContext;
let buyer: { id: number; code: string };
let other: { id: number; code: string };
const tokens: Record<'admin' | 'buyer' | 'member' | 'other', string> = { admin: '', buyer: '', member: '', other: '' };

beforeAll(async () => {
  t = await createTestContext();
  const secretariat = await t.buildOrganisation({ kind: 'secretariat', code: 'fca' });
  buyer = await t.buildOrganisation({ kind: 'buyer', code: 'fairphone' });
  other = await t.buildOrganisation({ kind: 'buyer', code: 'cellmaker' });
  tokens.admin = (await t.buildToken({ role: 'admin', organisationId: secretariat.id })).token;
  tokens.buyer = (await t.buildToken({ role: 'buyer', organisationId: buyer.id })).token;
  tokens.member = (await t.buildToken({ role: 'member', organisationId: buyer.id })).token;
  tokens.other = (await t.buildToken({ role: 'buyer', organisationId: other.id })).token;
});
afterAll(() => t?.close());

const as = (who: keyof typeof tokens, headers: Record<string, string> = {}) => ({ authorization: `Bearer ${tokens[who]}`, ...headers });
const post = (path: string, who: keyof typeof tokens, body: unknown, headers: Record<string, string> = {}) => t.app.request(`/api/v1${path}`, jsonRequest('POST', body, as(who, headers)));
const get = (path: string, who?: keyof typeof tokens) => t.app.request(`/api/v1${path}`, { headers: who ? as(who) : {} });
const kyc = { name: 'Retirements 2025', legalName: 'Fairphone B.V.', country: 'nl', registrationNumber: 'KvK 55864279', contactEmail: 'Ana.Sousa@fairphone.example' };

type Body = Record<string, unknown> & { error?: { code: string; message: string; details?: unknown } };
const json = async (response: Response) => (await response.json()) as Body;

async function lastEventText(): Promise<string> {
  const [entry] = await listEntries(t.db, (await journalSize(t.db)) - 1, 1);
  return entry!.bytes.toString('utf8');
}

describe('Opening an account', () => {
  it('a buyer opens a pending account for its organisation and gets its KYC details back; the journal keeps the contact out', async () => {
    const response = await post('/registry/accounts', 'buyer', kyc);
    expect(response.status).toBe(201);
    const account = await json(response);
    expect(account).toMatchObject({
      organisation: { id: buyer.id, code: 'fairphone' },
      kind: 'holding',
      name: 'Retirements 2025',
      status: 'pending',
      kyc: { legalName: 'Fairphone B.V.', country: 'NL', registrationNumber: 'KvK 55864279', contactEmail: 'ana.sousa@fairphone.example' },
      balance: { heldKg: 0, retiredKg: 0 },
      approvedAt: null,
    });
    const event = await lastEventText();
    expect(event).toContain('registry.account_opened');
    expect(event.toLowerCase()).not.toContain('ana.sousa');
  });

  it('lets a buyer open an account only for its own organisation, and the secretariat for any', async () => {
    const refused = await post('/registry/accounts', 'other', { ...kyc, organisationId: buyer.id });
    expect(refused.status).toBe(403);
    expect((await json(refused)).error?.code).toBe('forbidden');
    const opened = await post('/registry/accounts', 'admin', { ...kyc, organisationId: other.id });
    expect(opened.status).toBe(201);
    expect(await json(opened)).toMatchObject({ organisation: { code: 'cellmaker' }, status: 'pending' });
    expect((await post('/registry/accounts', 'admin', { ...kyc, organisationId: 987_654 })).status).toBe(404);
  });

  it('refuses bad KYC details with the fields named, in the reader’s language, and changes nothing', async () => {
    const before = await journalSize(t.db);
    const response = await post('/registry/accounts', 'buyer', { ...kyc, country: 'Netherlands', contactEmail: 'nobody' }, { 'accept-language': 'fr' });
    expect(response.status).toBe(422);
    expect((await json(response)).error).toEqual({
      code: 'account_details_invalid',
      message: 'Des informations du compte manquent ou ne sont pas valides : country, contactEmail.',
      details: { fields: ['country', 'contactEmail'] },
    });
    const missing = await post('/registry/accounts', 'buyer', { name: 'x' });
    expect(missing.status).toBe(400);
    expect((await json(missing)).error?.code).toBe('validation_failed');
    expect(await journalSize(t.db)).toBe(before);
  });

  it('a member of the organisation may not open one', async () => {
    expect((await post('/registry/accounts', 'member', kyc)).status).toBe(403);
  });
});

describe('Listing and reading accounts', () => {
  let buyerAccount: number;
  let retirementId: number;
  let prefix: string;

  beforeAll(async () => {
    buyerAccount = (await openApprovedAccount(t.db, buyer, 'Main')).id;
    const { statement } = await insertSignedStatement(t, { responsibleKg: 5_000, periodStart: '2023-01-01', periodEnd: '2023-12-31' });
    const batch = await runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId: statement.id, quantityKg: 5_000 }));
    prefix = batch.serialPrefix;
    const issuance = (await getIssuanceAccount(t.db))!.id;
    await runCommand(t.db, system, (ctx) => transferCredits(ctx, { fromAccountId: issuance, toAccountId: buyerAccount, quantityKg: 3_000 }));
    const retirement = await runCommand(t.db, actorOf(buyer, 'buyer'), (ctx) =>
      retireCredits(ctx, { accountId: buyerAccount, quantityKg: 500, beneficiary: 'Fairphone B.V.', claimPeriodStart: '2023-01-01', claimPeriodEnd: '2023-12-31', covers: 'total use' }),
    );
    retirementId = retirement.id;
  });

  it('gives the secretariat every account, pending ones first, filtered by status', async () => {
    const all = (await json(await get('/registry/accounts', 'admin'))).accounts as { status: string; organisation: { code: string } }[];
    expect(all.length).toBeGreaterThanOrEqual(4);
    const firstNotPending = all.findIndex((a) => a.status !== 'pending');
    expect(all.slice(firstNotPending).every((a) => a.status !== 'pending')).toBe(true);
    const pending = (await json(await get('/registry/accounts?status=pending', 'admin'))).accounts as { status: string }[];
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((a) => a.status === 'pending')).toBe(true);
    expect((await get('/registry/accounts?status=closed', 'admin')).status).toBe(400);
  });

  it('gives anyone else their own organisation’s accounts only, with balances', async () => {
    const mine = (await json(await get('/registry/accounts', 'member'))).accounts as { id: number; organisation: { code: string }; balance: unknown }[];
    expect(mine.every((a) => a.organisation.code === 'fairphone')).toBe(true);
    expect(mine.find((a) => a.id === buyerAccount)?.balance).toEqual({ heldKg: 2_500, retiredKg: 500 });
    const theirs = (await json(await get('/registry/accounts', 'other'))).accounts as { organisation: { code: string } }[];
    expect(theirs.every((a) => a.organisation.code === 'cellmaker')).toBe(true);
    expect((await get('/registry/accounts')).status).toBe(401);
  });

  it('shows the holder its account: KYC, balance, live blocks with serials, retirements with their certificate, transfers', async () => {
    const response = await get(`/registry/accounts/${buyerAccount}`, 'buyer');
    expect(response.status).toBe(200);
    const account = await json(response);
    expect(account).toMatchObject({
      id: buyerAccount,
      status: 'approved',
      kyc: { legalName: 'fairphone SA', registrationNumber: `RCS ${buyer.id}`, contactEmail: 'contact@fairphone.example' },
      balance: { heldKg: 2_500, retiredKg: 500 },
      holdings: [{ serials: `${prefix}-501-3000`, serialPrefix: prefix, firstUnit: 501, lastUnit: 3_000, quantityKg: 2_500, mineral: 'cobalt', vintage: 2023 }],
      retirements: [{ id: retirementId, quantityKg: 500, beneficiary: 'Fairphone B.V.', ranges: [{ serials: `${prefix}-1-500` }], certificateUrl: `/certificates/${retirementId}` }],
      transfers: [{ direction: 'in', quantityKg: 3_000, counterpart: { organisation: 'fca' }, ranges: [{ serials: `${prefix}-1-3000` }], reversedByTransferId: null }],
    });
    expect((await get(`/registry/accounts/${buyerAccount}`, 'admin')).status).toBe(200);
    expect((await get(`/registry/accounts/${buyerAccount}`, 'member')).status).toBe(200);
  });

  it('answers 404 to another organisation, as for an account that does not exist, and 401 to an anonymous reader', async () => {
    const refused = await get(`/registry/accounts/${buyerAccount}`, 'other');
    expect(refused.status).toBe(404);
    expect((await json(refused)).error?.code).toBe('account_not_found');
    expect((await get('/registry/accounts/987654', 'admin')).status).toBe(404);
    expect((await get(`/registry/accounts/${buyerAccount}`)).status).toBe(401);
    expect((await get('/registry/accounts/abc', 'admin')).status).toBe(400);
  });
});

describe('Approving and suspending', () => {
  it('the secretariat approves a pending account once, suspends it once, and approves it again', async () => {
    const { id } = await json(await post('/registry/accounts', 'buyer', { ...kyc, name: 'To approve' }));
    const approved = await post(`/registry/accounts/${id}/approval`, 'admin', {});
    expect(approved.status).toBe(200);
    expect(await json(approved)).toMatchObject({ id, status: 'approved', approvedAt: expect.any(String) });
    const again = await post(`/registry/accounts/${id}/approval`, 'admin', {}, { 'accept-language': 'fr' });
    expect(again.status).toBe(409);
    expect((await json(again)).error).toMatchObject({ code: 'account_already_approved', message: `Le compte ${id} est déjà approuvé.` });
    const suspended = await post(`/registry/accounts/${id}/suspension`, 'admin', {});
    expect(await json(suspended)).toMatchObject({ status: 'suspended', suspendedAt: expect.any(String) });
    expect((await json(await post(`/registry/accounts/${id}/suspension`, 'admin', {}))).error?.code).toBe('account_already_suspended');
    expect(await json(await post(`/registry/accounts/${id}/approval`, 'admin', {}))).toMatchObject({ status: 'approved', suspendedAt: null });
  });

  it('refuses the issuance account’s suspension, unknown accounts, and anyone but the secretariat', async () => {
    const issuance = (await getIssuanceAccount(t.db))!.id;
    const refused = await post(`/registry/accounts/${issuance}/suspension`, 'admin', {});
    expect(refused.status).toBe(422);
    expect((await json(refused)).error?.code).toBe('issuance_account_cannot_be_suspended');
    expect((await post('/registry/accounts/987654/approval', 'admin', {})).status).toBe(404);
    const { id } = await json(await post('/registry/accounts', 'buyer', { ...kyc, name: 'Not mine to approve' }));
    expect((await post(`/registry/accounts/${id}/approval`, 'buyer', {})).status).toBe(403);
    expect((await t.app.request(`/api/v1/registry/accounts/${id}/approval`, { method: 'POST' })).status).toBe(401);
  });
});

describe('Signed-in users', () => {
  it('need the CSRF token with their session cookie', async () => {
    const user = await t.buildUser({ role: 'buyer', organisationId: buyer.id });
    const session = await t.signIn(user.email, user.password);
    const without = await t.app.request('/api/v1/registry/accounts', jsonRequest('POST', kyc, { cookie: session.cookie }));
    expect(without.status).toBe(403);
    expect((await json(without)).error?.code).toBe('csrf_failed');
    const withToken = await session.request('/api/v1/registry/accounts', jsonRequest('POST', kyc));
    expect(withToken.status).toBe(201);
  });
});

describe('OpenAPI', () => {
  it('describes the account routes in a valid document', async () => {
    const document = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    expect((await new Validator().validate(document)).errors ?? []).toEqual([]);
    for (const [path, method] of [
      ['/registry/accounts', 'post'],
      ['/registry/accounts', 'get'],
      ['/registry/accounts/{id}', 'get'],
      ['/registry/accounts/{id}/approval', 'post'],
      ['/registry/accounts/{id}/suspension', 'post'],
    ] as const) {
      expect(document.paths[path]?.[method]?.security?.length, `${method} ${path}`).toBeGreaterThan(0);
    }
  });
});
