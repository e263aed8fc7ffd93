import type { RouteModule } from "../../api/index.js";
import type { Store } from "../../store/index.js";
import type { DemoHandle } from "./run-demo.js";

/** Feature route modules mounted in the demo (filled in as features land). */
export function demoRoutes(_store: Store, _handle: DemoHandle): RouteModule[] {
  return [];
}
