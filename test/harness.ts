import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import { pino, type Logger } from 'pino';
import { inject } from 'vitest';
import { eq } from 'drizzle-orm';
import { createApiToken, createOrganisation, createUser } from '../src/accounts/commands.ts';
import { apiTokens } from '../src/accounts/schema.ts';
import { createApp } from '../src/app.tsx';
import { rolesByOrganisationKind, type Actor, type OrganisationKind, type UserRole } from '../src/core/auth/roles.ts';
import { connectDatabase, type DatabaseHandle } from '../src/db/connect.ts';
import { runCommand } from '../src/journal/commands.ts';
import { memoryKeyring, type Keyring } from '../src/journal/keys.ts';
import { JournalTreeCache } from '../src/journal/queries.ts';
import { modules } from '../src/modules.ts';
import { trustProxies } from '../src/web/client-address.ts';
import type { Deps } from '../src/web/context.ts';
import type { OrebookModule } from '../src/web/module.ts';
import { newChildNameKey } from '../src/children/name-key.ts';

export const system: Actor = { kind: 'system', orgId: null, orgCode: null, role: 'admin' };
export const testOrigin = 'test.orebook/journal';

/** A database for one test file: a copy of the migrated schema on PGlite, or on the PostgreSQL server. */
export async function openTestDatabase(): Promise<DatabaseHandle> {
  const template = inject('postgresTemplate');
  const url = process.env.DATABASE_URL;
  if (template && url) {
    const name = `orebook_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name} template ${template}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    const handle = await connectDatabase({ kind: 'postgres', url: target.toString(), poolSize: 20 });
    return {
      ...handle,
      close: async () => {
        await handle.close();
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  const snapshot = new Blob([fs.readFileSync(inject('pgliteSnapshot'))]);
  return connectDatabase({ kind: 'memory', loadDataDir: snapshot });
}

export type TestContext = Awaited<ReturnType<typeof createTestContext>>;

/** A fresh database, keyring and HTTP app for one test file, with factories for its data. */
export async function createTestContext(options: { demo?: boolean; extraModules?: readonly OrebookModule[]; logger?: Logger; deps?: Partial<Deps> } = {}) {
  const handle = await openTestDatabase();
  const keyring: Keyring = memoryKeyring(testOrigin);
  const deps: Deps = {
    db: handle.db,
    dbKind: handle.kind,
    keyring,
    publicBaseUrl: 'https://test.orebook',
    childNameKey: newChildNameKey(),
    logger: options.logger ?? pino({ level: 'silent' }),
    journalTree: new JournalTreeCache(),
    secureCookies: 'never',
    trustedProxies: trustProxies([]),
    bodyLimitBytes: 64 * 1024,
    uploadLimitBytes: 12 * 1024 * 1024,
    demo: options.demo ?? false,
    ...options.deps,
  };
  const app = createApp(deps, [...modules, ...(options.extraModules ?? [])]);
  let counter = 0;
  const unique = () => `${++counter}${randomBytes(3).toString('hex')}`;

  async function buildOrganisation(props: { kind?: OrganisationKind; code?: string; name?: string } = {}) {
    const code = props.code ?? `org-${unique()}`;
    return runCommand(handle.db, system, (ctx) =>
      createOrganisation(ctx, { code, name: props.name ?? `Organisation ${code}`, kind: props.kind ?? 'secretariat', country: 'CD' }),
    );
  }

  const kindFor = (role: UserRole): OrganisationKind =>
    (Object.entries(rolesByOrganisationKind).find(([, roles]) => roles.includes(role))?.[0] ?? 'secretariat') as OrganisationKind;

  async function buildUser(props: { role: UserRole; organisationId?: number; password?: string }) {
    const organisationId = props.organisationId ?? (await buildOrganisation({ kind: kindFor(props.role) })).id;
    const password = props.password ?? `password-${unique()}`;
    const email = `user-${unique()}@example.test`;
    const user = await runCommand(handle.db, system, (ctx) =>
      createUser(ctx, { organisationId, email, displayName: `Test ${props.role}`, role: props.role, password }),
    );
    return { ...user, password };
  }

  async function buildToken(props: { role: UserRole; organisationId?: number; expiresAt?: Date | null }) {
    const organisationId = props.organisationId ?? (await buildOrganisation({ kind: kindFor(props.role) })).id;
    const expired = props.expiresAt && props.expiresAt.getTime() <= Date.now();
    const created = await runCommand(handle.db, system, (ctx) =>
      createApiToken(ctx, { organisationId, role: props.role, name: `test ${props.role}`, expiresAt: expired ? null : (props.expiresAt ?? null) }),
    );
    // A token that has since expired: a new one cannot be created already expired.
    if (expired) await handle.db.update(apiTokens).set({ expiresAt: props.expiresAt }).where(eq(apiTokens.id, created.record.id));
    return { ...created, organisationId };
  }

  /** Signs in through the API and returns a client that sends the session cookie and CSRF header. */
  async function signIn(email: string, password: string) {
    const response = await app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('orebook_session='))!.split(';')[0]!;
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    return {
      cookie,
      csrfToken,
      request: (path: string, init: RequestInit = {}) =>
        app.request(path, { ...init, headers: { cookie, 'x-csrf-token': csrfToken, ...(init.headers as Record<string, string> | undefined) } }),
    };
  }

  return {
    db: handle.db,
    handle,
    keyring,
    deps,
    app,
    buildOrganisation,
    buildUser,
    buildToken,
    signIn,
    close: () => handle.close(),
  };
}

/**
 * Every journal entry's text, read as a reader would through the public API: page after page,
 * each from the index after the last entry received (a page may hold fewer entries than asked).
 */
export async function journalEventTexts(app: { request: (path: string) => Response | Promise<Response> }): Promise<string[]> {
  const texts: string[] = [];
  for (;;) {
    const body = (await (await app.request(`/api/v1/journal/entries?start=${texts.length}&limit=1000`)).json()) as { size: number; entries: { index: number; bytes: string }[] };
    texts.push(...body.entries.map((entry) => Buffer.from(entry.bytes, 'base64').toString('utf8')));
    if (body.entries.length === 0 || texts.length >= body.size) return texts;
  }
}

/** JSON request helper for the API. */
export function jsonRequest(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) };
}
