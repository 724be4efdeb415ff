import { and, asc, count, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Queryable } from '../db/connect.ts';
import { apiTokens, organisations, users } from './schema.ts';

export async function listOrganisations(db: Queryable) {
  return db.select().from(organisations).orderBy(asc(organisations.name));
}

/** An organisation by id, by code, or by its name in any case (as another system's records name it). */
export async function findOrganisation(db: Queryable, ref: { id?: number; code?: string; name?: string }) {
  const where =
    ref.id !== undefined ? eq(organisations.id, ref.id) : ref.name !== undefined ? sql`lower(${organisations.name}) = lower(${ref.name})` : eq(organisations.code, ref.code ?? '');
  const [row] = await db.select().from(organisations).where(where);
  return row;
}

/** One user with their personal data: for admins only (the page asks the policy). */
export async function findUser(db: Queryable, id: number) {
  const rows = await listUsers(db, id);
  return rows[0];
}

/** Users with their personal data: for admins only (the route asks the policy). */
export async function listUsers(db: Queryable, id?: number) {
  return db
    .select({
      id: users.id,
      code: users.code,
      email: users.email,
      displayName: users.displayName,
      role: users.role,
      locale: users.locale,
      organisationId: users.organisationId,
      organisationCode: organisations.code,
      organisationKind: organisations.kind,
      lockedUntil: users.lockedUntil,
      deactivatedAt: users.deactivatedAt,
      mustChangePassword: users.mustChangePassword,
      createdAt: users.createdAt,
    })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(id === undefined ? undefined : eq(users.id, id))
    .orderBy(asc(organisations.code), asc(users.displayName));
}

/** API tokens, never their secret: all of them for an admin, else those of one organisation. */
export async function listTokens(db: Queryable, organisationId: number | null) {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      organisationId: apiTokens.organisationId,
      organisationCode: organisations.code,
      role: apiTokens.role,
      createdByUserId: apiTokens.createdByUserId,
      createdAt: apiTokens.createdAt,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .innerJoin(organisations, eq(organisations.id, apiTokens.organisationId))
    .where(organisationId === null ? undefined : eq(apiTokens.organisationId, organisationId))
    .orderBy(desc(apiTokens.createdAt));
}

export async function findToken(db: Queryable, id: number) {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, id));
  return row;
}

/** Figures for the secretariat's home page. */
export async function accountFigures(db: Queryable, now = new Date()) {
  const byKind = await db.select({ kind: organisations.kind, n: count() }).from(organisations).groupBy(organisations.kind);
  const byRole = await db.select({ role: users.role, n: count() }).from(users).where(isNull(users.deactivatedAt)).groupBy(users.role);
  const [locked] = await db.select({ n: count() }).from(users).where(and(gt(users.lockedUntil, now), isNull(users.deactivatedAt)));
  const soon = new Date(now.getTime() + 14 * 86_400_000);
  const [expiring] = await db
    .select({ n: count() })
    .from(apiTokens)
    .where(and(isNull(apiTokens.revokedAt), gt(apiTokens.expiresAt, now), sql`${apiTokens.expiresAt} < ${soon}`));
  const [activeTokens] = await db
    .select({ n: count() })
    .from(apiTokens)
    .where(and(isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now))));
  return {
    organisationsByKind: Object.fromEntries(byKind.map((r) => [r.kind, Number(r.n)])) as Record<string, number>,
    usersByRole: Object.fromEntries(byRole.map((r) => [r.role, Number(r.n)])) as Record<string, number>,
    lockedUsers: Number(locked?.n ?? 0),
    tokensExpiringSoon: Number(expiring?.n ?? 0),
    activeTokens: Number(activeTokens?.n ?? 0),
  };
}

/** How many of the tokens a user created still work (not revoked, not expired): what deactivating them would stop. */
export async function countLiveTokensCreatedBy(db: Queryable, userId: number, now = new Date()): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(apiTokens)
    .where(and(eq(apiTokens.createdByUserId, userId), isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now))));
  return Number(row?.n ?? 0);
}
