export interface BudgetMove {
  armId: string;
  currentMinor: number;
  targetMinor: number;
}

/**
 * Turns target budgets into steps the guardrails will let through without shrinking the account's
 * total: each step is capped at `maxStep` × its current budget (the per-change cap), then the larger
 * side (the increases or the decreases) is scaled down so the total moves only as far as the targets
 * ask. Without this, cuts pass in full while raises are clipped, and the account quietly underspends.
 * A new arm at 0 may grow to `floorMinor` per step.
 */
export function balanceBudgetSteps(
  moves: readonly BudgetMove[],
  maxStep: number,
  floorMinor: number,
): BudgetMove[] {
  const capped = moves.map((m) => {
    const room = Math.max(m.currentMinor * maxStep, floorMinor);
    const delta = Math.max(-room, Math.min(room, m.targetMinor - m.currentMinor));
    return { ...m, delta };
  });
  const wanted = moves.reduce((sum, m) => sum + m.targetMinor - m.currentMinor, 0);
  const up = capped.reduce((sum, m) => sum + Math.max(0, m.delta), 0);
  const down = capped.reduce((sum, m) => sum + Math.max(0, -m.delta), 0);
  const net = Math.max(-down, Math.min(up, wanted));
  // Keep the side that fits and shrink the other so that up' - down' = net.
  const upScale = up > 0 && up - down > net ? Math.max(0, (down + net) / up) : 1;
  const downScale = down > 0 && up - down < net ? Math.max(0, (up - net) / down) : 1;
  return capped.map((m) => {
    const scaled = m.delta > 0 ? m.delta * upScale : m.delta * downScale;
    // Whole minor units, rounded toward no change: a step never exceeds its cap.
    const step = scaled > 0 ? Math.floor(scaled) : -Math.floor(-scaled);
    return { armId: m.armId, currentMinor: m.currentMinor, targetMinor: m.currentMinor + step };
  });
}
