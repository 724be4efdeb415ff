import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { createTestContext, jsonRequest, type TestContext } from '../../test/harness.ts';
import { findEntries } from '../journal/public.ts';
import { signIn } from './sessions.ts';

let t: TestContext;
let secretariat: { id: number };
let admin: Awaited<ReturnType<TestContext['buildUser']>>;
let adminClient: Awaited<ReturnType<TestContext['signIn']>>;

beforeAll(async () => {
  t = await createTestContext();
  secretariat = await t.buildOrganisation({ kind: 'secretariat' });
  admin = await t.buildUser({ role: 'admin', organisationId: secretariat.id });
  adminClient = await t.signIn(admin.email, admin.password);
});
afterAll(() => t.close());

const errorCode = async (response: Response) => ((await response.clone().json()) as { error: { code: string } }).error.code;
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const post = (path: string, body?: unknown) => adminClient.request(path, body === undefined ? { method: 'POST' } : jsonRequest('POST', body));
const put = (path: string, body: unknown) => adminClient.request(path, jsonRequest('PUT', body));

/** The journal events about one user, decoded, with their exact bytes as text. */
async function eventsAbout(code: string) {
  const rows = await findEntries(t.db, { subject: `user:${code}` });
  return rows.map((row) => ({ type: row.type, text: row.bytes.toString('utf8'), payload: (JSON.parse(row.bytes.toString('utf8')) as { payload: Record<string, unknown> }).payload }));
}

/** A buyer who is signed in (a session cookie) and has created an API token with it. */
async function signedInBuyerWithToken() {
  const user = await t.buildUser({ role: 'buyer' });
  const session = await t.signIn(user.email, user.password);
  const created = await session.request('/api/v1/tokens', jsonRequest('POST', { name: 'ERP', organisationId: user.organisationId, role: 'buyer' }));
  expect(created.status).toBe(201);
  const { token } = (await created.json()) as { token: string };
  return { user, session, token };
}

describe('Deactivating a user', () => {
  it('refuses their open session and their API token at once, and their sign-in', async () => {
    const { user, session, token } = await signedInBuyerWithToken();
    expect((await session.request('/api/v1/me')).status).toBe(200);
    expect((await t.app.request('/api/v1/me', bearer(token))).status).toBe(200);

    const response = await post(`/api/v1/users/${user.id}/deactivate`);
    expect([response.status, await response.json()]).toEqual([200, { code: user.code, active: false }]);

    const withCookie = await session.request('/api/v1/me');
    expect([withCookie.status, await errorCode(withCookie)]).toEqual([401, 'unauthenticated']);
    const withToken = await t.app.request('/api/v1/me', bearer(token));
    expect([withToken.status, await errorCode(withToken)]).toEqual([401, 'token_revoked']);
    // The page that the old cookie asks for sends the browser to sign in.
    expect((await session.request('/tokens')).headers.get('location')).toMatch(/^\/login/);
    await expect(signIn(t.db, { email: user.email, password: user.password })).rejects.toMatchObject({ code: 'account_deactivated', status: 403 });
    // A wrong password says no more than for anyone else.
    await expect(signIn(t.db, { email: user.email, password: 'wrong-password' })).rejects.toMatchObject({ code: 'invalid_credentials' });
  });

  it('records one event with the organisation and the tokens revoked, and nothing personal', async () => {
    const { user } = await signedInBuyerWithToken();
    await post(`/api/v1/users/${user.id}/deactivate`);
    const [created, ...rest] = await eventsAbout(user.code);
    expect(created!.type).toBe('accounts.user_created');
    expect(rest.map((e) => [e.type, e.payload])).toEqual([['accounts.user_deactivated', { organisation: expect.any(String), tokensRevoked: 1 }]]);
    for (const event of rest) for (const secret of [user.email, user.displayName, user.password]) expect(event.text).not.toContain(secret);
  });

  it('refuses a second deactivation, and reactivation lets them sign in again while their old token stays revoked', async () => {
    const { user, token } = await signedInBuyerWithToken();
    await post(`/api/v1/users/${user.id}/deactivate`);
    const again = await post(`/api/v1/users/${user.id}/deactivate`);
    expect([again.status, await errorCode(again)]).toEqual([409, 'user_already_deactivated']);

    const reactivated = await post(`/api/v1/users/${user.id}/reactivate`);
    expect([reactivated.status, await reactivated.json()]).toEqual([200, { code: user.code, active: true }]);
    await expect(signIn(t.db, { email: user.email, password: user.password })).resolves.toMatchObject({ userId: user.id });
    expect((await t.app.request('/api/v1/me', bearer(token))).status).toBe(401);
    const twice = await post(`/api/v1/users/${user.id}/reactivate`);
    expect([twice.status, await errorCode(twice)]).toEqual([409, 'user_not_deactivated']);
    expect((await eventsAbout(user.code)).map((e) => e.type)).toEqual(['accounts.user_created', 'accounts.user_deactivated', 'accounts.user_reactivated']);
  });

  it('answers 404 for a user that does not exist', async () => {
    const response = await post('/api/v1/users/999999/deactivate');
    expect([response.status, await errorCode(response)]).toEqual([404, 'not_found']);
  });
});

describe('The last active admin', () => {
  it('cannot deactivate or demote themself, until another admin is active', async () => {
    const org = await t.buildOrganisation({ kind: 'secretariat' });
    // This file's other admin is deactivated first, so that `lone` is the only active one.
    const lone = await t.buildUser({ role: 'admin', organisationId: org.id });
    const client = await t.signIn(lone.email, lone.password);
    const deactivatedOther = await client.request(`/api/v1/users/${admin.id}/deactivate`, { method: 'POST' });
    expect(deactivatedOther.status).toBe(200);

    const self = await client.request(`/api/v1/users/${lone.id}/deactivate`, { method: 'POST' });
    expect([self.status, await errorCode(self)]).toEqual([409, 'last_admin']);
    const demote = await client.request(`/api/v1/users/${lone.id}/role`, jsonRequest('PUT', { role: 'field' }));
    expect([demote.status, await errorCode(demote)]).toEqual([409, 'last_admin']);

    expect((await client.request(`/api/v1/users/${admin.id}/reactivate`, { method: 'POST' })).status).toBe(200);
    const demoted = await client.request(`/api/v1/users/${lone.id}/role`, jsonRequest('PUT', { role: 'field' }));
    expect([demoted.status, await demoted.json()]).toEqual([200, { code: lone.code, role: 'field' }]);
    // The session now acts as a field officer: user administration is refused at once.
    expect((await client.request('/api/v1/users')).status).toBe(403);
    adminClient = await t.signIn(admin.email, admin.password);
  });

  it('lets only one of two admins who deactivate each other at once succeed', async () => {
    const org = await t.buildOrganisation({ kind: 'secretariat' });
    const a = await t.buildUser({ role: 'admin', organisationId: org.id });
    const b = await t.buildUser({ role: 'admin', organisationId: org.id });
    const [ca, cb] = [await t.signIn(a.email, a.password), await t.signIn(b.email, b.password)];
    // Leave a and b as the only active admins.
    const { users } = (await (await ca.request('/api/v1/users')).json()) as { users: { id: number; role: string; active: boolean }[] };
    const others = users.filter((u) => u.role === 'admin' && u.active && u.id !== a.id && u.id !== b.id);
    for (const other of others) expect((await ca.request(`/api/v1/users/${other.id}/deactivate`, { method: 'POST' })).status).toBe(200);

    const outcomes = await Promise.all([ca.request(`/api/v1/users/${b.id}/deactivate`, { method: 'POST' }), cb.request(`/api/v1/users/${a.id}/deactivate`, { method: 'POST' })]);
    const succeeded = outcomes.filter((r) => r.status === 200);
    expect(succeeded).toHaveLength(1);
    // The other is refused: the last admin (409), or its own session already ended by the first (401).
    expect([401, 409]).toContain(outcomes.find((r) => r.status !== 200)!.status);
    const survivor = outcomes[0]!.status === 200 ? ca : cb;
    for (const other of others) expect((await survivor.request(`/api/v1/users/${other.id}/reactivate`, { method: 'POST' })).status).toBe(200);
    adminClient = await t.signIn(admin.email, admin.password);
  });
});

describe('Changing a role', () => {
  it('refuses a role the organisation cannot hold, and the same role', async () => {
    const user = await t.buildUser({ role: 'buyer' });
    const wrong = await put(`/api/v1/users/${user.id}/role`, { role: 'verifier' });
    expect([wrong.status, await errorCode(wrong)]).toEqual([422, 'role_not_allowed_for_organisation']);
    const same = await put(`/api/v1/users/${user.id}/role`, { role: 'buyer' });
    expect([same.status, await errorCode(same)]).toEqual([409, 'role_unchanged']);
    const unknown = await put(`/api/v1/users/${user.id}/role`, { role: 'emperor' });
    expect(unknown.status).toBe(400);
    expect((await eventsAbout(user.code)).map((e) => e.type)).toEqual(['accounts.user_created']);
  });

  it('records the new and the previous role', async () => {
    const org = await t.buildOrganisation({ kind: 'secretariat' });
    const user = await t.buildUser({ role: 'field', organisationId: org.id });
    expect((await put(`/api/v1/users/${user.id}/role`, { role: 'committee' })).status).toBe(200);
    expect((await eventsAbout(user.code)).at(-1)).toMatchObject({ type: 'accounts.user_role_changed', payload: { role: 'committee', previousRole: 'field' } });
  });
});

describe('Resetting a password', () => {
  it('gives a temporary password that signs in only to choose a new one', async () => {
    const { user, session } = await signedInBuyerWithToken();
    const response = await post(`/api/v1/users/${user.id}/password-reset`);
    expect(response.status).toBe(200);
    const { temporaryPassword } = (await response.json()) as { temporaryPassword: string };
    expect(temporaryPassword).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    // The old password and the open session stop.
    expect((await session.request('/api/v1/me')).status).toBe(401);
    await expect(signIn(t.db, { email: user.email, password: user.password })).rejects.toMatchObject({ code: 'invalid_credentials' });

    const login = await t.app.request('/api/v1/auth/login', jsonRequest('POST', { email: user.email, password: temporaryPassword }));
    expect(((await login.json()) as { mustChangePassword: boolean }).mustChangePassword).toBe(true);
    const temporary = await t.signIn(user.email, temporaryPassword);
    const refused = await temporary.request('/api/v1/me');
    expect([refused.status, await errorCode(refused)]).toEqual([403, 'password_change_required']);
    const page = await temporary.request('/registry');
    expect([page.status, page.headers.get('location')]).toEqual([303, '/account/password']);

    const changed = await temporary.request('/api/v1/me/password', jsonRequest('PUT', { currentPassword: temporaryPassword, newPassword: 'my own long password' }));
    expect(changed.status).toBe(204);
    expect((await temporary.request('/api/v1/me')).status).toBe(200);
    await expect(signIn(t.db, { email: user.email, password: 'my own long password' })).resolves.toMatchObject({ mustChangePassword: false });

    const events = await eventsAbout(user.code);
    expect(events.map((e) => e.type).slice(-2)).toEqual(['accounts.user_password_reset', 'accounts.password_changed']);
    for (const event of events) {
      for (const secret of [temporaryPassword, 'my own long password', user.email, 'scrypt$']) expect(event.text).not.toContain(secret);
    }
  });
});

describe('Changing one’s own password', () => {
  it('asks for the current password, and ends the other sessions but not this one', async () => {
    const user = await t.buildUser({ role: 'member' });
    const [here, elsewhere] = [await t.signIn(user.email, user.password), await t.signIn(user.email, user.password)];
    const wrong = await here.request('/api/v1/me/password', jsonRequest('PUT', { currentPassword: 'not-my-password', newPassword: 'another long password' }));
    expect([wrong.status, await errorCode(wrong)]).toEqual([422, 'current_password_wrong']);
    const same = await here.request('/api/v1/me/password', jsonRequest('PUT', { currentPassword: user.password, newPassword: user.password }));
    expect([same.status, await errorCode(same)]).toEqual([422, 'password_unchanged']);
    const short = await here.request('/api/v1/me/password', jsonRequest('PUT', { currentPassword: user.password, newPassword: 'short' }));
    expect(short.status).toBe(400);

    expect((await here.request('/api/v1/me/password', jsonRequest('PUT', { currentPassword: user.password, newPassword: 'another long password' }))).status).toBe(204);
    expect((await here.request('/api/v1/me')).status).toBe(200);
    expect((await elsewhere.request('/api/v1/me')).status).toBe(401);
  });

  it('is refused to an API token, which has no password', async () => {
    const { token } = await t.buildToken({ role: 'buyer' });
    const response = await t.app.request('/api/v1/me/password', jsonRequest('PUT', { currentPassword: 'x', newPassword: 'another long password' }, { authorization: `Bearer ${token}` }));
    expect(response.status).toBe(403);
  });
});

describe('The create-user form', () => {
  it('chooses no role for the admin, and asks for one when none is chosen', async () => {
    const page = await (await adminClient.request('/users')).text();
    const roleSelect = /<select id="role"[^>]*>([\s\S]*?)<\/select>/.exec(page)![1]!;
    // Only the empty choice that asks for a role is selected.
    expect(roleSelect).toMatch(/^<option value="" selected="">Choose a role<\/option>/);
    expect(roleSelect.match(/selected/g)).toHaveLength(1);

    const response = await adminClient.request('/users', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: adminClient.csrfToken, displayName: 'Amani', email: 'amani@example.test', organisationId: String(secretariat.id), role: '', password: 'long-enough-password' }).toString(),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Choose the user’s role');
  });
});

describe('Changing a user’s role', () => {
  it('revokes the tokens they made that their new role could not make, so a demoted admin keeps no admin token', async () => {
    const formerAdmin = await t.buildUser({ role: 'admin', organisationId: secretariat.id });
    const session = await t.signIn(formerAdmin.email, formerAdmin.password);
    const make = async (body: unknown) => ((await (await session.request('/api/v1/tokens', jsonRequest('POST', body))).json()) as { token: string }).token;
    const adminToken = await make({ name: 'Admin script', organisationId: secretariat.id, role: 'admin' });
    const fieldToken = await make({ name: 'Field sync', organisationId: secretariat.id, role: 'field' });
    expect((await t.app.request('/api/v1/users', bearer(adminToken))).status).toBe(200);

    const demoted = await put(`/api/v1/users/${formerAdmin.id}/role`, { role: 'field' });
    expect(demoted.status).toBe(200);
    const refused = await t.app.request('/api/v1/users', bearer(adminToken));
    expect([refused.status, await errorCode(refused)]).toEqual([401, 'token_revoked']);
    // A token of the role they now have, in their organisation, is one they could still make: it stays.
    expect((await t.app.request('/api/v1/me', bearer(fieldToken))).status).toBe(200);
    const changed = (await eventsAbout(formerAdmin.code)).find((event) => event.type === 'accounts.user_role_changed');
    expect(changed!.payload).toMatchObject({ role: 'field', previousRole: 'admin', tokensRevoked: 1 });
  });
});
