import type { Governance } from "../../governance/index.js";
import type { LabRunParams } from "./lab/params.js";
import type { MmmFitParams } from "./mmm/params.js";

/**
 * What the optimization-data routes need beyond ApiDeps. The job starters hand a recorded job to a
 * queue (pg-boss workers call `executeLabRun` / `executeMmmFit` with the id); without them the job
 * runs in this process, in the background, recording its status and progress in the store.
 */
export interface FeatureDeps {
  governance: Governance;
  /** Queue a lab run already recorded as `queued` in lab_runs (row `runId`). */
  startLabRun?: (workspaceId: string, params: LabRunParams & { runId: number }) => void | Promise<void>;
  /** Queue an MMM fit already recorded as `queued` in mmm_fits (row `fitId`). */
  startMmmFit?: (
    workspaceId: string,
    params: MmmFitParams & { fitId: number; accountId: string },
  ) => void | Promise<void>;
}
