import type { Link, Severity } from "../checks/types.js";

export type AlertStatus = "open" | "acknowledged" | "resolved";
export type AlertEventKind = "opened" | "updated" | "acknowledged" | "silenced" | "escalated" | "resolved";

export interface Alert {
  id: number;
  workspaceId: string;
  accountId: string | null;
  dedupKey: string;
  check: string;
  cause: string;
  severity: Severity;
  status: AlertStatus;
  /** headline + since + impact: "Sandbox API failing for account X since 02:10 — spend is 48% under plan". */
  title: string;
  headline: string;
  impact: string | null;
  evidence: Record<string, unknown>;
  suggestedAction: string;
  links: Link[];
  firstSeenAt: Date;
  lastSeenAt: Date;
  occurrences: number;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  silencedUntil: Date | null;
  silencedBy: string | null;
  escalationLevel: number;
  escalatedAt: Date | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
}

export interface AlertEvent {
  id: number;
  alertId: number;
  kind: AlertEventKind;
  at: Date;
  actor: string;
  detail: Record<string, unknown>;
}

export const ALERT_COLUMNS = `a.id::int AS id, a.workspace_id AS "workspaceId", a.account_id AS "accountId", a.dedup_key AS "dedupKey",
  a.check_name AS "check", a.cause, a.severity, a.status, a.title, a.headline, a.impact, a.evidence,
  a.suggested_action AS "suggestedAction", a.links, a.first_seen_at AS "firstSeenAt", a.last_seen_at AS "lastSeenAt",
  a.occurrences, a.acknowledged_at AS "acknowledgedAt", a.acknowledged_by AS "acknowledgedBy",
  a.silenced_until AS "silencedUntil", a.silenced_by AS "silencedBy", a.escalation_level AS "escalationLevel",
  a.escalated_at AS "escalatedAt", a.resolved_at AS "resolvedAt", a.resolved_by AS "resolvedBy"`;

/** Normalises a row (timestamps come back as Date on both engines; ids as numbers). */
export function toAlert(row: Alert): Alert {
  return { ...row, id: Number(row.id) };
}
