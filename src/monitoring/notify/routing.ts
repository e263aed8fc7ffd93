import { z } from "zod";
import type { Alert, AlertEventKind } from "../alerts/types.js";
import { SEVERITY_RANK, type Severity } from "../checks/types.js";

export const routeRuleSchema = z
  .object({
    notifier: z.string().min(1).describe("name of a configured notifier: slack, email, pagerduty, webhook"),
    minSeverity: z.enum(["info", "warning", "critical"]).default("warning"),
    /** Only these accounts (default: all). */
    accounts: z.array(z.string()).optional(),
    /** Alert events sent (default: opened, escalated, acknowledged, resolved and severity raises). */
    events: z
      .array(z.enum(["opened", "updated", "acknowledged", "silenced", "escalated", "resolved"]))
      .optional(),
    /** Only alerts escalated at least this many times (e.g. page only after nobody acknowledged). */
    minEscalationLevel: z.number().int().min(0).default(0),
  })
  .strict();
export type RouteRule = z.infer<typeof routeRuleSchema>;

const DEFAULT_EVENTS: AlertEventKind[] = ["opened", "updated", "escalated", "acknowledged", "resolved"];

/** Default routing: chat, email and webhook hear warnings and up; PagerDuty pages on critical only. */
export function defaultRoutes(notifiers: string[]): RouteRule[] {
  return notifiers.map((notifier) => ({
    notifier,
    minSeverity: (notifier === "pagerduty" ? "critical" : "warning") as Severity,
    minEscalationLevel: 0,
  }));
}

/**
 * Which notifiers hear about `event` on `alert`. "updated" goes out only when the severity rose;
 * acknowledgements and resolutions reach a notifier only if it heard of the alert in the first place
 * (the alert's highest severity passed its rule), so nobody gets a "resolved" for an alert never sent.
 */
export function routeFor(
  alert: Alert,
  event: AlertEventKind,
  detail: Record<string, unknown>,
  rules: readonly RouteRule[],
): string[] {
  if (event === "updated" && detail.severityRaised !== true) return [];
  const names = new Set<string>();
  for (const rule of rules) {
    if (!(rule.events ?? DEFAULT_EVENTS).includes(event)) continue;
    if (rule.accounts && (alert.accountId === null || !rule.accounts.includes(alert.accountId))) continue;
    const severity =
      event === "acknowledged" || event === "resolved" ? highest(alert, detail) : alert.severity;
    if (SEVERITY_RANK[severity] < SEVERITY_RANK[rule.minSeverity]) continue;
    if (alert.escalationLevel < rule.minEscalationLevel) continue;
    names.add(rule.notifier);
  }
  return [...names];
}

function highest(alert: Alert, detail: Record<string, unknown>): Severity {
  const peak = detail.peakSeverity as Severity | undefined;
  return peak && SEVERITY_RANK[peak] > SEVERITY_RANK[alert.severity] ? peak : alert.severity;
}
