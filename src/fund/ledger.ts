import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { authorize } from '../core/auth/policies.ts';
import type { Actor } from '../core/auth/roles.ts';
import { isIsoDate, isoDateOf } from '../core/calendar.ts';
import type { AppError } from '../core/errors.ts';
import { formatMoney } from '../core/i18n/format.ts';
import { rowsOf, type Queryable } from '../db/connect.ts';
import { databaseErrorCode } from '../db/transaction.ts';
import type { CommandContext } from '../journal/public.ts';
import { convert, isKnownCurrency } from '../rates/public.ts';
import { sites } from '../sites/public.ts';
import { fundError } from './messages/errors.ts';
import { fundEntries, fundLedgerAccounts, fundProposals, funds, fundTransactions, reportingCurrency, type IncomeSource, type LedgerAccountKind } from './schema.ts';

/** A site's fund, with the cooperative organisation that operates its site (whose people work on it). */
export type Fund = typeof funds.$inferSelect & { siteCode: string; siteName: string; siteCooperativeOrgId: number };
export type FundTransaction = typeof fundTransactions.$inferSelect;

/** Trimmed text of at most `max` characters, or null when empty or too long. */
export function cleanText(value: string | null | undefined, max: number): string | null {
  const text = (value ?? '').trim();
  return text.length === 0 || text.length > max ? null : text;
}

export function assertDate(value: string, today: string): void {
  if (!isIsoDate(value) || value > today) throw fundError('date_invalid', 422);
}

export function assertCurrency(currency: string): void {
  if (!isKnownCurrency(currency)) throw fundError('currency_invalid', 422, { currency });
}

export function assertAmount(amountMinor: number): void {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) throw fundError('amount_invalid', 422);
}

export async function findSite(db: Queryable, code: string) {
  const [site] = await db.select({ id: sites.id, code: sites.code, name: sites.name, siteCooperativeOrgId: sites.cooperativeOrganisationId }).from(sites).where(eq(sites.code, code));
  if (!site) throw fundError('site_not_found', 404, { site: code });
  return site;
}

const siteColumns = { siteCode: sites.code, siteName: sites.name, siteCooperativeOrgId: sites.cooperativeOrganisationId };

/** The fund of a site, or undefined when none is open yet. */
export async function findFund(db: Queryable, siteCode: string): Promise<Fund | undefined> {
  const [row] = await db.select({ fund: funds, ...siteColumns }).from(funds).innerJoin(sites, eq(sites.id, funds.siteId)).where(eq(sites.code, siteCode));
  return row && { ...row.fund, siteCode: row.siteCode, siteName: row.siteName, siteCooperativeOrgId: row.siteCooperativeOrgId };
}

export async function fundById(db: Queryable, fundId: number): Promise<Fund> {
  const [row] = await db.select({ fund: funds, ...siteColumns }).from(funds).innerJoin(sites, eq(sites.id, funds.siteId)).where(eq(funds.id, fundId));
  return { ...row!.fund, siteCode: row!.siteCode, siteName: row!.siteName, siteCooperativeOrgId: row!.siteCooperativeOrgId };
}

/** The site's fund, opened with the default rules the first time anything is booked or set for it. */
export async function openFund(ctx: CommandContext, siteCode: string): Promise<Fund> {
  const site = await findSite(ctx.tx, siteCode);
  await ctx.tx.insert(funds).values({ siteId: site.id, createdAt: ctx.now }).onConflictDoNothing();
  return (await findFund(ctx.tx, siteCode))!;
}

export async function fundOf(db: Queryable, siteCode: string): Promise<Fund> {
  await findSite(db, siteCode);
  const fund = await findFund(db, siteCode);
  if (!fund) throw fundError('fund_not_found', 404, { site: siteCode });
  return fund;
}

/**
 * Asks the policy for an action on a site's fund. The policy is asked before the site is known to
 * exist (an unknown site is refused like another site's), so no one probes for codes.
 */
export async function authorizeOnFund(db: Queryable, actor: Actor, action: 'fund.read' | 'fund.proposal.write' | 'fund.meeting.record', siteCode: string): Promise<void> {
  const [site] = await db.select({ siteCooperativeOrgId: sites.cooperativeOrganisationId }).from(sites).where(eq(sites.code, siteCode));
  authorize(actor, action, { siteCooperativeOrgId: site?.siteCooperativeOrgId ?? -1 });
}

/** Like `authorizeOnFund`, for an action on a proposal: on the fund the proposal belongs to. */
export async function authorizeOnProposal(db: Queryable, actor: Actor, action: 'fund.proposal.write' | 'fund.meeting.record', proposalId: number): Promise<void> {
  const [site] = Number.isSafeInteger(proposalId)
    ? await db
        .select({ siteCooperativeOrgId: sites.cooperativeOrganisationId })
        .from(fundProposals)
        .innerJoin(funds, eq(funds.id, fundProposals.fundId))
        .innerJoin(sites, eq(sites.id, funds.siteId))
        .where(eq(fundProposals.id, proposalId))
    : [];
  authorize(actor, action, { siteCooperativeOrgId: site?.siteCooperativeOrgId ?? -1 });
}

/** Requires the rate of a currency on a day for every amount not in the reporting currency (the rates' 422 `rate_missing` otherwise). */
async function assertRateOn(db: Queryable, currency: string, date: string): Promise<void> {
  await convert(db, { amountMinor: 0, from: currency, to: reportingCurrency, on: date });
}

/** A proposal, locked for the rest of the command: steps on one project queue here. */
export async function lockProposal(ctx: CommandContext, proposalId: number) {
  const [proposal] = Number.isSafeInteger(proposalId) ? await ctx.tx.select().from(fundProposals).where(eq(fundProposals.id, proposalId)).for('update') : [];
  if (!proposal) throw fundError('proposal_not_found', 404, { id: proposalId });
  return proposal;
}

export type Posting = { kind: LedgerAccountKind; proposalId?: number; amountMinor: number };

type Account = typeof fundLedgerAccounts.$inferSelect;

const accountKey = (kind: string, proposalId: number | null | undefined) => `${kind}:${proposalId ?? ''}`;
const debitNormal = new Set<LedgerAccountKind>(['available', 'committed', 'disbursed']);

/** The accounts postings go to, opened if new and locked in id order (the order every command takes them in). */
async function lockAccounts(ctx: CommandContext, fundId: number, currency: string, postings: Posting[]): Promise<Map<string, Account>> {
  for (const posting of postings) {
    await ctx.tx.execute(sql`insert into fund_ledger_accounts (fund_id, currency, kind, proposal_id) values (${fundId}, ${currency}, ${posting.kind}, ${posting.proposalId ?? null}) on conflict do nothing`);
  }
  const rows = await ctx.tx
    .select()
    .from(fundLedgerAccounts)
    .where(and(eq(fundLedgerAccounts.fundId, fundId), eq(fundLedgerAccounts.currency, currency), inArray(fundLedgerAccounts.kind, postings.map((p) => p.kind))))
    .orderBy(asc(fundLedgerAccounts.id))
    .for('update');
  return new Map(rows.map((row) => [accountKey(row.kind, row.proposalId), row]));
}

/** The refusal for an account a posting would overdraw. */
function overdrawn(account: Account, amountMinor: number, currency: string): AppError {
  const balance = (locale: 'en' | 'fr') => formatMoney(locale, account.balanceMinor, currency);
  const amount = (locale: 'en' | 'fr') => formatMoney(locale, -amountMinor, currency);
  if (account.kind === 'committed') return fundError('exceeds_commitment', 422, (l) => ({ amount: amount(l), remaining: balance(l) }), { remainingMinor: account.balanceMinor, currency });
  return fundError('insufficient_available', 422, (l) => ({ amount: amount(l), available: balance(l) }), { availableMinor: account.balanceMinor, currency });
}

export type TransactionProps = {
  fundId: number;
  kind: FundTransaction['kind'];
  source?: IncomeSource;
  currency: string;
  occurredOn: string;
  creditPremiumId?: number;
  proposalId?: number;
  receiptFileId?: number;
  counterparty?: string | null;
  description?: string;
  postings: Posting[];
};

/**
 * Books one balanced transaction. The accounts are locked first, so a posting that would overdraw
 * one is refused with a clear error; should a concurrent writer slip past (it cannot while every
 * writer locks), the accounts' CHECK refuses it in the database all the same.
 */
export async function postTransaction(ctx: CommandContext, props: TransactionProps): Promise<FundTransaction> {
  if (props.postings.reduce((sum, p) => sum + p.amountMinor, 0) !== 0) throw new Error('a fund transaction must balance');
  await assertRateOn(ctx.tx, props.currency, props.occurredOn);
  const accounts = await lockAccounts(ctx, props.fundId, props.currency, props.postings);
  for (const posting of props.postings) {
    const account = accounts.get(accountKey(posting.kind, posting.proposalId))!;
    if (debitNormal.has(posting.kind) && account.balanceMinor + posting.amountMinor < 0) throw overdrawn(account, posting.amountMinor, props.currency);
  }
  const amountMinor = props.postings.filter((p) => p.amountMinor > 0).reduce((sum, p) => sum + p.amountMinor, 0);
  try {
    const [transaction] = await ctx.tx
      .insert(fundTransactions)
      .values({
        fundId: props.fundId,
        kind: props.kind,
        source: props.source ?? null,
        currency: props.currency,
        amountMinor,
        occurredOn: props.occurredOn,
        creditPremiumId: props.creditPremiumId ?? null,
        proposalId: props.proposalId ?? null,
        receiptFileId: props.receiptFileId ?? null,
        counterparty: props.counterparty ?? null,
        description: props.description ?? '',
        createdAt: ctx.now,
      })
      .returning();
    await ctx.tx.insert(fundEntries).values(props.postings.map((p) => ({ transactionId: transaction!.id, accountId: accounts.get(accountKey(p.kind, p.proposalId))!.id, amountMinor: p.amountMinor })));
    return transaction!;
  } catch (error) {
    // 23514: an account's CHECK refused the balance the entries would leave.
    if (databaseErrorCode(error) === '23514') throw fundError('insufficient_available', 422, (l) => ({ amount: formatMoney(l, amountMinor, props.currency), available: '—' }));
    throw error;
  }
}

/** The balance of one of a fund's accounts (0 when it was never used). */
export async function accountBalance(db: Queryable, props: { fundId: number; currency: string; kind: LedgerAccountKind; proposalId?: number }): Promise<number> {
  const [row] = rowsOf<{ balance: number | string }>(
    await db.execute(sql`select coalesce(sum(balance_minor), 0) as balance from fund_ledger_accounts
      where fund_id = ${props.fundId} and currency = ${props.currency} and kind = ${props.kind} and proposal_id is not distinct from ${props.proposalId ?? null}`),
  );
  return Number(row?.balance ?? 0);
}

export const today = (ctx: CommandContext) => isoDateOf(ctx.now);
