import { readFileSync, writeFileSync } from "node:fs";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { parse } from "csv-parse/sync";
import {
  type ChainProgress,
  fitMmm,
  MmmInputError,
  mmmInputFromRows,
  optimizeBudget,
  responseModelFromJson,
  toMmmJson,
} from "../../models/mmm/index.js";
import { UsageError } from "../errors.js";
import { renderTable } from "../table.js";

interface FitFlags {
  data: string;
  date?: string;
  target: string;
  channels: string;
  controls?: string;
  adstock: string;
  saturation: string;
  likelihood: string;
  chains: string;
  draws: string;
  tune: string;
  seed: string;
  method: string;
  holdout: string;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

const list = (text: string | undefined) =>
  text
    ? text
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

function count(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  return n;
}

function oneOf<T extends string>(name: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text))
    throw new UsageError(`${name} must be one of ${allowed.join(", ")}, got "${text}"`);
  return text as T;
}

export function registerMmm(program: Command): void {
  const mmm = program
    .command("mmm")
    .description("the Bayesian marketing-mix model: causal split between channels");
  mmm
    .command("fit")
    .description("fit the MMM on a CSV (one row per week or day) with our NUTS sampler")
    .requiredOption("--data <file.csv>", "the data")
    .option("--date <column>", "date column (weekly or daily)")
    .requiredOption("--target <column>", "conversions or revenue column")
    .requiredOption("--channels <a,b,c>", "spend columns, one per channel")
    .option("--controls <a,b>", "control variable columns")
    .option("--adstock <kind>", "geometric|weibull", "geometric")
    .option("--saturation <kind>", "hill|logistic", "logistic")
    .option("--likelihood <kind>", "normal|studentT", "normal")
    .option("--method <method>", "nuts (full posterior) | laplace (fast MAP preview)", "nuts")
    .option("--chains <n>", "chains (parallel worker threads)", "4")
    .option("--draws <n>", "draws per chain", "1000")
    .option("--tune <n>", "tuning iterations per chain", "1000")
    .option("--holdout <n>", "last periods held out and scored", "0")
    .option("--seed <n>", "seed", "1")
    .option("--out <file.json>", "save the fit (for `adpilot mmm optimize`)")
    .option("--json", "print the documented JSON result")
    .option("--quiet", "no progress bars")
    .action(async (flags: FitFlags) => {
      let rows: Record<string, string>[];
      try {
        rows = parse(readFileSync(flags.data, "utf8"), {
          columns: true,
          bom: true,
          skip_empty_lines: true,
          trim: true,
        });
      } catch (error) {
        throw new UsageError(`cannot read ${flags.data}: ${(error as Error).message}`);
      }
      const channels = list(flags.channels);
      if (channels.length === 0) throw new UsageError("--channels needs at least one column name");
      let input: ReturnType<typeof mmmInputFromRows>;
      try {
        input = mmmInputFromRows(rows, {
          date: flags.date,
          target: flags.target,
          channels,
          controls: list(flags.controls),
        });
      } catch (error) {
        if (error instanceof MmmInputError) throw new UsageError(`${flags.data}: ${error.message}`);
        throw error;
      }
      const chains = count("--chains", flags.chains, 1, 16);
      const bars =
        !flags.quiet && !flags.json && process.stderr.isTTY
          ? new cliProgress.MultiBar(
              {
                format: " chain {chain} [{bar}] {value}/{total} {phase} divergences {divergences}",
                stream: process.stderr,
                clearOnComplete: true,
              },
              cliProgress.Presets.shades_classic,
            )
          : undefined;
      const perChain = new Map<number, cliProgress.SingleBar>();
      const fit = await fitMmm(input, {
        adstock: oneOf("--adstock", flags.adstock, ["geometric", "weibull"] as const),
        saturation: oneOf("--saturation", flags.saturation, ["hill", "logistic"] as const),
        likelihood: oneOf("--likelihood", flags.likelihood, ["normal", "studentT"] as const),
        holdout: count("--holdout", flags.holdout, 0, 10_000),
        method: oneOf("--method", flags.method, ["nuts", "laplace"] as const),
        chains,
        draws: count("--draws", flags.draws, 10, 100_000),
        tune: count("--tune", flags.tune, 10, 100_000),
        seed: count("--seed", flags.seed, 0, 2 ** 31),
        onProgress: (p: ChainProgress) => {
          if (!bars) return;
          let bar = perChain.get(p.chain);
          if (!bar) {
            bar = bars.create(p.total, 0, { chain: p.chain + 1, phase: p.phase, divergences: 0 });
            perChain.set(p.chain, bar);
          }
          bar.update(p.iteration, { phase: p.phase, divergences: p.divergences });
        },
      }).finally(() => bars?.stop());
      const json = toMmmJson(fit);
      if (flags.out) writeFileSync(flags.out, `${JSON.stringify(json, null, 2)}\n`);
      if (flags.json) return void console.log(JSON.stringify(json, null, 2));
      const q = (v: { mean: number; q05: number; q95: number }, digits = 2) =>
        `${v.mean.toFixed(digits)} [${v.q05.toFixed(digits)}, ${v.q95.toFixed(digits)}]`;
      console.log(
        renderTable(
          ["channel", "contribution (90% CI)", "share", "ROAS", "marginal ROAS"],
          json.channels.map((c) => [
            c.name,
            q(c.contribution, 0),
            q(c.contributionShare, 3),
            q(c.roas),
            q(c.marginalRoas),
          ]),
        ),
      );
      const d = json.diagnostics;
      console.log(
        `\ndiagnostics: max R-hat ${d.maxRhat.toFixed(3)}, min bulk ESS ${Math.round(d.minEssBulk)}, min tail ESS ${Math.round(d.minEssTail)}, divergences ${d.divergences}, ${d.seconds.toFixed(1)} s`,
      );
      console.log(
        `fit: R² ${json.fit.r2.mean.toFixed(3)}, MAPE ${json.fit.mape.mean.toFixed(3)}, NRMSE ${json.fit.nrmse.mean.toFixed(3)}`,
      );
      for (const w of (d as { warnings?: string[] }).warnings ?? []) console.log(`warning: ${w}`);
      if (flags.out)
        console.log(`saved: ${flags.out} (adpilot mmm optimize --fit ${flags.out} --budget ...)`);
    });
  mmm
    .command("optimize")
    .description("best split of a budget over a saved fit's posterior response curves")
    .requiredOption("--fit <file.json>", "a fit saved with `adpilot mmm fit --out`")
    .requiredOption("--budget <amount>", "total budget over the horizon, in the data's spend units")
    .option("--periods <n>", "periods (weeks or days) the budget covers", "1")
    .option("--objective <kind>", "conversions|revenue|profit", "conversions")
    .option("--risk <kind>", "expected|lowerQuantile (the seed's lower-bound CAC)", "expected")
    .option("--cac-target <amount>", "maximum cost per conversion")
    .option("--json", "print JSON")
    .action(
      async (flags: {
        fit: string;
        budget: string;
        periods: string;
        objective: string;
        risk: string;
        cacTarget?: string;
        json?: boolean;
      }) => {
        let model: ReturnType<typeof responseModelFromJson>;
        try {
          model = responseModelFromJson(JSON.parse(readFileSync(flags.fit, "utf8")));
        } catch (error) {
          throw new UsageError(`cannot read the fit ${flags.fit}: ${(error as Error).message}`);
        }
        const budget = Number(flags.budget);
        if (!(budget > 0)) throw new UsageError(`--budget must be a positive number, got "${flags.budget}"`);
        const plan = optimizeBudget(model, {
          budget,
          periods: count("--periods", flags.periods, 1, 520),
          objective: oneOf("--objective", flags.objective, ["conversions", "revenue", "profit"] as const),
          risk: oneOf("--risk", flags.risk, ["expected", "lowerQuantile"] as const),
          ...(flags.cacTarget ? { cacTarget: Number(flags.cacTarget) } : {}),
        });
        if (flags.json) return void console.log(JSON.stringify(plan, null, 2));
        console.log(JSON.stringify(plan, null, 2));
      },
    );
}
