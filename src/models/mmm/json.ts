/**
 * The documented JSON form of a fit (what `adpilot mmm fit --json` prints and `mmm optimize` reads),
 * and a validating reader for its response model. Non-finite numbers become null.
 */
import { z } from "zod";
import type { MmmFitResult } from "./fit.js";
import type { MmmResponseModel } from "./response.js";
import type { Interval } from "./types.js";

export const MMM_JSON_VERSION = 1;

export interface MmmJson {
  version: number;
  method: "nuts" | "laplace";
  target: string;
  settings: MmmFitResult["settings"];
  periods: { count: number; first: string | null; last: string | null; holdout: number };
  channels: {
    name: string;
    spend: number;
    contribution: Interval;
    contributionShare: Interval;
    roas: Interval;
    marginalRoas: Interval;
    adstock: Record<string, Interval>;
    saturation: Record<string, Interval>;
    contributionOverTime: { mean: number[]; q05: number[]; q95: number[] };
    responseCurve: { spend: number[]; mean: number[]; q05: number[]; q50: number[]; q95: number[] };
  }[];
  baselineOverTime: { mean: number[]; q05: number[]; q95: number[] };
  diagnostics: {
    maxRhat: number;
    minEssBulk: number;
    minEssTail: number;
    divergences: number;
    seconds: number;
    minEbfmi: number;
    essPerSecond: number;
    ok: boolean;
    warnings: string[];
    chains: MmmFitResult["sampleStats"];
  };
  fit: MmmFitResult["summary"]["fit"];
  holdout: MmmFitResult["summary"]["holdout"];
  parameters: MmmFitResult["parameters"];
  dates: string[] | null;
  responseModel: MmmResponseModel;
}

/** Plain JSON-ready object (numbers rounded to 6 significant digits; NaN and infinities become null). */
export function toMmmJson(result: MmmFitResult): MmmJson {
  const s = result.summary;
  const json: MmmJson = {
    version: MMM_JSON_VERSION,
    method: result.method,
    target: result.targetName,
    settings: result.settings,
    periods: {
      count: result.spec.n,
      first: result.dates?.[0] ?? null,
      last: result.dates?.[result.dates.length - 1] ?? null,
      holdout: result.spec.n - result.spec.nTrain,
    },
    channels: s.channels.map((c) => ({
      name: c.name,
      spend: c.spendTotal,
      contribution: c.contribution,
      contributionShare: c.contributionShare,
      roas: c.roas,
      marginalRoas: c.marginalRoas,
      adstock: c.adstock,
      saturation: c.saturation,
      contributionOverTime: c.contributionOverTime,
      responseCurve: c.responseCurve,
    })),
    baselineOverTime: s.baselineOverTime,
    diagnostics: {
      maxRhat: result.diagnostics.maxRhat,
      minEssBulk: result.diagnostics.minEssBulk,
      minEssTail: result.diagnostics.minEssTail,
      divergences: result.diagnostics.divergences,
      seconds: result.diagnostics.seconds,
      minEbfmi: result.diagnostics.minEbfmi,
      essPerSecond: result.diagnostics.essPerSecond,
      ok: result.diagnostics.ok,
      warnings: result.diagnostics.warnings,
      chains: result.sampleStats,
    },
    fit: s.fit,
    holdout: s.holdout,
    parameters: result.parameters,
    dates: result.dates,
    responseModel: result.responseModel,
  };
  return sanitize(json) as MmmJson;
}

function sanitize(v: unknown): unknown {
  if (typeof v === "number") return Number.isFinite(v) ? Number(v.toPrecision(6)) : null;
  if (Array.isArray(v)) return v.map(sanitize);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, (x) => sanitize(x));
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = sanitize(x);
    return out;
  }
  return v;
}

const numbers = z.array(z.number());
const responseModelSchema = z
  .object({
    saturation: z.enum(["logistic", "hill"]),
    yScale: z.number().positive(),
    targetName: z.string(),
    channels: z
      .array(
        z.object({
          name: z.string().min(1),
          scale: z.number().positive(),
          meanSpend: z.number().nonnegative(),
          maxSpend: z.number().nonnegative(),
          beta: numbers,
          p0: numbers,
          p1: numbers,
        }),
      )
      .min(1),
  })
  .superRefine((m, ctx) => {
    const D = m.channels[0].beta.length;
    m.channels.forEach((ch, i) => {
      for (const key of ["beta", "p0", "p1"] as const)
        if (ch[key].length !== D)
          ctx.addIssue({
            code: "custom",
            path: ["channels", i, key],
            message: `expected ${D} draws, got ${ch[key].length}`,
          });
    });
  });

/**
 * Reads the response model from a saved fit JSON (the whole `toMmmJson` output or just its
 * `responseModel`), with clear errors for anything malformed.
 */
export function responseModelFromJson(json: unknown): MmmResponseModel {
  const candidate =
    json && typeof json === "object" && "responseModel" in json
      ? (json as { responseModel: unknown }).responseModel
      : json;
  const parsed = responseModelSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`not a saved MMM fit: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}
