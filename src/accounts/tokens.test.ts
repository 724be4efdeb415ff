import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, jsonRequest, type TestContext } from '../../test/harness.ts';
import { journalSize } from '../journal/public.ts';
import { apiTokens } from './schema.ts';

let t: TestContext;
let secretariat: { id: number };
let admin: Awaited<ReturnType<TestContext['signIn']>>;
let field: Awaited<ReturnType<TestContext['signIn']>>;

beforeAll(async () => {
  t = await createTestContext();
  secretariat = await t.buildOrganisation({ kind: 'secretariat' });
  const adminUser = await t.buildUser({ role: 'admin', organisationId: secretariat.id });
  const fieldUser = await t.buildUser({ role: 'field', organisationId: secretariat.id });
  admin = await t.signIn(adminUser.email, adminUser.password);
  field = await t.signIn(fieldUser.email, fieldUser.password);
});
afterAll(() => t.close());

type Created = { id: number; token: string };
const createToken = async (as: typeof admin, body: Record<string, unknown>) => {
  const response = await as.request('/api/v1/tokens', jsonRequest('POST', { organisationId: secretariat.id, ...body }));
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Created;
};
const tokenCount = async () => Number((await t.db.select({ n: count() }).from(apiTokens))[0]!.n);
const form = (session: typeof admin, fields: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
  body: new URLSearchParams({ _csrf: session.csrfToken, ...fields }).toString(),
});

describe('Revoking a token', () => {
  it('is refused to a user below admin for a token someone else created in their organisation', async () => {
    const adminToken = await createToken(admin, { name: 'ERP export', role: 'admin' });
    const sizeBefore = await journalSize(t.db);
    const api = await field.request(`/api/v1/tokens/${adminToken.id}`, { method: 'DELETE' });
    expect(api.status).toBe(403);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    const page = await t.app.request(`/tokens/${adminToken.id}/revoke`, form(field));
    expect(page.status).toBe(403);
    expect(await journalSize(t.db)).toBe(sizeBefore);
    expect((await t.app.request('/api/v1/me', { headers: { authorization: `Bearer ${adminToken.token}` } })).status).toBe(200);
  });

  it('offers no revoke button for a token the reader may not revoke', async () => {
    const adminToken = await createToken(admin, { name: 'Nightly backup', role: 'admin' });
    const own = await createToken(field, { name: 'Field tablet', role: 'field' });
    const html = await (await field.request('/tokens')).text();
    expect(html).toContain('Nightly backup');
    expect(html).not.toContain(`/tokens/${adminToken.id}/revoke`);
    expect(html).toContain(`/tokens/${own.id}/revoke`);
  });

  it('is allowed to the user who created the token, on the API and the page', async () => {
    const first = await createToken(field, { name: 'Tablet 1', role: 'field' });
    const second = await createToken(field, { name: 'Tablet 2', role: 'field' });
    expect((await field.request(`/api/v1/tokens/${first.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await t.app.request(`/tokens/${second.id}/revoke`, form(field))).status).toBe(200);
    expect((await t.app.request('/api/v1/me', { headers: { authorization: `Bearer ${second.token}` } })).status).toBe(401);
  });

  it('is allowed to an admin for any token, and to a token for itself', async () => {
    const fieldToken = await createToken(field, { name: 'Tablet 3', role: 'field' });
    expect((await admin.request(`/api/v1/tokens/${fieldToken.id}`, { method: 'DELETE' })).status).toBe(200);
    const selfRevoking = await createToken(field, { name: 'Tablet 4', role: 'field' });
    expect((await t.app.request(`/api/v1/tokens/${selfRevoking.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${selfRevoking.token}` } })).status).toBe(200);
  });
});

describe('A token’s expiry', () => {
  it('is refused in the past on the API with 422 token_expiry_in_past, and nothing is created', async () => {
    const [sizeBefore, tokensBefore] = [await journalSize(t.db), await tokenCount()];
    for (const expiresAt of [new Date(Date.now() - 60_000).toISOString(), '2020-01-01T00:00:00Z']) {
      const response = await admin.request('/api/v1/tokens?lang=fr', jsonRequest('POST', { name: 'Stale', organisationId: secretariat.id, role: 'admin', expiresAt }));
      expect(response.status).toBe(422);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('token_expiry_in_past');
      expect(body.error.message).toMatch(/avenir/);
    }
    expect(await journalSize(t.db)).toBe(sizeBefore);
    expect(await tokenCount()).toBe(tokensBefore);
  });

  it('is refused on the page form for today or an earlier day, and taken for tomorrow', async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const tokensBefore = await tokenCount();
    for (const expiresOn of [day(-1), day(0)]) {
      const response = await t.app.request('/tokens', form(field, { name: 'Stale tablet', expiresOn }));
      expect(response.status).toBe(422);
      expect(await response.text()).toContain('must be in the future');
    }
    expect(await tokenCount()).toBe(tokensBefore);
    expect((await t.app.request('/tokens', form(field, { name: 'Fresh tablet', expiresOn: day(1) }))).status).toBe(201);
  });
});
