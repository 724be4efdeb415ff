import { addMonths } from '../core/calendar.ts';

/**
 * The arithmetic of a VSLA ledger, in integer minor units. Pure functions, so the rules can be
 * checked by hand against worked examples (ledger.test.ts).
 */

/** Months of interest a loan carries: each started month from the meeting to the due date, at least one. */
export function loanMonths(issuedOn: string, dueOn: string): number {
  let months = 1;
  while (addMonths(issuedOn, months) < dueOn) months += 1;
  return months;
}

/** Flat interest on the principal for the loan's months, rounded half up to the minor unit. */
export function flatInterestMinor(principalMinor: number, monthlyInterestBps: number, months: number): number {
  return Math.floor((principalMinor * monthlyInterestBps * months + 5_000) / 10_000);
}

export type LoanBalance = { loanId: number; principalMinor: number; interestMinor: number; repaidMinor: number };
export type RepaymentPart = { loanId: number; amountMinor: number; interestMinor: number };

export const loanBalance = (loan: LoanBalance) => loan.principalMinor + loan.interestMinor - loan.repaidMinor;

/**
 * Splits a member's repayment over her loans, oldest first, and within a loan interest first (the
 * usual VSLA rule: the group's income is collected before its capital). Returns null when the
 * repayment is more than she owes.
 */
export function allocateRepayment(loans: readonly LoanBalance[], repaymentMinor: number): RepaymentPart[] | null {
  const owed = loans.reduce((sum, loan) => sum + loanBalance(loan), 0);
  if (repaymentMinor > owed) return null;
  const parts: RepaymentPart[] = [];
  let left = repaymentMinor;
  for (const loan of [...loans].sort((a, b) => a.loanId - b.loanId)) {
    if (left === 0) break;
    const amount = Math.min(left, loanBalance(loan));
    if (amount === 0) continue;
    const interestDue = Math.max(0, loan.interestMinor - loan.repaidMinor);
    parts.push({ loanId: loan.loanId, amountMinor: amount, interestMinor: Math.min(amount, interestDue) });
    left -= amount;
  }
  return parts;
}

export type Shareholding = { memberCode: string; shares: number };
export type Payout = Shareholding & { payoutMinor: number };

/**
 * Shares the fund out in proportion to shares, exactly: each member first gets the floor of
 * fund × shares / total shares; the minor units left over (fewer than the number of members) go
 * one each to the members with the largest remainders (Hamilton's largest-remainder method),
 * ties broken by member code in ascending order. The payouts always add up to the fund.
 */
export function shareOut(fundMinor: number, holdings: readonly Shareholding[]): Payout[] {
  const totalShares = holdings.reduce((sum, h) => sum + h.shares, 0);
  if (totalShares === 0) throw new RangeError('no shares to share out');
  // BigInt: fund × shares can pass 2^53 for a large group.
  const fund = BigInt(fundMinor);
  const total = BigInt(totalShares);
  const rows = holdings.map((h) => {
    const product = fund * BigInt(h.shares);
    return { ...h, payoutMinor: Number(product / total), remainder: product % total };
  });
  let leftover = fundMinor - rows.reduce((sum, r) => sum + r.payoutMinor, 0);
  const order = [...rows].sort((a, b) => (a.remainder === b.remainder ? (a.memberCode < b.memberCode ? -1 : 1) : a.remainder > b.remainder ? -1 : 1));
  for (const row of order) {
    if (leftover === 0) break;
    row.payoutMinor += 1;
    leftover -= 1;
  }
  return rows.map(({ memberCode, shares, payoutMinor }) => ({ memberCode, shares, payoutMinor }));
}

/** What flows through a cycle's loan fund (the social fund is a separate box and never lent). */
export type LoanFundFlows = { savingsMinor: number; finesMinor: number; repaidMinor: number; lentMinor: number };

/** Cash in the loan-fund box: savings, fines and repayments in, loans out. */
export const loanFundCashMinor = (f: LoanFundFlows) => f.savingsMinor + f.finesMinor + f.repaidMinor - f.lentMinor;
