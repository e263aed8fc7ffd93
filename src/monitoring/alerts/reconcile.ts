import type { EventBus } from "../../service/event-bus.js";
import type { SqlSession, Store } from "../../store/index.js";
import { type CheckOutcome, type Finding, SEVERITY_RANK } from "../checks/types.js";
import { alertTitle } from "./title.js";
import { ALERT_COLUMNS, type Alert, type AlertEventKind, toAlert } from "./types.js";

export interface ReconcileInput {
  workspaceId: string;
  /** Account-local time zone for the "since 02:10" in titles. */
  timeZone?: string;
  outcomes: CheckOutcome[];
  now: Date;
}

export interface ReconcileResult {
  opened: Alert[];
  updated: Alert[];
  resolved: Alert[];
}

export const dedupKeyOf = (f: Pick<Finding, "accountId" | "cause">): string =>
  `${f.accountId ?? "*"}|${f.cause}`;

/**
 * Turns check outcomes into alerts: a finding opens an alert for its cause or updates the open one
 * (never a second alert for the same cause); an open alert of a check that ran and no longer reports
 * its cause is resolved automatically. Skipped checks leave their alerts alone. Events go on the bus
 * after the transaction commits.
 */
export async function applyOutcomes(
  store: Store,
  bus: EventBus,
  input: ReconcileInput,
): Promise<ReconcileResult> {
  const result: ReconcileResult = { opened: [], updated: [], resolved: [] };
  await store.transaction(async (s) => {
    for (const o of input.outcomes) {
      if (o.status === "skipped") continue;
      const open = await s.query<Alert>(
        `SELECT ${ALERT_COLUMNS} FROM alerts a WHERE a.workspace_id = $1 AND a.check_name = $2
           AND a.account_id IS NOT DISTINCT FROM $3 AND a.status <> 'resolved' FOR UPDATE`,
        [input.workspaceId, o.check, o.accountId],
      );
      const byKey = new Map(open.map((a) => [a.dedupKey, toAlert(a)]));
      for (const f of o.findings) {
        const key = dedupKeyOf(f);
        const existing = byKey.get(key);
        byKey.delete(key);
        if (existing) {
          const changed = await updateAlert(s, existing, f, input);
          if (changed) result.updated.push(changed);
        } else {
          result.opened.push(await openAlert(s, f, key, input));
        }
      }
      for (const stale of byKey.values())
        result.resolved.push(await resolveAlert(s, stale, input.now, "auto", { reason: "check passed" }));
    }
  });
  for (const a of result.opened) publish(bus, "alert.opened", a);
  for (const a of result.updated) publish(bus, "alert.updated", a);
  for (const a of result.resolved) publish(bus, "alert.resolved", a);
  return result;
}

async function openAlert(s: SqlSession, f: Finding, key: string, input: ReconcileInput): Promise<Alert> {
  const rows = await s.query<Alert>(
    `INSERT INTO alerts AS a (workspace_id, account_id, dedup_key, check_name, cause, severity, status, title, headline,
       impact, evidence, suggested_action, links, first_seen_at, last_seen_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $9, $10, $11, $12, $13, $13)
     RETURNING ${ALERT_COLUMNS}`,
    [
      input.workspaceId,
      f.accountId,
      key,
      f.check,
      f.cause,
      f.severity,
      alertTitle(f.headline, f.impact, input.now, input.timeZone),
      f.headline,
      f.impact ?? null,
      JSON.stringify(f.evidence),
      f.suggestedAction,
      JSON.stringify(f.links),
      input.now,
    ],
  );
  const alert = toAlert(rows[0]!);
  await addAlertEvent(s, alert.id, "opened", input.now, "monitor", {
    severity: f.severity,
    evidence: f.evidence,
  });
  return alert;
}

/** Refreshes an open alert; returns it when its severity or title changed (worth telling people). */
async function updateAlert(
  s: SqlSession,
  a: Alert,
  f: Finding,
  input: ReconcileInput,
): Promise<Alert | null> {
  const title = alertTitle(f.headline, f.impact, a.firstSeenAt, input.timeZone);
  const rows = await s.query<Alert>(
    `UPDATE alerts a SET severity = $2, title = $3, headline = $4, impact = $5, evidence = $6, suggested_action = $7,
       links = $8, last_seen_at = $9, occurrences = occurrences + 1, updated_at = now()
     WHERE id = $1 RETURNING ${ALERT_COLUMNS}`,
    [
      a.id,
      f.severity,
      title,
      f.headline,
      f.impact ?? null,
      JSON.stringify(f.evidence),
      f.suggestedAction,
      JSON.stringify(f.links),
      input.now,
    ],
  );
  const updated = toAlert(rows[0]!);
  const raised = SEVERITY_RANK[f.severity] > SEVERITY_RANK[a.severity];
  if (f.severity !== a.severity)
    await addAlertEvent(s, a.id, "updated", input.now, "monitor", {
      from: a.severity,
      to: f.severity,
      severityRaised: raised,
    });
  return f.severity !== a.severity || title !== a.title ? updated : null;
}

export async function resolveAlert(
  s: SqlSession,
  a: Alert,
  now: Date,
  actor: string,
  detail: Record<string, unknown> = {},
): Promise<Alert> {
  const rows = await s.query<Alert>(
    `UPDATE alerts a SET status = 'resolved', resolved_at = $2, resolved_by = $3, updated_at = now()
     WHERE id = $1 RETURNING ${ALERT_COLUMNS}`,
    [a.id, now, actor],
  );
  await addAlertEvent(s, a.id, "resolved", now, actor, detail);
  return toAlert(rows[0]!);
}

export async function addAlertEvent(
  s: SqlSession,
  alertId: number,
  kind: AlertEventKind,
  at: Date,
  actor: string,
  detail: Record<string, unknown>,
): Promise<void> {
  await s.query("INSERT INTO alert_events (alert_id, kind, at, actor, detail) VALUES ($1, $2, $3, $4, $5)", [
    alertId,
    kind,
    at,
    actor,
    JSON.stringify(detail),
  ]);
}

export function publish(
  bus: EventBus,
  type: "alert.opened" | "alert.updated" | "alert.resolved",
  a: Alert,
): void {
  bus.publish({
    type,
    workspaceId: a.workspaceId,
    accountId: a.accountId,
    data: {
      alertId: a.id,
      severity: a.severity,
      status: a.status,
      title: a.title,
      check: a.check,
      cause: a.cause,
      suggestedAction: a.suggestedAction,
    },
  });
}
