import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lt, lte, or, sql } from 'drizzle-orm';
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

/** Where a user replaces a temporary password: the only page and API route their session opens until they do. */
export const passwordChange = { page: '/account/password', api: '/api/v1/me/password' };

export type SignedIn = { sessionToken: string; csrfToken: string; expiresAt: Date; userId: number; locale: string; mustChangePassword: boolean };

/**
 * Checks a password and opens a session. After five failures in a row the account is locked for
 * fifteen minutes, whatever password is tried.
 *
 * Each attempt first claims one of the five tries in a single `UPDATE ... RETURNING`, before the
 * password is checked: the row's counter is the only shared state, so however many guesses arrive
 * at once, at most five are checked, and the claim that takes the fifth try sets the lock. A right
 * password gives the claim back (the counter returns to zero); a wrong one keeps it. No transaction
 * is held open while the password hash is computed.
 */
export async function signIn(db: Database, props: { email: string; password: string; now?: Date }): Promise<SignedIn> {
  const now = props.now ?? new Date();
  const email = props.email.trim().toLowerCase();
  const lockEnd = new Date(now.getTime() + lockoutMs);
  // The lock has run out when locked_until is set and not in the future (the WHERE clause): count afresh.
  const tries = sql`(case when ${users.lockedUntil} is null then ${users.failedLogins} + 1 else 1 end)`;
  const [claim] = await db
    .update(users)
    .set({ failedLogins: tries, lockedUntil: sql`(case when ${tries} >= ${maxFailedLogins} then ${lockEnd.toISOString()}::timestamptz else null end)` })
    .where(and(sql`lower(${users.email}) = ${email}`, or(isNull(users.lockedUntil), lte(users.lockedUntil, now))))
    .returning({ id: users.id, passwordHash: users.passwordHash, locale: users.locale, deactivatedAt: users.deactivatedAt, mustChangePassword: users.mustChangePassword });
  if (!claim) {
    const [locked] = await db.select({ lockedUntil: users.lockedUntil }).from(users).where(sql`lower(${users.email}) = ${email}`);
    if (locked?.lockedUntil) {
      throw coreError('account_locked', 429, { until: locked.lockedUntil.toISOString() }, undefined, {
        'Retry-After': String(Math.max(1, Math.ceil((locked.lockedUntil.getTime() - now.getTime()) / 1000))),
      });
    }
    // No such user: spend the same time as a real check, so that timing does not tell which emails exist.
    await verifyPassword(props.password, unmatchablePasswordHash);
    throw coreError('invalid_credentials', 401);
  }
  if (!(await verifyPassword(props.password, claim.passwordHash))) throw coreError('invalid_credentials', 401);
  await db.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, claim.id));
  // Said only to whoever knows the password, so that it does not tell others which emails exist.
  if (claim.deactivatedAt) throw coreError('account_deactivated', 403);
  const sessionToken = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + sessionLifetimeMs);
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
  await db.insert(sessions).values({ tokenHash: hashSecret(sessionToken), userId: claim.id, csrfToken, expiresAt });
  return { sessionToken, csrfToken, expiresAt, userId: claim.id, locale: claim.locale, mustChangePassword: claim.mustChangePassword };
}

export async function signOut(db: Database, sessionToken: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, hashSecret(sessionToken)));
}

/**
 * The signed-in user behind a session cookie, with the session's CSRF token and whether they must
 * first replace a temporary password; null when there is none, or when the user has been deactivated.
 */
export async function resolveSession(
  db: Database,
  sessionToken: string,
  now = new Date(),
): Promise<{ actor: Actor; csrfToken: string; locale: string; mustChangePassword: boolean } | null> {
  const [row] = await db
    .select({
      csrfToken: sessions.csrfToken,
      userId: users.id,
      displayName: users.displayName,
      role: users.role,
      locale: users.locale,
      mustChangePassword: users.mustChangePassword,
      orgId: organisations.id,
      orgCode: organisations.code,
      orgKind: organisations.kind,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(and(eq(sessions.tokenHash, hashSecret(sessionToken)), gt(sessions.expiresAt, now), isNull(users.deactivatedAt)));
  if (!row) return null;
  return {
    actor: { kind: 'user', userId: row.userId, orgId: row.orgId, orgCode: row.orgCode, orgKind: row.orgKind, role: row.role, displayName: row.displayName },
    csrfToken: row.csrfToken,
    locale: row.locale,
    mustChangePassword: row.mustChangePassword,
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
