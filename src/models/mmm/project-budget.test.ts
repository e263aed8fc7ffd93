import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { projectToBudget } from "./project-budget.js";

describe("projectToBudget", () => {
  it("lands in the box with the exact total, and leaves a feasible point where it is", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            v: fc.double({ min: -100, max: 200, noNaN: true }),
            lo: fc.double({ min: 0, max: 10, noNaN: true }),
            room: fc.double({ min: 0, max: 50, noNaN: true }),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (channels, t) => {
          const lo = Float64Array.from(channels, (c) => c.lo);
          const hi = Float64Array.from(channels, (c) => c.lo + c.room);
          const S = lo.reduce((a, b) => a + b, 0) + t * channels.reduce((a, c) => a + c.room, 0);
          const out = new Float64Array(channels.length);
          projectToBudget(
            Float64Array.from(channels, (c) => c.v),
            lo,
            hi,
            S,
            out,
          );
          out.forEach((x, i) => {
            expect(x).toBeGreaterThanOrEqual(lo[i]! - 1e-9);
            expect(x).toBeLessThanOrEqual(hi[i]! + 1e-9);
          });
          expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(S, 8);
          const again = new Float64Array(channels.length);
          projectToBudget(out, lo, hi, S, again);
          for (const [i, x] of again.entries()) expect(x).toBeCloseTo(out[i]!, 6);
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });
});
