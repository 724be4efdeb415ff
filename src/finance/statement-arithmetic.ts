import { convertWith, ratesUsedBy, type Conversion, type RateBook, type RateUsed } from '../rates/public.ts';
import { costCategories, type CostCategory } from './grants-schema.ts';

/** A period of a statement: both days included. */
export type StatementPeriod = { from: string; to: string };

/**
 * What a statement is computed from: the finance, registry and fund records dated up to the
 * period's end (earlier ones count in the balances, those inside the period in the flows), each
 * in its own currency. No record names a person: spending carries its activity's area and its
 * cost category, never its payee.
 */
export type StatementRecords = {
  contributionPayments: readonly { on: string; currency: string; amountMinor: number }[];
  grants: readonly { id: number; reference: string; donor: string; currency: string }[];
  grantReceipts: readonly { grantId: number; on: string; amountMinor: number }[];
  spending: readonly {
    on: string;
    currency: string;
    area: string;
    category: CostCategory;
    /** The funding sources, summing to the amount: a grant (its share also in the grant's currency) or the unrestricted funds (`grantId` null). */
    allocations: readonly { grantId: number | null; amountMinor: number; grantAmountMinor: number | null }[];
  }[];
  sales: readonly { on: string; currency: string; amountMinor: number; premiumMinor: number; feeMinor: number }[];
  premiumsBooked: readonly { on: string; currency: string; amountMinor: number }[];
};

export type IncomeSource = 'member_contributions' | 'grants' | 'registry_fees';
/** Where the alliance's money came from: one row per source, grants one row per donor. */
export type IncomeLine = { source: IncomeSource; donor: string | null; amountMinor: number };

/** Credit flows of one currency, as the registry and the fund recorded them (no conversion): what reconciles. */
export type CreditFlowsReconciliation = {
  currency: string;
  salesMinor: number;
  premiumMinor: number;
  feeMinor: number;
  premiumBookedMinor: number;
  /** Sales = premium + fee: the registry split every payment. */
  splitMatches: boolean;
  /** The premium the registry owes the site funds = the premium the funds booked. */
  bookedMatches: boolean;
};

export type RestrictedBalance = {
  grantId: number;
  reference: string;
  donor: string;
  currency: string;
  /** Received and charged up to the period's end, in the grant's currency. */
  receivedMinor: number;
  chargedMinor: number;
  balanceMinor: number;
  /** The same balance in the reporting currency: receipts and charges each converted on its own day. */
  balanceReportingMinor: number;
};

export type StatementFigures = {
  period: StatementPeriod;
  currency: string;
  income: { totalMinor: number; lines: IncomeLine[] };
  expenditure: { totalMinor: number; byArea: { area: string; amountMinor: number }[]; byCategory: { category: CostCategory; amountMinor: number }[]; restrictedMinor: number; unrestrictedMinor: number };
  balances: { restricted: RestrictedBalance[]; restrictedMinor: number; unrestrictedMinor: number };
  creditFlows: {
    salesMinor: number;
    premiumMinor: number;
    feeMinor: number;
    /** A payment's part the registry recorded neither as premium nor as fee (zero when the registry is consistent). */
    unsplitMinor: number;
    premiumBookedMinor: number;
    reconciliation: CreditFlowsReconciliation[];
    reconciled: boolean;
  };
  ratesUsed: RateUsed[];
};

const sum = (values: Iterable<number>) => {
  let total = 0;
  for (const value of values) total += value;
  return total;
};

function addTo<K>(map: Map<K, number>, key: K, amount: number) {
  map.set(key, (map.get(key) ?? 0) + amount);
}

/**
 * The arithmetic of a statement, free of the database. Every amount is converted to the reporting
 * currency with the rates of its own day (the transaction's date) and rounded once, half away
 * from zero (`convertWith`); an expenditure is converted share by share (its allocations), so its
 * shares always add up to it, and the spending by area, by cost category, and restricted plus
 * unrestricted, are the same total. A sale is converted as its premium and its fee, so sales are
 * premium plus fee in the reporting currency too; the reconciliation with the registry and the
 * fund is made in each original currency, where no rounding happens. A missing rate is a 422
 * `rate_missing` naming the currency and the day.
 */
export function composeStatement(records: StatementRecords, period: StatementPeriod, currency: string, book: RateBook): StatementFigures {
  const conversions: Conversion[] = [];
  const toReporting = (amountMinor: number, from: string, on: string) => {
    const conversion = convertWith(book, { amountMinor, from, to: currency, on });
    conversions.push(conversion);
    return conversion.amountMinor;
  };
  const inPeriod = (on: string) => on >= period.from && on <= period.to;
  const upToEnd = (on: string) => on <= period.to;
  const grants = new Map(records.grants.map((grant) => [grant.id, grant]));

  // Income of the period.
  const contributions = sum(records.contributionPayments.filter((p) => inPeriod(p.on)).map((p) => toReporting(p.amountMinor, p.currency, p.on)));
  const byDonor = new Map<string, number>();
  for (const receipt of records.grantReceipts.filter((r) => inPeriod(r.on))) {
    const grant = grants.get(receipt.grantId)!;
    addTo(byDonor, grant.donor, toReporting(receipt.amountMinor, grant.currency, receipt.on));
  }

  // Credit flows of the period.
  let premium = 0;
  let fee = 0;
  let unsplit = 0;
  const native = new Map<string, CreditFlowsReconciliation>();
  const nativeOf = (code: string) => native.get(code) ?? native.set(code, { currency: code, salesMinor: 0, premiumMinor: 0, feeMinor: 0, premiumBookedMinor: 0, splitMatches: true, bookedMatches: true }).get(code)!;
  for (const sale of records.sales.filter((s) => inPeriod(s.on))) {
    premium += toReporting(sale.premiumMinor, sale.currency, sale.on);
    fee += toReporting(sale.feeMinor, sale.currency, sale.on);
    const rest = sale.amountMinor - sale.premiumMinor - sale.feeMinor;
    if (rest !== 0) unsplit += toReporting(rest, sale.currency, sale.on);
    const flows = nativeOf(sale.currency);
    flows.salesMinor += sale.amountMinor;
    flows.premiumMinor += sale.premiumMinor;
    flows.feeMinor += sale.feeMinor;
  }
  let premiumBooked = 0;
  for (const booked of records.premiumsBooked.filter((b) => inPeriod(b.on))) {
    premiumBooked += toReporting(booked.amountMinor, booked.currency, booked.on);
    nativeOf(booked.currency).premiumBookedMinor += booked.amountMinor;
  }
  const reconciliation = [...native.values()]
    .map((flows) => ({ ...flows, splitMatches: flows.salesMinor === flows.premiumMinor + flows.feeMinor, bookedMatches: flows.premiumMinor === flows.premiumBookedMinor }))
    .sort((a, b) => a.currency.localeCompare(b.currency));

  const incomeLines: IncomeLine[] = [
    { source: 'member_contributions', donor: null, amountMinor: contributions },
    ...[...byDonor].sort(([a], [b]) => a.localeCompare(b)).map(([donor, amountMinor]) => ({ source: 'grants' as const, donor, amountMinor })),
    { source: 'registry_fees', donor: null, amountMinor: fee },
  ];

  // Spending: of the period by area and category; up to the end for the balances.
  const byArea = new Map<string, number>();
  const byCategory = new Map<CostCategory, number>();
  const chargedToGrant = new Map<number, { native: number; reporting: number }>();
  let restrictedSpent = 0;
  let unrestrictedSpent = 0;
  let unrestrictedSpentToEnd = 0;
  for (const spending of records.spending.filter((s) => upToEnd(s.on))) {
    for (const allocation of spending.allocations) {
      const amount = toReporting(allocation.amountMinor, spending.currency, spending.on);
      if (allocation.grantId === null) unrestrictedSpentToEnd += amount;
      else {
        const charged = chargedToGrant.get(allocation.grantId) ?? { native: 0, reporting: 0 };
        charged.native += allocation.grantAmountMinor ?? 0;
        charged.reporting += amount;
        chargedToGrant.set(allocation.grantId, charged);
      }
      if (!inPeriod(spending.on)) continue;
      addTo(byArea, spending.area, amount);
      addTo(byCategory, spending.category, amount);
      if (allocation.grantId === null) unrestrictedSpent += amount;
      else restrictedSpent += amount;
    }
  }

  // Balances at the period's end.
  const restricted: RestrictedBalance[] = [];
  for (const grant of records.grants) {
    const receipts = records.grantReceipts.filter((r) => r.grantId === grant.id && upToEnd(r.on));
    const receivedMinor = sum(receipts.map((r) => r.amountMinor));
    const receivedReporting = sum(receipts.map((r) => toReporting(r.amountMinor, grant.currency, r.on)));
    const charged = chargedToGrant.get(grant.id) ?? { native: 0, reporting: 0 };
    if (receipts.length === 0 && charged.native === 0) continue;
    restricted.push({
      grantId: grant.id,
      reference: grant.reference,
      donor: grant.donor,
      currency: grant.currency,
      receivedMinor,
      chargedMinor: charged.native,
      balanceMinor: receivedMinor - charged.native,
      balanceReportingMinor: receivedReporting - charged.reporting,
    });
  }
  const unrestrictedIncomeToEnd =
    sum(records.contributionPayments.filter((p) => upToEnd(p.on)).map((p) => toReporting(p.amountMinor, p.currency, p.on))) +
    sum(records.sales.filter((s) => upToEnd(s.on)).map((s) => toReporting(s.feeMinor, s.currency, s.on)));

  const byAreaRows = [...byArea].sort(([a], [b]) => a.localeCompare(b)).map(([area, amountMinor]) => ({ area, amountMinor }));
  const byCategoryRows = costCategories.filter((category) => byCategory.has(category)).map((category) => ({ category, amountMinor: byCategory.get(category)! }));
  return {
    period,
    currency,
    income: { totalMinor: sum(incomeLines.map((line) => line.amountMinor)), lines: incomeLines },
    expenditure: { totalMinor: restrictedSpent + unrestrictedSpent, byArea: byAreaRows, byCategory: byCategoryRows, restrictedMinor: restrictedSpent, unrestrictedMinor: unrestrictedSpent },
    balances: { restricted, restrictedMinor: sum(restricted.map((r) => r.balanceReportingMinor)), unrestrictedMinor: unrestrictedIncomeToEnd - unrestrictedSpentToEnd },
    creditFlows: {
      salesMinor: premium + fee + unsplit,
      premiumMinor: premium,
      feeMinor: fee,
      unsplitMinor: unsplit,
      premiumBookedMinor: premiumBooked,
      reconciliation,
      reconciled: reconciliation.every((flows) => flows.splitMatches && flows.bookedMatches),
    },
    ratesUsed: ratesUsedBy(conversions).sort((a, b) => a.currency.localeCompare(b.currency) || a.rateOn.localeCompare(b.rateOn)),
  };
}

/** The days and currencies whose rates a statement of these records in `currency` needs (each record's currency and the reporting currency, on the record's day): what to load before composing it. */
export function ratesNeededBy(records: StatementRecords, period: StatementPeriod, currency: string): { currency: string; on: string }[] {
  const grantCurrency = new Map(records.grants.map((grant) => [grant.id, grant.currency]));
  const needs = [
    ...records.contributionPayments.map((p) => ({ currency: p.currency, on: p.on })),
    ...records.grantReceipts.map((r) => ({ currency: grantCurrency.get(r.grantId) ?? '', on: r.on })),
    ...records.spending.map((s) => ({ currency: s.currency, on: s.on })),
    ...records.sales.map((s) => ({ currency: s.currency, on: s.on })),
    ...records.premiumsBooked.map((b) => ({ currency: b.currency, on: b.on })),
  ].filter((need) => need.on <= period.to);
  return [...needs, ...needs.map((need) => ({ currency, on: need.on }))];
}
