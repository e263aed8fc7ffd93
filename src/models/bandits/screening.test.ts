import { describe, expect, it } from "vitest";
import { createRng } from "../random/rng.js";
import { gammaPosterior } from "./posteriors.js";
import { probabilityBest } from "./probability-best.js";
import { gammaQuantile, screenContenders } from "./screening.js";

describe("screening arms that cannot be best", () => {
  it("gammaQuantile inverts the Gamma CDF", () => {
    // Gamma(1, 1) is Exp(1): q-quantile = −ln(1 − q)
    expect(gammaQuantile(gammaPosterior(1, 1), 0.3)).toBeCloseTo(-Math.log(0.7), 9);
    expect(gammaQuantile(gammaPosterior(4, 2), 0.5)).toBeCloseTo(1.8360303744, 6); // scipy gamma(4, scale=0.5).ppf(0.5)
  });

  it("drops only arms whose combined chance of being best is below δ", () => {
    const rng = createRng(31);
    const arms = Array.from({ length: 300 }, () => {
      const spend = 2000 + 20_000 * rng.nextFloat();
      const rate = 0.005 + 0.045 * rng.nextFloat();
      return gammaPosterior(1 + Math.round(rate * spend), 1 + spend);
    });
    const kept = new Set(screenContenders(arms));
    expect(kept.size).toBeLessThan(300);
    expect(kept.size).toBeGreaterThan(1);
    const full = probabilityBest(arms, createRng(32), { draws: 20_000, screenZ: Number.POSITIVE_INFINITY });
    let dropped = 0;
    for (let i = 0; i < arms.length; i++) if (!kept.has(i)) dropped += full.probabilities[i]!;
    expect(dropped).toBeLessThanOrEqual(0.002);
    expect(screenContenders(arms, { z: Number.POSITIVE_INFINITY })).toHaveLength(300);
  });
});
