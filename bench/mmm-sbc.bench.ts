// MMM simulation-based calibration (full size) and recovery on synthetic data with known truth.
// Run: npm run bench -- mmm-sbc   (MMM_SBC_REPS overrides the number of replications, default 100)
import { fitMmm } from "../src/models/mmm/index.js";
import { rankUniformity, runSbc } from "../src/models/mmm/sbc.js";
import { simulateFromModel } from "../src/models/mmm/testdata.js";
import type { MmmModelOptions } from "../src/models/mmm/types.js";

const line = (name: string, value: number | string, unit = "") =>
  console.log(
    `${name}: ${typeof value === "number" ? (Number.isInteger(value) ? value : value.toFixed(4)) : value}${unit ? ` ${unit}` : ""}`,
  );

const reps = Number(process.env.MMM_SBC_REPS ?? 100);
const configs: { name: string; model: MmmModelOptions; channels: number }[] = [
  { name: "geometric-logistic", model: {}, channels: 2 },
  { name: "weibull-hill", model: { adstock: "weibullCdf", saturation: "hill", lMax: 6 }, channels: 1 },
];
for (const cfg of configs) {
  const res = await runSbc({
    replications: reps,
    periods: 104,
    channels: cfg.channels,
    chains: 2,
    draws: 500,
    tune: 500,
    seed: 31,
    model: cfg.model,
    threads: 2,
  });
  console.log(
    `# SBC ${cfg.name}: ${reps} replications, 104 weeks, ${cfg.channels} channel(s), 2 chains x (500 + 500)`,
  );
  line(`mmm-sbc-${cfg.name}-coverage50`, res.coverage50);
  line(`mmm-sbc-${cfg.name}-coverage90`, res.coverage90);
  line(`mmm-sbc-${cfg.name}-divergences`, res.divergences);
  line(`mmm-sbc-${cfg.name}-seconds`, res.seconds, "s");
  let worst = 0;
  res.paramNames.forEach((name, i) => {
    const { chi2 } = rankUniformity(
      res.ranks.map((r) => r[i]),
      res.thin,
    );
    worst = Math.max(worst, chi2);
    const p = res.perParameter[i];
    console.log(
      `# ${name}: coverage50 ${p.coverage50.toFixed(2)}, coverage90 ${p.coverage90.toFixed(2)}, rank chi2 (9 df) ${chi2.toFixed(1)}`,
    );
  });
  line(`mmm-sbc-${cfg.name}-worst-rank-chi2`, worst);
}

// Recovery of contributions and ROAS on data simulated with fixed, realistic parameters.
console.log(
  "# recovery on synthetic data (156 weeks, 3 channels, 4 x 1000 + 1000); truth in the target's units",
);
const fixed = {
  intercept: 0.4,
  trend: 0.1,
  "fourier.sin1": 0.04,
  "fourier.cos1": -0.03,
  "fourier.sin2": 0.01,
  "fourier.cos2": 0.02,
  "control[promo]": 0.08,
  "adstock.alpha[ch0]": 0.6,
  "adstock.alpha[ch1]": 0.3,
  "adstock.alpha[ch2]": 0.1,
  "saturation.lambda[ch0]": 1.5,
  "saturation.lambda[ch1]": 3,
  "saturation.lambda[ch2]": 5,
  "saturation.beta[ch0]": 0.25,
  "saturation.beta[ch1]": 0.2,
  "saturation.beta[ch2]": 0.1,
  sigma: 0.04,
};
let covered = 0;
let count = 0;
const errors: number[] = [];
for (let s = 1; s <= 5; s++) {
  const sim = simulateFromModel(100 + s, 156, 3, {}, fixed);
  const fit = await fitMmm(sim.input, { chains: 4, draws: 1000, tune: 1000, seed: s });
  fit.summary.channels.forEach((c, i) => {
    const err = c.contribution.mean / sim.contributions[i] - 1;
    const inside = sim.contributions[i] >= c.contribution.q05 && sim.contributions[i] <= c.contribution.q95;
    covered += inside ? 1 : 0;
    count++;
    errors.push(Math.abs(err));
    console.log(
      `# dataset ${s} ${c.name}: contribution truth ${sim.contributions[i].toFixed(0)}, estimate ${c.contribution.mean.toFixed(0)} [${c.contribution.q05.toFixed(0)}, ${c.contribution.q95.toFixed(0)}], error ${(100 * err).toFixed(1)} %, ${inside ? "inside" : "outside"}; ROAS truth ${sim.roas[i].toFixed(3)}, estimate ${c.roas.mean.toFixed(3)}; R-hat ${fit.diagnostics.maxRhat.toFixed(3)}`,
    );
  });
}
errors.sort((a, b) => a - b);
line(
  "mmm-synthetic-contribution-median-abs-error",
  (100 * errors[Math.floor(errors.length / 2)]).toFixed(2),
  "%",
);
line("mmm-synthetic-contribution-coverage90", `${covered}/${count}`);
