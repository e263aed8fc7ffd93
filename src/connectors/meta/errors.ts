import { type HttpResponse, kindForStatus, PlatformError } from "../http/index.js";
import type { ConnectorErrorKind, ConnectorFailure } from "../port.js";

interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_user_title?: string;
  error_user_msg?: string;
  is_transient?: boolean;
  fbtrace_id?: string;
}

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);

/** Graph error code -> kind, per Meta's "Error Codes" and "Rate Limiting" tables. */
export function metaKind(code: number | undefined, status: number, transient?: boolean): ConnectorErrorKind {
  if (code === undefined) return kindForStatus(status);
  if (code === 190 || code === 102 || code === 101) return "auth";
  if (code === 10 || (code >= 200 && code <= 299)) return "permission";
  if (RATE_LIMIT_CODES.has(code) || (code >= 80000 && code <= 80014)) return "rate_limit";
  if (code === 1 || code === 2 || code === -2 || transient) return "transient";
  if (code === 803) return "not_found";
  return status >= 500 ? "transient" : "invalid_request";
}

/**
 * Graph API error object -> typed failure. `retryAfterFor` supplies the wait the usage headers
 * announce (estimated_time_to_regain_access), so a throttled call is retried when access returns.
 */
export function classifyMeta(
  response: HttpResponse,
  retryAfterFor: () => number | undefined,
): ConnectorFailure | null {
  const error = (response.body as { error?: GraphError } | null)?.error;
  if (response.status < 400 && !error) return null;
  const kind = metaKind(error?.code, response.status, error?.is_transient);
  let message = error?.error_user_msg
    ? `${error.message} — ${error.error_user_msg}`
    : (error?.message ?? `HTTP ${response.status}`);
  if (error?.code === 190) {
    message +=
      error.error_subcode === 463
        ? " (the access token expired: create a new long-lived or system-user token and run `adpilot connect meta` again)"
        : " (the access token is invalid: run `adpilot connect meta` again)";
  }
  if (kind === "permission")
    message += " (the token's user or system user needs ads_read/ads_management on this ad account)";
  return new PlatformError(
    kind,
    message,
    {
      platform: "meta",
      status: response.status,
      code:
        error?.code === undefined
          ? undefined
          : `${error.code}${error.error_subcode ? `/${error.error_subcode}` : ""}`,
      requestId: error?.fbtrace_id,
      // Meta has no refresh grant for an expired user token: a refresh cannot fix 190
      refreshable: false,
    },
    kind === "rate_limit" ? (retryAfterFor() ?? 60_000) : undefined,
  );
}
