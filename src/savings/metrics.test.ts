import { describe, expect, it } from 'vitest';
import { annualisedReturnOnSavings, attendanceRate, loanFundUtilisation, memberCount, portfolioAtRisk30, savingsPerMemberMinor, shareOfWomen, type GroupSnapshot } from './metrics.ts';

const group = (overrides: Partial<GroupSnapshot>): GroupSnapshot => ({
  groupCode: 'KAM-VSLA-01',
  members: 0,
  women: 0,
  savingsMinor: 0,
  loansOutstandingMinor: 0,
  atRiskMinor: 0,
  cashInLoanFundMinor: 0,
  incomeMinor: 0,
  cycleDays: 365,
  ...overrides,
});

// Two groups, figures worked by hand in each test.
const a = group({ groupCode: 'A', members: 20, women: 16, savingsMinor: 4_000_000, loansOutstandingMinor: 3_000_000, atRiskMinor: 300_000, cashInLoanFundMinor: 1_500_000, incomeMinor: 500_000, cycleDays: 182 });
const b = group({ groupCode: 'B', members: 5, women: 2, savingsMinor: 1_000_001, loansOutstandingMinor: 1_000_000, atRiskMinor: 0, cashInLoanFundMinor: 500_000, incomeMinor: 100_000, cycleDays: 365 });

describe('savings figures', () => {
  it('counts members and the share of women', () => {
    expect(memberCount([a, b])).toBe(25);
    expect(shareOfWomen([a, b])).toBe(18 / 25); // 0.72
    expect(shareOfWomen([])).toBeNull();
  });

  it('divides savings by members, rounding half up to the centime', () => {
    // 5 000 001 ÷ 25 = 200 000.04 → 200 000
    expect(savingsPerMemberMinor([a, b])).toBe(200_000);
    // 1 000 001 ÷ 5 = 200 000.2 → 200 000; 12 ÷ 8 = 1.5 → 2
    expect(savingsPerMemberMinor([b])).toBe(200_000);
    expect(savingsPerMemberMinor([group({ members: 8, savingsMinor: 12 })])).toBe(2);
    expect(savingsPerMemberMinor([])).toBeNull();
  });

  it('measures loan fund utilisation as loans out over loans out plus cash', () => {
    // (3 000 000 + 1 000 000) ÷ (4 000 000 + 2 000 000) = 2/3
    expect(loanFundUtilisation([a, b])).toBeCloseTo(2 / 3, 12);
    expect(loanFundUtilisation([group({ cashInLoanFundMinor: 10 })])).toBe(0);
    expect(loanFundUtilisation([group({})])).toBeNull();
  });

  it('puts only loans more than 30 days late at risk', () => {
    // 300 000 ÷ 4 000 000 = 7.5 %
    expect(portfolioAtRisk30([a, b])).toBe(0.075);
    expect(portfolioAtRisk30([group({ cashInLoanFundMinor: 5 })])).toBeNull();
  });

  it('annualises the return on savings group by group', () => {
    // A: 500 000 × 365 / 182 = 1 002 747.25…; B: 100 000 × 365 / 365 = 100 000; over savings 5 000 001.
    expect(annualisedReturnOnSavings([a, b])).toBeCloseTo((500_000 * 365) / 182 / 5_000_001 + 100_000 / 5_000_001, 12);
    expect(annualisedReturnOnSavings([b])).toBeCloseTo(0.0999999, 6);
    expect(annualisedReturnOnSavings([group({ members: 3 })])).toBeNull();
  });

  it('counts attendance over every expected member of every meeting', () => {
    expect(attendanceRate([{ present: 18, expected: 20 }, { present: 3, expected: 5 }])).toBe(21 / 25);
    expect(attendanceRate([])).toBeNull();
  });
});
