import { describe, expect, it } from 'vitest';
import { allocateRepayment, flatInterestMinor, loanFundCashMinor, loanMonths, shareOut } from './ledger.ts';

describe('share-out', () => {
  it('reproduces the worked example computed by hand', () => {
    // Fund 1 000 003 centimes, 27 shares. fund × shares = quotient × 27 + remainder:
    //   M01: 10 shares → 10 000 030 = 370 371 × 27 + 13
    //   M02:  8 shares →  8 000 024 = 296 297 × 27 +  5
    //   M03:  5 shares →  5 000 015 = 185 185 × 27 + 20
    //   M04:  4 shares →  4 000 012 = 148 148 × 27 + 16
    // Floors add up to 1 000 001: 2 centimes are left; the largest remainders are M03 (20) and M04 (16).
    expect(
      shareOut(1_000_003, [
        { memberCode: 'KAM-VSLA-01-M01', shares: 10 },
        { memberCode: 'KAM-VSLA-01-M02', shares: 8 },
        { memberCode: 'KAM-VSLA-01-M03', shares: 5 },
        { memberCode: 'KAM-VSLA-01-M04', shares: 4 },
      ]),
    ).toEqual([
      { memberCode: 'KAM-VSLA-01-M01', shares: 10, payoutMinor: 370_371 },
      { memberCode: 'KAM-VSLA-01-M02', shares: 8, payoutMinor: 296_297 },
      { memberCode: 'KAM-VSLA-01-M03', shares: 5, payoutMinor: 185_186 },
      { memberCode: 'KAM-VSLA-01-M04', shares: 4, payoutMinor: 148_149 },
    ]);
  });

  it('breaks equal remainders by member code', () => {
    // 100 over 3 equal holdings: 33 each, remainder 1 each; the one centime left goes to M01.
    expect(
      shareOut(100, [
        { memberCode: 'X-VSLA-01-M03', shares: 2 },
        { memberCode: 'X-VSLA-01-M01', shares: 2 },
        { memberCode: 'X-VSLA-01-M02', shares: 2 },
      ]).map((p) => p.payoutMinor),
    ).toEqual([33, 34, 33]);
  });

  it('pays each member exactly when fund × shares passes 2^53 (worked by hand)', () => {
    // Fund 2^53 − 1 = 9 007 199 254 740 991 centimes over 1 + 2 + 3 = 6 shares; fund × 3 is above 2^54,
    // where a double is only exact to 4. fund = 1 501 199 875 790 165 × 6 + 1, so:
    //   M01: 1 share  → quotient 1 501 199 875 790 165, remainder 1
    //   M02: 2 shares → quotient 3 002 399 751 580 330, remainder 2
    //   M03: 3 shares → quotient 4 503 599 627 370 495, remainder 3
    // Quotients add up to 9 007 199 254 740 990: 1 centime left, to M03 (remainder 3).
    expect(
      shareOut(Number.MAX_SAFE_INTEGER, [
        { memberCode: 'K-VSLA-01-M01', shares: 1 },
        { memberCode: 'K-VSLA-01-M02', shares: 2 },
        { memberCode: 'K-VSLA-01-M03', shares: 3 },
      ]),
    ).toEqual([
      { memberCode: 'K-VSLA-01-M01', shares: 1, payoutMinor: 1_501_199_875_790_165 },
      { memberCode: 'K-VSLA-01-M02', shares: 2, payoutMinor: 3_002_399_751_580_330 },
      { memberCode: 'K-VSLA-01-M03', shares: 3, payoutMinor: 4_503_599_627_370_496 },
    ]);
  });

  it('pays each member the floor or the ceiling of its exact share, the ceilings to the largest remainders, when fund × shares passes 2^53', () => {
    const holdings = Array.from({ length: 25 }, (_, i) => ({ memberCode: `K-VSLA-01-M${String(i + 1).padStart(2, '0')}`, shares: 37 + i * 11 }));
    const totalShares = BigInt(holdings.reduce((sum, h) => sum + h.shares, 0));
    const funds = [0, 1, 999_999_937, 9_000_000_000_000, 123_456_789_012_345, Number.MAX_SAFE_INTEGER - 2, Number.MAX_SAFE_INTEGER];
    for (const fundMinor of funds) {
      const fund = BigInt(fundMinor);
      if (fundMinor > 1e14) expect(fund * BigInt(holdings.at(-1)!.shares)).toBeGreaterThan(2n ** 53n);
      const payouts = shareOut(fundMinor, holdings);
      expect(payouts.map((p) => p.memberCode)).toEqual(holdings.map((h) => h.memberCode));
      expect(payouts.reduce((sum, p) => sum + BigInt(p.payoutMinor), 0n)).toBe(fund);
      const exact = holdings.map((h) => ({ code: h.memberCode, floor: (fund * BigInt(h.shares)) / totalShares, remainder: (fund * BigInt(h.shares)) % totalShares }));
      const roundedUp = payouts.map((p, i) => {
        expect(Number.isSafeInteger(p.payoutMinor)).toBe(true);
        const extra = BigInt(p.payoutMinor) - exact[i]!.floor;
        expect([0n, 1n]).toContain(extra);
        return extra === 1n;
      });
      expect(BigInt(roundedUp.filter(Boolean).length)).toBe(fund - exact.reduce((sum, e) => sum + e.floor, 0n));
      // Nobody rounded down ranks before anybody rounded up (larger remainder first, then member code).
      const ranksBefore = (a: (typeof exact)[number], b: (typeof exact)[number]) => a.remainder > b.remainder || (a.remainder === b.remainder && a.code < b.code);
      for (const [i, up] of roundedUp.entries()) {
        if (up) continue;
        for (const [j, otherUp] of roundedUp.entries()) if (otherUp) expect(ranksBefore(exact[i]!, exact[j]!)).toBe(false);
      }
    }
  });

  it('refuses a fund with no shares', () => {
    expect(() => shareOut(100, [{ memberCode: 'A', shares: 0 }])).toThrow(RangeError);
  });
});

describe('loans', () => {
  it('counts each started month of the term', () => {
    expect(loanMonths('2025-01-07', '2025-02-07')).toBe(1);
    expect(loanMonths('2025-01-07', '2025-02-08')).toBe(2);
    expect(loanMonths('2025-01-07', '2025-04-07')).toBe(3);
    expect(loanMonths('2025-01-07', '2025-01-14')).toBe(1);
  });

  it('charges flat interest, rounded half up', () => {
    // 150 000 × 10 % × 3 months = 45 000; 12 345 × 5 % × 1 = 617.25 → 617; 13 × 5 % = 0.65 → 1.
    expect(flatInterestMinor(150_000, 1000, 3)).toBe(45_000);
    expect(flatInterestMinor(12_345, 500, 1)).toBe(617);
    expect(flatInterestMinor(13, 500, 1)).toBe(1);
    expect(flatInterestMinor(10, 500, 1)).toBe(1); // 0.5 rounds up
  });

  it('applies a repayment to the oldest loan first, interest first', () => {
    const loans = [
      { loanId: 9, principalMinor: 50_000, interestMinor: 5_000, repaidMinor: 0 },
      { loanId: 4, principalMinor: 100_000, interestMinor: 10_000, repaidMinor: 104_000 },
    ];
    // Loan 4 owes 6 000 (all principal: its interest is paid); 10 000 more goes to loan 9, 5 000 of it interest.
    expect(allocateRepayment(loans, 16_000)).toEqual([
      { loanId: 4, amountMinor: 6_000, interestMinor: 0 },
      { loanId: 9, amountMinor: 10_000, interestMinor: 5_000 },
    ]);
    expect(allocateRepayment(loans, 61_001)).toBeNull();
    expect(allocateRepayment(loans, 61_000)).toHaveLength(2);
    expect(allocateRepayment([], 1)).toBeNull();
  });

  it('keeps the cash of the loan fund', () => {
    expect(loanFundCashMinor({ savingsMinor: 500_000, finesMinor: 2_000, repaidMinor: 55_000, lentMinor: 300_000 })).toBe(257_000);
  });
});
