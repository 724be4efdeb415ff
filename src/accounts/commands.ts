import { createHash, randomBytes, randomInt } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { rolesByOrganisationKind, type OrganisationKind, type UserRole } from '../core/auth/roles.ts';
import { hashPassword, verifyPassword } from '../core/auth/passwords.ts';
import { authorize } from '../core/auth/policies.ts';
import { commitPersonalData, newCommitmentSalt } from '../core/commitment.ts';
import { coreError } from '../core/errors.ts';
import { newPseudonymousCode } from '../core/ids.ts';
import type { Locale } from '../core/i18n/index.ts';
import { appendEvent, type CommandContext } from '../journal/public.ts';
import { apiTokens, organisations, sessions, users } from './schema.ts';

export type Organisation = typeof organisations.$inferSelect;

/** Creates an organisation. Its code is permanent and public: it names the organisation in the journal. */
export async function createOrganisation(
  ctx: CommandContext,
  props: { code: string; name: string; kind: OrganisationKind; country: string },
): Promise<Organisation> {
  const [existing] = await ctx.tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.code, props.code));
  if (existing) throw coreError('organisation_code_taken', 409, { code: props.code });
  const [organisation] = await ctx.tx.insert(organisations).values(props).returning();
  await appendEvent(ctx, {
    type: 'accounts.organisation_created',
    subject: `organisation:${props.code}`,
    payload: { code: props.code, name: props.name, kind: props.kind, country: props.country },
  });
  return organisation!;
}

export type UserSummary = {
  id: number;
  code: string;
  organisationId: number;
  email: string;
  displayName: string;
  role: UserRole;
  locale: string;
};

/**
 * Creates a user in an organisation. The journal records only the user's pseudonymous code, role,
 * organisation and a salted commitment to their email and name.
 */
export async function createUser(
  ctx: CommandContext,
  props: { organisationId: number; email: string; displayName: string; role: UserRole; password: string; locale?: Locale },
): Promise<UserSummary> {
  const [organisation] = await ctx.tx.select().from(organisations).where(eq(organisations.id, props.organisationId));
  if (!organisation) throw coreError('organisation_not_found', 404, { ref: String(props.organisationId) });
  if (!rolesByOrganisationKind[organisation.kind].includes(props.role)) {
    throw coreError('role_not_allowed_for_organisation', 422, { role: props.role, kind: organisation.kind });
  }
  const email = props.email.trim().toLowerCase();
  const [taken] = await ctx.tx.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${email}`);
  if (taken) throw coreError('email_taken', 409);
  const salt = newCommitmentSalt();
  const code = newPseudonymousCode('u');
  const [user] = await ctx.tx
    .insert(users)
    .values({
      code,
      organisationId: organisation.id,
      email,
      displayName: props.displayName,
      role: props.role,
      locale: props.locale ?? 'en',
      passwordHash: await hashPassword(props.password),
      commitmentSalt: salt,
    })
    .returning();
  await appendEvent(ctx, {
    type: 'accounts.user_created',
    subject: `user:${code}`,
    payload: {
      organisation: organisation.code,
      role: props.role,
      personalData: commitPersonalData(salt, { email, displayName: props.displayName }),
    },
  });
  return {
    id: user!.id,
    code,
    organisationId: organisation.id,
    email,
    displayName: user!.displayName,
    role: user!.role,
    locale: user!.locale,
  };
}

export const tokenPrefix = 'obk_';

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export type ApiToken = typeof apiTokens.$inferSelect;

/**
 * Creates an API token scoped to one organisation and role. The token is returned once, here;
 * only its SHA-256 is stored. An expiry, when given, must be in the future.
 */
export async function createApiToken(
  ctx: CommandContext,
  props: { organisationId: number; role: UserRole; name: string; expiresAt?: Date | null; createdByUserId?: number | null },
): Promise<{ token: string; record: ApiToken }> {
  const [organisation] = await ctx.tx.select().from(organisations).where(eq(organisations.id, props.organisationId));
  if (!organisation) throw coreError('organisation_not_found', 404, { ref: String(props.organisationId) });
  if (!rolesByOrganisationKind[organisation.kind].includes(props.role)) {
    throw coreError('role_not_allowed_for_organisation', 422, { role: props.role, kind: organisation.kind });
  }
  if (props.expiresAt && props.expiresAt.getTime() <= ctx.now.getTime()) {
    throw coreError('token_expiry_in_past', 422, { expiresAt: props.expiresAt.toISOString() });
  }
  const token = `${tokenPrefix}${randomBytes(32).toString('base64url')}`;
  const [record] = await ctx.tx
    .insert(apiTokens)
    .values({
      name: props.name,
      prefix: token.slice(0, 10),
      tokenHash: hashSecret(token),
      organisationId: organisation.id,
      role: props.role,
      createdByUserId: props.createdByUserId ?? null,
      expiresAt: props.expiresAt ?? null,
    })
    .returning();
  await appendEvent(ctx, {
    type: 'accounts.token_created',
    subject: `token:${record!.id}`,
    payload: { organisation: organisation.code, role: props.role, expiresAt: props.expiresAt?.toISOString() ?? null },
  });
  return { token, record: record! };
}

/** Revokes a token at once; requests that present it afterwards get `token_revoked`. */
export async function revokeApiToken(ctx: CommandContext, props: { tokenId: number }): Promise<ApiToken> {
  const [revoked] = await ctx.tx
    .update(apiTokens)
    .set({ revokedAt: ctx.now })
    .where(and(eq(apiTokens.id, props.tokenId), isNull(apiTokens.revokedAt)))
    .returning();
  if (!revoked) {
    const [existing] = await ctx.tx.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.id, props.tokenId));
    throw existing ? coreError('token_already_revoked', 409) : coreError('not_found', 404);
  }
  const [organisation] = await ctx.tx.select({ code: organisations.code }).from(organisations).where(eq(organisations.id, revoked.organisationId));
  await appendEvent(ctx, {
    type: 'accounts.token_revoked',
    subject: `token:${revoked.id}`,
    payload: { organisation: organisation!.code },
  });
  return revoked;
}

type ManagedUser = { id: number; code: string; role: UserRole; deactivatedAt: Date | null; organisationId: number; organisationCode: string; organisationKind: OrganisationKind };

/** The user to manage, locked for the rest of the command so that two admins' changes to one user queue up. */
async function lockUser(ctx: CommandContext, userId: number): Promise<ManagedUser> {
  const [row] = await ctx.tx
    .select({ id: users.id, code: users.code, role: users.role, deactivatedAt: users.deactivatedAt, organisationId: users.organisationId, organisationCode: organisations.code, organisationKind: organisations.kind })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(users.id, userId))
    .for('update', { of: users });
  if (!row) throw coreError('not_found', 404);
  return row;
}

/**
 * Refuses a change that would leave no active admin (nobody could then manage users, sign
 * checkpoints or issue credits). The active admins' rows are locked, so that two admins who
 * deactivate each other at once cannot both pass this check.
 */
async function keepAnActiveAdmin(ctx: CommandContext, user: ManagedUser): Promise<void> {
  if (user.role !== 'admin' || user.deactivatedAt) return;
  const admins = await ctx.tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), isNull(users.deactivatedAt)))
    .orderBy(users.id)
    .for('update');
  if (admins.every((admin) => admin.id === user.id)) throw coreError('last_admin', 409);
}

/**
 * Deactivates a user at once: they can no longer sign in, their open sessions end, and the API
 * tokens they created are revoked (a token outlives neither its creator's access nor a
 * reactivation: a returning user creates new ones). The journal records the user's code, their
 * organisation and how many tokens were revoked.
 */
export async function deactivateUser(ctx: CommandContext, props: { userId: number }): Promise<{ code: string; tokensRevoked: number }> {
  authorize(ctx.actor, 'user.manage');
  const user = await lockUser(ctx, props.userId);
  if (user.deactivatedAt) throw coreError('user_already_deactivated', 409);
  await keepAnActiveAdmin(ctx, user);
  await ctx.tx.update(users).set({ deactivatedAt: ctx.now }).where(eq(users.id, user.id));
  await ctx.tx.delete(sessions).where(eq(sessions.userId, user.id));
  const revoked = await ctx.tx
    .update(apiTokens)
    .set({ revokedAt: ctx.now })
    .where(and(eq(apiTokens.createdByUserId, user.id), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  await appendEvent(ctx, {
    type: 'accounts.user_deactivated',
    subject: `user:${user.code}`,
    payload: { organisation: user.organisationCode, tokensRevoked: revoked.length },
  });
  return { code: user.code, tokensRevoked: revoked.length };
}

/** Lets a deactivated user sign in again, with the password they had (an admin may reset it too). */
export async function reactivateUser(ctx: CommandContext, props: { userId: number }): Promise<{ code: string }> {
  authorize(ctx.actor, 'user.manage');
  const user = await lockUser(ctx, props.userId);
  if (!user.deactivatedAt) throw coreError('user_not_deactivated', 409);
  await ctx.tx.update(users).set({ deactivatedAt: null, failedLogins: 0, lockedUntil: null }).where(eq(users.id, user.id));
  await appendEvent(ctx, { type: 'accounts.user_reactivated', subject: `user:${user.code}`, payload: { organisation: user.organisationCode } });
  return { code: user.code };
}

/** Gives a user another role their organisation's kind allows; it applies to their open sessions and their tokens at once. */
export async function changeUserRole(ctx: CommandContext, props: { userId: number; role: UserRole }): Promise<{ code: string; role: UserRole }> {
  authorize(ctx.actor, 'user.manage');
  const user = await lockUser(ctx, props.userId);
  if (user.role === props.role) throw coreError('role_unchanged', 409, { role: props.role });
  if (!rolesByOrganisationKind[user.organisationKind].includes(props.role)) {
    throw coreError('role_not_allowed_for_organisation', 422, { role: props.role, kind: user.organisationKind });
  }
  await keepAnActiveAdmin(ctx, user);
  await ctx.tx.update(users).set({ role: props.role }).where(eq(users.id, user.id));
  // The tokens they made keep the role they were made with: those the new role could not make
  // (another role, another organisation: an admin's) are revoked, so a demotion takes effect on
  // every credential at once; a token of the new role in their own organisation stays.
  const revoked = await ctx.tx
    .update(apiTokens)
    .set({ revokedAt: ctx.now })
    .where(and(eq(apiTokens.createdByUserId, user.id), isNull(apiTokens.revokedAt), sql`not (${apiTokens.organisationId} = ${user.organisationId} and ${apiTokens.role} = ${props.role})`))
    .returning({ id: apiTokens.id });
  await appendEvent(ctx, {
    type: 'accounts.user_role_changed',
    subject: `user:${user.code}`,
    payload: { organisation: user.organisationCode, role: props.role, previousRole: user.role, tokensRevoked: revoked.length },
  });
  return { code: user.code, role: props.role };
}

// Without ambiguous characters (0/o, 1/l/i), so that it can be read out over a phone or copied from paper.
const temporaryAlphabet = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Four groups of four characters from 31: about 79 bits, for a password that only opens the change-password page. */
export function newTemporaryPassword(): string {
  const groups = Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => temporaryAlphabet[randomInt(temporaryAlphabet.length)]).join(''));
  return groups.join('-');
}

/**
 * Resets a user's password to a temporary one that the admin passes on (in person, by phone, on
 * paper) and that the user must replace at their first sign-in. Their open sessions end and a
 * lockout is lifted. The temporary password is returned once, here; only its hash is stored and the
 * journal records neither.
 */
export async function resetUserPassword(ctx: CommandContext, props: { userId: number }): Promise<{ code: string; temporaryPassword: string }> {
  authorize(ctx.actor, 'user.manage');
  const user = await lockUser(ctx, props.userId);
  const temporaryPassword = newTemporaryPassword();
  await ctx.tx
    .update(users)
    .set({ passwordHash: await hashPassword(temporaryPassword), mustChangePassword: true, failedLogins: 0, lockedUntil: null })
    .where(eq(users.id, user.id));
  await ctx.tx.delete(sessions).where(eq(sessions.userId, user.id));
  await appendEvent(ctx, { type: 'accounts.user_password_reset', subject: `user:${user.code}`, payload: { organisation: user.organisationCode } });
  return { code: user.code, temporaryPassword };
}

export const minPasswordLength = 12;

/**
 * Changes the signed-in user's own password, given the current one. Their other sessions end (a
 * password is often changed because it leaked); the one they act from stays open.
 */
export async function changeOwnPassword(ctx: CommandContext, props: { currentPassword: string; newPassword: string; currentSessionToken?: string }): Promise<void> {
  authorize(ctx.actor, 'password.change');
  if (ctx.actor.kind !== 'user') throw coreError('forbidden', 403);
  const [row] = await ctx.tx
    .select({ code: users.code, passwordHash: users.passwordHash, organisationCode: organisations.code })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(users.id, ctx.actor.userId))
    .for('update', { of: users });
  if (!row) throw coreError('not_found', 404);
  if (!(await verifyPassword(props.currentPassword, row.passwordHash))) throw coreError('current_password_wrong', 422);
  if (props.newPassword === props.currentPassword) throw coreError('password_unchanged', 422);
  await ctx.tx
    .update(users)
    .set({ passwordHash: await hashPassword(props.newPassword), mustChangePassword: false })
    .where(eq(users.id, ctx.actor.userId));
  const keep = props.currentSessionToken ? hashSecret(props.currentSessionToken) : null;
  await ctx.tx.delete(sessions).where(and(eq(sessions.userId, ctx.actor.userId), keep ? sql`${sessions.tokenHash} <> ${keep}` : undefined));
  await appendEvent(ctx, { type: 'accounts.password_changed', subject: `user:${row.code}`, payload: { organisation: row.organisationCode } });
}
