import { randomBytes } from 'node:crypto';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import { unmatchablePasswordHash, verifyPassword } from '../core/auth/passwords.ts';
import type { Actor } from '../core/auth/roles.ts';
import { coreError } from '../core/errors.ts';
import type { Database } from '../db/connect.ts';
import { hashSecret, tokenPrefix } from './commands.ts';
import { apiTokens, organisations, sessions, users } from './schema.ts';

// Sessions and sign-in counters are operational security state, not programme state: they are
// kept out of the public journal, which would otherwise record when each person signs in.

export const sessionLifetimeMs = 12 * 60 * 60 * 1000;
export const maxFailedLogins = 5;
export const lockoutMs = 15 * 60 * 1000;

export type SignedIn = { sessionToken: string; csrfToken: string; expiresAt: Date; userId: number; locale: string };

/**
 * Checks a password and opens a session. After five failures in a row the account is locked for
 * fifteen minutes, whatever password is tried.
 */
export async function signIn(db: Database, props: { email: string; password: string; now?: Date }): Promise<SignedIn> {
  const now = props.now ?? new Date();
  const email = props.email.trim().toLowerCase();
  const [user] = await db.select().from(users).where(sql`lower(${users.email}) = ${email}`);
  if (user?.lockedUntil && user.lockedUntil > now) {
    throw coreError('account_locked', 429, { until: user.lockedUntil.toISOString() }, undefined, {
      'Retry-After': String(Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 1000)),
    });
  }
  const ok = await verifyPassword(props.password, user?.passwordHash ?? unmatchablePasswordHash);
  if (!user || !ok) {
    if (user) {
      const failed = user.failedLogins + 1;
      await db
        .update(users)
        .set(failed >= maxFailedLogins ? { failedLogins: 0, lockedUntil: new Date(now.getTime() + lockoutMs) } : { failedLogins: failed })
        .where(eq(users.id, user.id));
    }
    throw coreError('invalid_credentials', 401);
  }
  await db.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, user.id));
  const sessionToken = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + sessionLifetimeMs);
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
  await db.insert(sessions).values({ tokenHash: hashSecret(sessionToken), userId: user.id, csrfToken, expiresAt });
  return { sessionToken, csrfToken, expiresAt, userId: user.id, locale: user.locale };
}

export async function signOut(db: Database, sessionToken: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, hashSecret(sessionToken)));
}

/** The signed-in user behind a session cookie, with the session's CSRF token; null when there is none. */
export async function resolveSession(db: Database, sessionToken: string, now = new Date()): Promise<{ actor: Actor; csrfToken: string; locale: string } | null> {
  const [row] = await db
    .select({
      csrfToken: sessions.csrfToken,
      userId: users.id,
      displayName: users.displayName,
      role: users.role,
      locale: users.locale,
      orgId: organisations.id,
      orgCode: organisations.code,
      orgKind: organisations.kind,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(and(eq(sessions.tokenHash, hashSecret(sessionToken)), gt(sessions.expiresAt, now)));
  if (!row) return null;
  return {
    actor: { kind: 'user', userId: row.userId, orgId: row.orgId, orgCode: row.orgCode, orgKind: row.orgKind, role: row.role, displayName: row.displayName },
    csrfToken: row.csrfToken,
    locale: row.locale,
  };
}

/** The machine client behind a bearer token; a bad, revoked or expired token is refused with its own code. */
export async function resolveApiToken(db: Database, token: string, now = new Date()): Promise<Actor> {
  if (!token.startsWith(tokenPrefix)) throw coreError('token_invalid', 401);
  const [row] = await db
    .select({ token: apiTokens, orgCode: organisations.code, orgKind: organisations.kind })
    .from(apiTokens)
    .innerJoin(organisations, eq(organisations.id, apiTokens.organisationId))
    .where(eq(apiTokens.tokenHash, hashSecret(token)));
  if (!row) throw coreError('token_invalid', 401);
  if (row.token.revokedAt) throw coreError('token_revoked', 401);
  if (row.token.expiresAt && row.token.expiresAt <= now) {
    throw coreError('token_expired', 401, { expiredAt: row.token.expiresAt.toISOString() });
  }
  return { kind: 'token', tokenId: row.token.id, orgId: row.token.organisationId, orgCode: row.orgCode, orgKind: row.orgKind, role: row.token.role };
}
