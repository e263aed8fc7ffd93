import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { waterFill } from "./water-fill.js";

describe("waterFill properties", () => {
  it("always sums exactly to the budget (or to Σmax) and stays within bounds", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            w: fc.double({ min: 0, max: 1, noNaN: true }),
            lo: fc.integer({ min: 0, max: 500 }),
            extra: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        fc.integer({ min: 0, max: 100_000 }),
        (arms, budget) => {
          const lo = arms.map((a) => a.lo);
          const hi = arms.map((a) => (a.extra === undefined ? Number.POSITIVE_INFINITY : a.lo + a.extra));
          const sumLo = lo.reduce((s, x) => s + x, 0);
          if (sumLo > budget) {
            expect(() =>
              waterFill(
                budget,
                arms.map((a) => a.w),
                lo,
                hi,
              ),
            ).toThrow(/minimums/);
            return;
          }
          const r = waterFill(
            budget,
            arms.map((a) => a.w),
            lo,
            hi,
          );
          const total = r.amounts.reduce((s, x) => s + x, 0);
          expect(total + r.unallocated).toBe(budget);
          r.amounts.forEach((x, i) => {
            expect(Number.isInteger(x)).toBe(true);
            expect(x).toBeGreaterThanOrEqual(lo[i]!);
            expect(x).toBeLessThanOrEqual(hi[i]!);
          });
          if (r.unallocated > 0) expect(r.amounts).toEqual(hi);
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});
