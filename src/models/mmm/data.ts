/**
 * Turns an `MmmInput` plus options into a scaled `ModelSpec`, validating as it goes: every error says
 * what is wrong, where, and what would be valid. Also a helper that builds an input from parsed
 * CSV rows.
 */
import { gammaMuSigma, type Prior } from "./priors.js";
import type { ChannelSpec, LiftSpec, ModelSpec } from "./spec.js";
import type { AdstockKind } from "./transforms.js";
import type { ChannelPriorOverrides, MmmInput, MmmModelOptions } from "./types.js";

export class MmmInputError extends Error {
  override name = "MmmInputError";
}

/** Default priors, close to PyMC-Marketing's `default_model_config` (see README.md). */
export const DEFAULT_PRIORS = {
  intercept: { dist: "normal", mu: 0, sigma: 2 } as Prior,
  trend: { dist: "normal", mu: 0, sigma: 1 } as Prior,
  fourier: { dist: "laplace", mu: 0, b: 1 } as Prior,
  control: { dist: "normal", mu: 0, sigma: 2 } as Prior,
  sigma: { dist: "halfNormal", sigma: 2 } as Prior,
  nu: { dist: "gamma", alpha: 2, beta: 0.1 } as Prior,
  geometric: { alpha: { dist: "beta", alpha: 1, beta: 3 } as Prior },
  weibull: {
    lambda: { dist: "halfNormal", sigma: 1 } as Prior,
    k: { dist: "halfNormal", sigma: 1 } as Prior,
  },
  logistic: {
    lambda: { dist: "gamma", alpha: 3, beta: 1 } as Prior,
    beta: { dist: "halfNormal", sigma: 2 } as Prior,
  },
  hill: {
    kappa: { dist: "halfNormal", sigma: 1.5 } as Prior,
    slope: { dist: "halfNormal", sigma: 1.5 } as Prior,
    beta: { dist: "halfNormal", sigma: 1.5 } as Prior,
  },
};
export { gammaMuSigma };

export function resolveAdstock(a: MmmModelOptions["adstock"]): AdstockKind {
  if (a === undefined || a === "geometric") return "geometric";
  if (a === "weibull" || a === "weibullCdf") return "weibullCdf";
  if (a === "weibullPdf") return "weibullPdf";
  throw new MmmInputError(`adstock "${a}" is not known; use geometric, weibull (= weibullCdf) or weibullPdf`);
}

const DAY_MS = 86_400_000;

export function parseIsoDate(s: string, where: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s.trim());
  if (!m) throw new MmmInputError(`${where}: date "${s}" is not an ISO date (YYYY-MM-DD)`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (!Number.isFinite(ms)) throw new MmmInputError(`${where}: date "${s}" is not a valid date`);
  return ms;
}

function checkSeries(values: ArrayLike<number>, n: number, what: string, nonNegative: boolean): Float64Array {
  if (values.length !== n)
    throw new MmmInputError(`${what} has ${values.length} values but the target has ${n}`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = Number(values[i]);
    if (!Number.isFinite(v))
      throw new MmmInputError(`${what}, period ${i + 1}: value ${values[i]} is not a finite number`);
    if (nonNegative && v < 0)
      throw new MmmInputError(`${what}, period ${i + 1}: spend ${v} is negative; spend must be >= 0`);
    out[i] = v;
  }
  return out;
}

function maxAbs(a: Float64Array, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function prepareModel(input: MmmInput, options: MmmModelOptions = {}): ModelSpec {
  const n = input.target.length;
  if (n < 8)
    throw new MmmInputError(`the target has ${n} periods; an MMM needs at least 8 (ideally 100+ weeks)`);
  if (!input.channels || input.channels.length === 0)
    throw new MmmInputError("at least one channel is required");
  const holdout = options.holdout ?? 0;
  if (!Number.isInteger(holdout) || holdout < 0 || holdout > n - 8)
    throw new MmmInputError(`holdout must be an integer between 0 and ${n - 8} (periods), got ${holdout}`);
  const nTrain = n - holdout;
  const target = checkSeries(input.target, n, `target "${input.targetName ?? "target"}"`, false);
  const yScale = options.targetScale ?? maxAbs(target, nTrain);
  if (!(yScale > 0)) throw new MmmInputError("the target is zero in every training period");
  const y = target.map((v) => v / yScale);

  // Calendar: day-of-year phase for yearly seasonality, day of week for daily data.
  let dayMs: number[] | null = null;
  if (input.dates) {
    if (input.dates.length !== n)
      throw new MmmInputError(`dates has ${input.dates.length} values but the target has ${n}`);
    dayMs = input.dates.map((d, i) => parseIsoDate(d, `dates, period ${i + 1}`));
    for (let i = 1; i < n; i++)
      if (!(dayMs[i] > dayMs[i - 1]))
        throw new MmmInputError(
          `dates must be strictly increasing; period ${i + 1} (${input.dates[i]}) is not after ${input.dates[i - 1]}`,
        );
  }
  let frequency = input.frequency;
  if (!frequency) {
    if (dayMs) {
      const gaps = dayMs
        .slice(1)
        .map((v, i) => (v - dayMs![i]) / DAY_MS)
        .sort((a, b) => a - b);
      frequency = gaps[Math.floor(gaps.length / 2)] >= 5 ? "weekly" : "daily";
    } else frequency = "weekly";
  }
  const lMax = options.lMax ?? (frequency === "daily" ? 28 : 8);
  if (!Number.isInteger(lMax) || lMax < 1 || lMax > 120)
    throw new MmmInputError(`lMax must be an integer from 1 to 120, got ${lMax}`);

  const priors = options.priors ?? {};
  const linNames: string[] = [];
  const linCols: Float64Array[] = [];
  const linPriors: Prior[] = [];
  const linScales: number[] = [];
  const addLin = (name: string, col: Float64Array, prior: Prior, scale = 1) => {
    linNames.push(name);
    linCols.push(col);
    linPriors.push(prior);
    linScales.push(scale);
  };
  addLin("intercept", new Float64Array(n).fill(1), priors.intercept ?? DEFAULT_PRIORS.intercept);
  if (options.trend ?? true) {
    const col = new Float64Array(n);
    for (let t = 0; t < n; t++) col[t] = n > 1 ? t / (n - 1) : 0;
    addLin("trend", col, priors.trend ?? DEFAULT_PRIORS.trend);
  }
  const yearly = options.yearlySeasonality ?? 2;
  if (!Number.isInteger(yearly) || yearly < 0 || yearly > 20)
    throw new MmmInputError(`yearlySeasonality must be 0..20 modes, got ${yearly}`);
  const fourierPrior = priors.fourier ?? DEFAULT_PRIORS.fourier;
  if (yearly > 0) {
    // PyMC-Marketing: phase = day of year / 365.25. Without dates: period index / periods per year.
    const phase = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      if (dayMs) {
        const d = new Date(dayMs[t]);
        const doy = (dayMs[t] - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS + 1;
        phase[t] = doy / 365.25;
      } else phase[t] = t / (frequency === "daily" ? 365.25 : 365.25 / 7);
    }
    for (let k = 1; k <= yearly; k++) {
      const s = new Float64Array(n);
      const c = new Float64Array(n);
      for (let t = 0; t < n; t++) {
        s[t] = Math.sin(2 * Math.PI * k * phase[t]);
        c[t] = Math.cos(2 * Math.PI * k * phase[t]);
      }
      addLin(`fourier.sin${k}`, s, fourierPrior);
      addLin(`fourier.cos${k}`, c, fourierPrior);
    }
  }
  if (frequency === "daily") {
    const weekly = options.weeklySeasonality ?? 3;
    if (!Number.isInteger(weekly) || weekly < 0 || weekly > 3)
      throw new MmmInputError(`weeklySeasonality must be 0..3 modes, got ${weekly}`);
    for (let k = 1; k <= weekly; k++) {
      const s = new Float64Array(n);
      const c = new Float64Array(n);
      for (let t = 0; t < n; t++) {
        const dow = dayMs ? Math.floor(dayMs[t] / DAY_MS) % 7 : t % 7;
        s[t] = Math.sin((2 * Math.PI * k * dow) / 7);
        c[t] = Math.cos((2 * Math.PI * k * dow) / 7);
      }
      addLin(`weekday.sin${k}`, s, fourierPrior);
      addLin(`weekday.cos${k}`, c, fourierPrior);
    }
  }
  const seen = new Set<string>();
  for (const ctl of input.controls ?? []) {
    if (seen.has(`c:${ctl.name}`)) throw new MmmInputError(`control "${ctl.name}" is given twice`);
    seen.add(`c:${ctl.name}`);
    const v = checkSeries(ctl.values, n, `control "${ctl.name}"`, false);
    const s = maxAbs(v, n);
    if (!(s > 0)) throw new MmmInputError(`control "${ctl.name}" is zero in every period; drop it`);
    addLin(
      `control[${ctl.name}]`,
      v.map((x) => x / s),
      priors.control ?? DEFAULT_PRIORS.control,
      s,
    );
  }
  const linX = new Float64Array(n * linCols.length);
  linCols.forEach((col, j) => {
    linX.set(col, j * n);
  });

  const adstock = resolveAdstock(options.adstock);
  const saturation = options.saturation ?? "logistic";
  if (saturation !== "logistic" && saturation !== "hill")
    throw new MmmInputError(`saturation "${saturation}" is not known; use logistic or hill`);
  const channels: ChannelSpec[] = input.channels.map((ch) => {
    if (!ch.name) throw new MmmInputError("every channel needs a name");
    if (seen.has(`m:${ch.name}`)) throw new MmmInputError(`channel "${ch.name}" is given twice`);
    seen.add(`m:${ch.name}`);
    const spend = checkSeries(ch.spend, n, `channel "${ch.name}"`, true);
    const scale = maxAbs(spend, n);
    if (!(scale > 0)) throw new MmmInputError(`channel "${ch.name}" has no spend in any period; drop it`);
    const own: ChannelPriorOverrides = priors.channels?.[ch.name] ?? {};
    const adNames = adstock === "geometric" ? ["alpha"] : ["lambda", "k"];
    const adDefaults: Record<string, Prior> =
      adstock === "geometric" ? DEFAULT_PRIORS.geometric : DEFAULT_PRIORS.weibull;
    const satDefaults: Record<string, Prior> =
      saturation === "logistic" ? DEFAULT_PRIORS.logistic : DEFAULT_PRIORS.hill;
    const satNames = saturation === "logistic" ? ["lambda"] : ["kappa", "slope"];
    return {
      name: ch.name,
      x: spend.map((v) => v / scale),
      scale,
      adstockPriors: adNames.map((p) => own.adstock?.[p] ?? priors.adstock?.[p] ?? adDefaults[p]),
      saturationPriors: satNames.map((p) => own.saturation?.[p] ?? priors.saturation?.[p] ?? satDefaults[p]),
      betaPrior: own.beta ?? priors.beta ?? satDefaults.beta,
    };
  });
  const lift: LiftSpec[] = (options.liftTests ?? []).map((lt, i) => {
    const c = channels.findIndex((ch) => ch.name === lt.channel);
    const where = `liftTests[${i}]`;
    if (c < 0)
      throw new MmmInputError(
        `${where}: channel "${lt.channel}" is not one of ${channels.map((ch) => ch.name).join(", ")}`,
      );
    const periods = lt.periods ?? 1;
    for (const [k, v] of Object.entries({
      spend: lt.spend,
      deltaSpend: lt.deltaSpend,
      lift: lt.lift,
      sigma: lt.sigma,
      periods,
    }))
      if (!Number.isFinite(v)) throw new MmmInputError(`${where}: ${k} must be a finite number, got ${v}`);
    if (!(lt.sigma > 0)) throw new MmmInputError(`${where}: sigma must be > 0`);
    if (lt.spend < 0 || lt.spend + lt.deltaSpend < 0)
      throw new MmmInputError(`${where}: spend levels must be >= 0`);
    if (!(periods > 0)) throw new MmmInputError(`${where}: periods must be > 0`);
    const ch = channels[c];
    return {
      channel: c,
      x: lt.spend / ch.scale,
      dx: lt.deltaSpend / ch.scale,
      dy: lt.lift / periods / yScale,
      sigma: lt.sigma / periods / yScale,
    };
  });
  const likelihood = options.likelihood ?? "normal";
  if (likelihood !== "normal" && likelihood !== "studentT")
    throw new MmmInputError(`likelihood "${likelihood}" is not known; use normal or studentT`);
  return {
    n,
    nTrain,
    y,
    yScale,
    linNames,
    linX,
    linPriors,
    linScales,
    channels,
    adstock,
    lMax,
    saturation,
    likelihood,
    sigmaPrior: priors.sigma ?? DEFAULT_PRIORS.sigma,
    nuPrior: priors.nu ?? DEFAULT_PRIORS.nu,
    lift,
  };
}

export interface RowColumns {
  date?: string;
  target: string;
  channels: string[];
  controls?: string[];
}

/**
 * Builds an `MmmInput` from already-parsed CSV rows (one record per period, values as strings or
 * numbers). Empty cells in channel columns count as zero spend; anywhere else they are an error.
 * Rows are sorted by date when a date column is given.
 */
export function mmmInputFromRows(rows: readonly Record<string, unknown>[], columns: RowColumns): MmmInput {
  if (rows.length === 0) throw new MmmInputError("the data has no rows");
  const header = Object.keys(rows[0]);
  const need = [columns.target, ...columns.channels, ...(columns.controls ?? [])];
  if (columns.date) need.push(columns.date);
  for (const col of need)
    if (!header.includes(col))
      throw new MmmInputError(`column "${col}" is not in the data; columns are: ${header.join(", ")}`);
  let ordered = rows.map((r, i) => ({ r, i }));
  if (columns.date) {
    const key = columns.date;
    const ms = rows.map((r, i) => parseIsoDate(String(r[key] ?? ""), `row ${i + 2}, column "${key}"`));
    ordered = ordered.sort((a, b) => ms[a.i] - ms[b.i]);
  }
  const num = (col: string, emptyIsZero: boolean) =>
    ordered.map(({ r, i }) => {
      const raw = r[col];
      if ((raw === "" || raw === undefined || raw === null) && emptyIsZero) return 0;
      const v = typeof raw === "number" ? raw : Number(String(raw).trim());
      if (raw === "" || raw === undefined || raw === null || !Number.isFinite(v))
        throw new MmmInputError(`row ${i + 2}, column "${col}": "${raw ?? ""}" is not a number`);
      return v;
    });
  return {
    dates: columns.date ? ordered.map(({ r }) => String(r[columns.date!]).trim().slice(0, 10)) : undefined,
    targetName: columns.target,
    target: num(columns.target, false),
    channels: columns.channels.map((name) => ({ name, spend: num(name, true) })),
    controls: (columns.controls ?? []).map((name) => ({ name, values: num(name, false) })),
  };
}
