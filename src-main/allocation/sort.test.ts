// The radix sort must order exactly like a comparator sort on (key, then original position).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stableSortByKey } from './sort.ts';

describe('stableSortByKey', () => {
  it('orders by key, ascending or descending, keeping ties in their original order', () => {
    const key = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1, 1.5, 2 ** 40, 1e-300, -3), fc.integer({ min: 0, max: 5 }));
    fc.assert(
      fc.property(fc.array(key, { maxLength: 300 }), fc.boolean(), (keys, descending) => {
        const values = Float64Array.from(keys);
        const start = keys.map((_, i) => keys.length - 1 - i); // any starting order
        // Reference: a comparator sort on (key, then position in the starting order).
        const expected = start
          .map((item, position) => ({ item, position }))
          .sort((a, b) => {
            const ka = values[a.item] as number;
            const kb = values[b.item] as number;
            if (ka !== kb) return (descending ? kb < ka : ka < kb) ? -1 : 1;
            return a.position - b.position;
          })
          .map((x) => x.item);
        expect(Array.from(stableSortByKey(Int32Array.from(start), values, descending))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('is stable on ties for large inputs too (the radix path)', () => {
    const n = 5_000;
    const keys = Float64Array.from({ length: n }, (_, i) => (i * 7919) % 13);
    const items = Int32Array.from({ length: n }, (_, i) => i);
    stableSortByKey(items, keys);
    for (let i = 1; i < n; i++) {
      const a = items[i - 1] as number;
      const b = items[i] as number;
      expect((keys[a] as number) < (keys[b] as number) || ((keys[a] as number) === (keys[b] as number) && a < b)).toBe(true);
    }
  });
});
