import type { LabSummary } from "../../lab/montecarlo/aggregate.js";
import { runLabWithScenario } from "../../lab/run-lab.js";
import type { Scenario } from "../../lab/scenario/schema.js";
import { loadScenario } from "./scenario-files.js";

export interface RunLabOptions {
  /** Shipped scenario name, path to a YAML/JSON file, or a parsed scenario. */
  scenario: string | Scenario;
  days?: number;
  users?: number;
  worlds?: number;
  seed?: number;
  threads?: number;
  policy?: string;
  oracle?: boolean;
  importanceSampling?: boolean;
  onProgress?: (p: { phase: "oracle" | "worlds"; done: number; total: number }) => void;
}

/** `adpilot lab run`: Monte Carlo of a scenario under a policy, summarised with means and 95% intervals. */
export function runLab(options: RunLabOptions): Promise<LabSummary> {
  const scenario = typeof options.scenario === "string" ? loadScenario(options.scenario) : options.scenario;
  return runLabWithScenario({ ...options, scenario });
}
