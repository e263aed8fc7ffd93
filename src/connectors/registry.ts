import type { Store } from "../store/index.js";
import {
  type CredentialPlatform,
  loadCredentials,
  type Secrets,
  type Settings,
  saveCredentials,
} from "./credentials/index.js";
import { GoogleAdsConnector } from "./google/index.js";
import type { Runtime, TokenState } from "./http/index.js";
import { LinkedInConnector } from "./linkedin/index.js";
import { MetaConnector } from "./meta/index.js";
import type { AdPlatformConnector } from "./port.js";
import { TikTokConnector } from "./tiktok/index.js";

export const AD_PLATFORMS = ["google", "meta", "tiktok", "linkedin"] as const;
export type AdPlatform = (typeof AD_PLATFORMS)[number];

export interface CredentialField {
  /** Key in the stored secrets or settings. */
  key: string;
  secret: boolean;
  env: string;
  flag: string;
  description: string;
}

const field = (platform: string, key: string, secret: boolean, description: string): CredentialField => {
  const snake = key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
  return {
    key,
    secret,
    env: `ADPILOT_${platform.toUpperCase()}_${snake}`,
    flag: `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
    description,
  };
};

/** What each platform needs, where it is read from (env var or flag) and whether it is secret. */
export const CREDENTIAL_FIELDS: Record<AdPlatform, CredentialField[]> = {
  google: [
    field(
      "google",
      "refreshToken",
      true,
      "OAuth refresh token (scope https://www.googleapis.com/auth/adwords)",
    ),
    field("google", "clientId", false, "OAuth client id of your Google Cloud project"),
    field("google", "clientSecret", true, "OAuth client secret"),
    field("google", "accessToken", true, "an access token instead of (or besides) the refresh token"),
    field("google", "loginCustomerId", false, "manager (MCC) account id, when access goes through one"),
    field("google", "developerToken", true, "developer token (optional since 2026-09-09)"),
  ],
  meta: [
    field("meta", "accessToken", true, "system-user or long-lived user token with ads_read, ads_management"),
    field("meta", "appId", false, "app id (to renew expiring tokens)"),
    field("meta", "appSecret", true, "app secret (appsecret_proof, token renewal)"),
  ],
  tiktok: [
    field("tiktok", "accessToken", true, "advertiser access token (Access-Token header)"),
    field("tiktok", "appId", false, "app id (lists authorised advertisers, refreshes tokens)"),
    field("tiktok", "secret", true, "app secret"),
    field("tiktok", "refreshToken", true, "refresh token, when the token expires"),
    field("tiktok", "advertiserIds", false, "comma-separated advertiser ids (when no app id/secret)"),
  ],
  linkedin: [
    field("linkedin", "accessToken", true, "member access token with r_ads, rw_ads, r_ads_reporting"),
    field("linkedin", "refreshToken", true, "refresh token (Marketing Developer Platform partners)"),
    field("linkedin", "clientId", false, "OAuth client id"),
    field("linkedin", "clientSecret", true, "OAuth client secret"),
  ],
};

export interface ConnectorCredentials {
  secrets: Secrets;
  settings: Settings;
}

export interface BuildOptions extends Runtime {
  onTokenRefresh?: (state: TokenState) => void | Promise<void>;
}

const str = (v: Settings[string]) => (Array.isArray(v) ? v.join(",") : v);
const date = (v: Settings[string]) => (str(v) ? new Date(str(v)!) : null);

/** Builds a platform's connector from credentials (secrets + settings such as baseUrl and version). */
export function buildConnector(
  platform: AdPlatform,
  credentials: ConnectorCredentials,
  options: BuildOptions = {},
): AdPlatformConnector {
  const { secrets: s, settings: t } = credentials;
  const common = {
    ...options,
    baseUrl: str(t.baseUrl),
    version: str(t.version),
    accessTokenExpiresAt: date(t.accessTokenExpiresAt),
  };
  switch (platform) {
    case "google":
      return new GoogleAdsConnector({
        ...common,
        accessToken: s.accessToken,
        refreshToken: s.refreshToken,
        clientId: str(t.clientId),
        clientSecret: s.clientSecret,
        tokenUrl: str(t.tokenUrl),
        loginCustomerId: str(t.loginCustomerId),
        developerToken: s.developerToken,
      });
    case "meta":
      return new MetaConnector({
        ...common,
        accessToken: s.accessToken,
        appId: str(t.appId),
        appSecret: s.appSecret,
      });
    case "tiktok":
      return new TikTokConnector({
        ...common,
        accessToken: s.accessToken,
        refreshToken: s.refreshToken,
        appId: str(t.appId),
        secret: s.secret,
        advertiserIds: str(t.advertiserIds)
          ?.split(",")
          .map((x) => x.trim())
          .filter(Boolean),
      });
    case "linkedin":
      return new LinkedInConnector({
        ...common,
        accessToken: s.accessToken,
        refreshToken: s.refreshToken,
        clientId: str(t.clientId),
        clientSecret: s.clientSecret,
        tokenUrl: str(t.tokenUrl),
      });
  }
}

/**
 * The connector for a platform from the credentials stored for a workspace; refreshed tokens are
 * encrypted and stored again so the next run starts from them.
 */
export async function connectorFromStore(
  store: Store,
  key: Buffer,
  platform: AdPlatform,
  options: BuildOptions & { workspaceId?: string } = {},
): Promise<AdPlatformConnector> {
  const workspaceId = options.workspaceId ?? "default";
  const stored = await loadCredentials(store, key, platform as CredentialPlatform, workspaceId);
  if (!stored)
    throw new Error(`no ${platform} credentials stored: run \`adpilot connect ${platform}\` first`);
  return buildConnector(platform, stored, {
    ...options,
    onTokenRefresh: async (state) => {
      const secrets: Secrets = { ...stored.secrets, accessToken: state.accessToken };
      if (state.refreshToken) secrets.refreshToken = state.refreshToken;
      const settings = { ...stored.settings, accessTokenExpiresAt: state.expiresAt?.toISOString() };
      await saveCredentials(store, key, {
        workspaceId,
        platform: platform as CredentialPlatform,
        secrets,
        settings,
      });
      await options.onTokenRefresh?.(state);
    },
  });
}

export function isAdPlatform(value: string): value is AdPlatform {
  return (AD_PLATFORMS as readonly string[]).includes(value);
}
