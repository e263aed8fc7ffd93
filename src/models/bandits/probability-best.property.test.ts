import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng } from "../random/index.js";
import { gammaPosterior, type Posterior, samplePosterior } from "./posteriors.js";
import { expectedFillShares } from "./probability-best.js";

/** The textbook fill: each draw, sort the arms by drawn value and give each its capacity until the budget is full. */
function referenceFill(posteriors: Posterior[], caps: number[], seed: number, draws: number) {
  const rng = createRng(seed);
  const n = posteriors.length;
  const shares = new Array<number>(n).fill(0);
  const best = new Array<number>(n).fill(0);
  for (let d = 0; d < draws; d++) {
    const values = posteriors.map((p) => samplePosterior(p, rng));
    const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]!);
    best[order[0]!]!++;
    let remaining = 1;
    for (const i of order) {
      const take = Math.min(caps[i]!, remaining);
      shares[i]! += take;
      remaining -= take;
      if (remaining <= 0) break;
    }
  }
  return { shares: shares.map((s) => s / draws), probabilities: best.map((b) => b / draws) };
}

describe("expectedFillShares", () => {
  it("equals the sort-everything fill on the same draws, from the top and from the bottom", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            shape: fc.double({ min: 0.3, max: 400, noNaN: true }),
            rate: fc.double({ min: 0.1, max: 50, noNaN: true }),
            cap: fc.double({ min: 0.01, max: 1, noNaN: true }),
          }),
          { minLength: 2, maxLength: 40 },
        ),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        (arms, seed) => {
          const posteriors = arms.map((a) => gammaPosterior(a.shape, a.rate));
          const caps = arms.map((a) => a.cap);
          const got = expectedFillShares(posteriors, caps, createRng(seed), 200);
          const want = referenceFill(posteriors, caps, seed, 200);
          expect(Array.from(got.probabilities)).toEqual(want.probabilities);
          for (const [i, share] of got.shares.entries()) expect(share).toBeCloseTo(want.shares[i]!, 9);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
