import type { Store } from "../../store/index.js";
import { ALERT_COLUMNS, type Alert, type AlertEventKind, toAlert } from "../alerts/types.js";
import { type RouteRule, routeFor } from "./routing.js";
import type { Notifier } from "./types.js";

/**
 * Alert notifications go through an outbox: every alert event is routed once into delivery rows
 * (in one transaction with marking it dispatched), and deliveries are retried with backoff until the
 * receiver takes them. A receiver that is down delays its messages; it never loses them, and messages
 * of one alert reach one receiver in order (a "resolve" never overtakes its "trigger").
 */
export async function dispatchAlertEvents(
  store: Store,
  rules: readonly RouteRule[],
  now: Date,
): Promise<number> {
  return store.transaction(async (s) => {
    const events = await s.query<
      Alert & { eventId: number; kind: AlertEventKind; at: Date; detail: Record<string, unknown> }
    >(
      `SELECT e.id::int AS "eventId", e.kind, e.at, e.detail, ${ALERT_COLUMNS}
       FROM alert_events e JOIN alerts a ON a.id = e.alert_id WHERE NOT e.dispatched ORDER BY e.id LIMIT 500 FOR UPDATE OF e`,
    );
    let created = 0;
    for (const e of events) {
      const alert = toAlert(e);
      const silenced =
        alert.silencedUntil !== null && alert.silencedUntil.getTime() > new Date(e.at).getTime();
      const names = silenced && e.kind !== "resolved" ? [] : routeFor(alert, e.kind, e.detail, rules);
      for (const name of names) {
        await s.query(
          `INSERT INTO alert_deliveries (alert_event_id, notifier, status, next_attempt_at, created_at)
           VALUES ($1, $2, 'pending', $3, $3) ON CONFLICT DO NOTHING`,
          [e.eventId, name, now],
        );
        created++;
      }
      await s.query("UPDATE alert_events SET dispatched = true WHERE id = $1", [e.eventId]);
    }
    return created;
  });
}

export interface DeliveryOptions {
  notifiers: readonly Notifier[];
  now: Date;
  /** Injected so tests and the bench do not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Tries per delivery in this run, with backoff `retryBaseMs * 2^i` between them. */
  triesPerRun?: number;
  retryBaseMs?: number;
  /** Before the next run may try again: `rescheduleBaseMs * 2^(attempts/triesPerRun)`, capped. */
  rescheduleBaseMs?: number;
  rescheduleMaxMs?: number;
  baseUrl?: string;
}

export interface DeliveryReport {
  delivered: number;
  pending: number;
  errors: string[];
}

export async function deliverPending(store: Store, options: DeliveryOptions): Promise<DeliveryReport> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const tries = options.triesPerRun ?? 3;
  const base = options.retryBaseMs ?? 500;
  const byName = new Map(options.notifiers.map((n) => [n.name, n]));
  const due = await store.query<
    Alert & {
      deliveryId: number;
      notifier: string;
      attempts: number;
      kind: AlertEventKind;
      at: Date;
      due: boolean;
    }
  >(
    `SELECT d.id::int AS "deliveryId", d.notifier, d.attempts, d.next_attempt_at <= $1 AS due, e.kind, e.at, ${ALERT_COLUMNS}
     FROM alert_deliveries d JOIN alert_events e ON e.id = d.alert_event_id JOIN alerts a ON a.id = e.alert_id
     WHERE d.status = 'pending' ORDER BY d.id LIMIT 500`,
    [options.now],
  );
  const report: DeliveryReport = { delivered: 0, pending: 0, errors: [] };
  // A receiver's earlier message for an alert still pending blocks its later ones (order per alert).
  const blocked = new Set<string>();
  for (const d of due) {
    const key = `${d.notifier}|${d.id}`;
    const notifier = byName.get(d.notifier);
    const notDue = !d.due;
    if (blocked.has(key) || notDue || !notifier) {
      blocked.add(key);
      report.pending++;
      if (!notifier && !notDue)
        report.errors.push(`${d.notifier}: not configured; delivery ${d.deliveryId} waits`);
      continue;
    }
    let error: string | null = null;
    let attempt = 0;
    for (; attempt < tries; attempt++) {
      if (attempt > 0) await sleep(base * 2 ** (attempt - 1));
      try {
        await notifier.send({
          event: d.kind,
          alert: toAlert(d),
          at: new Date(d.at),
          baseUrl: options.baseUrl,
        });
        error = null;
        break;
      } catch (e) {
        error = (e as Error).message;
      }
    }
    if (error === null) {
      await store.query(
        "UPDATE alert_deliveries SET status = 'delivered', attempts = attempts + $2, delivered_at = $3, last_error = NULL WHERE id = $1",
        [d.deliveryId, attempt + 1, options.now],
      );
      report.delivered++;
    } else {
      const attempts = d.attempts + tries;
      const wait = Math.min(
        options.rescheduleMaxMs ?? 15 * 60_000,
        (options.rescheduleBaseMs ?? 30_000) * 2 ** Math.floor(attempts / tries - 1),
      );
      await store.query(
        "UPDATE alert_deliveries SET attempts = $2, last_error = $3, next_attempt_at = $4 WHERE id = $1",
        [d.deliveryId, attempts, error.slice(0, 1000), new Date(options.now.getTime() + wait)],
      );
      blocked.add(key);
      report.pending++;
      report.errors.push(error);
    }
  }
  return report;
}

/** Deliveries not yet taken by their receiver (for `adpilot health` and the metrics). */
export async function undeliveredCount(store: Store): Promise<number> {
  const rows = await store.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM alert_deliveries WHERE status = 'pending'",
  );
  return Number(rows[0]?.n ?? 0);
}
