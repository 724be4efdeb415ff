/**
 * The sector's figures for savings groups, after the SEEP Network's Savings Group performance
 * standards and the SAVIX reporting conventions, as pure functions of per-group snapshots so each
 * formula is tested on its own (metrics.test.ts) and documented in docs/indicators.md.
 * A ratio with nothing to divide by is null, never zero: "no loans" is not "no risk".
 */

/** One group's state on the reporting date, in the currency's minor units (all groups keep CDF). */
export type GroupSnapshot = {
  groupCode: string;
  members: number;
  women: number;
  /** Value of the shares bought in the current cycle up to the reporting date (SAVIX "value of savings"). */
  savingsMinor: number;
  /** Principal not yet repaid on the cycle's loans (SAVIX "value of loans outstanding"). */
  loansOutstandingMinor: number;
  /** Principal not yet repaid on loans with a due date more than 30 days before the reporting date. */
  atRiskMinor: number;
  cashInLoanFundMinor: number;
  /** Interest received and fines paid in the cycle: the group's income, which the share-out returns to savers. */
  incomeMinor: number;
  /** Days from the cycle's start to the reporting date, or to its share-out when that came first (at least 1). */
  cycleDays: number;
};

export type Attendance = { present: number; expected: number };

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
const sum = (snapshots: readonly GroupSnapshot[], pick: (s: GroupSnapshot) => number) => snapshots.reduce((total, s) => total + pick(s), 0);

export const memberCount = (snapshots: readonly GroupSnapshot[]) => sum(snapshots, (s) => s.members);

/** Women ÷ members. */
export const shareOfWomen = (snapshots: readonly GroupSnapshot[]) => ratio(sum(snapshots, (s) => s.women), memberCount(snapshots));

/** Value of savings ÷ members, in minor units, rounded half up (SAVIX "savings per member"). */
export function savingsPerMemberMinor(snapshots: readonly GroupSnapshot[]): number | null {
  const members = memberCount(snapshots);
  return members === 0 ? null : Math.floor((2 * sum(snapshots, (s) => s.savingsMinor) + members) / (2 * members));
}

/** Loans outstanding ÷ (loans outstanding + cash in the loan fund) (SAVIX "loan fund utilisation"). */
export function loanFundUtilisation(snapshots: readonly GroupSnapshot[]): number | null {
  const outstanding = sum(snapshots, (s) => s.loansOutstandingMinor);
  return ratio(outstanding, outstanding + sum(snapshots, (s) => s.cashInLoanFundMinor));
}

/** Outstanding principal of loans more than 30 days past due ÷ all outstanding principal (SEEP "portfolio at risk > 30 days"). */
export const portfolioAtRisk30 = (snapshots: readonly GroupSnapshot[]) =>
  ratio(
    sum(snapshots, (s) => s.atRiskMinor),
    sum(snapshots, (s) => s.loansOutstandingMinor),
  );

/**
 * Income of the cycle so far ÷ value of savings, scaled to a year by 365 ÷ days of the cycle so far
 * (SAVIX "annualised return on savings"). Across groups: each group's annualised income, summed, over
 * the groups' savings summed, i.e. the savings-weighted mean of the groups' returns.
 */
export function annualisedReturnOnSavings(snapshots: readonly GroupSnapshot[]): number | null {
  const annualisedIncome = sum(snapshots, (s) => (s.incomeMinor * 365) / Math.max(1, s.cycleDays));
  return ratio(annualisedIncome, sum(snapshots, (s) => s.savingsMinor));
}

/** Members present ÷ members expected, over every meeting of the period (a member is expected once she has joined). */
export const attendanceRate = (meetings: readonly Attendance[]) =>
  ratio(
    meetings.reduce((t, m) => t + m.present, 0),
    meetings.reduce((t, m) => t + m.expected, 0),
  );
