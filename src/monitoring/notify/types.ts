import type { Alert, AlertEventKind } from "../alerts/types.js";

/** One thing to tell a receiver: an alert and what just happened to it. */
export interface AlertNotification {
  event: AlertEventKind;
  alert: Alert;
  at: Date;
  /** Base URL of the dashboard/API, to turn the alert's relative links into absolute ones. */
  baseUrl?: string;
}

/** A channel to people (Slack, email, PagerDuty, a webhook). `send` throws when delivery failed. */
export interface Notifier {
  readonly name: string;
  send(notification: AlertNotification): Promise<void>;
}

export class DeliveryError extends Error {
  constructor(notifier: string, detail: string) {
    super(`${notifier}: ${detail}`);
    this.name = "DeliveryError";
  }
}

/** POSTs JSON and throws a DeliveryError unless the answer is 2xx. */
export async function postJson(
  notifier: string,
  url: string,
  body: string,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new DeliveryError(
      notifier,
      `cannot reach ${new URL(url).host}: ${(error as Error).cause ?? (error as Error).message}`,
    );
  }
  if (res.status < 200 || res.status >= 300) {
    const text = await res.text().catch(() => "");
    throw new DeliveryError(notifier, `HTTP ${res.status} from ${new URL(url).host}: ${text.slice(0, 200)}`);
  }
  return res;
}

export function absoluteLinks(n: AlertNotification): { label: string; href: string }[] {
  return n.alert.links.map((l) => ({
    label: l.label,
    href: n.baseUrl ? new URL(l.href, n.baseUrl).toString() : l.href,
  }));
}

export const EVENT_VERB: Record<AlertEventKind, string> = {
  opened: "New alert",
  updated: "Alert changed",
  acknowledged: "Acknowledged",
  silenced: "Silenced",
  escalated: "Still unacknowledged",
  resolved: "Resolved",
};

/** Evidence as short "key: value" lines for text channels. */
export function evidenceLines(evidence: Record<string, unknown>): string[] {
  return Object.entries(evidence).map(
    ([k, v]) => `${k}: ${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`,
  );
}
