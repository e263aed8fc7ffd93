/**
 * Synthetic revenue (seed 003): value a CRM pipeline before deals close, so a service business
 * with a 5–30 day sales cycle can judge an ad on the deals it has started rather than waiting for
 * closed revenue.
 *
 *   value(deal) = P(close | stage) × deal value × time decay,   pipeline ROAS = Σ value / spend
 *
 * Stage probabilities and the average order value are per-account configuration (never a
 * hard-coded revenue per conversion). A won deal counts its actual value when the CRM knows it.
 * Time decay: a deal that has sat in an open stage longer than the expected sales cycle is worth
 * less, halving every `staleHalfLifeDays` past the cycle (our choice; the reference had none).
 * Money is in integer minor units.
 */

export interface PipelineStage {
  readonly name: string;
  /** Probability that a deal in this stage eventually closes, in [0, 1]. */
  readonly closeProbability: number;
  /** Confidence in the stage value, in [0, 1] (1 for closed stages). */
  readonly confidence: number;
  readonly closed?: "won" | "lost";
}

export interface PipelineConfig {
  readonly currency: string;
  readonly averageOrderValueMinor: number;
  readonly stages: readonly PipelineStage[];
  /** Expected days from lead to close. */
  readonly cycleDays: number;
  readonly staleHalfLifeDays: number;
}

/**
 * The reference's service-business pipeline (seed 003, GEMINIVIDEO `synthetic_revenue`): lead 0;
 * appointment scheduled 15% show × 60% close; show-up 60% close; closed won 100%; closed lost 0;
 * 6-day cycle. The average order value is the account's, passed in.
 */
export function servicePipeline(currency: string, averageOrderValueMinor: number): PipelineConfig {
  return validatePipeline({
    currency,
    averageOrderValueMinor,
    cycleDays: 6,
    staleHalfLifeDays: 6,
    stages: [
      { name: "lead", closeProbability: 0, confidence: 0.1 },
      { name: "appointment_scheduled", closeProbability: 0.15 * 0.6, confidence: 0.6 },
      { name: "show_up", closeProbability: 0.6, confidence: 0.85 },
      { name: "closed_won", closeProbability: 1, confidence: 1, closed: "won" },
      { name: "closed_lost", closeProbability: 0, confidence: 1, closed: "lost" },
    ],
  });
}

export function validatePipeline(config: PipelineConfig): PipelineConfig {
  if (!Number.isSafeInteger(config.averageOrderValueMinor) || config.averageOrderValueMinor < 0) {
    throw new Error(
      `averageOrderValueMinor must be a non-negative integer, got ${config.averageOrderValueMinor}`,
    );
  }
  if (!(config.cycleDays > 0) || !(config.staleHalfLifeDays > 0)) {
    throw new Error("cycleDays and staleHalfLifeDays must be > 0");
  }
  const names = new Set<string>();
  for (const s of config.stages) {
    if (names.has(s.name)) throw new Error(`pipeline stage "${s.name}" appears twice`);
    names.add(s.name);
    if (!(s.closeProbability >= 0 && s.closeProbability <= 1)) {
      throw new Error(`stage "${s.name}": closeProbability must be in [0, 1], got ${s.closeProbability}`);
    }
    if (!(s.confidence >= 0 && s.confidence <= 1)) {
      throw new Error(`stage "${s.name}": confidence must be in [0, 1], got ${s.confidence}`);
    }
  }
  return config;
}

/** A CRM event: a deal, attributed to an arm, entered a stage at a time. */
export interface CrmEvent {
  readonly dealId: string;
  readonly armId: string;
  readonly stage: string;
  /** Epoch milliseconds. */
  readonly at: number;
  /** Actual deal value in minor units, when known (used for won deals). */
  readonly dealValueMinor?: number;
}

export interface ArmPipelineValue {
  readonly armId: string;
  readonly valueMinor: number;
  /** Value-weighted confidence Σ(value·confidence)/Σ value (0 when there is no value). */
  readonly confidence: number;
  readonly openDeals: number;
  readonly wonDeals: number;
  readonly lostDeals: number;
  /** Events whose stage is not configured: counted at 0 with confidence 0. */
  readonly unknownStages: number;
}

const DAY_MS = 86_400_000;

/** Synthetic pipeline value per arm at time `now` from each deal's latest stage. */
export function pipelineValue(
  events: readonly CrmEvent[],
  config: PipelineConfig,
  now: number,
): ArmPipelineValue[] {
  const stages = new Map(config.stages.map((s) => [s.name, s]));
  const latest = new Map<string, CrmEvent & { firstAt: number }>();
  for (const e of events) {
    if (!Number.isFinite(e.at)) throw new Error(`CRM event for deal "${e.dealId}" has no valid time`);
    const prev = latest.get(e.dealId);
    if (!prev || e.at >= prev.at)
      latest.set(e.dealId, { ...e, firstAt: prev ? Math.min(prev.firstAt, e.at) : e.at });
    else prev.firstAt = Math.min(prev.firstAt, e.at);
  }
  const byArm = new Map<
    string,
    { value: number; weighted: number; open: number; won: number; lost: number; unknown: number }
  >();
  for (const deal of latest.values()) {
    const acc = byArm.get(deal.armId) ?? { value: 0, weighted: 0, open: 0, won: 0, lost: 0, unknown: 0 };
    byArm.set(deal.armId, acc);
    const stage = stages.get(deal.stage);
    if (!stage) {
      acc.unknown++;
      continue;
    }
    let value: number;
    if (stage.closed === "won") {
      acc.won++;
      value = deal.dealValueMinor ?? config.averageOrderValueMinor;
    } else if (stage.closed === "lost") {
      acc.lost++;
      value = 0;
    } else {
      acc.open++;
      const ageDays = Math.max(0, (now - deal.firstAt) / DAY_MS);
      const stale = Math.max(0, ageDays - config.cycleDays);
      value =
        stage.closeProbability * config.averageOrderValueMinor * 0.5 ** (stale / config.staleHalfLifeDays);
    }
    acc.value += value;
    acc.weighted += value * stage.confidence;
  }
  return [...byArm.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([armId, a]) => ({
      armId,
      valueMinor: Math.round(a.value),
      confidence: a.value > 0 ? a.weighted / a.value : 0,
      openDeals: a.open,
      wonDeals: a.won,
      lostDeals: a.lost,
      unknownStages: a.unknown,
    }));
}

/** Pipeline ROAS = synthetic value / spend (both in minor units of the same currency). */
export function pipelineRoas(valueMinor: number, spendMinor: number): number {
  return spendMinor > 0 ? valueMinor / spendMinor : 0;
}
