import { describe, expect, it } from "vitest";
import { createRng } from "../../models/random/index.js";
import { mutationWaitMs } from "./rate-limits.js";
import { limitsFor, T0 } from "./test-helpers.js";

describe("mutationWaitMs (jitter 3-18 s between mutations on one account)", () => {
  it("waits between 3 and 18 s after the previous mutation, reproducibly from the seed", () => {
    const limits = limitsFor();
    const rng = createRng(7);
    const waits = Array.from({ length: 2_000 }, () => mutationWaitMs(T0, T0, rng, limits));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(3_000);
    expect(Math.max(...waits)).toBeLessThanOrEqual(18_000);
    expect(Math.max(...waits) - Math.min(...waits)).toBeGreaterThan(14_000);
    const again = createRng(7);
    expect(mutationWaitMs(T0, T0, again, limits)).toBe(waits[0]);
  });

  it("counts the time already elapsed and never waits for the first mutation", () => {
    const limits = limitsFor();
    expect(mutationWaitMs(new Date(T0.getTime() - 60_000), T0, createRng(1), limits)).toBe(0);
    expect(mutationWaitMs(null, T0, createRng(1), limits)).toBe(0);
    const fixed = limitsFor({ jitterSecondsMin: 10, jitterSecondsMax: 10 });
    expect(mutationWaitMs(new Date(T0.getTime() - 4_000), T0, createRng(1), fixed)).toBe(6_000);
  });
});
