import type { FetchLike } from "./client.js";
import type { TokenRefresher } from "./tokens.js";
import { reauthorise } from "./tokens.js";

export interface OAuthRefreshConfig {
  platform: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  fetch?: FetchLike;
  now?: () => number;
}

/**
 * The standard OAuth 2.0 refresh-token grant (RFC 6749 §6) as Google and LinkedIn implement it: a
 * form POST answering {access_token, expires_in, refresh_token?}. `invalid_grant` means the refresh
 * token is expired or revoked and the user must consent again.
 */
export function oauthRefreshGrant(config: OAuthRefreshConfig): TokenRefresher {
  const fetchFn = config.fetch ?? ((input, init) => fetch(input, init));
  const now = config.now ?? Date.now;
  return async (current) => {
    if (!current.refreshToken) throw reauthorise(config.platform, "no refresh token stored");
    let response: Response;
    try {
      response = await fetchFn(config.tokenUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams({
          grant_type: "refresh_token",
          refresh_token: current.refreshToken,
          client_id: config.clientId,
          client_secret: config.clientSecret,
        }).toString(),
      });
    } catch (error) {
      throw reauthorise(config.platform, `token endpoint unreachable: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok || typeof body.access_token !== "string") {
      const reason =
        [body.error, body.error_description].filter(Boolean).join(": ") || `HTTP ${response.status}`;
      throw reauthorise(config.platform, reason);
    }
    const expiresIn = Number(body.expires_in);
    return {
      accessToken: body.access_token,
      expiresAt: Number.isFinite(expiresIn) ? new Date(now() + expiresIn * 1000) : null,
      refreshToken: typeof body.refresh_token === "string" ? body.refresh_token : undefined,
    };
  };
}
