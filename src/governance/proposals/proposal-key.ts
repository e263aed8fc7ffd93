import { createHash } from "node:crypto";
import type { EntityLevel } from "../../domain/entities.js";
import { canonicalJson } from "../audit/canonical-json.js";
import type { RequestedChange } from "../guardrails/types.js";
import type { ProposalValue } from "./types.js";

export type ProposalChange =
  | RequestedChange
  | { kind: "creative" | "targeting"; before: Record<string, unknown>; after: Record<string, unknown> };

/** The value a change asks for, as stored in `requested_value`. */
export function requestedValue(change: ProposalChange): ProposalValue {
  switch (change.kind) {
    case "daily_budget":
      return { dailyBudgetMinor: change.dailyBudgetMinor };
    case "bid":
      return { bidMinor: change.bidMinor };
    case "status":
      return { status: change.status };
    default:
      return change.after;
  }
}

const sha = (v: unknown) => createHash("sha256").update(canonicalJson(v)).digest("hex").slice(0, 24);

/**
 * The idempotency key a proposal gets when its maker gives none: account, cycle (or the instant),
 * entity, kind and the requested value, so a re-run cycle finds the proposal it already made.
 */
export function proposalKey(
  input: {
    accountId: string;
    idempotencyKey?: string;
    cycleId?: string | null;
    entity: { level: EntityLevel; id: string };
    change: ProposalChange;
  },
  now: Date,
): string {
  return (
    input.idempotencyKey ??
    `${input.accountId}/${input.cycleId ?? now.toISOString()}/${input.entity.level}:${input.entity.id}/${input.change.kind}/${sha(requestedValue(input.change))}`
  );
}
