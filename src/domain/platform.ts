export const PLATFORMS = ["google", "meta", "tiktok", "linkedin", "csv", "sandbox"] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Marketing channels: the unit the MMM allocates between. Platforms map onto channels per account. */
export const DEFAULT_CHANNEL_BY_PLATFORM: Readonly<Record<Platform, string>> = {
  google: "search",
  meta: "social",
  tiktok: "video",
  linkedin: "social",
  csv: "other",
  sandbox: "other",
};

const ALIASES: Record<string, Platform> = {
  google: "google",
  "google ads": "google",
  googleads: "google",
  adwords: "google",
  meta: "meta",
  facebook: "meta",
  "facebook ads": "meta",
  "meta ads": "meta",
  instagram: "meta",
  tiktok: "tiktok",
  "tiktok ads": "tiktok",
  linkedin: "linkedin",
  "linkedin ads": "linkedin",
  csv: "csv",
  sandbox: "sandbox",
};

export function isPlatform(value: string): value is Platform {
  return (PLATFORMS as readonly string[]).includes(value);
}

/** Accepts common spellings ("Facebook Ads", "Google Ads") and returns the canonical platform, or undefined. */
export function normalisePlatform(value: string): Platform | undefined {
  return ALIASES[value.trim().toLowerCase()];
}
