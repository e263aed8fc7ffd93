import { describe, expect, it } from "vitest";
import { createRng, Xoshiro128 } from "../random/rng.js";
import { linearThompson, selectLinear, updateLinear } from "./linear-thompson.js";
import {
  betaPosterior,
  gammaPosterior,
  logNormalPosterior,
  normalPosterior,
  samplePosterior,
  updateBeta,
  updateGamma,
  updateLogNormal,
  updateNormal,
} from "./posteriors.js";
import { addToWindow, slidingWindow } from "./sliding-window.js";
import { type BanditState, emptyBanditState, parseBanditState, serializeBanditState } from "./state.js";

function richState(): BanditState {
  const rng = createRng(99);
  let linear = linearThompson(3, 2);
  linear = updateLinear(linear, 1, [1, 0.3], 0.7);
  return {
    ...emptyBanditState(),
    arms: {
      "ad-1": {
        posterior: updateBeta(betaPosterior(1.5, 2.5), 13.25, 101.125),
        window: addToWindow(slidingWindow(7), 3, { successes: 1, trials: 10, exposure: 0.1 }),
      },
      "ad-2": { posterior: updateGamma(gammaPosterior(0.5, 2), 3, 1234.56) },
      "ad-3": { posterior: updateLogNormal(logNormalPosterior(0.1), [1.3, 2.7, 0.9]) },
      "ad-4": { posterior: updateNormal(normalPosterior(), [-0.5, 0.25]) },
    },
    linear,
    delay: { conversionRate: 0.0421, delayRate: 1 / 23.7, iterations: 12 },
    rng: rng.state(),
  };
}

describe("versioned bandit state", () => {
  it("round-trips exactly, and restored models behave identically", () => {
    const state = richState();
    const json = serializeBanditState(state);
    const back = parseBanditState(json);
    expect(back).toEqual(state);
    expect(serializeBanditState(back)).toBe(json);
    // Same draws from restored posteriors and generator.
    const r1 = Xoshiro128.fromState(state.rng!);
    const r2 = Xoshiro128.fromState(back.rng!);
    expect(samplePosterior(back.arms["ad-1"]!.posterior, r2)).toBe(
      samplePosterior(state.arms["ad-1"]!.posterior, r1),
    );
    expect(selectLinear(back.linear!, [1, 0.3], r2)).toBe(selectLinear(state.linear!, [1, 0.3], r1));
  });

  it("names the field that is wrong", () => {
    const bad = JSON.parse(serializeBanditState(richState()));
    bad.arms["ad-2"].posterior.shape = -1;
    expect(() => parseBanditState(JSON.stringify(bad))).toThrow(/arms\.ad-2\.posterior\.shape/);
    expect(() => parseBanditState("{not json")).toThrow(/not valid JSON/);
    expect(() => parseBanditState(JSON.stringify({ schema: "other", version: 1, arms: {} }))).toThrow(
      /schema/,
    );
  });

  it("refuses a newer version instead of half-reading it", () => {
    const future = { ...JSON.parse(serializeBanditState(emptyBanditState())), version: 2 };
    expect(() => parseBanditState(JSON.stringify(future))).toThrow(/newer than this AdPilot/);
  });

  it("checks linear-model dimensions", () => {
    const s = JSON.parse(serializeBanditState(richState()));
    s.linear.arms[0].f = [1];
    expect(() => parseBanditState(JSON.stringify(s))).toThrow(/2×2 covInv/);
  });
});
