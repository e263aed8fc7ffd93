// MMM benchmark: speed and sampler health on PyMC-Marketing's example data (4 chains x 1000 + 1000),
// parameter recovery against its published ground truth, held-out fit, optimizer regret against the
// true response curves, and compatibility fits on Meridian's and Robyn's demo data (no truth shipped).
// Run: npm run bench -- mmm   (MMM_BENCH_QUICK=1 skips the compatibility fits)
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { prepareModel } from "../src/models/mmm/data.js";
import {
  fitMmm,
  type MmmFitResult,
  mmmInputFromRows,
  optimizeBudget,
  toMmmJson,
} from "../src/models/mmm/index.js";
import { MmmModel } from "../src/models/mmm/model.js";

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, "..", "..", "shared", "data", "mmm");
const readCsv = (path: string) =>
  parse(readFileSync(join(dataDir, path), "utf8"), { columns: true }) as Record<string, string>[];
const line = (name: string, value: number | string, unit = "") =>
  console.log(`${name}: ${typeof value === "number" ? fmt(value) : value}${unit ? ` ${unit}` : ""}`);
const fmt = (x: number) =>
  Math.abs(x) >= 1000 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(2) : x.toPrecision(4);
const pct = (x: number) => `${(100 * x).toFixed(2)}`;

// ---------------------------------------------------------------- PyMC-Marketing example: speed
const rows = readCsv("pymc-marketing/mmm_example.csv");
const columns = { date: "date_week", target: "y", channels: ["x1", "x2"], controls: ["event_1", "event_2"] };
const input = mmmInputFromRows(rows, columns);
const model = {
  adstock: "geometric" as const,
  lMax: 8,
  saturation: "logistic" as const,
  yearlySeasonality: 2,
  trend: true,
};

// gradient cost
{
  const m = new MmmModel(prepareModel(input, model));
  const th = m.center();
  const g = new Float64Array(m.dim);
  for (let k = 0; k < 20000; k++) m.logDensity(th, g);
  const N = 100000;
  const t = performance.now();
  for (let k = 0; k < N; k++) {
    th[0] = 0.3 + 1e-9 * (k & 7);
    m.logDensity(th, g);
  }
  line("mmm-gradient-microseconds", ((performance.now() - t) / N) * 1000, "us");
}

const cpu0 = process.cpuUsage();
const fit = await fitMmm(input, { ...model, chains: 4, draws: 1000, tune: 1000, seed: 2024 });
const cpu = process.cpuUsage(cpu0);
const d = fit.diagnostics;
console.log(
  "# PyMC-Marketing mmm_example.csv: 179 weeks, 2 channels, 2 event controls, trend, 2 Fourier modes",
);
console.log(
  "# 4 chains x (1000 warm-up + 1000 draws), defaults: diagonal metric, target acceptance 0.8, Laplace start",
);
line("mmm-fit-seconds", d.seconds, "s");
line("mmm-sampling-seconds", d.samplingSeconds, "s");
line("mmm-cpu-seconds", (cpu.user + cpu.system) / 1e6, "s");
line("mmm-chains-in-workers", fit.settings.chainsInWorkers);
line("mmm-ess-per-second", d.essPerSecond, "1/s");
line("mmm-max-rhat", d.maxRhat);
line("mmm-min-ess-bulk", d.minEssBulk);
line("mmm-min-ess-tail", d.minEssTail);
line("mmm-divergences", d.divergences);
line("mmm-min-ebfmi", d.minEbfmi);
line(
  "mmm-gradient-evals",
  fit.sampleStats.reduce((s, c) => s + c.gradientEvals, 0),
);
line(
  "mmm-mean-tree-depth",
  fit.sampleStats.reduce((s, c) => s + c.meanTreeDepth, 0) / fit.sampleStats.length,
);
if (d.warnings.length) for (const w of d.warnings) console.log(`# warning: ${w}`);

{
  const dense = await fitMmm(input, {
    ...model,
    chains: 4,
    draws: 1000,
    tune: 1000,
    seed: 2024,
    metric: "dense",
  });
  const dd = dense.diagnostics;
  console.log('# the same with a dense metric (metric: "dense")');
  line("mmm-dense-fit-seconds", dd.seconds, "s");
  line("mmm-dense-ess-per-second", dd.essPerSecond, "1/s");
  line("mmm-dense-max-rhat", dd.maxRhat);
  line("mmm-dense-min-ess-bulk", dd.minEssBulk);
  line("mmm-dense-min-ess-tail", dd.minEssTail);
  line("mmm-dense-divergences", dd.divergences);
  line(
    "mmm-dense-gradient-evals",
    dense.sampleStats.reduce((s, c) => s + c.gradientEvals, 0),
  );
}

// ---------------------------------------------------------------- recovery against the published truth
// Truth (shared/data/mmm/pymc-marketing/README.md): alpha 0.4 / 0.2, lambda 4 / 3 on raw spend,
// beta 3 / 2 in units of 1000; contributions 274,848.30 / 65,905.98; ROAS 4,967.83 / 2,274.88;
// marginal ROAS (+1 % spend) 3,540.18 / 1,311.03; share of y 29.05 % / 6.97 %.
const truth = {
  x1: {
    alpha: 0.4,
    lambda: 4,
    beta: 3000,
    contribution: 274848.3,
    share: 0.2905,
    roas: 4967.83,
    mroas: 3540.18,
  },
  x2: {
    alpha: 0.2,
    lambda: 3,
    beta: 2000,
    contribution: 65905.98,
    share: 0.0697,
    roas: 2274.88,
    mroas: 1311.03,
  },
};
console.log("# recovery on mmm_example.csv (estimate = posterior mean, 90 % interval)");
console.log("# quantity | truth | estimate | 90 % interval | error % | truth in 90 %");
let inside = 0;
let total = 0;
const recoveryErrors: number[] = [];
for (const ch of fit.summary.channels) {
  const t = truth[ch.name as "x1" | "x2"];
  const scale = fit.spec.channels.find((c) => c.name === ch.name)!.scale;
  const rowsOut: [string, number, { mean: number; q05: number; q95: number }][] = [
    ["contribution", t.contribution, ch.contribution],
    ["share", t.share, ch.contributionShare],
    ["roas", t.roas, ch.roas],
    ["marginal-roas", t.mroas, ch.marginalRoas],
    ["adstock-alpha", t.alpha, ch.adstock.alpha],
    // lambda on raw spend = scaled lambda / spend scale; beta in target units = scaled beta * yScale
    ["saturation-lambda", t.lambda, scaleIv(ch.saturation.lambda, 1 / scale)],
    ["saturation-beta", t.beta, ch.saturation.betaTargetUnits],
  ];
  for (const [q, tv, iv] of rowsOut) {
    const err = iv.mean / tv - 1;
    const ok = tv >= iv.q05 && tv <= iv.q95;
    inside += ok ? 1 : 0;
    total++;
    if (q === "contribution" || q === "roas") recoveryErrors.push(Math.abs(err));
    console.log(
      `# ${ch.name} ${q} | ${fmt(tv)} | ${fmt(iv.mean)} | [${fmt(iv.q05)}, ${fmt(iv.q95)}] | ${pct(err)} | ${ok ? "yes" : "no"}`,
    );
    line(`mmm-recovery-${ch.name}-${q}-error`, pct(err), "%");
    line(`mmm-recovery-${ch.name}-${q}-in-90ci`, ok ? "yes" : "no");
  }
}
line("mmm-recovery-in-90ci", `${inside}/${total}`);
line(
  "mmm-recovery-mean-abs-error-contribution-roas",
  pct(recoveryErrors.reduce((a, b) => a + b, 0) / recoveryErrors.length),
  "%",
);
const f = fit.summary.fit;
console.log(
  "# in-sample fit; PyMC-Marketing's reference fit of this file: Bayesian R2 0.9055, RMSE 351.9, MAE 281.7",
);
line("mmm-fit-bayes-r2", f.bayesR2.mean);
line("mmm-fit-predictive-rmse", f.predictiveRmse.mean);
line("mmm-fit-r2", f.r2.mean);
line("mmm-fit-mape", pct(f.mape.mean), "%");
line("mmm-fit-nrmse", f.nrmse.mean);

// ---------------------------------------------------------------- held-out tail
{
  const ho = await fitMmm(input, { ...model, chains: 4, draws: 500, tune: 500, seed: 7, holdout: 13 });
  const h = ho.summary.holdout!;
  console.log("# the last 13 weeks held out of the likelihood (4 x 500 + 500)");
  line("mmm-holdout-r2", h.r2.mean);
  line("mmm-holdout-mape", pct(h.mape.mean), "%");
  line("mmm-holdout-nrmse", h.nrmse.mean);
  line("mmm-holdout-train-mape", pct(ho.summary.fit.mape.mean), "%");
}

// ---------------------------------------------------------------- optimizer regret against the true curves
{
  const rm = fit.responseModel;
  const cur = rm.channels.map((c) => c.meanSpend);
  const budget = cur[0] + cur[1];
  const bounds = {
    x1: { min: 0.7 * cur[0], max: 1.3 * cur[0] },
    x2: { min: 0.7 * cur[1], max: 1.3 * cur[1] },
  };
  const trueResponse = (b1: number, b2: number) =>
    1000 * (3 * Math.tanh((4 * b1) / 2) + 2 * Math.tanh((3 * b2) / 2));
  let best = Number.NEGATIVE_INFINITY;
  for (let i = 0; i <= 100000; i++) {
    const b1 = bounds.x1.min + ((bounds.x1.max - bounds.x1.min) * i) / 100000;
    const b2 = budget - b1;
    if (b2 < bounds.x2.min || b2 > bounds.x2.max) continue;
    best = Math.max(best, trueResponse(b1, b2));
  }
  const t0 = performance.now();
  const opt = optimizeBudget(rm, { budget, bounds });
  const ms = performance.now() - t0;
  const ours = trueResponse(opt.allocation[0].spend, opt.allocation[1].spend);
  const atCurrent = trueResponse(cur[0], cur[1]);
  console.log("# optimizer: weekly budget = mean historical spend, each channel within +-30 % of its mean");
  line("mmm-optimizer-ms", ms, "ms");
  line("mmm-optimizer-regret", pct((best - ours) / best), "% of the true optimal response");
  line(
    "mmm-optimizer-gain-captured",
    pct((ours - atCurrent) / (best - atCurrent)),
    "% of the true possible gain",
  );
  const risk = optimizeBudget(rm, { budget, bounds, risk: "lowerQuantile", quantile: 0.1 });
  line("mmm-optimizer-lower-quantile-x2-share", pct(risk.allocation[1].spend / budget), "%");
}

// ---------------------------------------------------------------- compatibility fits (no ground truth)
if (!process.env.MMM_BENCH_QUICK) {
  const report = (name: string, r: MmmFitResult) => {
    line(`mmm-${name}-seconds`, r.diagnostics.seconds, "s");
    line(`mmm-${name}-max-rhat`, r.diagnostics.maxRhat);
    line(`mmm-${name}-min-ess-bulk`, r.diagnostics.minEssBulk);
    line(`mmm-${name}-divergences`, r.diagnostics.divergences);
    line(`mmm-${name}-r2`, r.summary.fit.r2.mean);
    line(`mmm-${name}-mape`, pct(r.summary.fit.mape.mean), "%");
    for (const c of r.summary.channels)
      console.log(
        `# ${name} ${c.name}: roas ${fmt(c.roas.mean)} [${fmt(c.roas.q05)}, ${fmt(c.roas.q95)}], share ${pct(c.contributionShare.mean)} %`,
      );
    JSON.stringify(toMmmJson(r));
  };
  const meridian = mmmInputFromRows(readCsv("meridian/national_media.csv"), {
    date: "time",
    target: "conversions",
    channels: ["Channel0_spend", "Channel1_spend", "Channel2_spend", "Channel3_spend"],
    controls: ["competitor_activity_score_control", "sentiment_score_control"],
  });
  console.log("# Meridian national_media.csv: 156 weeks, 4 channels, 2 controls (4 x 1000 + 1000)");
  report("meridian-national", await fitMmm(meridian, { chains: 4, draws: 1000, tune: 1000, seed: 1 }));
  const robynRows = readCsv("robyn/dt_simulated_weekly.csv").map((r) => ({
    ...r,
    event1: r.events === "event1" ? "1" : "0",
    event2: r.events === "event2" ? "1" : "0",
  }));
  const robyn = mmmInputFromRows(robynRows, {
    date: "DATE",
    target: "revenue",
    channels: ["tv_S", "ooh_S", "print_S", "facebook_S", "search_S"],
    controls: ["competitor_sales_B", "newsletter", "event1", "event2"],
  });
  console.log("# Robyn dt_simulated_weekly.csv: 208 weeks, 5 channels, 4 controls (4 x 1000 + 1000)");
  report("robyn", await fitMmm(robyn, { chains: 4, draws: 1000, tune: 1000, seed: 1 }));
}

function scaleIv(iv: { mean: number; q05: number; q95: number }, k: number) {
  return { mean: iv.mean * k, q05: iv.q05 * k, q95: iv.q95 * k };
}
