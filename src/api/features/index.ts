import type { RouteModule } from "../deps.js";
import { crmRoutes } from "./crm.js";
import type { FeatureDeps } from "./deps.js";
import { labRoutes } from "./lab/routes.js";
import { mmmRoutes } from "./mmm/routes.js";
import { modeRoutes } from "./mode.js";
import { allocationRoutes } from "./optimization/allocation.js";
import { armRoutes } from "./optimization/arms.js";
import { decisionRoutes } from "./optimization/decisions.js";
import { overrideRoutes } from "./overrides.js";
import { proposalRoutes } from "./proposals/routes.js";
import { serviceAccountRoutes } from "./service-accounts.js";

export type { FeatureDeps } from "./deps.js";
export { executeLabRun, recordLabRun } from "./lab/job.js";
export type { LabRunParams } from "./lab/params.js";
export { executeMmmFit, recordMmmFit } from "./mmm/fit-job.js";
export type { MmmFitParams } from "./mmm/params.js";

/**
 * The optimization-data routes (allocations, arms, decisions, cycles, proposals, overrides, mode, MMM,
 * lab, service accounts, CRM deal links), to pass as `buildApiServer({ ..., routes: featureRoutes(features) })`.
 */
export function featureRoutes(features: FeatureDeps): RouteModule[] {
  return [
    allocationRoutes,
    armRoutes,
    decisionRoutes,
    proposalRoutes(features),
    overrideRoutes(features),
    modeRoutes(features),
    mmmRoutes(features),
    labRoutes(features),
    serviceAccountRoutes,
    crmRoutes,
  ];
}
