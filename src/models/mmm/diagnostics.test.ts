import { describe, expect, it } from "vitest";
import { ebfmi, essBulk, essTail, rhat } from "./diagnostics.js";
import { MmmRng } from "./rng.js";
import { rankUniformity, runSbc } from "./sbc.js";

function ar1(rng: MmmRng, n: number, phi: number, shift = 0): Float64Array {
  const out = new Float64Array(n);
  let x = rng.normal() / Math.sqrt(1 - phi * phi);
  for (let i = 0; i < n; i++) {
    x = phi * x + rng.normal();
    out[i] = x + shift;
  }
  return out;
}

describe("convergence diagnostics", () => {
  const rng = new MmmRng(2024);

  it("iid chains: R-hat about 1 and ESS about the number of draws", () => {
    const chains = Array.from({ length: 4 }, () => ar1(rng, 1000, 0));
    expect(rhat(chains)).toBeLessThan(1.01);
    expect(rhat(chains)).toBeGreaterThan(0.99);
    expect(essBulk(chains)).toBeGreaterThan(3200);
    expect(essBulk(chains)).toBeLessThan(4800);
    expect(essTail(chains)).toBeGreaterThan(2500);
  });

  it("autocorrelated chains: ESS close to N (1 - phi) / (1 + phi)", () => {
    const phi = 0.9;
    const chains = Array.from({ length: 4 }, () => ar1(rng, 2000, phi));
    const expected = (8000 * (1 - phi)) / (1 + phi);
    const ess = essBulk(chains);
    expect(ess / expected).toBeGreaterThan(0.6);
    expect(ess / expected).toBeLessThan(1.5);
  });

  it("chains that disagree: R-hat well above 1.01", () => {
    const chains = [ar1(rng, 500, 0.5), ar1(rng, 500, 0.5), ar1(rng, 500, 0.5), ar1(rng, 500, 0.5, 1.5)];
    expect(rhat(chains)).toBeGreaterThan(1.1);
    // a chain with a different spread only shows in the folded (tail) R-hat
    const wide = [
      ar1(rng, 1000, 0),
      ar1(rng, 1000, 0),
      ar1(rng, 1000, 0),
      ar1(rng, 1000, 0).map((v) => 4 * v),
    ];
    expect(rhat(wide)).toBeGreaterThan(1.05);
  });

  it("E-BFMI is about 2 for independent energies and small for a random walk", () => {
    const iid = ar1(rng, 4000, 0);
    expect(ebfmi(iid)).toBeGreaterThan(1.8);
    expect(ebfmi(iid)).toBeLessThan(2.2);
    expect(ebfmi(ar1(rng, 4000, 0.99))).toBeLessThan(0.1);
  });
});

describe("simulation-based calibration (small; the full run is bench/mmm-sbc.bench.ts)", () => {
  it("covers the truth at close to nominal rates with uniform ranks", async () => {
    const res = await runSbc({
      replications: 24,
      periods: 60,
      channels: 1,
      chains: 2,
      draws: 200,
      tune: 200,
      seed: 7,
    });
    expect(res.coverage90).toBeGreaterThan(0.8);
    expect(res.coverage90).toBeLessThan(0.98);
    expect(res.coverage50).toBeGreaterThan(0.38);
    expect(res.coverage50).toBeLessThan(0.62);
    const all = res.ranks.flat();
    const { chi2, df } = rankUniformity(all, res.thin);
    // chi-square with 9 df: 99.9 % quantile is 27.9
    expect(chi2).toBeLessThan(27.9 + 0 * df);
  }, 60_000);
});

describe("parameterDiagnostics", () => {
  it("agrees with the separate functions", async () => {
    const { parameterDiagnostics } = await import("./diagnostics.js");
    const rng = new MmmRng(5);
    const chains = Array.from({ length: 4 }, (_, k) => ar1(rng, 400, 0.6, k === 3 ? 0.3 : 0));
    const d = parameterDiagnostics(chains);
    expect(d.rhat).toBeCloseTo(rhat(chains), 12);
    expect(d.essBulk).toBeCloseTo(essBulk(chains), 8);
    expect(d.essTail).toBeCloseTo(essTail(chains), 8);
  });
});
