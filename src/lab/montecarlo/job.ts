import { fixedPolicy, greedyPolicy, type LabPolicy, scenarioPolicy, uniformPolicy } from "../policy.js";
import { deriveSeed } from "../rng.js";
import { runWorld, type WorldResult } from "../run-world.js";
import type { Scenario } from "../scenario/schema.js";
import { thompsonPolicy } from "../thompson-policy.js";
import { type CompiledWorld, compileScenario } from "../world/compile.js";

/** Everything one world needs; plain data so it can be posted to a worker thread. */
export interface WorldJob {
  index: number;
  scenario: Scenario;
  users: number;
  days: number;
  /** Base seed: world i runs on deriveSeed(seed, i), whatever thread runs it. */
  seed: number;
  policy: string;
  importanceSampling: boolean;
  /** Oracle budgets per ad group (milli-minor); when present the oracle runs on the same seed too. */
  oracleBudgets: number[] | null;
}

export interface WorldJobResult {
  index: number;
  result: WorldResult;
  oracle: WorldResult | null;
}

export function policyByName(
  name: string,
  cw: CompiledWorld,
  oracleBudgets: number[] | null,
  seed = 1,
): LabPolicy {
  switch (name) {
    case "scenario":
      return scenarioPolicy;
    case "uniform":
      return uniformPolicy(cw);
    case "greedy":
      return greedyPolicy(cw);
    case "thompson":
      return thompsonPolicy(cw, seed);
    case "oracle":
      if (!oracleBudgets) throw new Error("policy oracle needs the oracle allocation");
      return fixedPolicy("oracle", Float64Array.from(oracleBudgets));
    default:
      throw new Error(`unknown policy "${name}"; allowed: scenario, uniform, greedy, thompson, oracle`);
  }
}

const compiled = new WeakMap<Scenario, Map<string, CompiledWorld>>();

export function runWorldJob(job: WorldJob): WorldJobResult {
  let byUsers = compiled.get(job.scenario);
  if (!byUsers) {
    byUsers = new Map();
    compiled.set(job.scenario, byUsers);
  }
  const key = `${job.users}/${job.importanceSampling}`;
  let cw = byUsers.get(key);
  if (!cw) {
    cw = compileScenario(job.scenario, { users: job.users, importanceSampling: job.importanceSampling });
    byUsers.set(key, cw);
  }
  const seed = deriveSeed(job.seed, job.index);
  const result = runWorld(cw, seed, job.days, policyByName(job.policy, cw, job.oracleBudgets, seed));
  const oracle = job.oracleBudgets
    ? runWorld(cw, seed, job.days, fixedPolicy("oracle", Float64Array.from(job.oracleBudgets)))
    : null;
  return { index: job.index, result, oracle };
}
