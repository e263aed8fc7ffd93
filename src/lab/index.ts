// Public API of the simulation lab (pure: no file or network I/O; worker threads for Monte Carlo).
// Scenario files are loaded by src/connectors/sandbox (listScenarios, loadScenario, runLab by name).
export {
  type ArmSpec,
  analyseExperiment,
  assignArms,
  type ExperimentResult,
  type SplitOptions,
} from "./evaluation/experiments.js";
export {
  type DailyRow,
  FIDELITY_GATES,
  type FidelityReport,
  fidelity,
  ksCritical,
  ksStatistic,
  mape,
} from "./evaluation/fidelity.js";
export { type DifferenceTest, meanDifferenceTest, normalCdf, twoProportionTest } from "./evaluation/stats.js";
export { type FaultKind, FaultPlan, type FaultSpec } from "./faults.js";
export { type Estimate, estimate, type LabSummary, summarize } from "./montecarlo/aggregate.js";
export { formatSummaryTable, perWorldCsv } from "./montecarlo/format.js";
export { type MonteCarloProgress, runJobs } from "./montecarlo/runner.js";
export { computeOracle, type OracleResult } from "./oracle.js";
export {
  BUILTIN_POLICIES,
  fixedPolicy,
  greedyPolicy,
  type LabPolicy,
  scenarioPolicy,
  uniformPolicy,
} from "./policy.js";
export { deriveSeed, LabRng } from "./rng.js";
export { type RunLabOptions, runLabWithScenario } from "./run-lab.js";
export { runWorld, type WorldResult } from "./run-world.js";
export { SandboxWorld, STUCK_PACING_RATE } from "./sandbox-world.js";
export { parseScenarioText, ScenarioError, validateScenario } from "./scenario/parse.js";
export { type Scenario, type ScenarioInput, scenarioSchema } from "./scenario/schema.js";
export { type CompiledWorld, compileScenario } from "./world/compile.js";
export { restoreWorld, snapshotWorld } from "./world/snapshot.js";
export {
  competitorDays,
  dailyRows,
  groupDays,
  platformTotals,
  truthByAd,
  truthByChannel,
  truthTotals,
} from "./world/summary.js";
export { World } from "./world/world.js";
