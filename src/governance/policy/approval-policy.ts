import type { AccountConfig, Mode } from "../../domain/account-config.js";

/** What a proposal changes. Creative and targeting changes always need a human. */
export type ProposalKind = "daily_budget" | "bid" | "status" | "creative" | "targeting";

export interface ProposalChangeShape {
  kind: ProposalKind;
  entityId: string;
  /** Numeric before/after for budgets and bids (minor units); status strings for status changes. */
  before: number | string | null;
  after: number | string | null;
}

export interface ApprovalRequirement {
  required: boolean;
  reasons: string[];
}

/** Relative increase of a numeric change (Infinity from zero), or 0 for anything that is not an increase. */
export function relativeIncrease(change: ProposalChangeShape): number {
  if (typeof change.before !== "number" || typeof change.after !== "number") return 0;
  if (change.after <= change.before) return 0;
  return change.before === 0 ? Infinity : (change.after - change.before) / change.before;
}

/**
 * Which proposals need human approval, in every mode (002 HITL): budget and bid increases above
 * guardrails.autoApproveIncreaseLimit (default 0: every increase), enabling a paused entity (a spend
 * increase), and any creative or targeting change. Everything else (decreases, pauses) may auto-apply
 * in canary and live. In shadow nothing is ever applied, approved or not.
 */
export function approvalRequirement(change: ProposalChangeShape, config: AccountConfig): ApprovalRequirement {
  const reasons: string[] = [];
  if (change.kind === "creative" || change.kind === "targeting") {
    reasons.push(`${change.kind} changes always need approval`);
  }
  const increase = relativeIncrease(change);
  const limit = config.guardrails.autoApproveIncreaseLimit;
  if (increase > limit) {
    const pct = Number.isFinite(increase) ? `${(increase * 100).toFixed(1)}%` : "from zero";
    reasons.push(
      `a ${change.kind === "bid" ? "bid" : "budget"} increase of ${pct} is above the auto-approve limit of ${limit * 100}% (guardrails.autoApproveIncreaseLimit)`,
    );
  }
  if (change.kind === "status" && change.before !== "active" && change.after === "active") {
    reasons.push("enabling an entity increases spend and needs approval");
  }
  return { required: reasons.length > 0, reasons };
}

/** Does the mode let the executor write to the platform at all? */
export function modeAllowsApply(mode: Mode): boolean {
  return mode === "canary" || mode === "live";
}

export interface CanaryAdmission<T> {
  admitted: T[];
  held: { item: T; reason: string }[];
}

/**
 * Canary mode: at most guardrails.canaryMaxEntitiesPerCycle distinct entities per cycle (default 1, the
 * AELP2 canary). Items are taken in the given order (the planner sorts by priority); every item for an
 * admitted entity is admitted. Live and shadow admit everything (shadow never applies anyway).
 */
export function admitCanary<T extends { entityId: string }>(
  items: readonly T[],
  mode: Mode,
  config: AccountConfig,
  entitiesAlreadyChangedThisCycle: ReadonlySet<string> = new Set(),
): CanaryAdmission<T> {
  if (mode !== "canary") return { admitted: [...items], held: [] };
  const max = config.guardrails.canaryMaxEntitiesPerCycle;
  const entities = new Set(entitiesAlreadyChangedThisCycle);
  const admitted: T[] = [];
  const held: { item: T; reason: string }[] = [];
  for (const item of items) {
    if (entities.has(item.entityId) || entities.size < max) {
      entities.add(item.entityId);
      admitted.push(item);
    } else {
      held.push({
        item,
        reason: `canary mode changes at most ${max} entities per cycle (guardrails.canaryMaxEntitiesPerCycle)`,
      });
    }
  }
  return { admitted, held };
}
