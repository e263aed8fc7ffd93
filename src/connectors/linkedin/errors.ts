import { type HttpResponse, kindForStatus, PlatformError } from "../http/index.js";
import type { ConnectorFailure } from "../port.js";

/** Milliseconds until the next 00:00 UTC, when LinkedIn's daily quotas reset. */
export function untilUtcMidnight(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) - now;
}

/**
 * LinkedIn error envelope {status, serviceErrorCode, code, message}. 426 = the LinkedIn-Version is
 * sunset (not retried: the configuration must change); a "DAY limit" 429 lasts until midnight UTC.
 */
export function classifyLinkedIn(response: HttpResponse, now: () => number): ConnectorFailure | null {
  if (response.status < 400) return null;
  const body = (response.body ?? {}) as { serviceErrorCode?: number; code?: string; message?: string };
  let message = body.message ?? `HTTP ${response.status}`;
  let kind = kindForStatus(response.status);
  let retryAfterMs: number | undefined;
  if (response.status === 426) {
    kind = "invalid_request";
    message +=
      ": this LinkedIn-Version is retired; set a current monthly version (YYYYMM) with --api-version or ADPILOT_LINKEDIN_VERSION";
  }
  if (response.status === 429 && /DAY limit/i.test(message)) retryAfterMs = untilUtcMidnight(now());
  if (kind === "permission")
    message += " (the member needs an ad-account role and the r_ads_reporting / rw_ads scopes)";
  return new PlatformError(
    kind,
    message,
    {
      platform: "linkedin",
      status: response.status,
      code: body.code,
      refreshable: body.code === "EXPIRED_ACCESS_TOKEN" || body.code === "INVALID_ACCESS_TOKEN",
    },
    retryAfterMs,
  );
}
