import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.ts';
import { currencyDigits } from '../core/quantities.ts';
import { convertWith, parseRate, rateBookOf, rateText, ratesUsedBy, roundToMinor, type RateUsed } from './conversion.ts';
import { baseCurrency, currencies, minorUnitsOf } from './currencies.ts';

/**
 * The conversion invariants, for any amounts, currencies and rates: amounts in minor units stay
 * integers, a conversion to the same currency is the identity, the rates listed are exactly the
 * ones used, a round trip comes back within the rounding of both legs, and conversion keeps sign
 * and order.
 */
const day = '2026-03-02';
const codes = currencies.map((c) => c.code);
const currency = fc.constantFrom(...codes);
/** From 0.1 to 50,000 units per dollar: beyond every rate of a currency we meet (the pound's 0.8, the Congolese franc's 2,900). */
const rateMicro = fc.integer({ min: 100_000, max: 50_000_000_000 });
/** Up to 100,000 units of a currency either way: converted between any two of them, the amount stays far below 2^53. */
const amount = fc.integer({ min: -10_000_000, max: 10_000_000 });
/** Any amount a column holds: its conversion may not fit in a safe integer, and is refused then. */
const anyAmount = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

/** A book with one rate per currency but USD, from the given millionths (indexed like `codes`). */
function bookOf(micros: number[]) {
  const rates: RateUsed[] = codes.filter((code) => code !== baseCurrency).map((code, i) => ({ id: i + 1, currency: code, rateOn: day, unitsPerUsdMicro: micros[i % micros.length]!, source: `test ${code}` }));
  return { book: rateBookOf(rates), rates };
}
const books = fc.array(rateMicro, { minLength: 1, maxLength: codes.length }).map(bookOf);

/** The exact value of a conversion as a fraction of minor units of the target currency. */
function exact(amountMinor: number, from: string, to: string, rateOf: (code: string) => number): [bigint, bigint] {
  const micro = (code: string) => BigInt(code === baseCurrency ? 1_000_000 : rateOf(code));
  return [BigInt(amountMinor) * 10n ** BigInt(minorUnitsOf(to)) * micro(to), 10n ** BigInt(minorUnitsOf(from)) * micro(from)];
}

describe('The rounding rule', () => {
  it('rounds to the nearest minor unit, halves away from zero', () => {
    expect([roundToMinor(5n, 10n), roundToMinor(-5n, 10n), roundToMinor(4n, 10n), roundToMinor(15n, 10n), roundToMinor(-15n, 10n), roundToMinor(14n, 10n)]).toEqual([1, -1, 0, 2, -2, 1]);
  });

  it('is never more than half a minor unit from the exact quotient, and symmetric in sign', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), (numerator, denominator) => {
        const rounded = BigInt(roundToMinor(numerator, denominator));
        const error = rounded * denominator - numerator;
        expect(2n * (error < 0n ? -error : error) <= denominator).toBe(true);
        expect(roundToMinor(-numerator, denominator)).toBe(-Number(rounded) || 0);
      }),
    );
  });
});

describe('Conversion', () => {
  it('gives an integer number of minor units, the exact value rounded once, or refuses what would not fit in one', () => {
    fc.assert(
      fc.property(books, fc.oneof(amount, anyAmount), currency, currency, ({ book }, amountMinor, from, to) => {
        const [numerator, denominator] = exact(amountMinor, from, to, (code) => book.get(`${code}:${day}`)!.unitsPerUsdMicro);
        const magnitude = (numerator < 0n ? -numerator : numerator) / denominator;
        if (magnitude >= BigInt(Number.MAX_SAFE_INTEGER)) {
          expect(() => convertWith(book, { amountMinor, from, to, on: day })).toThrow(AppError);
          return;
        }
        const conversion = convertWith(book, { amountMinor, from, to, on: day });
        expect(Number.isSafeInteger(conversion.amountMinor)).toBe(true);
        expect(conversion.currency).toBe(to);
        const rounded = BigInt(conversion.amountMinor);
        const error = rounded * denominator - numerator;
        expect(2n * (error < 0n ? -error : error) <= denominator).toBe(true);
      }),
    );
  });

  it('is the identity, using no rate, when from and to are the same currency', () => {
    fc.assert(
      fc.property(currency, amount, (code, amountMinor) => {
        expect(convertWith(rateBookOf([]), { amountMinor, from: code, to: code, on: day })).toEqual({ amountMinor, currency: code, on: day, ratesUsed: [] });
      }),
    );
  });

  it('lists exactly the rates it used: the rate of each side that is not the US dollar, of that day', () => {
    fc.assert(
      fc.property(books, amount, currency, currency, ({ book }, amountMinor, from, to) => {
        fc.pre(from !== to);
        const used = convertWith(book, { amountMinor, from, to, on: day }).ratesUsed;
        const expected = [from, to].filter((code) => code !== baseCurrency).map((code) => book.get(`${code}:${day}`));
        expect(used).toEqual(expected);
        expect(used.every((rate) => rate.rateOn === day)).toBe(true);
      }),
    );
  });

  it('comes back from a round trip within the rounding of both legs', () => {
    fc.assert(
      fc.property(books, amount, currency, currency, ({ book }, amountMinor, from, to) => {
        const there = convertWith(book, { amountMinor, from, to, on: day });
        const back = convertWith(book, { amountMinor: there.amountMinor, from: to, to: from, on: day });
        // Each leg is off by at most half a minor unit of its target; the first leg's half unit of
        // `to` is worth (back-factor) minor units of `from`. So |back - amount| <= 1/2 + factor/2.
        const [factorNumerator, factorDenominator] = exact(1, to, from, (code) => book.get(`${code}:${day}`)!.unitsPerUsdMicro);
        const drift = BigInt(Math.abs(back.amountMinor - amountMinor));
        expect(2n * drift * factorDenominator <= factorDenominator + factorNumerator).toBe(true);
      }),
    );
  });

  it('keeps the sign and the order of amounts', () => {
    fc.assert(
      fc.property(books, amount, amount, currency, currency, ({ book }, a, b, from, to) => {
        const convert = (amountMinor: number) => convertWith(book, { amountMinor, from, to, on: day }).amountMinor;
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(convert(low)).toBeLessThanOrEqual(convert(high));
        expect(Math.sign(convert(a)) * Math.sign(a)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('lists each rate once across many conversions, in the order first used', () => {
    const { book, rates } = bookOf([2_850_000_000, 920_000]);
    const cdf = rates.find((r) => r.currency === 'CDF')!;
    const eur = rates.find((r) => r.currency === 'EUR')!;
    const conversions = [
      convertWith(book, { amountMinor: 100, from: 'CDF', to: 'USD', on: day }),
      convertWith(book, { amountMinor: 100, from: 'EUR', to: 'CDF', on: day }),
      convertWith(book, { amountMinor: 100, from: 'USD', to: 'USD', on: day }),
    ];
    expect(ratesUsedBy(conversions)).toEqual([cdf, eur]);
  });
});

describe('Bad input to a conversion', () => {
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      return { code: (error as AppError).code, status: (error as AppError).status, details: (error as AppError).details };
    }
    throw new Error('expected a refusal');
  };
  const { book } = bookOf([2_850_000_000]);

  it('refuses a missing rate, naming the currency and day', () => {
    expect(refusal(() => convertWith(book, { amountMinor: 100, from: 'USD', to: 'CDF', on: '2026-03-03' }))).toEqual({ code: 'rate_missing', status: 422, details: { currency: 'CDF', date: '2026-03-03' } });
  });

  it('refuses an unknown currency, an amount that is not whole minor units, and a day that is not a date', () => {
    expect(refusal(() => convertWith(book, { amountMinor: 100, from: 'XYZ', to: 'USD', on: day }))).toMatchObject({ code: 'currency_unknown', status: 422 });
    expect(refusal(() => convertWith(book, { amountMinor: 100, from: 'USD', to: 'usd', on: day }))).toMatchObject({ code: 'currency_unknown', status: 422 });
    expect(refusal(() => convertWith(book, { amountMinor: 1.5, from: 'USD', to: 'CDF', on: day }))).toMatchObject({ code: 'amount_invalid', status: 422 });
    expect(refusal(() => convertWith(book, { amountMinor: 1, from: 'USD', to: 'CDF', on: '2026-02-30' }))).toMatchObject({ code: 'date_invalid', status: 422 });
  });

  it('refuses a conversion whose result would not be a safe integer', () => {
    const tiny = rateBookOf([{ id: 1, currency: 'JPY', rateOn: day, unitsPerUsdMicro: 1_000_000_000_000_000, source: 's' }]);
    expect(refusal(() => convertWith(tiny, { amountMinor: Number.MAX_SAFE_INTEGER, from: 'USD', to: 'JPY', on: day }))).toMatchObject({ code: 'amount_invalid', status: 422 });
  });
});

describe('Currencies and rates as people write them', () => {
  it('gives every listed currency the minor units the formats use', () => {
    for (const { code, minorUnits } of currencies) expect({ code, minorUnits }).toEqual({ code, minorUnits: currencyDigits(code) });
  });

  it('reads a rate back from its text, for any rate in millionths', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999_999_999 }), (micro) => {
        expect(parseRate(rateText(micro))).toBe(micro);
      }),
    );
    expect([parseRate('2 850,5'), parseRate('0'), parseRate('1.0000001'), parseRate('-3')]).toEqual([2_850_500_000, null, null, null]);
  });
});
