import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { balanceBudgetSteps } from "./balance-changes.js";

describe("balanceBudgetSteps", () => {
  it("caps each step and keeps the total when money moves between arms", () => {
    const out = balanceBudgetSteps(
      [
        { armId: "a", currentMinor: 10_000, targetMinor: 20_000 },
        { armId: "b", currentMinor: 10_000, targetMinor: 0 },
      ],
      0.05,
      100,
    );
    expect(out.map((m) => m.targetMinor)).toEqual([10_500, 9_500]);
  });

  it("shrinks the cuts to what the raises can absorb instead of letting the total fall", () => {
    const out = balanceBudgetSteps(
      [
        { armId: "big", currentMinor: 100_000, targetMinor: 10_000 },
        { armId: "small", currentMinor: 1_000, targetMinor: 91_000 },
      ],
      0.05,
      100,
    );
    expect(out[1].targetMinor).toBe(1_100); // floor of 100 per step for a small arm
    expect(out[0].targetMinor).toBe(99_900);
  });

  it("never raises the total above the targets' nor cuts it below them, and respects the cap", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            current: fc.integer({ min: 0, max: 1_000_000 }),
            target: fc.integer({ min: 0, max: 1_000_000 }),
          }),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        fc.double({ min: 0.01, max: 0.5, noNaN: true }),
        (arms, cap) => {
          const moves = arms.map((a, i) => ({
            armId: String(i),
            currentMinor: a.current,
            targetMinor: a.target,
          }));
          const out = balanceBudgetSteps(moves, cap, 100);
          const before = moves.reduce((s, m) => s + m.currentMinor, 0);
          const wanted = moves.reduce((s, m) => s + m.targetMinor, 0);
          const after = out.reduce((s, m) => s + m.targetMinor, 0);
          // Rounding to whole minor units may move the total by at most one unit per arm.
          if (wanted >= before) expect(after).toBeLessThanOrEqual(wanted + out.length);
          if (wanted <= before) expect(after).toBeGreaterThanOrEqual(wanted - out.length);
          out.forEach((m, i) => {
            const room = Math.max(moves[i].currentMinor * cap, 100);
            expect(Math.abs(m.targetMinor - moves[i].currentMinor)).toBeLessThanOrEqual(room + 1e-6);
            expect(m.targetMinor).toBeGreaterThanOrEqual(0);
            // never moves the wrong way
            expect(
              Math.sign(m.targetMinor - moves[i].currentMinor) *
                Math.sign(moves[i].targetMinor - moves[i].currentMinor),
            ).toBeGreaterThanOrEqual(0);
          });
        },
      ),
      { numRuns: 500, seed: 7 },
    );
  });
});
