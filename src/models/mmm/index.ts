/** Bayesian marketing-mix model: public API. See README.md in this folder. */
export { DEFAULT_PRIORS, MmmInputError, mmmInputFromRows, prepareModel, type RowColumns } from "./data.js";
export { ebfmi, essBulk, essTail, rhat } from "./diagnostics.js";
export {
  type ChainStats,
  fitMmm,
  type MmmDiagnostics,
  type MmmFitResult,
  type ParameterSummary,
} from "./fit.js";
export { type MmmJson, responseModelFromJson, toMmmJson } from "./json.js";
export { MmmModel } from "./model.js";
export { runNuts } from "./nuts-chain.js";
export {
  type BudgetOptimizationResult,
  type ChannelAllocation,
  type OptimizeBudgetOptions,
  optimizeBudget,
} from "./optimizer.js";
export type { Prior } from "./priors.js";
export type { MmmResponseModel, ResponseChannel } from "./response.js";
export { MmmRng } from "./rng.js";
export type { ChannelSummary, FitMetrics, PosteriorSummary } from "./summary.js";
export type {
  ChainProgress,
  Interval,
  LiftTest,
  MmmFitOptions,
  MmmInput,
  MmmModelOptions,
  MmmPriorOverrides,
  MmmSamplerOptions,
} from "./types.js";
