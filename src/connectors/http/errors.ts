import { type ConnectorErrorKind, ConnectorFailure } from "../port.js";

export interface PlatformErrorDetails {
  platform: string;
  /** HTTP status, or 200 for envelope errors (TikTok). */
  status: number;
  /** The platform's own error code ("USER_PERMISSION_DENIED", 190, 40100 ...). */
  code?: string | number;
  requestId?: string;
  /** Whether refreshing the access token may fix this (expired token). */
  refreshable?: boolean;
}

/**
 * A typed platform error: the port's ConnectorFailure plus what the platform said, so a log line or
 * a CLI message can name the platform, the status and the code. Never carries request headers or
 * tokens.
 */
export class PlatformError extends ConnectorFailure {
  readonly details: PlatformErrorDetails;
  constructor(
    kind: ConnectorErrorKind,
    message: string,
    details: PlatformErrorDetails,
    retryAfterMs?: number,
  ) {
    const code = details.code === undefined ? "" : ` ${details.code}`;
    super(
      kind,
      `${details.platform}: ${KIND_LABEL[kind]} (HTTP ${details.status}${code}): ${message}`,
      retryAfterMs,
    );
    this.name = "PlatformError";
    this.details = details;
  }
}

const KIND_LABEL: Record<ConnectorErrorKind, string> = {
  auth: "authentication failed",
  permission: "permission denied",
  rate_limit: "rate limited",
  invalid_request: "invalid request",
  not_found: "not found",
  transient: "temporary platform error",
};

/** Default kind for an HTTP status when the body says nothing more specific. */
export function kindForStatus(status: number): ConnectorErrorKind {
  if (status === 401) return "auth";
  if (status === 403) return "permission";
  if (status === 404) return "not_found";
  if (status === 429) return "rate_limit";
  if (status === 409 || status >= 500) return "transient";
  return "invalid_request";
}

/** Parses a protobuf Duration ("60s", "1.5s") or a plain seconds count into milliseconds. */
export function durationToMs(text: string | number | undefined | null): number | undefined {
  if (text === undefined || text === null) return undefined;
  const match = /^(\d+(?:\.\d+)?)s?$/.exec(String(text).trim());
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}
