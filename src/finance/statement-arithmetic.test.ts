import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.ts';
import { rateBookOf, type RateUsed } from '../rates/public.ts';
import { costCategories } from './grants-schema.ts';
import { composeStatement, ratesNeededBy, type StatementRecords } from './statement-arithmetic.ts';

const period = { from: '2024-01-01', to: '2024-12-31' };
const days = ['2023-11-30', '2024-01-01', '2024-03-15', '2024-06-30', '2024-12-31', '2025-01-02'];
const rate = (id: number, currency: string, rateOn: string, unitsPerUsdMicro: number): RateUsed => ({ id, currency, rateOn, unitsPerUsdMicro, source: 'test bank' });
/** EUR and CDF rates on every day the records may use. */
const book = rateBookOf(days.flatMap((day, i) => [rate(2 * i + 1, 'EUR', day, 900_000 + 7_919 * i), rate(2 * i + 2, 'CDF', day, 2_850_000_000 + 1_000_000 * i)]));

const empty: StatementRecords = { contributionPayments: [], grants: [], grantReceipts: [], spending: [], sales: [], premiumsBooked: [] };

describe('composeStatement', () => {
  it('converts each amount with the rate of its own day and lists the rates it used', () => {
    const records: StatementRecords = {
      ...empty,
      grants: [{ id: 1, reference: 'EPRM-2024-017', donor: 'EPRM', currency: 'EUR' }],
      grantReceipts: [{ grantId: 1, on: '2024-03-15', amountMinor: 10_000_000 }],
      contributionPayments: [{ on: '2024-06-30', currency: 'USD', amountMinor: 500_000 }],
    };
    const statement = composeStatement(records, period, 'USD', book);
    // EUR 100,000.00 at 0.915838 EUR per USD on 2024-03-15 (index 2): 100000 / 0.915838 = 109,189.62 USD.
    expect(statement.income.lines).toEqual([
      { source: 'member_contributions', donor: null, amountMinor: 500_000 },
      { source: 'grants', donor: 'EPRM', amountMinor: 10_918_962 },
      { source: 'registry_fees', donor: null, amountMinor: 0 },
    ]);
    expect(statement.income.totalMinor).toBe(11_418_962);
    expect(statement.ratesUsed.map((r) => `${r.currency}:${r.rateOn}`)).toEqual(['EUR:2024-03-15']);
    expect(statement.balances.restricted).toEqual([{ grantId: 1, reference: 'EPRM-2024-017', donor: 'EPRM', currency: 'EUR', receivedMinor: 10_000_000, chargedMinor: 0, balanceMinor: 10_000_000, balanceReportingMinor: 10_918_962 }]);
  });

  it('refuses with rate_missing when a day has no rate, naming the currency and the day', () => {
    const records: StatementRecords = { ...empty, contributionPayments: [{ on: '2024-02-02', currency: 'EUR', amountMinor: 100 }] };
    try {
      composeStatement(records, period, 'USD', book);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('rate_missing');
      expect((error as AppError).text.en).toContain('2024-02-02');
    }
  });

  it('counts flows inside the period only, and everything up to its end in the balances', () => {
    const records: StatementRecords = {
      ...empty,
      contributionPayments: [
        { on: '2023-11-30', currency: 'USD', amountMinor: 1_000 },
        { on: '2024-03-15', currency: 'USD', amountMinor: 2_000 },
        { on: '2025-01-02', currency: 'USD', amountMinor: 4_000 },
      ],
      spending: [{ on: '2023-11-30', currency: 'USD', area: 'governance', category: 'staff', allocations: [{ grantId: null, amountMinor: 500, grantAmountMinor: null }] }],
    };
    const statement = composeStatement(records, period, 'USD', book);
    expect(statement.income.totalMinor).toBe(2_000);
    expect(statement.expenditure.totalMinor).toBe(0);
    expect(statement.balances.unrestrictedMinor).toBe(1_000 + 2_000 - 500);
  });

  it('shows credit flows that do not reconcile as such', () => {
    const records: StatementRecords = {
      ...empty,
      sales: [{ on: '2024-06-30', currency: 'USD', amountMinor: 12_500_00, premiumMinor: 11_250_00, feeMinor: 1_250_00 }],
      premiumsBooked: [{ on: '2024-06-30', currency: 'USD', amountMinor: 11_000_00 }],
    };
    const statement = composeStatement(records, period, 'USD', book);
    expect(statement.creditFlows).toMatchObject({ salesMinor: 12_500_00, premiumMinor: 11_250_00, feeMinor: 1_250_00, premiumBookedMinor: 11_000_00, reconciled: false });
    expect(statement.creditFlows.reconciliation).toEqual([{ currency: 'USD', salesMinor: 12_500_00, premiumMinor: 11_250_00, feeMinor: 1_250_00, premiumBookedMinor: 11_000_00, splitMatches: true, bookedMatches: false }]);
    expect(statement.income.lines.find((line) => line.source === 'registry_fees')!.amountMinor).toBe(1_250_00);
  });

  const currency = fc.constantFrom('USD', 'EUR', 'CDF');
  const amount = fc.integer({ min: 1, max: 50_000_000_00 });
  const records: fc.Arbitrary<StatementRecords> = fc
    .record({
      grantCurrencies: fc.array(currency, { minLength: 0, maxLength: 3 }),
      contributions: fc.array(fc.record({ on: fc.constantFrom(...days), currency, amountMinor: amount }), { maxLength: 5 }),
      receipts: fc.array(fc.record({ grant: fc.nat(), on: fc.constantFrom(...days), amountMinor: amount }), { maxLength: 5 }),
      spending: fc.array(
        fc.record({
          on: fc.constantFrom(...days),
          currency,
          area: fc.constantFrom('health_safety', 'child_labour', 'credit_mechanism', 'governance'),
          category: fc.constantFrom(...costCategories),
          shares: fc.array(fc.record({ grant: fc.option(fc.nat(), { nil: null }), amountMinor: amount }), { minLength: 1, maxLength: 4 }),
        }),
        { maxLength: 12 },
      ),
      sales: fc.array(fc.record({ on: fc.constantFrom(...days), currency, amountMinor: amount, feeBasisPoints: fc.integer({ min: 0, max: 10_000 }) }), { maxLength: 5 }),
      booked: fc.boolean(),
    })
    .map((r) => {
      const grants = r.grantCurrencies.map((code, i) => ({ id: i + 1, reference: `G-${i + 1}`, donor: `Donor ${i % 2}`, currency: code }));
      const grantOf = (n: number | null) => (n === null || grants.length === 0 ? null : grants[n % grants.length]!.id);
      const sales = r.sales.map((s) => {
        const feeMinor = Math.round((s.amountMinor * s.feeBasisPoints) / 10_000);
        return { on: s.on, currency: s.currency, amountMinor: s.amountMinor, premiumMinor: s.amountMinor - feeMinor, feeMinor };
      });
      return {
        grants,
        contributionPayments: r.contributions,
        grantReceipts: grants.length === 0 ? [] : r.receipts.map((x) => ({ grantId: grantOf(x.grant)!, on: x.on, amountMinor: x.amountMinor })),
        spending: r.spending.map((s) => {
          // One allocation per source, as the database holds them.
          const bySource = new Map<number | null, number>();
          for (const share of s.shares) bySource.set(grantOf(share.grant), (bySource.get(grantOf(share.grant)) ?? 0) + share.amountMinor);
          return { on: s.on, currency: s.currency, area: s.area, category: s.category, allocations: [...bySource].map(([grantId, amountMinor]) => ({ grantId, amountMinor, grantAmountMinor: grantId === null ? null : amountMinor })) };
        }),
        sales,
        premiumsBooked: r.booked ? sales.map((s) => ({ on: s.on, currency: s.currency, amountMinor: s.premiumMinor })) : [],
      };
    });

  it('reconciles for any records: by area = by category = restricted + unrestricted = total; income = the sum of its sources; sales = premium + fee', () => {
    fc.assert(
      fc.property(records, fc.constantFrom('USD', 'EUR', 'CDF'), (input, reporting) => {
        const statement = composeStatement(input, period, reporting, book);
        const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
        const { expenditure, income, creditFlows } = statement;
        expect(sum(expenditure.byArea.map((r) => r.amountMinor))).toBe(expenditure.totalMinor);
        expect(sum(expenditure.byCategory.map((r) => r.amountMinor))).toBe(expenditure.totalMinor);
        expect(expenditure.restrictedMinor + expenditure.unrestrictedMinor).toBe(expenditure.totalMinor);
        expect(sum(income.lines.map((l) => l.amountMinor))).toBe(income.totalMinor);
        expect(creditFlows.premiumMinor + creditFlows.feeMinor + creditFlows.unsplitMinor).toBe(creditFlows.salesMinor);
        expect(creditFlows.unsplitMinor).toBe(0);
        const owedInPeriod = sum(input.sales.filter((s) => s.on >= period.from && s.on <= period.to).map((s) => s.premiumMinor));
        expect(creditFlows.reconciled).toBe(input.premiumsBooked.length > 0 || owedInPeriod === 0);
        expect(income.lines.find((l) => l.source === 'registry_fees')!.amountMinor).toBe(creditFlows.feeMinor);
        // Each original currency's recorded flows are the records' own sums, unconverted.
        for (const flows of creditFlows.reconciliation) {
          const inPeriod = input.sales.filter((s) => s.currency === flows.currency && s.on >= period.from && s.on <= period.to);
          expect(flows.salesMinor).toBe(sum(inPeriod.map((s) => s.amountMinor)));
          expect(flows.feeMinor).toBe(sum(inPeriod.map((s) => s.feeMinor)));
        }
        // Restricted balances in each grant's currency: received less charged, up to the period's end.
        for (const balance of statement.balances.restricted) {
          const received = sum(input.grantReceipts.filter((r) => r.grantId === balance.grantId && r.on <= period.to).map((r) => r.amountMinor));
          const charged = sum(input.spending.filter((s) => s.on <= period.to).flatMap((s) => s.allocations.filter((a) => a.grantId === balance.grantId).map((a) => a.grantAmountMinor ?? 0)));
          expect(balance.balanceMinor).toBe(received - charged);
        }
        expect(sum(statement.balances.restricted.map((b) => b.balanceReportingMinor))).toBe(statement.balances.restrictedMinor);
        // Every rate listed was needed, and every needed non-base rate is listed when a conversion happened.
        const needed = new Set(ratesNeededBy(input, period, reporting).map((n) => `${n.currency}:${n.on}`));
        for (const used of statement.ratesUsed) expect(needed.has(`${used.currency}:${used.rateOn}`)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
