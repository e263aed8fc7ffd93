import { describe, expect, it } from "vitest";
import { createRng } from "../random/rng.js";
import { linearMean, linearThompson, selectLinear, updateLinear } from "./linear-thompson.js";
import { type BaselineName, createPolicy, ThompsonPolicy } from "./policies.js";

function play(name: BaselineName, means: number[], rounds: number, seed: number): number[] {
  const rng = createRng(seed);
  const env = createRng(seed + 1000);
  const policy = createPolicy(name, means.length);
  const pulls = new Array(means.length).fill(0);
  for (let t = 0; t < rounds; t++) {
    const arm = policy.select(rng);
    pulls[arm]++;
    policy.update(arm, env.nextFloat() < means[arm]! ? 1 : 0);
  }
  return pulls;
}

describe("arm-choice policies", () => {
  const means = [0.4, 0.4, 0.5, 0.4, 0.4];

  it("Thompson sampling concentrates on the best arm", () => {
    const pulls = play("thompson", means, 3000, 1);
    expect(pulls[2] / 3000).toBeGreaterThan(0.7);
  });

  it("uniform spreads evenly; UCB1 and ε-greedy favour the best arm", () => {
    const u = play("uniform", means, 5000, 2);
    for (const p of u) expect(Math.abs(p / 5000 - 0.2)).toBeLessThan(0.03);
    expect(play("ucb1", means, 5000, 3)[2] / 5000).toBeGreaterThan(0.3);
    expect(play("epsilon-greedy", means, 5000, 4)[2]).toBeGreaterThan(0);
    expect(play("greedy", means, 200, 5).reduce((s, x) => s + x, 0)).toBe(200);
  });

  it("discounted Thompson sampling forgets towards the prior", () => {
    const ts = new ThompsonPolicy(2, { discount: 0.5 });
    ts.update(0, 1);
    ts.update(0, 1);
    ts.endRound();
    expect(ts.alpha[0]).toBeCloseTo(2, 12);
    expect(ts.name).toBe("thompson-discounted-0.5");
  });

  it("rejects rewards outside [0, 1] and unknown arms", () => {
    const ts = createPolicy("thompson", 3);
    expect(() => ts.update(0, 2)).toThrow(/reward/);
    expect(() => ts.update(5, 1)).toThrow(/arm/);
  });
});

describe("linear Thompson sampling", () => {
  it("learns that arm 0 wins in context A and arm 1 in context B", () => {
    const rng = createRng(21);
    const env = createRng(22);
    const contexts = [
      [1, 1, 0],
      [1, 0, 1],
    ];
    // true θ: arm 0 = [0.1, 0.5, 0], arm 1 = [0.1, 0, 0.5]
    const theta = [
      [0.1, 0.5, 0],
      [0.1, 0, 0.5],
    ];
    let s = linearThompson(2, 3);
    let correct = 0;
    for (let t = 0; t < 1500; t++) {
      const c = t % 2;
      const x = contexts[c]!;
      const arm = selectLinear(s, x, rng);
      const mean = theta[arm]!.reduce((acc, th, i) => acc + th * x[i]!, 0);
      s = updateLinear(s, arm, x, mean + 0.1 * (env.nextFloat() - 0.5));
      if (t >= 1000 && arm === c) correct++;
    }
    expect(correct / 500).toBeGreaterThan(0.9);
    const mu0 = linearMean(s.arms[0]!, 3);
    expect(mu0[0]! + mu0[1]!).toBeCloseTo(0.6, 1);
    expect(() => selectLinear(s, [1, 2], rng)).toThrow(/3 features/);
  });
});

import { thompsonChoice } from "./policies.js";
import { betaPosterior } from "./posteriors.js";

describe("thompsonChoice", () => {
  it("returns the chosen arm with its propensity", () => {
    const rng = createRng(4);
    const { arm, propensity } = thompsonChoice([betaPosterior(30, 70), betaPosterior(70, 30)], rng);
    expect(arm).toBe(1);
    expect(propensity).toBeGreaterThan(0.99);
    expect(() => thompsonChoice([], rng)).toThrow(/at least one arm/);
  });
});
