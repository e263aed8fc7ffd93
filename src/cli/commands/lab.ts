import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { listScenarios, runLab } from "../../connectors/sandbox/index.js";
import { BUILTIN_POLICIES, formatSummaryTable, perWorldCsv } from "../../lab/index.js";
import { UsageError } from "../errors.js";
import { renderTable } from "../table.js";

interface LabRunFlags {
  days: string;
  users?: string;
  worlds: string;
  seed: string;
  threads: string;
  policy: string;
  out?: string;
  oracle: boolean;
  json?: boolean;
  quiet?: boolean;
}

function positiveInt(name: string, text: string, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UsageError(`${name} must be a whole number from 1 to ${max}, got "${text}"`);
  return n;
}

export function registerLab(program: Command): void {
  const lab = program
    .command("lab")
    .description("the simulation lab: test policies offline against a known ground truth");
  lab
    .command("scenarios")
    .description("list the shipped scenarios")
    .action(() => {
      console.log(
        renderTable(
          ["name", "description"],
          listScenarios().map((s) => [s.name, s.description]),
        ),
      );
    });
  lab
    .command("run <scenario>")
    .description(
      "Monte Carlo of a scenario (name or YAML/JSON file) under a policy, with 95% intervals and % of oracle",
    )
    .option("--days <n>", "simulated days per world", "30")
    .option("--users <n>", "simulated users (default: the scenario's)")
    .option("--worlds <n>", "independent worlds", "100")
    .option("--seed <n>", "base seed (same seed, same results, whatever the threads)", "1")
    .option("--threads <n>", "worker threads", "2")
    .option("--policy <name>", BUILTIN_POLICIES.join("|"), "thompson")
    .option("--no-oracle", "skip the oracle (faster; no % of oracle)")
    .option("--out <dir>", "write summary.json, worlds.csv and worlds.jsonl there")
    .option("--json", "print the summary as JSON")
    .option("--quiet", "no progress bar")
    .action(async (scenario: string, flags: LabRunFlags) => {
      if (!(BUILTIN_POLICIES as readonly string[]).includes(flags.policy)) {
        throw new UsageError(
          `unknown policy "${flags.policy}": expected one of ${BUILTIN_POLICIES.join(", ")}`,
        );
      }
      const options = {
        scenario,
        days: positiveInt("--days", flags.days, 3650),
        worlds: positiveInt("--worlds", flags.worlds, 100_000),
        seed: positiveInt("--seed", flags.seed, 2 ** 31),
        threads: positiveInt("--threads", flags.threads, 64),
        users: flags.users === undefined ? undefined : positiveInt("--users", flags.users, 10_000_000),
        policy: flags.policy,
        oracle: flags.oracle,
      };
      const bar =
        !flags.quiet && !flags.json && process.stderr.isTTY
          ? new cliProgress.SingleBar(
              { format: " {phase} [{bar}] {value}/{total}", stream: process.stderr, clearOnComplete: true },
              cliProgress.Presets.shades_classic,
            )
          : undefined;
      let phase = "";
      const summary = await runLab({
        ...options,
        onProgress: (p) => {
          if (!bar) return;
          if (p.phase !== phase) {
            if (phase) bar.stop();
            phase = p.phase;
            bar.start(p.total, 0, { phase: p.phase === "oracle" ? "oracle " : "worlds " });
          }
          bar.update(p.done);
        },
      }).finally(() => bar?.stop());
      if (flags.out) {
        mkdirSync(flags.out, { recursive: true });
        const { perWorld, ...rest } = summary;
        writeFileSync(join(flags.out, "summary.json"), `${JSON.stringify(rest, null, 2)}\n`);
        writeFileSync(join(flags.out, "worlds.csv"), perWorldCsv(summary));
        writeFileSync(
          join(flags.out, "worlds.jsonl"),
          perWorld.map((w) => JSON.stringify(w)).join("\n") + "\n",
        );
      }
      if (flags.json) {
        console.log(JSON.stringify(summary, null, 2));
        return;
      }
      console.log(formatSummaryTable(summary));
      if (flags.out) console.log(`\nresults: ${flags.out}/summary.json, worlds.csv, worlds.jsonl`);
    });
}
