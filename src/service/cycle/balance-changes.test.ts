import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { balanceBudgetSteps, holdNoiseMoves } from "./balance-changes.js";

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

describe("holdNoiseMoves", () => {
  const move = (armId: string, currentMinor: number, targetMinor: number) => ({
    armId,
    currentMinor,
    targetMinor,
  });

  it("holds every move when all of them are noise and the plan keeps the total", () => {
    const out = holdNoiseMoves([move("a", 1_000, 1_040), move("b", 1_000, 960)], () => 50);
    expect(out.map((m) => m.targetMinor)).toEqual([1_000, 1_000]);
  });

  it("funds a signal raise from the noise cuts, in proportion, and holds the noise raises", () => {
    const out = holdNoiseMoves(
      [
        move("up", 1_000, 1_300),
        move("b", 1_000, 880),
        move("c", 1_000, 880),
        move("d", 1_000, 940),
        move("e", 1_000, 1_000),
      ],
      () => 150,
    );
    expect(out.map((m) => m.targetMinor)).toEqual([1_300, 880, 880, 940, 1_000]);
    // the plan moves +40 in all; the signal +200 needs 160 of the noise cuts' 180 (scaled by 8/9, rounded
    // toward no change), and the noise raise is held
    const held = holdNoiseMoves(
      [
        move("up", 1_000, 1_200),
        move("b", 1_000, 860),
        move("c", 1_000, 960),
        move("noise-up", 1_000, 1_020),
      ],
      () => 150,
    );
    expect(held.map((m) => m.targetMinor)).toEqual([1_200, 876, 965, 1_000]);
  });

  it("keeps signal moves, never grows or flips a noise move, and moves the total as the plan does", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            current: fc.integer({ min: 0, max: 100_000 }),
            delta: fc.integer({ min: -5_000, max: 5_000 }),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        fc.integer({ min: 0, max: 3_000 }),
        (arms, band) => {
          const moves = arms.map((a, i) => move(`a${i}`, a.current, Math.max(0, a.current + a.delta)));
          const out = holdNoiseMoves(moves, () => band);
          const total = (ms: typeof moves) => ms.reduce((sum, m) => sum + m.targetMinor, 0);
          const noisy = moves.filter((m) => Math.abs(m.targetMinor - m.currentMinor) <= band).length;
          out.forEach((m, i) => {
            const wanted = moves[i]!.targetMinor - moves[i]!.currentMinor;
            const got = m.targetMinor - m.currentMinor;
            if (Math.abs(wanted) > band) expect(got).toBe(wanted);
            else {
              expect(Math.abs(got)).toBeLessThanOrEqual(Math.abs(wanted));
              expect(got * wanted).toBeGreaterThanOrEqual(0);
            }
          });
          // the total ends where the plan's does, but for rounding each noise move down, or where the
          // noise moves could take it at most
          const planTotal = total(moves);
          const signalTotal = total(
            out.map((m, i) =>
              Math.abs(moves[i]!.targetMinor - moves[i]!.currentMinor) > band ? m : moves[i]!,
            ),
          );
          expect(Math.abs(total(out) - planTotal)).toBeLessThanOrEqual(
            noisy + Math.abs(signalTotal - planTotal),
          );
        },
      ),
      { numRuns: 500, seed: 11 },
    );
  });
});
