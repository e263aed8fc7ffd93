import { durationToMs, type HttpResponse, kindForStatus, PlatformError } from "../http/index.js";
import type { ConnectorErrorKind, ConnectorFailure } from "../port.js";

/** One GoogleAdsError from a GoogleAdsFailure detail. */
export interface GoogleAdsError {
  errorCode?: Record<string, string>;
  message?: string;
  trigger?: Record<string, unknown>;
  location?: { fieldPathElements?: { fieldName: string; index?: number }[] };
  details?: { quotaErrorDetails?: { retryDelay?: string; rateScope?: string } };
}

interface RpcStatus {
  code?: number;
  message?: string;
  status?: string;
  details?: { errors?: GoogleAdsError[]; requestId?: string }[];
}

const TRANSIENT_CODES = new Set(["CONCURRENT_MODIFICATION", "TRANSIENT_ERROR", "INTERNAL_ERROR"]);
const REFRESHABLE = new Set(["OAUTH_TOKEN_EXPIRED", "OAUTH_TOKEN_INVALID"]);

/** The errors inside a google.rpc.Status (plain or array-wrapped, as searchStream sends them). */
export function adsErrors(status: RpcStatus | undefined): GoogleAdsError[] {
  return (status?.details ?? []).flatMap((d) => d.errors ?? []);
}

export function errorCodeText(error: GoogleAdsError): string {
  const [key, value] = Object.entries(error.errorCode ?? {})[0] ?? ["", ""];
  return key ? `${key}.${value}` : "";
}

/**
 * Google Ads responses -> typed failures (docs "Understand API errors"): retry 429, 5xx, 409 and
 * CONCURRENT_MODIFICATION / TRANSIENT_ERROR; refresh the token on an expired one; surface the rest.
 */
export function classifyGoogle(response: HttpResponse): ConnectorFailure | null {
  const body = Array.isArray(response.body) ? response.body.find((b) => b?.error) : response.body;
  const rpc = (body as { error?: RpcStatus } | null)?.error;
  if (response.status < 400 && !rpc) return null;
  const errors = adsErrors(rpc);
  const first = errors[0];
  const code = first ? errorCodeText(first) : (rpc?.status ?? "");
  const value = first ? Object.values(first.errorCode ?? {})[0] : undefined;
  const status = response.status < 400 ? (rpc?.code ?? 500) : response.status;
  let kind: ConnectorErrorKind = kindForStatus(status);
  if (value && TRANSIENT_CODES.has(value)) kind = "transient";
  if (first?.errorCode?.quotaError) kind = "rate_limit";
  let message =
    first?.message ??
    rpc?.message ??
    (typeof response.body === "string" ? response.body.slice(0, 200) : "no details");
  if (value === "USER_PERMISSION_DENIED") {
    message +=
      " (check that the OAuth user can access this customer and that --login-customer-id names its manager account)";
  }
  const retryAfterMs =
    kind === "rate_limit" ? durationToMs(first?.details?.quotaErrorDetails?.retryDelay) : undefined;
  return new PlatformError(
    kind,
    message,
    {
      platform: "google",
      status,
      code: code || undefined,
      requestId: rpc?.details?.[0]?.requestId ?? response.headers.get("request-id") ?? undefined,
      refreshable: kind === "auth" ? value === undefined || REFRESHABLE.has(value) : undefined,
    },
    retryAfterMs,
  );
}
