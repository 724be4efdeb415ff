import { describe, expect, it } from 'vitest';
import { latestEighteenthBirthday, overdueVisits, remediationClosureProblem, scheduledVisits } from './follow-up.ts';
import { newChildNameKey, openName, sealName } from './name-key.ts';
import { publicSummaryOf } from './queries/summary.ts';
import type { ChildrenFigures } from './queries/figures.ts';
import { suppressBreakdown, suppressPart } from '../core/small-numbers.ts';

describe('The closure rule', () => {
  const visit = (dueMonths: number | null, outcome: 'in_school_or_training' | 'working' | 'not_found') => ({ dueMonths, outcome });

  it('allows closing as remediated when the child was in school or training at both the 3- and 6-month visits', () => {
    expect(remediationClosureProblem([visit(3, 'in_school_or_training'), visit(6, 'in_school_or_training')])).toBeNull();
  });

  it('refuses when a visit is missing', () => {
    expect(remediationClosureProblem([visit(3, 'in_school_or_training')])).toEqual({ reason: 'missing_visit', months: 6 });
    expect(remediationClosureProblem([visit(6, 'in_school_or_training')])).toEqual({ reason: 'missing_visit', months: 3 });
    expect(remediationClosureProblem([])).toEqual({ reason: 'missing_visit', months: 3 });
  });

  it('refuses when the child was working at either visit, even if in school at the other', () => {
    expect(remediationClosureProblem([visit(3, 'working'), visit(6, 'in_school_or_training')])).toEqual({ reason: 'working', months: 3 });
    expect(remediationClosureProblem([visit(3, 'in_school_or_training'), visit(6, 'working')])).toEqual({ reason: 'working', months: 6 });
  });

  it('does not count a visit that did not find the child', () => {
    expect(remediationClosureProblem([visit(3, 'in_school_or_training'), visit(6, 'not_found')])).toEqual({ reason: 'not_found', months: 6 });
  });

  it('does not let an unscheduled visit stand in for a scheduled one', () => {
    expect(remediationClosureProblem([visit(null, 'in_school_or_training'), visit(6, 'in_school_or_training')])).toEqual({ reason: 'missing_visit', months: 3 });
  });

  it('follows a configured schedule', () => {
    expect(remediationClosureProblem([visit(3, 'in_school_or_training'), visit(6, 'in_school_or_training')], { firstMonths: [3, 6, 9], thenEveryMonths: 12 })).toEqual({ reason: 'missing_visit', months: 9 });
  });
});

describe('The follow-up schedule', () => {
  it('falls due at 3 and 6 months after the plan starts, then yearly until the child turns 18', () => {
    // Identified at 15 on 2024-01-10: 18 at the latest on 2027-01-10.
    expect(latestEighteenthBirthday('2024-01-10', 15)).toBe('2027-01-10');
    const due = scheduledVisits({ planStartedOn: '2024-02-01', identifiedOn: '2024-01-10', ageAtIdentification: 15 }, { firstMonths: [3, 6], thenEveryMonths: 12 });
    expect(due).toEqual([
      { dueMonths: 3, dueOn: '2024-05-01' },
      { dueMonths: 6, dueOn: '2024-08-01' },
      { dueMonths: 18, dueOn: '2025-08-01' },
      { dueMonths: 30, dueOn: '2026-08-01' },
    ]);
  });

  it('always keeps the 3- and 6-month visits, even for a child about to turn 18', () => {
    const due = scheduledVisits({ planStartedOn: '2024-02-01', identifiedOn: '2024-01-10', ageAtIdentification: 17 }, { firstMonths: [3, 6], thenEveryMonths: 12 });
    expect(due.map((d) => d.dueMonths)).toEqual([3, 6]);
  });

  it('lists as overdue the due visits not recorded whose day has passed', () => {
    const due = [
      { dueMonths: 3, dueOn: '2024-05-01' },
      { dueMonths: 6, dueOn: '2024-08-01' },
      { dueMonths: 18, dueOn: '2025-08-01' },
    ];
    expect(overdueVisits(due, [{ dueMonths: 3 }], '2024-09-01')).toEqual([{ dueMonths: 6, dueOn: '2024-08-01' }]);
    expect(overdueVisits(due, [{ dueMonths: 3 }, { dueMonths: 6 }], '2024-09-01')).toEqual([]);
  });
});

describe('Names sealed with AES-256-GCM', () => {
  it('opens with the same key and case code only', () => {
    const key = newChildNameKey();
    const sealed = sealName(key, 'Furaha Canary', 'KAM-C-0001');
    expect(sealed.ciphertext.toString('utf8')).not.toContain('Furaha');
    expect(openName(key, sealed, 'KAM-C-0001')).toBe('Furaha Canary');
    expect(openName(key, sealed, 'KAM-C-0002')).toBeNull();
    expect(openName(newChildNameKey(), sealed, 'KAM-C-0001')).toBeNull();
  });
});

describe('Small-number suppression', () => {
  it('hides every count under 5, zero included, and never gives its number', () => {
    const cells = suppressBreakdown({ suppressed: 'secondary' }, { a: 0, b: 4, c: 26 });
    expect(cells.a).toEqual({ suppressed: 'fewer_than_5' });
    expect(cells.b).toEqual({ suppressed: 'fewer_than_5' });
    expect(cells.c).toEqual({ value: 26 });
  });

  it('hides a second cell when one hidden cell could be worked out from the total', () => {
    const cells = suppressBreakdown({ value: 23 }, { female: 20, male: 3 });
    expect(cells).toEqual({ female: { suppressed: 'secondary' }, male: { suppressed: 'fewer_than_5' } });
    const three = suppressBreakdown({ value: 30 }, { a: 2, b: 12, c: 16 });
    expect(three).toEqual({ a: { suppressed: 'fewer_than_5' }, b: { suppressed: 'secondary' }, c: { value: 16 } });
    // Two hidden cells of 1 and 2 would still be 3 together by subtraction.
    const small = suppressBreakdown({ value: 30 }, { a: 1, b: 2, c: 7, d: 20 });
    expect(small).toEqual({ a: { suppressed: 'fewer_than_5' }, b: { suppressed: 'fewer_than_5' }, c: { suppressed: 'secondary' }, d: { value: 20 } });
    // Hidden zeros next to one shown cell equal to the total: that cell goes too.
    expect(suppressBreakdown({ value: 6 }, { x: 6, y: 0, z: 0 })).toEqual({ x: { suppressed: 'secondary' }, y: { suppressed: 'fewer_than_5' }, z: { suppressed: 'fewer_than_5' } });
  });

  it('hides a part whose complement in a shown whole is under 5', () => {
    expect(suppressPart(20, { value: 23 }, 23)).toEqual({ suppressed: 'secondary' });
    expect(suppressPart(23, { value: 23 }, 23)).toEqual({ suppressed: 'secondary' });
    expect(suppressPart(15, { value: 23 }, 23)).toEqual({ value: 15 });
  });

  it('publishes no number a reader could subtract down to a count under 5', () => {
    const figures: ChildrenFigures = {
      year: 2025,
      identified: { total: 23, ageGroup: { '5_11': 3, '12_14': 8, '15_17': 12 }, sex: { female: 20, male: 3 }, activity: { digging: 10, washing_sorting: 13, transporting: 0, selling: 0, other: 0 }, site: { KAM: 23 } },
      caseload: 40,
      receivingSupport: 37,
      followedUp: 30,
      notInChildLabour: 22,
      closed: { total: 6, reason: { remediated: 6, reached_18: 0, lost_to_follow_up: 0, transferred: 0 } },
      daysToRemediatedClosure: 6 * 300,
    };
    const summary = publicSummaryOf(figures);
    const values: number[] = [];
    const collect = (node: unknown) => {
      if (!node || typeof node !== 'object') return;
      for (const [key, child] of Object.entries(node)) {
        if (key === 'value' && typeof child === 'number') values.push(child);
        else collect(child);
      }
    };
    collect(summary);
    // In every breakdown of a shown total, the hidden cells together (the total minus the shown ones) are 5 or more.
    const breakdowns = [
      [summary.identified.total, summary.identified.byAgeGroup, figures.identified.ageGroup],
      [summary.identified.total, summary.identified.bySex, figures.identified.sex],
      [summary.identified.total, summary.identified.byActivity, figures.identified.activity],
      [summary.closed.total, summary.closed.byReason, figures.closed.reason],
    ] as const;
    for (const [total, breakdown, exact] of breakdowns) {
      if (!('value' in total)) continue;
      const hiddenSum = Object.entries(breakdown).filter(([, cell]) => 'suppressed' in cell).reduce((sum, [key]) => sum + (exact as Record<string, number>)[key]!, 0);
      const anyHidden = Object.values(breakdown).some((cell) => 'suppressed' in cell);
      expect(!anyHidden || hiddenSum >= 5).toBe(true);
    }
    expect(summary.receivingSupport.count).toEqual({ suppressed: 'secondary' });
    expect(summary.receivingSupport.sharePercent).toBeNull();
    expect(summary.notInChildLabour).toEqual({ count: { value: 22 }, sharePercent: 73.3 });
    expect(summary.averageDaysToRemediatedClosure).toEqual({ value: 300 });
    expect(values.every((v) => v >= 5)).toBe(true);
  });
});
