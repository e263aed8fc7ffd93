import { type LabSummary, summarize } from "./montecarlo/aggregate.js";
import type { WorldJob } from "./montecarlo/job.js";
import { runJobs } from "./montecarlo/runner.js";
import { computeOracle } from "./oracle.js";
import type { Scenario } from "./scenario/schema.js";
import { compileScenario } from "./world/compile.js";

export interface RunLabOptions {
  scenario: Scenario;
  days?: number;
  users?: number;
  worlds?: number;
  seed?: number;
  threads?: number;
  /** scenario | uniform | greedy | oracle */
  policy?: string;
  /** Compute the oracle and "% of oracle" (costs about 30 extra short runs plus one per world). Default true. */
  oracle?: boolean;
  /** Over-sample segments with a sampleShare and weight ground truth back. Default false. */
  importanceSampling?: boolean;
  onProgress?: (p: { phase: "oracle" | "worlds"; done: number; total: number }) => void;
}

/** Monte Carlo of a scenario under a policy: N independent worlds, means and 95% intervals. */
export async function runLabWithScenario(options: RunLabOptions): Promise<LabSummary> {
  const scenario = options.scenario;
  const days = options.days ?? 30;
  const users = options.users ?? scenario.population.users;
  const worlds = options.worlds ?? 100;
  const seed = options.seed ?? 1;
  const policy = options.policy ?? "scenario";
  const cw = compileScenario(scenario, { users });
  let oracleBudgets: number[] | null = null;
  if (options.oracle ?? true) {
    options.onProgress?.({ phase: "oracle", done: 0, total: 1 });
    // Curves are measured on a smaller, shorter world with the same spend per user.
    const probe = compileScenario(scenario, { users: Math.min(users, 3000) });
    const oracle = computeOracle(probe, { seed: seed ^ 0x0bad5eed, days: Math.min(days, 14) });
    oracleBudgets = Array.from(oracle.budgets, (b) => (b * users) / probe.users);
    options.onProgress?.({ phase: "oracle", done: 1, total: 1 });
  }
  const jobs: WorldJob[] = Array.from({ length: worlds }, (_, index) => ({
    index,
    scenario,
    users,
    days,
    seed,
    policy,
    importanceSampling: options.importanceSampling ?? false,
    oracleBudgets,
  }));
  const results = await runJobs(jobs, options.threads ?? 1, (p) =>
    options.onProgress?.({ phase: "worlds", ...p }),
  );
  return summarize(
    results,
    { scenario: scenario.name, policy, users, days, seed, currency: scenario.currency },
    cw.minorPerMajor,
  );
}
