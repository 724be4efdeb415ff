import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { authorize } from '../core/auth/policies.ts';
import { isAuthenticated, organisationKinds, userRoles } from '../core/auth/roles.ts';
import { coreError, notFound } from '../core/errors.ts';
import { locales } from '../core/i18n/index.ts';
import { runCommand } from '../journal/public.ts';
import type { AppEnv } from '../web/context.ts';
import { isSecureRequest, sessionCookie } from '../web/middleware.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../web/openapi.ts';
import { changeOwnPassword, changeUserRole, createApiToken, createOrganisation, createUser, deactivateUser, minPasswordLength, reactivateUser, resetUserPassword, revokeApiToken } from './commands.ts';
import { findOrganisation, findToken, listOrganisations, listTokens, listUsers } from './queries.ts';
import { signOut } from './sessions.ts';
import { signInWithinLimit } from './sign-in-limit.ts';

const errors = errorResponses;
const json = jsonResponse;
const bearer = signedInSecurity;

const Organisation = z
  .object({ id: z.number().int(), code: z.string(), name: z.string(), kind: z.enum(organisationKinds), country: z.string(), createdAt: z.string() })
  .openapi('Organisation');
const User = z
  .object({
    id: z.number().int(),
    code: z.string(),
    email: z.string(),
    displayName: z.string(),
    role: z.enum(userRoles),
    organisationId: z.number().int(),
    active: z.boolean(),
  })
  .openapi('User');
const Token = z
  .object({
    id: z.number().int(),
    name: z.string(),
    prefix: z.string(),
    organisationId: z.number().int(),
    role: z.enum(userRoles),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiToken');

const LoginBody = z.strictObject({ email: z.string().email().max(320), password: z.string().min(1).max(1024) });
const OrganisationBody = z.strictObject({
  code: z.string().regex(/^[a-z0-9][a-z0-9-]{1,31}$/, 'lower-case letters, digits and hyphens, 2 to 32'),
  name: z.string().trim().min(2).max(200),
  kind: z.enum(organisationKinds),
  country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code, e.g. CD'),
});
const UserBody = z.strictObject({
  organisationId: z.number().int().positive(),
  email: z.string().email().max(320),
  displayName: z.string().trim().min(1).max(200),
  role: z.enum(userRoles),
  password: z.string().min(minPasswordLength, 'at least 12 characters').max(1024),
  locale: z.enum(locales).optional(),
});
const RoleBody = z.strictObject({ role: z.enum(userRoles) });
const PasswordChangeBody = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(minPasswordLength, 'at least 12 characters').max(1024),
});
const UserParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const TokenBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  organisationId: z.number().int().positive(),
  role: z.enum(userRoles),
  expiresAt: z.string().datetime({ offset: true }).optional(),
});

const iso = (date: Date | null) => (date ? date.toISOString() : null);
const presentOrganisation = (o: Awaited<ReturnType<typeof listOrganisations>>[number]) => ({ ...o, createdAt: o.createdAt.toISOString() });
const presentToken = (t: { id: number; name: string; prefix: string; organisationId: number; role: (typeof userRoles)[number]; createdAt: Date; expiresAt: Date | null; revokedAt: Date | null }) => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  organisationId: t.organisationId,
  role: t.role,
  createdAt: t.createdAt.toISOString(),
  expiresAt: iso(t.expiresAt),
  revokedAt: iso(t.revokedAt),
});

/** Sign-in, the signed-in user, organisations, users and API tokens. */
export function registerAccountsApi(api: OpenAPIHono<AppEnv>) {
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', description: 'An API token (obk_...)' });
  api.openAPIRegistry.registerComponent('securitySchemes', 'sessionCookie', { type: 'apiKey', in: 'cookie', name: sessionCookie });

  api.openapi(
    createRoute({
      method: 'post',
      path: '/auth/login',
      tags: ['Accounts'],
      summary: 'Sign in with email and password; sets the session cookie',
      request: { body: { content: { 'application/json': { schema: LoginBody } }, required: true } },
      responses: { 200: json(z.object({ csrfToken: z.string(), expiresAt: z.string(), mustChangePassword: z.boolean() })), ...errors(400, 401, 403, 429) },
    }),
    async (c) => {
      const session = await signInWithinLimit(c, c.req.valid('json'));
      setCookie(c, sessionCookie, session.sessionToken, { httpOnly: true, sameSite: 'Lax', secure: isSecureRequest(c), path: '/', expires: session.expiresAt });
      // A temporary password (after a reset) opens only PUT /me/password until it is replaced.
      return c.json({ csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString(), mustChangePassword: session.mustChangePassword }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/auth/logout',
      tags: ['Accounts'],
      summary: 'Sign out: ends the session',
      security: bearer,
      responses: { 204: { description: 'Signed out' }, ...errors(401, 403) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'me.read');
      const token = getCookie(c, sessionCookie);
      if (token) await signOut(c.get('deps').db, token);
      deleteCookie(c, sessionCookie, { path: '/' });
      return c.body(null, 204);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/me',
      tags: ['Accounts'],
      summary: 'Who is asking: user or token, organisation and role',
      security: bearer,
      responses: {
        200: json(z.object({ kind: z.enum(['user', 'token']), organisation: z.string(), role: z.enum(userRoles), displayName: z.string().nullable() })),
        ...errors(401),
      },
    }),
    async (c) => {
      const actor = c.get('actor');
      authorize(actor, 'me.read');
      if (!isAuthenticated(actor) || actor.kind === 'system') throw coreError('unauthenticated', 401);
      return c.json(
        { kind: actor.kind, organisation: actor.orgCode, role: actor.role, displayName: actor.kind === 'user' ? actor.displayName : null },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/organisations',
      tags: ['Accounts'],
      summary: 'All organisations (secretariat)',
      security: bearer,
      responses: { 200: json(z.object({ organisations: z.array(Organisation) })), ...errors(401, 403) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'organisation.list');
      const rows = await listOrganisations(c.get('deps').db);
      return c.json({ organisations: rows.map(presentOrganisation) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/organisations',
      tags: ['Accounts'],
      summary: 'Create an organisation (secretariat)',
      security: bearer,
      request: { body: { content: { 'application/json': { schema: OrganisationBody } }, required: true } },
      responses: { 201: json(Organisation, 'Created'), ...errors(400, 401, 403, 409) },
    }),
    async (c) => {
      const actor = c.get('actor');
      authorize(actor, 'organisation.create');
      const body = c.req.valid('json');
      const organisation = await runCommand(c.get('deps').db, actor, (ctx) => createOrganisation(ctx, body));
      return c.json(presentOrganisation(organisation), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/organisations/{code}',
      tags: ['Accounts'],
      summary: 'One organisation (its own users, or the secretariat)',
      security: bearer,
      request: { params: z.object({ code: z.string() }) },
      responses: { 200: json(Organisation), ...errors(401, 403, 404) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const organisation = await findOrganisation(c.get('deps').db, { code: c.req.valid('param').code });
      authorize(actor, 'organisation.read', { orgId: organisation?.id ?? -1 });
      if (!organisation) throw notFound();
      return c.json(presentOrganisation(organisation), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/users',
      tags: ['Accounts'],
      summary: 'All users, with their personal data (secretariat)',
      security: bearer,
      responses: { 200: json(z.object({ users: z.array(User) })), ...errors(401, 403) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'user.list');
      const rows = await listUsers(c.get('deps').db);
      return c.json(
        { users: rows.map((u) => ({ id: u.id, code: u.code, email: u.email, displayName: u.displayName, role: u.role, organisationId: u.organisationId, active: !u.deactivatedAt })) },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/users',
      tags: ['Accounts'],
      summary: 'Create a user (secretariat)',
      security: bearer,
      request: { body: { content: { 'application/json': { schema: UserBody } }, required: true } },
      responses: { 201: json(User, 'Created'), ...errors(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      authorize(actor, 'user.create');
      const body = c.req.valid('json');
      const user = await runCommand(c.get('deps').db, actor, (ctx) => createUser(ctx, body));
      return c.json({ id: user.id, code: user.code, email: user.email, displayName: user.displayName, role: user.role, organisationId: user.organisationId, active: true }, 201);
    },
  );

  const userChange = (path: string, summary: string) =>
    createRoute({
      method: 'post',
      path,
      tags: ['Accounts'],
      summary,
      security: bearer,
      request: { params: UserParams },
      responses: { 200: json(z.object({ code: z.string(), active: z.boolean() })), ...errors(401, 403, 404, 409) },
    });

  api.openapi(userChange('/users/{id}/deactivate', 'Deactivate a user: their sessions end and the tokens they created are revoked at once (secretariat)'), async (c) => {
    const actor = c.get('actor');
    authorize(actor, 'user.manage');
    const { id } = c.req.valid('param');
    const { code } = await runCommand(c.get('deps').db, actor, (ctx) => deactivateUser(ctx, { userId: id }));
    return c.json({ code, active: false }, 200);
  });

  api.openapi(userChange('/users/{id}/reactivate', 'Reactivate a deactivated user (secretariat)'), async (c) => {
    const actor = c.get('actor');
    authorize(actor, 'user.manage');
    const { id } = c.req.valid('param');
    const { code } = await runCommand(c.get('deps').db, actor, (ctx) => reactivateUser(ctx, { userId: id }));
    return c.json({ code, active: true }, 200);
  });

  api.openapi(
    createRoute({
      method: 'put',
      path: '/users/{id}/role',
      tags: ['Accounts'],
      summary: 'Change a user’s role, within what their organisation’s kind allows (secretariat)',
      security: bearer,
      request: { params: UserParams, body: { content: { 'application/json': { schema: RoleBody } }, required: true } },
      responses: { 200: json(z.object({ code: z.string(), role: z.enum(userRoles) })), ...errors(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      authorize(actor, 'user.manage');
      const { id } = c.req.valid('param');
      const changed = await runCommand(c.get('deps').db, actor, (ctx) => changeUserRole(ctx, { userId: id, role: c.req.valid('json').role }));
      return c.json(changed, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/password-reset',
      tags: ['Accounts'],
      summary: 'Reset a user’s password to a temporary one, shown once in this answer; the user must replace it at sign-in (secretariat)',
      security: bearer,
      request: { params: UserParams },
      responses: { 200: json(z.object({ code: z.string(), temporaryPassword: z.string() })), ...errors(401, 403, 404) },
    }),
    async (c) => {
      const actor = c.get('actor');
      authorize(actor, 'user.manage');
      const { id } = c.req.valid('param');
      const reset = await runCommand(c.get('deps').db, actor, (ctx) => resetUserPassword(ctx, { userId: id }));
      return c.json(reset, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/me/password',
      tags: ['Accounts'],
      summary: 'Change your own password, given the current one; your other sessions end',
      security: bearer,
      request: { body: { content: { 'application/json': { schema: PasswordChangeBody } }, required: true } },
      responses: { 204: { description: 'Changed' }, ...errors(400, 401, 403, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      authorize(actor, 'password.change');
      const body = c.req.valid('json');
      await runCommand(c.get('deps').db, actor, (ctx) => changeOwnPassword(ctx, { ...body, currentSessionToken: getCookie(c, sessionCookie) }));
      return c.body(null, 204);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/tokens',
      tags: ['Accounts'],
      summary: 'API tokens of your organisation (all, for the secretariat); never the secret',
      security: bearer,
      responses: { 200: json(z.object({ tokens: z.array(Token) })), ...errors(401, 403) },
    }),
    async (c) => {
      const actor = c.get('actor');
      authorize(actor, 'token.list');
      const orgId = actor.role === 'admin' || !('orgId' in actor) ? null : actor.orgId;
      const rows = await listTokens(c.get('deps').db, orgId);
      return c.json({ tokens: rows.map(presentToken) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/tokens',
      tags: ['Accounts'],
      summary: 'Create an API token; the token is shown once, in this answer',
      security: bearer,
      request: { body: { content: { 'application/json': { schema: TokenBody } }, required: true } },
      responses: { 201: json(Token.extend({ token: z.string() }), 'Created'), ...errors(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const body = c.req.valid('json');
      authorize(actor, 'token.create', { orgId: body.organisationId, role: body.role });
      const created = await runCommand(c.get('deps').db, actor, (ctx) =>
        createApiToken(ctx, {
          organisationId: body.organisationId,
          role: body.role,
          name: body.name,
          expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
          createdByUserId: actor.kind === 'user' ? actor.userId : null,
        }),
      );
      return c.json({ ...presentToken(created.record), token: created.token }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/tokens/{id}',
      tags: ['Accounts'],
      summary: 'Revoke an API token',
      security: bearer,
      request: { params: z.object({ id: z.coerce.number().int().positive() }) },
      responses: { 200: json(Token), ...errors(401, 403, 404, 409) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const { id } = c.req.valid('param');
      const token = await findToken(c.get('deps').db, id);
      authorize(actor, 'token.revoke', { tokenId: id, createdByUserId: token?.createdByUserId ?? null });
      if (!token) throw notFound();
      const revoked = await runCommand(c.get('deps').db, actor, (ctx) => revokeApiToken(ctx, { tokenId: id }));
      return c.json(presentToken(revoked), 200);
    },
  );
}
