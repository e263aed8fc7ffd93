import { computeOracle } from "../../lab/oracle.js";
import { applyBudgets } from "../../lab/policy.js";
import type { SandboxWorld } from "../../lab/sandbox-world.js";
import { truthTotals } from "../../lab/world/summary.js";
import { World } from "../../lab/world/world.js";

/**
 * "% of oracle" for the demo: a twin of the demo's world (same scenario, users and seed) runs the
 * oracle's fixed allocation in lockstep; the demo's true incremental conversions are compared with the
 * twin's over the same simulated days. Only a simulator can know this number.
 */
export class OracleTracker {
  private readonly twin: World;

  constructor(
    private readonly current: () => SandboxWorld,
    seed: number,
    oracleDays = 14,
  ) {
    const cw = current().world.cw;
    const oracle = computeOracle(cw, { seed, days: oracleDays });
    this.twin = new World(cw, seed);
    applyBudgets(this.twin, oracle.budgets);
  }

  /** Steps the twin to the demo world's clock. */
  catchUp(): void {
    while (this.twin.now < this.current().world.now) this.twin.stepHour();
  }

  /** Demo's true incremental conversions as a percentage of the oracle twin's, over the last `days` days. */
  percentOfOracle(days = 7): number | null {
    this.catchUp();
    const to = Math.min(this.current().world.stats.days, this.twin.stats.days);
    const from = Math.max(0, to - days);
    if (to <= from) return null;
    const ours = truthTotals(this.current().world, from, to).incrementalConversions;
    const best = truthTotals(this.twin, from, to).incrementalConversions;
    return best > 0 ? (100 * ours) / best : null;
  }
}
