import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { listScenarios, loadScenario, runLab } from "../../connectors/sandbox/index.js";
import { type DailyRow, FIDELITY_GATES, fidelity } from "../../lab/evaluation/fidelity.js";
import { BUILTIN_POLICIES, formatSummaryTable, perWorldCsv } from "../../lab/index.js";
import { compileScenario } from "../../lab/world/compile.js";
import { dailyRows } from "../../lab/world/summary.js";
import { World } from "../../lab/world/world.js";
import { resolveAccount } from "../../store/accounts.js";
import { UsageError } from "../errors.js";
import { withStore } from "../store-session.js";
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
    .command("fidelity <scenario>")
    .description(
      "how closely a scenario's sandbox reports match an imported history (KS and MAPE of daily ROAS, CAC, CTR)",
    )
    .requiredOption("--account <id>", "the account whose imported history to compare with")
    .option("--workspace <id>", "workspace", "default")
    .option("--seed <n>", "world seed", "1")
    .option("--users <n>", "simulated users (default: the scenario's)")
    .option("--json", "print JSON")
    .action(
      async (
        scenarioName: string,
        flags: { account: string; workspace: string; seed: string; users?: string; json?: boolean },
      ) => {
        const real = await withStore(async (store) => {
          const account = await resolveAccount(store, flags.account, flags.workspace);
          return store.query<DailyRow>(
            `SELECT date::text AS date, sum(impressions)::bigint AS impressions, sum(clicks)::bigint AS clicks,
                  sum(cost_minor)::bigint AS "costMinor", sum(conversions)::float8 AS conversions,
                  sum(revenue_minor)::bigint AS "revenueMinor"
           FROM performance_daily WHERE account_id = $1 GROUP BY date ORDER BY date`,
            [account.id],
          );
        });
        if (real.length < 7)
          throw new UsageError(
            `account ${flags.account} has ${real.length} days of history; fidelity needs at least 7`,
          );
        const scenario = loadScenario(scenarioName);
        const cw = compileScenario(scenario, {
          users:
            flags.users === undefined
              ? scenario.population.users
              : positiveInt("--users", flags.users, 10_000_000),
        });
        const sim = dailyRows(new World(cw, positiveInt("--seed", flags.seed, 2 ** 31)).run(real.length));
        const report = fidelity(real, sim);
        if (flags.json)
          return void console.log(JSON.stringify({ gates: FIDELITY_GATES, ...report }, null, 2));
        const row = (name: string, m: typeof report.roas) => [name, m.mape.toFixed(3), m.ks.toFixed(3)];
        console.log(
          renderTable(
            ["metric", `MAPE (gate <= ${FIDELITY_GATES.mape})`, `KS (gate <= ${FIDELITY_GATES.ks})`],
            [row("ROAS", report.roas), row("CAC", report.cac), row("CTR", report.ctr)],
          ),
        );
        console.log(`${report.days} days compared: ${report.pass ? "PASS" : "FAIL"} (the seed's gates)`);
        if (!report.pass) process.exitCode = 1;
      },
    );
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
