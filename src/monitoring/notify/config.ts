import { z } from "zod";
import { emailNotifier } from "./email.js";
import { pagerDutyNotifier } from "./pagerduty.js";
import { defaultRoutes, type RouteRule, routeRuleSchema } from "./routing.js";
import { slackNotifier } from "./slack.js";
import type { Notifier } from "./types.js";
import { webhookNotifier } from "./webhook.js";

export class NotifierConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotifierConfigError";
  }
}

/**
 * Notifiers and routing from the environment (all optional; none configured = alerts only in the
 * store, the API, the CLI and the /events stream):
 *
 *   ADPILOT_SLACK_WEBHOOK_URL       Slack incoming webhook
 *   ADPILOT_SMTP_URL                smtp://user:pass@host:587 (nodemailer); with
 *   ADPILOT_ALERT_EMAIL_FROM        sender address
 *   ADPILOT_ALERT_EMAIL_TO          comma-separated recipients
 *   ADPILOT_PAGERDUTY_ROUTING_KEY   Events API v2 integration key (ADPILOT_PAGERDUTY_URL overrides the endpoint)
 *   ADPILOT_ALERT_WEBHOOK_URL       generic webhook, signed with
 *   ADPILOT_ALERT_WEBHOOK_SECRET    the HMAC-SHA256 secret
 *   ADPILOT_ALERT_ROUTES            JSON array of route rules (default: warning+ to chat/email/webhook, critical to PagerDuty)
 */
export function notifiersFromEnv(env: Record<string, string | undefined> = process.env): {
  notifiers: Notifier[];
  routes: RouteRule[];
} {
  const notifiers: Notifier[] = [];
  if (env.ADPILOT_SLACK_WEBHOOK_URL)
    notifiers.push(slackNotifier({ webhookUrl: url(env, "ADPILOT_SLACK_WEBHOOK_URL") }));
  if (env.ADPILOT_SMTP_URL) {
    const from = env.ADPILOT_ALERT_EMAIL_FROM;
    const to = (env.ADPILOT_ALERT_EMAIL_TO ?? "")
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
    if (!from || to.length === 0)
      throw new NotifierConfigError(
        "ADPILOT_SMTP_URL is set but ADPILOT_ALERT_EMAIL_FROM or ADPILOT_ALERT_EMAIL_TO is missing (example: alerts@example.com)",
      );
    notifiers.push(emailNotifier({ smtpUrl: env.ADPILOT_SMTP_URL, from, to }));
  }
  if (env.ADPILOT_PAGERDUTY_ROUTING_KEY)
    notifiers.push(
      pagerDutyNotifier({ routingKey: env.ADPILOT_PAGERDUTY_ROUTING_KEY, url: env.ADPILOT_PAGERDUTY_URL }),
    );
  if (env.ADPILOT_ALERT_WEBHOOK_URL) {
    if (!env.ADPILOT_ALERT_WEBHOOK_SECRET || env.ADPILOT_ALERT_WEBHOOK_SECRET.length < 16)
      throw new NotifierConfigError(
        "ADPILOT_ALERT_WEBHOOK_URL needs ADPILOT_ALERT_WEBHOOK_SECRET of at least 16 characters to sign with",
      );
    notifiers.push(
      webhookNotifier({
        url: url(env, "ADPILOT_ALERT_WEBHOOK_URL"),
        secret: env.ADPILOT_ALERT_WEBHOOK_SECRET,
      }),
    );
  }
  return {
    notifiers,
    routes: routesFrom(
      env.ADPILOT_ALERT_ROUTES,
      notifiers.map((n) => n.name),
    ),
  };
}

export function routesFrom(json: string | undefined, configured: string[]): RouteRule[] {
  if (!json) return defaultRoutes(configured);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new NotifierConfigError(`ADPILOT_ALERT_ROUTES is not valid JSON: ${(error as Error).message}`);
  }
  const result = z.array(routeRuleSchema).safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new NotifierConfigError(
      `ADPILOT_ALERT_ROUTES[${issue.path.join(".")}]: ${issue.message} (example: [{"notifier":"pagerduty","minSeverity":"critical","accounts":["acc_1"]}])`,
    );
  }
  for (const rule of result.data)
    if (!configured.includes(rule.notifier))
      throw new NotifierConfigError(
        `ADPILOT_ALERT_ROUTES names notifier "${rule.notifier}", which is not configured; configured: ${configured.join(", ") || "none"}`,
      );
  return result.data;
}

function url(env: Record<string, string | undefined>, key: string): string {
  const value = env[key]!;
  try {
    new URL(value);
  } catch {
    throw new NotifierConfigError(`${key} is not a URL: "${value}"`);
  }
  return value;
}
