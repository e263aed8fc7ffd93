import type { EventBus } from "../../service/event-bus.js";
import type { Store } from "../../store/index.js";
import type { Severity } from "../checks/types.js";
import { addAlertEvent, publish, resolveAlert } from "./reconcile.js";
import { ALERT_COLUMNS, type Alert, type AlertEvent, type AlertStatus, toAlert } from "./types.js";

export class AlertNotFoundError extends Error {
  constructor(id: number, workspaceId: string) {
    super(`there is no alert ${id} in workspace "${workspaceId}"; \`adpilot alerts list\` shows the ids`);
    this.name = "AlertNotFoundError";
  }
}

export class AlertStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AlertStateError";
  }
}

export interface AlertFilter {
  workspaceId: string;
  /** Default: open and acknowledged. "all" includes resolved ones. */
  status?: AlertStatus | "active" | "all";
  accountId?: string;
  severity?: Severity;
  limit?: number;
}

export async function listAlerts(store: Store, filter: AlertFilter): Promise<Alert[]> {
  const status = filter.status ?? "active";
  const rows = await store.query<Alert>(
    `SELECT ${ALERT_COLUMNS} FROM alerts a WHERE a.workspace_id = $1
       AND ($2 = 'all' OR ($2 = 'active' AND a.status <> 'resolved') OR a.status = $2)
       AND ($3::text IS NULL OR a.account_id = $3) AND ($4::text IS NULL OR a.severity = $4)
     ORDER BY CASE a.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, a.first_seen_at DESC, a.id DESC
     LIMIT $5`,
    [filter.workspaceId, status, filter.accountId ?? null, filter.severity ?? null, filter.limit ?? 200],
  );
  return rows.map(toAlert);
}

export async function getAlert(
  store: Store,
  workspaceId: string,
  id: number,
): Promise<{ alert: Alert; history: AlertEvent[] }> {
  const rows = await store.query<Alert>(
    `SELECT ${ALERT_COLUMNS} FROM alerts a WHERE a.workspace_id = $1 AND a.id = $2`,
    [workspaceId, id],
  );
  if (rows.length === 0) throw new AlertNotFoundError(id, workspaceId);
  const history = await store.query<AlertEvent>(
    `SELECT id::int AS id, alert_id::int AS "alertId", kind, at, actor, detail FROM alert_events WHERE alert_id = $1 ORDER BY id`,
    [id],
  );
  return {
    alert: toAlert(rows[0]!),
    history: history.map((h) => ({ ...h, id: Number(h.id), alertId: Number(h.alertId) })),
  };
}

interface ActionContext {
  store: Store;
  bus: EventBus;
  workspaceId: string;
  actor: string;
  now: Date;
}

/** Acknowledge: someone is on it. Stops escalation; PagerDuty hears "acknowledge". */
export async function acknowledgeAlert(ctx: ActionContext, id: number, comment?: string): Promise<Alert> {
  return mutate(ctx, id, async (s, a) => {
    if (a.status === "acknowledged") return a;
    const rows = await s.query<Alert>(
      `UPDATE alerts a SET status = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3, updated_at = now()
       WHERE id = $1 RETURNING ${ALERT_COLUMNS}`,
      [id, ctx.now, ctx.actor],
    );
    await addAlertEvent(s, id, "acknowledged", ctx.now, ctx.actor, { comment: comment ?? null });
    return toAlert(rows[0]!);
  });
}

/** Silence until `until`: the alert stays open and updated, but no notifications and no escalation. */
export async function silenceAlert(
  ctx: ActionContext,
  id: number,
  until: Date,
  comment?: string,
): Promise<Alert> {
  if (!(until.getTime() > ctx.now.getTime()))
    throw new AlertStateError(
      `silence must end in the future, got ${until.toISOString()} (now ${ctx.now.toISOString()})`,
    );
  return mutate(ctx, id, async (s) => {
    const rows = await s.query<Alert>(
      `UPDATE alerts a SET silenced_until = $2, silenced_by = $3, updated_at = now() WHERE id = $1 RETURNING ${ALERT_COLUMNS}`,
      [id, until, ctx.actor],
    );
    await addAlertEvent(s, id, "silenced", ctx.now, ctx.actor, {
      until: until.toISOString(),
      comment: comment ?? null,
    });
    return toAlert(rows[0]!);
  });
}

/** Manual resolve; if the cause persists, the next check opens a new alert. */
export async function resolveAlertManually(ctx: ActionContext, id: number, comment?: string): Promise<Alert> {
  return mutate(
    ctx,
    id,
    (s, a) => resolveAlert(s, a, ctx.now, ctx.actor, { comment: comment ?? null }),
    "alert.resolved",
  );
}

async function mutate(
  ctx: ActionContext,
  id: number,
  change: (s: Parameters<Parameters<Store["transaction"]>[0]>[0], a: Alert) => Promise<Alert>,
  event: "alert.updated" | "alert.resolved" = "alert.updated",
): Promise<Alert> {
  const result = await ctx.store.transaction(async (s) => {
    const rows = await s.query<Alert>(
      `SELECT ${ALERT_COLUMNS} FROM alerts a WHERE a.workspace_id = $1 AND a.id = $2 FOR UPDATE`,
      [ctx.workspaceId, id],
    );
    if (rows.length === 0) throw new AlertNotFoundError(id, ctx.workspaceId);
    const a = toAlert(rows[0]!);
    if (a.status === "resolved")
      throw new AlertStateError(
        `alert ${id} is already resolved (by ${a.resolvedBy} at ${a.resolvedAt?.toISOString()})`,
      );
    return change(s, a);
  });
  publish(ctx.bus, event, result);
  return result;
}

export interface EscalationPolicy {
  /** Minutes an open, unacknowledged, unsilenced alert may wait before each escalation; null = never. */
  afterMinutes: Record<Severity, number | null>;
  maxLevel: number;
}

export const DEFAULT_ESCALATION: EscalationPolicy = {
  afterMinutes: { critical: 15, warning: 120, info: null },
  maxLevel: 2,
};

/** Escalates alerts nobody acknowledged in time (one level per period); returns the escalated ones. */
export async function escalateOverdue(
  store: Store,
  bus: EventBus,
  now: Date,
  policy = DEFAULT_ESCALATION,
): Promise<Alert[]> {
  const escalated = await store.transaction(async (s) => {
    const due = await s.query<Alert>(
      `SELECT ${ALERT_COLUMNS} FROM alerts a WHERE a.status = 'open' AND a.escalation_level < $2
         AND (a.silenced_until IS NULL OR a.silenced_until <= $1) FOR UPDATE`,
      [now, policy.maxLevel],
    );
    const out: Alert[] = [];
    for (const raw of due.map(toAlert)) {
      const minutes = policy.afterMinutes[raw.severity];
      if (minutes === null) continue;
      const since = raw.escalatedAt ?? raw.firstSeenAt;
      if (now.getTime() - since.getTime() < minutes * 60_000) continue;
      const rows = await s.query<Alert>(
        `UPDATE alerts a SET escalation_level = escalation_level + 1, escalated_at = $2, updated_at = now()
         WHERE id = $1 RETURNING ${ALERT_COLUMNS}`,
        [raw.id, now],
      );
      const a = toAlert(rows[0]!);
      await addAlertEvent(s, a.id, "escalated", now, "monitor", {
        level: a.escalationLevel,
        unacknowledgedMinutes: Math.round((now.getTime() - a.firstSeenAt.getTime()) / 60_000),
      });
      out.push(a);
    }
    return out;
  });
  for (const a of escalated) publish(bus, "alert.updated", a);
  return escalated;
}
