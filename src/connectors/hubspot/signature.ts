import { createHmac, timingSafeEqual } from "node:crypto";

/** HubSpot v3 request signatures (platform-apis.md §5.2): base64 HMAC-SHA256 over method+uri+body+timestamp. */
export const MAX_SIGNATURE_AGE_MS = 5 * 60_000;

export interface SignedRequest {
  method: string;
  /** The full URL HubSpot called, protocol included: https://host/path?query */
  uri: string;
  /** The raw body text exactly as received (never re-serialised JSON). */
  body: string;
  /** X-HubSpot-Request-Timestamp: epoch milliseconds, as text. */
  timestamp: string;
}

export function signatureV3(clientSecret: string, request: SignedRequest): string {
  return createHmac("sha256", clientSecret)
    .update(`${request.method.toUpperCase()}${request.uri}${request.body}${request.timestamp}`, "utf8")
    .digest("base64");
}

export type SignatureCheck = { ok: true } | { ok: false; reason: "missing" | "stale" | "mismatch" };

export function verifySignatureV3(
  clientSecret: string,
  request: SignedRequest,
  signature: string | undefined,
  nowMs: number,
): SignatureCheck {
  if (!signature || !request.timestamp) return { ok: false, reason: "missing" };
  const sentAt = Number(request.timestamp);
  // older than 5 minutes, or from the future beyond the same tolerance: a replay or a wrong clock
  if (!Number.isFinite(sentAt) || Math.abs(nowMs - sentAt) > MAX_SIGNATURE_AGE_MS)
    return { ok: false, reason: "stale" };
  const expected = Buffer.from(signatureV3(clientSecret, request), "utf8");
  const given = Buffer.from(signature, "utf8");
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: "mismatch" };
  return { ok: true };
}
