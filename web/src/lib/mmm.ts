import type { EChartsCoreOption } from "echarts/core";
import { formatMoney } from "./format.js";

/** What the MMM page draws, normalised from the API's fit result (tolerant of missing parts). */
export interface MmmChannel {
  channel: string;
  roas: { mean: number | null; low: number | null; high: number | null };
  mroas: { mean: number | null; low: number | null; high: number | null };
  curve: { spendMinor: number; mean: number; low: number; high: number }[];
  currentSpendMinor: number | null;
  recommendedSpendMinor: number | null;
}
export interface MmmResult {
  fittedAt: string | null;
  diagnosticsText: string;
  channels: MmmChannel[];
  contributions: { x: string[]; series: { name: string; values: number[] }[] } | null;
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const interval = (v: unknown) => {
  const o = (v ?? {}) as Record<string, unknown>;
  return { mean: num(o.mean), low: num(o.low ?? o.lower), high: num(o.high ?? o.upper) };
};

/** Plain words for sampler diagnostics: R-hat, effective sample size, divergences. */
export function diagnosticsInWords(d: Record<string, unknown> | null | undefined): string {
  if (!d) return "no diagnostics reported";
  const rhat = num(d.maxRhat ?? d.rhat);
  const ess = num(d.minEss ?? d.ess);
  const div = num(d.divergences);
  const parts: string[] = [];
  if (rhat !== null)
    parts.push(
      rhat <= 1.01
        ? "the chains agree (R-hat ≤ 1.01)"
        : `the chains disagree (R-hat ${rhat.toFixed(3)}): treat the results with caution`,
    );
  if (ess !== null)
    parts.push(
      ess >= 400
        ? `enough independent draws (${Math.round(ess)})`
        : `few independent draws (${Math.round(ess)}): run longer`,
    );
  if (div !== null)
    parts.push(
      div === 0 ? "no divergent transitions" : `${div} divergent transitions: the fit may be biased`,
    );
  return parts.length > 0 ? parts.join("; ") : "no diagnostics reported";
}

export function normaliseMmm(body: Record<string, unknown>): MmmResult | null {
  const fit = (body.fit ?? body.result ?? body) as Record<string, unknown>;
  const channels = (fit.channels ?? []) as Record<string, unknown>[];
  if (!Array.isArray(channels) || channels.length === 0) return null;
  const contrib = fit.contributions as MmmResult["contributions"] | undefined;
  return {
    fittedAt: (fit.fittedAt ?? fit.finishedAt ?? null) as string | null,
    diagnosticsText: diagnosticsInWords(fit.diagnostics as Record<string, unknown> | undefined),
    contributions: contrib && Array.isArray(contrib.x) ? contrib : null,
    channels: channels.map((c) => ({
      channel: String(c.channel ?? c.name),
      roas: interval(c.roas),
      mroas: interval(c.marginalRoas ?? c.mroas),
      curve: ((c.curve ?? c.responseCurve ?? []) as Record<string, unknown>[]).map((p) => ({
        spendMinor: num(p.spendMinor) ?? 0,
        mean: num(p.mean) ?? 0,
        low: num(p.low) ?? 0,
        high: num(p.high) ?? 0,
      })),
      currentSpendMinor: num(c.currentSpendMinor),
      recommendedSpendMinor: num(c.recommendedSpendMinor),
    })),
  };
}

/** Response curve with a shaded band (low..high) and the current and recommended spend marked. */
export function curveOption(c: MmmChannel, currency: string): EChartsCoreOption {
  const x = c.curve.map((p) => p.spendMinor);
  const marks = [
    c.currentSpendMinor !== null ? { name: "current", xAxis: c.currentSpendMinor } : null,
    c.recommendedSpendMinor !== null ? { name: "recommended", xAxis: c.recommendedSpendMinor } : null,
  ].filter(Boolean);
  return {
    grid: { left: 56, right: 16, top: 24, bottom: 32 },
    tooltip: { trigger: "axis" },
    xAxis: {
      type: "value",
      axisLabel: { formatter: (v: number) => formatMoney(v, currency, { compact: true }) },
    },
    yAxis: { type: "value" },
    series: [
      {
        name: "low",
        type: "line",
        stack: "band",
        symbol: "none",
        lineStyle: { opacity: 0 },
        data: c.curve.map((p, i) => [x[i], p.low]),
      },
      {
        name: "interval",
        type: "line",
        stack: "band",
        symbol: "none",
        lineStyle: { opacity: 0 },
        areaStyle: { color: "#56B4E9", opacity: 0.3 },
        data: c.curve.map((p, i) => [x[i], p.high - p.low]),
      },
      {
        name: "mean",
        type: "line",
        symbol: "none",
        color: "#0072B2",
        data: c.curve.map((p, i) => [x[i], p.mean]),
        markLine: { symbol: "none", label: { formatter: "{b}" }, data: marks },
      },
    ],
  };
}
