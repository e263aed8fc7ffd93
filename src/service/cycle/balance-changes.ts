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

/**
 * Holds the moves that are noise without unbalancing the plan. A move no larger than its arm's
 * `deadband` is noise on its own; the others are signal. Signal raises and cuts go ahead; of the noise
 * moves, only the side that funds the signal is kept (noise cuts pay for signal raises, noise raises
 * take what signal cuts free), scaled down to what is needed; the other side is held at the current
 * budget. So the total moves as the plan wants, and nothing moves when only noise would.
 */
export function holdNoiseMoves(
  moves: readonly BudgetMove[],
  deadband: (move: BudgetMove) => number,
): BudgetMove[] {
  const delta = (m: BudgetMove) => m.targetMinor - m.currentMinor;
  const noise = moves.map((m) => Math.abs(delta(m)) <= deadband(m));
  let signalNet = 0;
  let noiseUp = 0;
  let noiseDown = 0;
  moves.forEach((m, i) => {
    const d = delta(m);
    if (!noise[i]) signalNet += d;
    else if (d > 0) noiseUp += d;
    else noiseDown -= d;
  });
  const planNet = signalNet + noiseUp - noiseDown;
  // what the noise moves must add for the total to move as the plan's does
  const needed = planNet - signalNet;
  const upScale = needed > 0 && noiseUp > 0 ? Math.min(1, needed / noiseUp) : 0;
  const downScale = needed < 0 && noiseDown > 0 ? Math.min(1, -needed / noiseDown) : 0;
  return moves.map((m, i) => {
    if (!noise[i]) return { ...m };
    const d = delta(m);
    const scaled = d > 0 ? d * upScale : d * downScale;
    const step = scaled > 0 ? Math.floor(scaled) : -Math.floor(-scaled);
    return { armId: m.armId, currentMinor: m.currentMinor, targetMinor: m.currentMinor + step };
  });
}
