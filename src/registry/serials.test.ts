import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSerialPrefix, intersectRanges, mergeRanges, parseSerial, rangeSerials, rangesOverlap, remainingPieces, takeInOrder, unitSerial, type UnitRange } from './serials.ts';

const units = (ranges: readonly UnitRange[]) => ranges.flatMap((r) => Array.from({ length: r.last - r.first + 1 }, (_, i) => r.first + i));

describe('Serials', () => {
  it('names a batch RMC-{mineral}-{country}-{SITE}-{VINTAGE}-{BATCH}, a unit and a range after it', () => {
    const prefix = formatSerialPrefix({ mineralSymbol: 'CO', country: 'CD', siteCode: 'KAM', vintage: 2025, batchNumber: 1 });
    expect(prefix).toBe('RMC-CO-CD-KAM-2025-0001');
    expect(unitSerial(prefix, 17)).toBe('RMC-CO-CD-KAM-2025-0001-17');
    expect(rangeSerials(prefix, { first: 1, last: 2500 })).toBe('RMC-CO-CD-KAM-2025-0001-1-2500');
    expect(formatSerialPrefix({ mineralSymbol: 'CU', country: 'CD', siteCode: 'KAMILO', vintage: 2024, batchNumber: 12345 })).toBe('RMC-CU-CD-KAMILO-2024-12345');
  });

  it('reads a unit serial or a range of serials back, and nothing else', () => {
    expect(parseSerial('RMC-CO-CD-KAM-2025-0001-17')).toEqual({ prefix: 'RMC-CO-CD-KAM-2025-0001', range: { first: 17, last: 17 } });
    expect(parseSerial(' RMC-CO-CD-KAM-2025-0001-1-1000000000 ')).toEqual({ prefix: 'RMC-CO-CD-KAM-2025-0001', range: { first: 1, last: 1_000_000_000 } });
    for (const bad of ['RMC-CO-CD-KAM-2025-0001', 'RMC-CO-CD-KAM-2025-0001-0', 'RMC-CO-CD-KAM-2025-0001-5-4', 'RMC-CO-CD-KAM-2025-0001-017', 'rmc-co-cd-kam-2025-0001-1', 'RMC-CO-CD-KAM-2025-0001-99999999999999999', 'RMC-CO-CD-KAM-2025-0001-1-2-3', '']) {
      expect(parseSerial(bad), bad).toBeNull();
    }
  });

  it('formats and parses back any serial range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 99_999 }), (first, extra, batchNumber) => {
        const prefix = formatSerialPrefix({ mineralSymbol: 'CO', country: 'CD', siteCode: 'KAM', vintage: 2023, batchNumber });
        expect(parseSerial(rangeSerials(prefix, { first, last: first + extra }))).toEqual({ prefix, range: { first, last: first + extra } });
      }),
    );
  });
});

describe('Unit ranges', () => {
  it('cuts ranges out of a block, leaving up to one piece more than the cuts', () => {
    expect(remainingPieces({ first: 1, last: 10 }, [{ first: 4, last: 5 }])).toEqual([
      { first: 1, last: 3 },
      { first: 6, last: 10 },
    ]);
    expect(remainingPieces({ first: 1, last: 10 }, [{ first: 1, last: 10 }])).toEqual([]);
    expect(remainingPieces({ first: 1, last: 10 }, [{ first: 8, last: 10 }, { first: 1, last: 2 }])).toEqual([{ first: 3, last: 7 }]);
    expect(() => remainingPieces({ first: 1, last: 10 }, [{ first: 9, last: 11 }])).toThrow();
    expect(() => remainingPieces({ first: 1, last: 10 }, [{ first: 2, last: 5 }, { first: 5, last: 6 }])).toThrow();
  });

  it('the pieces left and the cuts are exactly the block, for any cuts', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 12 }), (bounds) => {
        const sorted = [...bounds].sort((a, b) => a - b);
        const cuts: UnitRange[] = [];
        for (let i = 0; i + 1 < sorted.length; i += 2) cuts.push({ first: sorted[i]!, last: sorted[i + 1]! });
        const block = { first: 1, last: 60 };
        const all = units([...remainingPieces(block, cuts), ...cuts]).sort((a, b) => a - b);
        expect(all).toEqual(units([block]));
      }),
    );
  });

  it('takes a quantity first in, first out (or from the end), splitting the last block exactly', () => {
    const blocks = [
      { first: 1, last: 10 },
      { first: 20, last: 29 },
    ];
    expect(takeInOrder(blocks, 15)).toEqual([
      { block: blocks[0], taken: { first: 1, last: 10 } },
      { block: blocks[1], taken: { first: 20, last: 24 } },
    ]);
    expect(takeInOrder(blocks, 10)).toEqual([{ block: blocks[0], taken: { first: 1, last: 10 } }]);
    expect(takeInOrder([...blocks].reverse(), 12, 'end')).toEqual([
      { block: blocks[1], taken: { first: 20, last: 29 } },
      { block: blocks[0], taken: { first: 9, last: 10 } },
    ]);
    expect(takeInOrder(blocks, 21)).toBeNull();
    expect(takeInOrder([], 1)).toBeNull();
  });

  it('merges, intersects and finds overlaps', () => {
    expect(mergeRanges([{ first: 5, last: 9 }, { first: 1, last: 4 }, { first: 11, last: 12 }])).toEqual([
      { first: 1, last: 9 },
      { first: 11, last: 12 },
    ]);
    expect(intersectRanges({ first: 1, last: 10 }, { first: 5, last: 20 })).toEqual({ first: 5, last: 10 });
    expect(intersectRanges({ first: 1, last: 4 }, { first: 5, last: 20 })).toBeNull();
    expect(rangesOverlap([{ first: 1, last: 4 }, { first: 5, last: 6 }])).toBe(false);
    expect(rangesOverlap([{ first: 5, last: 6 }, { first: 1, last: 5 }])).toBe(true);
  });
});
