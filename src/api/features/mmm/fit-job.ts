import { fitMmm, optimizeBudget, toMmmJson } from "../../../models/mmm/index.js";
import type { EventBus } from "../../../service/event-bus.js";
import type { Store } from "../../../store/index.js";
import type { MmmFitParams } from "./params.js";
import { weeklyChannelData } from "./weekly-data.js";

export type FitStatus = "queued" | "running" | "completed" | "failed";

/** What an mmm_fits row's `result` holds; `recommendedShares` is what the service's cycle reads. */
export interface StoredFitResult {
  status: FitStatus;
  progress: number;
  params: MmmFitParams;
  error: string | null;
  /** toMmmJson of the fit, when completed. */
  fit?: ReturnType<typeof toMmmJson>;
  /** channel -> share of budget from the optimizer; present when completed. */
  recommendedShares?: Record<string, number>;
  currentShares?: Record<string, number>;
  currentWeeklySpend?: Record<string, number>;
  recommendedWeeklySpend?: Record<string, number>;
  optimizerMessages?: string[];
}

export interface JobDeps {
  store: Store;
  events: EventBus;
  clock: () => Date;
}

/** The optimizer may move each channel at most this far from its current weekly spend per refit. */
const STEP_BOUND = 0.5;

async function save(
  store: Store,
  fitId: number,
  result: StoredFitResult,
  converged = false,
  fittedAt: Date | null = null,
): Promise<void> {
  await store.query(
    "UPDATE mmm_fits SET result = $2, converged = $3, fitted_at = coalesce($4, fitted_at) WHERE id = $1",
    [fitId, JSON.stringify(result), converged, fittedAt],
  );
}

/** Records a queued fit (the route has checked the data) and returns its id. */
export async function recordMmmFit(
  deps: JobDeps,
  input: { accountId: string; params: MmmFitParams; from: string; to: string },
): Promise<number> {
  const result: StoredFitResult = { status: "queued", progress: 0, params: input.params, error: null };
  const [row] = await deps.store.query<{ id: number }>(
    `INSERT INTO mmm_fits (account_id, fitted_at, data_from, data_to, mode, result, converged)
     VALUES ($1, $2, $3, $4, $5, $6, false) RETURNING id`,
    [input.accountId, deps.clock(), input.from, input.to, input.params.mode, JSON.stringify(result)],
  );
  return Number(row.id);
}

/**
 * Runs a recorded fit: weekly data -> fitMmm (NUTS or Laplace) -> optimizeBudget over next week's
 * budget (each channel within +-50 % of its current spend) -> stores the JSON, the recommended shares
 * and `converged` (NUTS with clean diagnostics only: a Laplace preview never steers the service) and
 * publishes `mmm.fitted`. A failure is recorded in the row, never thrown.
 */
export async function executeMmmFit(deps: JobDeps, fitId: number): Promise<void> {
  const [row] = await deps.store.query<{
    accountId: string;
    workspaceId: string;
    currency: string;
    dataFrom: string;
    dataTo: string;
    result: StoredFitResult;
  }>(
    `SELECT f.account_id AS "accountId", a.workspace_id AS "workspaceId", a.currency, f.data_from::text AS "dataFrom",
            f.data_to::text AS "dataTo", f.result
       FROM mmm_fits f JOIN ad_accounts a ON a.id = f.account_id WHERE f.id = $1`,
    [fitId],
  );
  if (!row) throw new Error(`MMM fit ${fitId} does not exist`);
  const params = row.result.params;
  const state: StoredFitResult = { status: "running", progress: 0, params, error: null };
  const publish = (data: Record<string, unknown>) =>
    deps.events.publish({
      type: "mmm.fitted",
      workspaceId: row.workspaceId,
      accountId: row.accountId,
      at: deps.clock().toISOString(),
      data: { fitId, ...data },
    });
  try {
    await save(deps.store, fitId, state);
    const data = await weeklyChannelData(deps.store, {
      accountId: row.accountId,
      currency: row.currency,
      target: params.target,
      from: row.dataFrom,
      to: row.dataTo,
    });
    const perChain = new Map<number, number>();
    let saved = 0;
    let pending: Promise<void> = Promise.resolve();
    const fit = await fitMmm(data.input, {
      method: params.mode,
      chains: params.chains,
      draws: params.draws,
      tune: params.tune,
      seed: params.seed,
      summaryDraws: Math.min(500, params.chains * params.draws),
      onProgress: (p) => {
        perChain.set(p.chain, p.total > 0 ? p.iteration / p.total : 0);
        const progress = [...perChain.values()].reduce((a, b) => a + b, 0) / params.chains;
        if (progress - saved >= 0.05) {
          saved = progress;
          state.progress = Math.min(0.99, progress);
          pending = pending.then(() => save(deps.store, fitId, { ...state }));
        }
      },
    });
    await pending;
    const json = toMmmJson(fit);
    const current = data.currentWeeklySpend;
    const budget = Object.values(current).reduce((a, b) => a + b, 0);
    const plan = optimizeBudget(fit.responseModel, {
      budget,
      periods: 1,
      current,
      bounds: Object.fromEntries(
        Object.entries(current).map(([c, s]) => [
          c,
          { min: s * (1 - STEP_BOUND), max: s * (1 + STEP_BOUND) },
        ]),
      ),
    });
    const total = plan.allocation.reduce((sum, a) => sum + a.spend, 0);
    const shares = (spend: Record<string, number>, sum: number) =>
      Object.fromEntries(Object.entries(spend).map(([c, s]) => [c, sum > 0 ? s / sum : 0]));
    const recommendedWeeklySpend = Object.fromEntries(plan.allocation.map((a) => [a.channel, a.spend]));
    const converged = params.mode === "nuts" && json.diagnostics.ok;
    await save(
      deps.store,
      fitId,
      {
        status: "completed",
        progress: 1,
        params,
        error: null,
        fit: json,
        recommendedShares: shares(recommendedWeeklySpend, total),
        currentShares: shares(current, budget),
        currentWeeklySpend: current,
        recommendedWeeklySpend,
        optimizerMessages: plan.messages,
      },
      converged,
      deps.clock(),
    );
    publish({ status: "completed", converged });
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    await save(deps.store, fitId, { ...state, status: "failed", error: message });
    publish({ status: "failed", error: message });
  }
}
