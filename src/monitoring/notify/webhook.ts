import { createHmac, timingSafeEqual } from "node:crypto";
import { type AlertNotification, type Notifier, postJson } from "./types.js";

export const SIGNATURE_HEADER = "x-adpilot-signature";
export const TIMESTAMP_HEADER = "x-adpilot-timestamp";

/**
 * A generic webhook: the alert as JSON, signed with HMAC-SHA256 over `<timestamp>.<body>` (the
 * timestamp guards against replays) in `X-AdPilot-Signature: sha256=<hex>`.
 */
export function webhookNotifier(options: {
  url: string;
  secret: string;
  name?: string;
  clock?: () => Date;
}): Notifier {
  const name = options.name ?? "webhook";
  const clock = options.clock ?? (() => new Date());
  return {
    name,
    async send(n) {
      const body = JSON.stringify(webhookBody(n));
      const timestamp = String(Math.floor(clock().getTime() / 1000));
      await postJson(name, options.url, body, {
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: `sha256=${sign(options.secret, timestamp, body)}`,
      });
    },
  };
}

export function webhookBody(n: AlertNotification): Record<string, unknown> {
  const a = n.alert;
  return {
    event: n.event,
    at: n.at.toISOString(),
    alert: { ...a, firstSeenAt: a.firstSeenAt.toISOString(), lastSeenAt: a.lastSeenAt.toISOString() },
  };
}

export function sign(secret: string, timestamp: string, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/** For receivers: true when the signature matches and the timestamp is within `toleranceSeconds`. */
export function verifyWebhookSignature(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  now = new Date(),
  toleranceSeconds = 300,
): boolean {
  const { signature, timestamp } = headers;
  if (!signature?.startsWith("sha256=") || !timestamp || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(sign(secret, timestamp, body), "hex");
  const given = Buffer.from(signature.slice(7), "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
