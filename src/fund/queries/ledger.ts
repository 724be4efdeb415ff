import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { addMonths } from '../../core/calendar.ts';
import { rowsOf, type Queryable } from '../../db/connect.ts';
import { convertWith, loadRates, type RateBook, type RateUsed } from '../../rates/public.ts';
import { recordedPremiums, type RecordedPremium } from '../../registry/public.ts';
import { fundLedgerAccounts, fundTransactions, reportingCurrency, type LedgerAccountKind } from '../schema.ts';

/** Balances of a fund by currency: available, committed (still held for projects), disbursed, and income by source. */
export type FundBalances = { currency: string; available: number; committed: number; disbursed: number; income: Record<'premium' | 'grant' | 'other', number> };

export async function fundBalances(db: Queryable, fundId: number): Promise<FundBalances[]> {
  const rows = await db
    .select({ currency: fundLedgerAccounts.currency, kind: fundLedgerAccounts.kind, balance: sql<number>`sum(${fundLedgerAccounts.balanceMinor})`.mapWith(Number) })
    .from(fundLedgerAccounts)
    .where(eq(fundLedgerAccounts.fundId, fundId))
    .groupBy(fundLedgerAccounts.currency, fundLedgerAccounts.kind)
    .orderBy(asc(fundLedgerAccounts.currency));
  const byCurrency = new Map<string, FundBalances>();
  for (const row of rows) {
    const entry = byCurrency.get(row.currency) ?? { currency: row.currency, available: 0, committed: 0, disbursed: 0, income: { premium: 0, grant: 0, other: 0 } };
    const kind = row.kind as LedgerAccountKind;
    if (kind === 'available' || kind === 'committed' || kind === 'disbursed') entry[kind] = row.balance;
    else entry.income[kind.slice('income_'.length) as 'premium' | 'grant' | 'other'] = -row.balance;
    byCurrency.set(row.currency, entry);
  }
  return [...byCurrency.values()];
}

export type LedgerLine = typeof fundTransactions.$inferSelect;

export async function listTransactions(db: Queryable, fundId: number, filter: { proposalId?: number } = {}): Promise<LedgerLine[]> {
  return db
    .select()
    .from(fundTransactions)
    .where(and(eq(fundTransactions.fundId, fundId), filter.proposalId === undefined ? undefined : eq(fundTransactions.proposalId, filter.proposalId)))
    .orderBy(asc(fundTransactions.occurredOn), asc(fundTransactions.id));
}

export type UnbookedPremium = RecordedPremium;

/** Premium the registry recorded as owed to a site's fund from a paid sale, not yet booked as fund income. */
export async function unbookedPremiums(db: Queryable, siteCode?: string): Promise<UnbookedPremium[]> {
  const owed = (await recordedPremiums(db, siteCode === undefined ? {} : { siteCode })).filter((premium) => premium.premiumMinor > 0);
  if (owed.length === 0) return [];
  const booked = await db
    .select({ id: fundTransactions.creditPremiumId })
    .from(fundTransactions)
    .where(inArray(fundTransactions.creditPremiumId, owed.map((premium) => premium.id)));
  const bookedIds = new Set(booked.map((row) => row.id));
  return owed.filter((premium) => !bookedIds.has(premium.id));
}

/** The rates of the days a fund's transactions in other currencies fell on, from the rates module. */
export async function ratesOfTransactions(db: Queryable, fundId: number): Promise<RateBook> {
  const days = await db.selectDistinct({ currency: fundTransactions.currency, on: fundTransactions.occurredOn }).from(fundTransactions).where(eq(fundTransactions.fundId, fundId));
  return loadRates(db, days);
}

/** A transaction's amount in the reporting currency, at the rate of its date; the rates' 422 `rate_missing` when that day has no rate. */
export function reportingAmount(rates: RateBook, line: { amountMinor: number; currency: string; occurredOn: string }): { usdMinor: number; rate: RateUsed | null } {
  const conversion = convertWith(rates, { amountMinor: line.amountMinor, from: line.currency, to: reportingCurrency, on: line.occurredOn });
  return { usdMinor: conversion.amountMinor, rate: conversion.ratesUsed[0] ?? null };
}

export type SpendTiming = { currency: string; premiumReceivedMinor: number; premiumSpentWithin12MonthsMinor: number; receiptsStillInWindow: number; averageDaysToDisbursement: number | null };

const days = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/**
 * How fast money received is spent, per currency, matching disbursements to income first in,
 * first out: the premium spent within 12 months of its receipt (receipts younger than 12 months
 * on `asOf` may still rise: they are counted), and the amount-weighted average days from receipt
 * to disbursement (of the payments `averaged` keeps).
 */
export function spendTiming(lines: readonly LedgerLine[], asOf: string, averaged: (paidOn: string) => boolean = () => true): SpendTiming[] {
  const result: SpendTiming[] = [];
  for (const currency of [...new Set(lines.map((l) => l.currency))].sort()) {
    const ofCurrency = lines.filter((l) => l.currency === currency);
    const receipts = ofCurrency.filter((l) => l.kind === 'income').map((l) => ({ on: l.occurredOn, premium: l.source === 'premium', left: l.amountMinor, spentInWindow: 0, amount: l.amountMinor }));
    let weightedDays = 0;
    let matched = 0;
    for (const payment of ofCurrency.filter((l) => l.kind === 'disbursement')) {
      let due = payment.amountMinor;
      for (const receipt of receipts) {
        if (due === 0) break;
        if (receipt.left === 0 || receipt.on > payment.occurredOn) continue;
        const take = Math.min(due, receipt.left);
        receipt.left -= take;
        due -= take;
        if (payment.occurredOn <= addMonths(receipt.on, 12)) receipt.spentInWindow += take;
        if (averaged(payment.occurredOn)) {
          weightedDays += take * days(receipt.on, payment.occurredOn);
          matched += take;
        }
      }
    }
    const premiums = receipts.filter((r) => r.premium);
    result.push({
      currency,
      premiumReceivedMinor: premiums.reduce((s, r) => s + r.amount, 0),
      premiumSpentWithin12MonthsMinor: premiums.reduce((s, r) => s + r.spentInWindow, 0),
      receiptsStillInWindow: premiums.filter((r) => addMonths(r.on, 12) >= asOf).length,
      averageDaysToDisbursement: matched === 0 ? null : Math.round(weightedDays / matched),
    });
  }
  return result;
}

/** Sum of every account's entries against its kept balance: they must be equal (the trigger keeps them so). */
export async function balanceMismatches(db: Queryable) {
  return rowsOf<{ account_id: number; balance: string | number; entries: string | number }>(
    await db.execute(sql`select a.id as account_id, a.balance_minor as balance, coalesce(sum(e.amount_minor), 0) as entries
      from fund_ledger_accounts a left join fund_entries e on e.account_id = a.id
      group by a.id, a.balance_minor having a.balance_minor <> coalesce(sum(e.amount_minor), 0)`),
  );
}
