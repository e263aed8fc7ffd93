import type { FaultKind, FaultSpec } from "./scenario/schema.js";

export type { FaultKind, FaultSpec };

/**
 * Fault injection switches for the sandbox platform. Faults come from the scenario (each with an
 * optional [from, to] window of local dates) and can be switched at run time; a run-time switch
 * overrides the scenario for that kind until cleared. Pure: the connector asks `active(kind, date)`.
 *
 *  errors        calls fail with a transient error (rate = share of calls)
 *  rate_limit    calls fail with rate_limit and retryAfterMs
 *  latency       calls take latencyMs longer
 *  missing_days  performance rows for dates in the window are absent
 *  partial_data  a share of rows is dropped and the rest under-count clicks and conversions
 *  wrong_ids     a share of rows carries ids that match no entity
 *  stuck_pacing  delivery freezes at a low throttle rate (under-delivery), whatever the budget
 */
export class FaultPlan {
  private readonly runtime = new Map<FaultKind, FaultSpec | null>();

  constructor(private readonly scheduled: readonly FaultSpec[] = []) {}

  /** Switch a fault on (spec) or off (null) at run time, overriding the scenario for this kind. */
  set(kind: FaultKind, spec: Omit<Partial<FaultSpec>, "kind"> | null): void {
    this.runtime.set(kind, spec === null ? null : { kind, rate: 1, latencyMs: 0, ...spec });
  }

  /** Back to the scenario's schedule for this kind. */
  clear(kind: FaultKind): void {
    this.runtime.delete(kind);
  }

  active(kind: FaultKind, date: string): FaultSpec | null {
    if (this.runtime.has(kind)) {
      const spec = this.runtime.get(kind)!;
      return spec && inWindow(spec, date) ? spec : null;
    }
    for (const spec of this.scheduled) if (spec.kind === kind && inWindow(spec, date)) return spec;
    return null;
  }

  toJSON(): { kind: FaultKind; spec: FaultSpec | null }[] {
    return [...this.runtime.entries()].map(([kind, spec]) => ({ kind, spec }));
  }

  static fromJSON(
    scheduled: readonly FaultSpec[],
    runtime: { kind: FaultKind; spec: FaultSpec | null }[],
  ): FaultPlan {
    const plan = new FaultPlan(scheduled);
    for (const { kind, spec } of runtime) plan.runtime.set(kind, spec);
    return plan;
  }
}

function inWindow(spec: FaultSpec, date: string): boolean {
  return (spec.from === undefined || date >= spec.from) && (spec.to === undefined || date <= spec.to);
}
