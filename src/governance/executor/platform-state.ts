import type { ConnectorEntity, EntityChange } from "../../connectors/port.js";
import type { Proposal, ProposalValue } from "../proposals/types.js";

export interface PlatformState {
  status: ConnectorEntity["status"];
  dailyBudgetMinor: number | null;
  bidMinor: number | null;
}

export function stateOf(e: ConnectorEntity): PlatformState {
  return { status: e.status, dailyBudgetMinor: e.dailyBudgetMinor, bidMinor: e.bidMinor };
}

/** The number or status a proposal's kind is about, read from a platform state or a proposal value. */
export function fieldOf(kind: Proposal["kind"], v: PlatformState | ProposalValue): number | string | null {
  const record = v as Record<string, unknown>;
  const key = kind === "daily_budget" ? "dailyBudgetMinor" : kind === "bid" ? "bidMinor" : "status";
  const value = record[key];
  return typeof value === "number" || typeof value === "string" ? value : null;
}

/** The platform state before the apply: what the platform showed, with the proposal's recorded `before`. */
export function snapshotBefore(p: Proposal, platform: PlatformState): PlatformState {
  const before = fieldOf(p.kind, p.before);
  if (p.kind === "daily_budget") return { ...platform, dailyBudgetMinor: before as number };
  if (p.kind === "bid") return { ...platform, bidMinor: before as number };
  return { ...platform, status: before as PlatformState["status"] };
}

/** The idempotency key the platform sees: one per proposal revision, stable across retries and restarts. */
export function platformKey(p: Proposal): string {
  return `adpilot:${p.id}:r${p.revision}`;
}

export function toEntityChange(p: Proposal, accountExternalId: string): EntityChange {
  const base = {
    accountExternalId,
    level: p.entityLevel,
    entityExternalId: p.entityId,
    idempotencyKey: platformKey(p),
  };
  const after = p.after as Record<string, unknown>;
  if (p.kind === "daily_budget")
    return { ...base, kind: "daily_budget", value: { dailyBudgetMinor: after.dailyBudgetMinor as number } };
  if (p.kind === "bid") return { ...base, kind: "bid", value: { bidMinor: after.bidMinor as number } };
  if (p.kind === "status")
    return { ...base, kind: "status", value: { status: after.status as "active" | "paused" } };
  throw new Error(`${p.kind} changes cannot be applied through the connector port`);
}
