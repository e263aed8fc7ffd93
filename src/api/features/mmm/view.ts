import { z } from "zod";
import type { StoredFitResult } from "./fit-job.js";

const interval = z
  .object({
    mean: z.number().nullable(),
    q05: z.number().nullable(),
    q50: z.number().nullable(),
    q95: z.number().nullable(),
  })
  .meta({ id: "CredibleInterval" });

export const jobSchema = z
  .object({
    id: z.number().int(),
    status: z.enum(["queued", "running", "completed", "failed"]),
    progress: z.number().describe("0 to 1"),
    error: z.string().nullable(),
    mode: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: "MmmFitJob" });

const channelSchema = z.object({
  name: z.string(),
  spend: z.number().describe("total spend over the data, major units"),
  contribution: interval.describe("target units the channel added over the data (90 % interval q05-q95)"),
  contributionShare: interval,
  roas: interval.describe("contribution per unit of spend"),
  marginalRoas: interval.describe("extra contribution per extra unit of spend at the current level"),
  contributionOverTime: z.object({
    mean: z.array(z.number().nullable()),
    q05: z.array(z.number().nullable()),
    q95: z.array(z.number().nullable()),
  }),
  responseCurve: z
    .object({
      spend: z.array(z.number().nullable()),
      mean: z.array(z.number().nullable()),
      q05: z.array(z.number().nullable()),
      q50: z.array(z.number().nullable()),
      q95: z.array(z.number().nullable()),
    })
    .describe("weekly spend -> weekly contribution, with the 90 % band"),
  currentWeeklySpend: z.number().nullable().describe("mean of the last 4 weeks"),
  recommendedWeeklySpend: z.number().nullable(),
  currentShare: z.number().nullable(),
  recommendedShare: z.number().nullable(),
});

export const mmmFitSchema = z
  .object({
    id: z.number().int(),
    fittedAt: z.string(),
    mode: z.string(),
    converged: z.boolean().describe("NUTS with clean diagnostics: the service uses its recommended shares"),
    dataFrom: z.string().nullable(),
    dataTo: z.string().nullable(),
    target: z.string(),
    dates: z.array(z.string()),
    channels: z.array(channelSchema),
    baselineOverTime: z.object({
      mean: z.array(z.number().nullable()),
      q05: z.array(z.number().nullable()),
      q95: z.array(z.number().nullable()),
    }),
    recommendedShares: z.record(z.string(), z.number()),
    diagnostics: z.object({
      ok: z.boolean(),
      summary: z.string().describe("in plain words: can the numbers be trusted"),
      warnings: z.array(z.string()).describe("each problem in plain words, with what to do"),
      maxRhat: z.number().nullable(),
      minEssBulk: z.number().nullable(),
      divergences: z.number().nullable(),
      r2: z.number().nullable(),
      mape: z.number().nullable(),
    }),
    optimizerMessages: z.array(z.string()),
  })
  .meta({ id: "MmmFit" });
export type MmmFitOut = z.infer<typeof mmmFitSchema>;

const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? "?" : `${(x * 100).toFixed(0)} %`;

function plainSummary(mode: string, ok: boolean, r2: number | null, mape: number | null): string {
  const trust =
    mode === "laplace"
      ? "This is a quick Laplace preview: the intervals are approximate and the service does not act on it; fit with NUTS for decisions."
      : ok
        ? "The sampler converged (R-hat at most 1.01, enough effective draws, no divergences): the intervals can be trusted."
        : "The sampler did not converge cleanly (see the warnings): treat the numbers with caution; the service does not act on this fit.";
  return `${trust} The model explains ${pct(r2)} of the week-to-week variation of the target, with a typical error of ${pct(mape)}.`;
}

/** A stored, completed fit in the dashboard's shape. */
export function fitView(row: {
  id: number;
  fittedAt: string;
  dataFrom: string | null;
  dataTo: string | null;
  mode: string;
  converged: boolean;
  result: StoredFitResult;
}): MmmFitOut {
  const r = row.result;
  const json = r.fit;
  if (!json) throw new Error(`MMM fit ${row.id} is completed but holds no fit JSON`);
  const r2 = json.fit?.r2?.mean ?? null;
  const mape = json.fit?.mape?.mean ?? null;
  return {
    id: Number(row.id),
    fittedAt: row.fittedAt,
    mode: row.mode,
    converged: row.converged,
    dataFrom: row.dataFrom,
    dataTo: row.dataTo,
    target: json.target,
    dates: json.dates ?? [],
    channels: json.channels.map((c) => ({
      name: c.name,
      spend: c.spend,
      contribution: c.contribution,
      contributionShare: c.contributionShare,
      roas: c.roas,
      marginalRoas: c.marginalRoas,
      contributionOverTime: c.contributionOverTime,
      responseCurve: c.responseCurve,
      currentWeeklySpend: r.currentWeeklySpend?.[c.name] ?? null,
      recommendedWeeklySpend: r.recommendedWeeklySpend?.[c.name] ?? null,
      currentShare: r.currentShares?.[c.name] ?? null,
      recommendedShare: r.recommendedShares?.[c.name] ?? null,
    })),
    baselineOverTime: json.baselineOverTime,
    recommendedShares: r.recommendedShares ?? {},
    diagnostics: {
      ok: json.diagnostics.ok,
      summary: plainSummary(row.mode, json.diagnostics.ok, r2, mape),
      warnings: json.diagnostics.warnings,
      maxRhat: json.diagnostics.maxRhat ?? null,
      minEssBulk: json.diagnostics.minEssBulk ?? null,
      divergences: json.diagnostics.divergences ?? null,
      r2,
      mape,
    },
    optimizerMessages: r.optimizerMessages ?? [],
  };
}
