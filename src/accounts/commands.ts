import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { rolesByOrganisationKind, type OrganisationKind, type UserRole } from '../core/auth/roles.ts';
import { hashPassword } from '../core/auth/passwords.ts';
import { commitPersonalData, newCommitmentSalt } from '../core/commitment.ts';
import { coreError } from '../core/errors.ts';
import { newPseudonymousCode } from '../core/ids.ts';
import type { Locale } from '../core/i18n/index.ts';
import { appendEvent, type CommandContext } from '../journal/public.ts';
import { apiTokens, organisations, users } from './schema.ts';

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
