import { describe, expect, it } from 'vitest';
import { changeOf, defaultWorkPattern, estimatedHours, exposureOf, lastDayOfMonth, monthsOfYear, ratePer, ratesOf, recordableCount, type MonthExposure } from './rates.ts';

const pattern = { shiftMinutes: 480, daysWorkedPerMonth: 25 };
const month = (m: string, headcount: number, recordedHours: number | null): MonthExposure => ({ month: m, headcount, recordedHours, pattern, patternIsDefault: false });

describe('Safety rates', () => {
  describe('estimated hours', () => {
    it('multiplies workers, days worked and shift length', () => {
      // 1,000 workers × 25 days × 8 h = 200,000 h.
      expect(estimatedHours(1_000, pattern)).toBe(200_000);
      // 30 workers × 22 days × 7.5 h = 4,950 h.
      expect(estimatedHours(30, { shiftMinutes: 450, daysWorkedPerMonth: 22 })).toBe(4_950);
    });
  });

  describe('with recorded hours only', () => {
    const exposure = exposureOf([month('2024-01', 900, 150_000), month('2024-02', 1_100, 250_000)]);

    it('averages the headcount and adds the recorded hours', () => {
      expect(exposure.averageHeadcount).toBe(1_000);
      expect(exposure.hoursWorked).toBe(400_000);
      expect(exposure.estimated).toBe(false);
      expect(exposure.estimatedMonths).toEqual([]);
    });

    it('gives rates per 1,000 workers, 200,000 and 1,000,000 hours by hand', () => {
      // 6 incidents: 6 × 1,000 / 1,000 = 6; 6 × 200,000 / 400,000 = 3; 6 × 1,000,000 / 400,000 = 15.
      expect(ratesOf(6, exposure)).toEqual({ count: 6, per1000Workers: 6, per200kHours: 3, per1mHours: 15, estimated: false });
    });
  });

  describe('without recorded hours', () => {
    const exposure = exposureOf([month('2024-01', 400, null), month('2024-02', 600, null)]);

    it('estimates the hours and says so', () => {
      // (400 + 600) workers × 25 days × 8 h = 200,000 h, all estimated.
      expect(exposure.hoursWorked).toBe(200_000);
      expect(exposure.estimatedHours).toBe(200_000);
      expect(exposure.recordedHours).toBe(0);
      expect(exposure.estimated).toBe(true);
      expect(exposure.estimatedMonths).toEqual(['2024-01', '2024-02']);
    });

    it('labels every hours-based rate as estimated', () => {
      // 3 incidents, average 500 workers: 6 per 1,000; 3 per 200,000 h; 15 per 1,000,000 h.
      expect(ratesOf(3, exposure)).toEqual({ count: 3, per1000Workers: 6, per200kHours: 3, per1mHours: 15, estimated: true });
    });
  });

  describe('with some months recorded and some estimated', () => {
    it('uses the recorded hours where they exist and flags the estimate', () => {
      const exposure = exposureOf([month('2024-01', 500, 80_000), month('2024-02', 500, null)]);
      // 80,000 recorded + 500 × 25 × 8 = 100,000 estimated.
      expect(exposure.hoursWorked).toBe(180_000);
      expect(exposure.recordedHours).toBe(80_000);
      expect(exposure.estimatedMonths).toEqual(['2024-02']);
      const rates = ratesOf(9, exposure);
      expect(rates.per200kHours).toBeCloseTo(10, 10);
      expect(rates.per1mHours).toBeCloseTo(50, 10);
      expect(rates.estimated).toBe(true);
    });

    it('names the months estimated with the default work pattern', () => {
      const exposure = exposureOf([{ month: '2024-03', headcount: 10, recordedHours: null, pattern: defaultWorkPattern, patternIsDefault: true }]);
      expect(exposure.hoursWorked).toBe(10 * 26 * 8);
      expect(exposure.defaultPatternMonths).toEqual(['2024-03']);
    });
  });

  it('gives no rate where there is nothing to divide by', () => {
    expect(ratePer(2, 1_000, 0)).toBeNull();
    expect(ratesOf(0, exposureOf([]))).toEqual({ count: 0, per1000Workers: null, per200kHours: null, per1mHours: null, estimated: false });
  });

  it('counts injuries and deaths as recordable, not near misses', () => {
    expect(recordableCount({ fatal: 1, serious_lost_time: 2, minor_first_aid: 3, near_miss: 10 })).toBe(6);
  });

  it('computes the year-on-year change and its percentage', () => {
    expect(changeOf(6, 8)).toEqual({ current: 6, previous: 8, difference: -2, percent: -25 });
    expect(changeOf(3, 0)).toEqual({ current: 3, previous: 0, difference: 3, percent: null });
  });

  it('counts only months that have started', () => {
    expect(monthsOfYear(2024, '2026-01-01')).toHaveLength(12);
    expect(monthsOfYear(2026, '2026-03-15')).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(lastDayOfMonth('2024-02')).toBe('2024-02-29');
  });
});
