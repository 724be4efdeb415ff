import { asc, eq } from 'drizzle-orm';
import { organisations } from '../../accounts/public.ts';
import { commitPersonalData, newCommitmentSalt } from '../../core/commitment.ts';
import { coreError } from '../../core/errors.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { registryError } from '../messages/ledger.ts';
import { creditAccounts } from '../schema.ts';
import { cleanText, type CreditAccount } from './ledger.ts';

export type OpenAccountProps = {
  /** The organisation that will hold the account; the actor's own when left out. Only an admin opens an account for another organisation. */
  organisationId?: number;
  /** What the holder calls the account (up to 100 characters). */
  name: string;
  /** Know-your-customer details, checked by the secretariat before it approves the account. */
  legalName: string;
  /** ISO 3166 alpha-2, e.g. `FR`. */
  country: string;
  registrationNumber: string;
  /** The company contact's email: personal data, kept in the account row only. */
  contactEmail: string;
};

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * An organisation opens a holding account, with the know-your-customer details the secretariat
 * checks. The account is pending: it can neither send nor receive credits until an admin approves
 * it. The journal records the account, its organisation and country, and a salted commitment to
 * the KYC details (the contact is a person).
 */
export async function openAccount(ctx: CommandContext, props: OpenAccountProps): Promise<CreditAccount> {
  const actorOrgId = 'orgId' in ctx.actor ? ctx.actor.orgId : null;
  const organisationId = props.organisationId ?? actorOrgId;
  if (organisationId === null || organisationId === undefined) throw registryError('account_organisation_required', 422);
  if (organisationId !== actorOrgId && ctx.actor.role !== 'admin') throw coreError('forbidden', 403);
  const name = cleanText(props.name, 100);
  const legalName = cleanText(props.legalName, 200);
  const country = props.country.trim().toUpperCase();
  const registrationNumber = cleanText(props.registrationNumber, 100);
  const contactEmail = cleanText(props.contactEmail, 254)?.toLowerCase() ?? null;
  const invalid = [
    name === null && 'name',
    legalName === null && 'legalName',
    !/^[A-Z]{2}$/.test(country) && 'country',
    registrationNumber === null && 'registrationNumber',
    (contactEmail === null || !emailPattern.test(contactEmail)) && 'contactEmail',
  ].filter((field): field is string => typeof field === 'string');
  if (invalid.length > 0) throw registryError('account_details_invalid', 422, { fields: invalid.join(', ') }, { fields: invalid });
  const [organisation] = await ctx.tx.select().from(organisations).where(eq(organisations.id, organisationId));
  if (!organisation) throw registryError('organisation_not_found', 404, { id: organisationId });
  const salt = newCommitmentSalt();
  const [account] = await ctx.tx
    .insert(creditAccounts)
    .values({ organisationId, kind: 'holding', name: name!, status: 'pending', legalName: legalName!, country, registrationNumber, contactEmail, commitmentSalt: salt, createdAt: ctx.now })
    .returning();
  await appendEvent(ctx, {
    type: 'registry.account_opened',
    subject: `credit-account:${account!.id}`,
    payload: {
      accountId: account!.id,
      organisation: organisation.code,
      kind: 'holding',
      status: 'pending',
      country,
      // The journal can later prove what was checked, without publishing it.
      kyc: commitPersonalData(salt, { legalName, country, registrationNumber, contactEmail }),
    },
  });
  return { ...account!, organisationCode: organisation.code };
}

/** The registry's issuance account, if it has been opened. */
export async function findIssuanceAccount(ctx: CommandContext) {
  const [account] = await ctx.tx.select().from(creditAccounts).where(eq(creditAccounts.kind, 'issuance'));
  return account;
}

/**
 * Opens the issuance account for the secretariat (the earliest secretariat organisation), approved
 * from the start. Two first issuances at once open one account: the unique index decides, and the
 * loser takes the winner's. Appends no event: the command that opens it records it.
 */
export async function ensureIssuanceAccount(ctx: CommandContext): Promise<{ accountId: number; opened: boolean }> {
  const existing = await findIssuanceAccount(ctx);
  if (existing) return { accountId: existing.id, opened: false };
  const [secretariat] = await ctx.tx.select().from(organisations).where(eq(organisations.kind, 'secretariat')).orderBy(asc(organisations.id)).limit(1);
  if (!secretariat) throw registryError('no_secretariat', 409);
  const salt = newCommitmentSalt();
  const [opened] = await ctx.tx
    .insert(creditAccounts)
    .values({
      organisationId: secretariat.id,
      kind: 'issuance',
      name: 'Issuance',
      status: 'approved',
      legalName: secretariat.name,
      country: secretariat.country,
      commitmentSalt: salt,
      approvedAt: ctx.now,
      createdAt: ctx.now,
    })
    .onConflictDoNothing()
    .returning({ id: creditAccounts.id });
  if (opened) return { accountId: opened.id, opened: true };
  const winner = await findIssuanceAccount(ctx);
  return { accountId: winner!.id, opened: false };
}

/**
 * Opens the registry's issuance account, which receives every new batch. `issueBatch` opens it
 * on first use too; this command lets the secretariat open it before.
 */
export async function openIssuanceAccount(ctx: CommandContext): Promise<{ accountId: number }> {
  const existing = await findIssuanceAccount(ctx);
  if (existing) throw registryError('issuance_account_exists', 409, { id: existing.id }, { accountId: existing.id });
  const { accountId, opened } = await ensureIssuanceAccount(ctx);
  if (!opened) throw registryError('issuance_account_exists', 409, { id: accountId }, { accountId });
  const [row] = await ctx.tx
    .select({ organisation: organisations.code })
    .from(creditAccounts)
    .innerJoin(organisations, eq(organisations.id, creditAccounts.organisationId))
    .where(eq(creditAccounts.id, accountId));
  await appendEvent(ctx, {
    type: 'registry.account_opened',
    subject: `credit-account:${accountId}`,
    payload: { accountId, organisation: row!.organisation, kind: 'issuance', status: 'approved' },
  });
  return { accountId };
}
