import { runLab } from "../../../connectors/sandbox/index.js";
import type { EventBus } from "../../../service/event-bus.js";
import type { Store } from "../../../store/index.js";
import type { LabRunParams } from "./params.js";

export interface LabJobDeps {
  store: Store;
  events: EventBus;
  clock: () => Date;
}

/** Share of the progress bar the oracle takes when it is computed first. */
const ORACLE_SHARE = 0.1;

/** Records a queued lab run and returns its id. */
export async function recordLabRun(
  deps: LabJobDeps,
  workspaceId: string,
  params: LabRunParams,
): Promise<number> {
  const [row] = await deps.store.query<{ id: number }>(
    `INSERT INTO lab_runs (workspace_id, scenario, params, status, progress, created_at)
     VALUES ($1, $2, $3, 'queued', 0, $4) RETURNING id`,
    [workspaceId, params.scenario, JSON.stringify(params), deps.clock()],
  );
  return Number(row.id);
}

/**
 * Runs a recorded lab run: status running -> progress as worlds finish (saved and published as
 * `lab.progress` at most every 2 %) -> completed with the LabSummary, or failed with the error. Worlds
 * run on two worker threads; the oracle is computed first, in the calling thread. Never throws.
 */
export async function executeLabRun(deps: LabJobDeps, runId: number): Promise<void> {
  const [run] = await deps.store.query<{ workspaceId: string; params: LabRunParams }>(
    `SELECT workspace_id AS "workspaceId", params FROM lab_runs WHERE id = $1`,
    [runId],
  );
  if (!run) throw new Error(`lab run ${runId} does not exist`);
  const publish = (data: Record<string, unknown>) =>
    deps.events.publish({
      type: "lab.progress",
      workspaceId: run.workspaceId,
      accountId: null,
      at: deps.clock().toISOString(),
      data: { runId, ...data },
    });
  let saved = 0;
  let writes: Promise<unknown> = Promise.resolve();
  const update = (sql: string, values: unknown[]) => {
    writes = writes.then(() => deps.store.query(sql, [runId, ...values]));
    return writes;
  };
  try {
    await update("UPDATE lab_runs SET status = 'running', progress = 0 WHERE id = $1", []);
    publish({ status: "running", progress: 0 });
    const p = run.params;
    const summary = await runLab({
      scenario: p.scenario,
      days: p.days,
      worlds: p.worlds,
      users: p.users,
      seed: p.seed,
      policy: p.policy,
      threads: 2,
      onProgress: ({ phase, done, total }) => {
        const progress =
          phase === "oracle"
            ? (ORACLE_SHARE * done) / total
            : ORACLE_SHARE + ((1 - ORACLE_SHARE) * done) / total;
        if (progress - saved < 0.02 || progress >= 1) return;
        saved = progress;
        void update("UPDATE lab_runs SET progress = $2 WHERE id = $1", [progress]);
        publish({ status: "running", progress, phase, done, total });
      },
    });
    await writes;
    await update(
      "UPDATE lab_runs SET status = 'completed', progress = 1, result = $2, finished_at = $3 WHERE id = $1",
      [JSON.stringify(summary), deps.clock()],
    );
    publish({ status: "completed", progress: 1, pctOfOracle: summary.pctOfOracle?.mean ?? null });
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    await writes.catch(() => {});
    await deps.store.query(
      "UPDATE lab_runs SET status = 'failed', error = $2, finished_at = $3 WHERE id = $1",
      [runId, message.slice(0, 2000), deps.clock()],
    );
    publish({ status: "failed", error: message });
  }
}
