import { featureRoutes } from "../../api/features/index.js";
import type { RouteModule } from "../../api/index.js";
import { createGovernance } from "../../governance/index.js";
import { createRng } from "../../models/random/index.js";
import type { Store } from "../../store/index.js";
import type { DemoHandle } from "./run-demo.js";

/** The feature routes mounted in the demo; governance runs on the demo's simulated clock. */
export function demoRoutes(store: Store, handle: DemoHandle): RouteModule[] {
  const governance = createGovernance({ store, clock: handle.clock, rng: createRng(7) });
  return [...featureRoutes({ governance })];
}
