import { type HttpResponse, kindForStatus, PlatformError } from "../http/index.js";
import type { ConnectorErrorKind, ConnectorFailure } from "../port.js";

/** TikTok return codes (portal "Appendix – Return Codes"); unknown non-zero codes are invalid requests. */
export function tiktokKind(code: number): ConnectorErrorKind {
  if (code === 40100) return "rate_limit";
  if (code === 40001) return "permission";
  if (code === 40101 || code === 40102 || code === 40104 || code === 40105 || code === 40110) return "auth";
  if (code >= 50000 && code < 60000) return "transient";
  return "invalid_request";
}

/** Errors arrive with HTTP 200 and a non-zero `code` in the envelope: always check the code. */
export function classifyTikTok(response: HttpResponse): ConnectorFailure | null {
  const body = response.body as { code?: number; message?: string; request_id?: string } | null;
  if (response.status < 400 && body && body.code === 0) return null;
  const code = typeof body?.code === "number" ? body.code : undefined;
  const kind = code === undefined ? kindForStatus(response.status) : tiktokKind(code);
  let message = body?.message ?? `unexpected answer (HTTP ${response.status})`;
  if (code === 40001) message += " (authorise this advertiser for the app in TikTok Business Center)";
  if (code === 40101) message += " (check the app id and secret)";
  return new PlatformError(kind, message, {
    platform: "tiktok",
    status: response.status,
    code,
    requestId: body?.request_id,
    // 40105 = token invalid/revoked/expired: a refresh may fix it; a wrong app secret will not
    refreshable: code === 40105 || code === 40104,
  });
}
