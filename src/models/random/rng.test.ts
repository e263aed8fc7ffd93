import { describe, expect, it } from "vitest";
import { createRng, shuffle, uniformInt, Xoshiro128 } from "./rng.js";

describe("xoshiro128**", () => {
  it("matches the reference C implementation (state 1,2,3,4)", () => {
    // Expected values from prng.di.unimi.it/xoshiro128starstar.c compiled with gcc.
    const rng = Xoshiro128.fromState([1, 2, 3, 4]);
    const out = Array.from({ length: 6 }, () => rng.nextU32());
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
    rng.jump();
    expect(rng.state()).toEqual([3484745028, 1171080849, 4139821887, 2899474097]);
    expect(rng.nextU32()).toBe(2327035934);
  });

  it("is reproducible from a seed and restores exactly from its state", () => {
    const a = createRng(42);
    const b = createRng(42);
    for (let i = 0; i < 100; i++) expect(a.nextU32()).toBe(b.nextU32());
    const saved = a.state();
    const next = [a.nextU32(), a.nextU32()];
    const restored = Xoshiro128.fromState(saved);
    expect([restored.nextU32(), restored.nextU32()]).toEqual(next);
    expect(createRng(1).nextU32()).not.toBe(createRng(2).nextU32());
    expect(createRng(2 ** 40).nextU32()).not.toBe(createRng(0).nextU32());
  });

  it("rejects bad seeds and states with a clear error", () => {
    expect(() => createRng(0.5)).toThrow(/safe integer/);
    expect(() => Xoshiro128.fromState([0, 0, 0, 0])).toThrow(/all zero/);
    expect(() => Xoshiro128.fromState([1, 2, 3, -1])).toThrow(/unsigned/);
  });

  it("produces floats in [0,1) with mean 1/2 and variance 1/12", () => {
    const rng = createRng(7);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.nextFloat();
      if (u < 0 || u >= 1) outside++;
      s += u;
      s2 += u * u;
    }
    expect(outside).toBe(0);
    const mean = s / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(s2 / n - mean * mean).toBeCloseTo(1 / 12, 3);
    const d = rng.nextDouble();
    expect(d >= 0 && d < 1).toBe(true);
  });

  it("forks into distinct streams", () => {
    const root = createRng(3);
    const f1 = root.fork();
    const f2 = root.fork();
    expect(f1.nextU32()).not.toBe(f2.nextU32());
  });

  it("uniformInt is unbiased over a small range and shuffle is a permutation", () => {
    const rng = createRng(11);
    const counts = new Array(7).fill(0);
    const n = 70_000;
    for (let i = 0; i < n; i++) counts[uniformInt(rng, 7)]++;
    // chi-square with 6 dof: 99.9% quantile is 22.46
    const chi = counts.reduce((s, c) => s + (c - n / 7) ** 2 / (n / 7), 0);
    expect(chi).toBeLessThan(22.46);
    const arr = shuffle(rng, [1, 2, 3, 4, 5, 6]);
    expect([...arr].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(uniformInt(rng, 5_000_000)).toBeLessThan(5_000_000);
  });
});
