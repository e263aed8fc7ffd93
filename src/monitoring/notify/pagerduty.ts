import { type AlertNotification, absoluteLinks, type Notifier, postJson } from "./types.js";

export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

/**
 * PagerDuty Events API v2: trigger on open/escalation/severity change, acknowledge, resolve — all with
 * the alert's dedup key, so PagerDuty keeps one incident per cause. Silences send nothing.
 */
export function pagerDutyNotifier(options: {
  routingKey: string;
  url?: string;
  name?: string;
  source?: string;
}): Notifier {
  const name = options.name ?? "pagerduty";
  return {
    name,
    async send(n) {
      const body = pagerDutyEvent(n, options.routingKey, options.source ?? "adpilot");
      if (body) await postJson(name, options.url ?? PAGERDUTY_EVENTS_URL, JSON.stringify(body));
    },
  };
}

export function pagerDutyEvent(
  n: AlertNotification,
  routingKey: string,
  source: string,
): Record<string, unknown> | null {
  const a = n.alert;
  const dedupKey = `adpilot:${a.workspaceId}:${a.dedupKey}:${a.id}`;
  if (n.event === "resolved")
    return { routing_key: routingKey, event_action: "resolve", dedup_key: dedupKey };
  if (n.event === "acknowledged")
    return { routing_key: routingKey, event_action: "acknowledge", dedup_key: dedupKey };
  if (n.event === "silenced") return null;
  return {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key: dedupKey,
    payload: {
      summary: a.title.slice(0, 1024),
      source: a.accountId ? `${source}/${a.accountId}` : source,
      severity: a.severity,
      timestamp: a.firstSeenAt.toISOString(),
      component: a.check,
      class: a.cause,
      group: a.accountId ?? undefined,
      custom_details: {
        evidence: a.evidence,
        suggested_action: a.suggestedAction,
        alert_id: a.id,
        escalation_level: a.escalationLevel,
      },
    },
    links: absoluteLinks(n)
      .filter((l) => /^https?:/.test(l.href))
      .map((l) => ({ href: l.href, text: l.label })),
  };
}
