import type { Rng } from "../../models/random/index.js";

/**
 * The reference's optional ±fraction budget fuzz (SafeExecutor, ±3 %). Off by default. Applied to the
 * requested value BEFORE any cap is evaluated, so the caps always have the last word (the reference
 * fuzzed after its velocity check and could push a change past the cap).
 */
export function fuzzBudget(requestedMinor: number, fraction: number, rng: Rng): number {
  const factor = 1 + fraction * (2 * rng.nextFloat() - 1);
  return Math.max(0, Math.round(requestedMinor * factor));
}
