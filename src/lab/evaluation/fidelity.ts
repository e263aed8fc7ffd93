/**
 * Fidelity of a scenario against real data (research notes §3): the two-sample Kolmogorov-Smirnov
 * statistic and the mean absolute percentage error of daily ROAS, CAC and CTR between the
 * sandbox's reports and an imported history. The seed's gates are MAPE <= 0.5 and KS <= 0.35; the
 * KS critical value at alpha = 0.05 for the actual sample sizes is reported alongside, because
 * 0.35 is only a 5% test at about 30 vs 30 days.
 */
export interface DailyRow {
  date: string;
  impressions: number;
  clicks: number;
  costMinor: number;
  conversions: number;
  revenueMinor: number;
}

export function ksStatistic(a: readonly number[], b: readonly number[]): number {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i]! <= v) i++;
    while (j < y.length && y[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/** D_crit = c(alpha) sqrt((n + m) / (n m)), c(0.05) = 1.358. */
export function ksCritical(n: number, m: number, alpha: 0.05 | 0.01 = 0.05): number {
  return (alpha === 0.05 ? 1.358 : 1.628) * Math.sqrt((n + m) / (n * m));
}

/** Mean of |sim - real| / |real| over pairs with real != 0. */
export function mape(real: readonly number[], sim: readonly number[]): number {
  let total = 0;
  let n = 0;
  for (let i = 0; i < Math.min(real.length, sim.length); i++) {
    if (!Number.isFinite(real[i]!) || !Number.isFinite(sim[i]!) || real[i] === 0) continue;
    total += Math.abs(sim[i]! - real[i]!) / Math.abs(real[i]!);
    n++;
  }
  return n > 0 ? total / n : Number.NaN;
}

export interface MetricFidelity {
  mape: number;
  ks: number;
  ksCritical: number;
  pass: boolean;
}

export interface FidelityReport {
  days: number;
  roas: MetricFidelity;
  cac: MetricFidelity;
  ctr: MetricFidelity;
  pass: boolean;
}

export const FIDELITY_GATES = { mape: 0.5, ks: 0.35 } as const;

/** Compares daily series day by day in date order (day i of the history with day i of the sandbox). */
export function fidelity(real: readonly DailyRow[], sim: readonly DailyRow[]): FidelityReport {
  const r = [...real].sort((a, b) => a.date.localeCompare(b.date));
  const s = [...sim].sort((a, b) => a.date.localeCompare(b.date));
  const metric = (f: (row: DailyRow) => number): MetricFidelity => {
    const rv = r.map(f);
    const sv = s.map(f);
    const rf = rv.filter(Number.isFinite);
    const sf = sv.filter(Number.isFinite);
    const m = mape(rv, sv);
    const ks = rf.length > 0 && sf.length > 0 ? ksStatistic(rf, sf) : Number.NaN;
    return {
      mape: m,
      ks,
      ksCritical: ksCritical(rf.length, sf.length),
      pass: m <= FIDELITY_GATES.mape && ks <= FIDELITY_GATES.ks,
    };
  };
  const roas = metric((row) => (row.costMinor > 0 ? row.revenueMinor / row.costMinor : Number.NaN));
  const cac = metric((row) => (row.conversions > 0 ? row.costMinor / row.conversions : Number.NaN));
  const ctr = metric((row) => (row.impressions > 0 ? row.clicks / row.impressions : Number.NaN));
  return { days: Math.min(r.length, s.length), roas, cac, ctr, pass: roas.pass && cac.pass && ctr.pass };
}
