import { minorToDecimal } from "../../domain/money.js";
import { normaliseEmailForGoogle, normaliseName, normalisePhoneForGoogle, sha256Hex } from "./normalise.js";
import type { OfflineConversion } from "./types.js";

export const DATA_MANAGER_BASE_URL = "https://datamanager.googleapis.com";
/** The Data Manager API takes at most 2,000 events per request. */
export const MAX_EVENTS_PER_INGEST = 2000;

export interface GoogleDestination {
  /** Google Ads account that owns the conversion action (10 digits). */
  operatingAccountId: string;
  /** Manager account used to log in, if any. */
  loginAccountId?: string;
  /** The conversion action id. */
  conversionActionId: string;
}

export interface IngestOptions extends GoogleDestination {
  consent?: {
    adUserData: "CONSENT_GRANTED" | "CONSENT_DENIED";
    adPersonalization: "CONSENT_GRANTED" | "CONSENT_DENIED";
  };
  defaultCallingCode?: string;
  validateOnly?: boolean;
}

/**
 * Google Data Manager API `events:ingest` bodies (the required path for new offline-conversion
 * integrations): one destination, HEX-encoded SHA-256 identifiers normalised by Google's rules, at
 * most 2,000 events per body.
 */
export function buildDataManagerIngest(
  conversions: OfflineConversion[],
  options: IngestOptions,
): Record<string, unknown>[] {
  const digits = (id: string) => id.replaceAll("-", "");
  const destination = {
    reference: "gads",
    operatingAccount: { accountType: "GOOGLE_ADS", accountId: digits(options.operatingAccountId) },
    ...(options.loginAccountId
      ? { loginAccount: { accountType: "GOOGLE_ADS", accountId: digits(options.loginAccountId) } }
      : {}),
    productDestinationId: options.conversionActionId,
  };
  const bodies: Record<string, unknown>[] = [];
  for (let i = 0; i < conversions.length; i += MAX_EVENTS_PER_INGEST) {
    bodies.push({
      destinations: [destination],
      encoding: "HEX",
      consent: options.consent ?? { adUserData: "CONSENT_GRANTED", adPersonalization: "CONSENT_GRANTED" },
      validateOnly: options.validateOnly ?? false,
      events: conversions
        .slice(i, i + MAX_EVENTS_PER_INGEST)
        .map((c) => googleEvent(c, options.defaultCallingCode)),
    });
  }
  return bodies;
}

function googleEvent(c: OfflineConversion, defaultCallingCode?: string): Record<string, unknown> {
  const ids: Record<string, unknown>[] = [];
  if (c.email) ids.push({ emailAddress: sha256Hex(normaliseEmailForGoogle(c.email)) });
  const phone = c.phone ? normalisePhoneForGoogle(c.phone, defaultCallingCode) : undefined;
  if (phone) ids.push({ phoneNumber: sha256Hex(phone) });
  if (c.firstName && c.lastName) {
    ids.push({
      address: {
        givenName: sha256Hex(normaliseName(c.firstName)),
        familyName: sha256Hex(normaliseName(c.lastName)),
      },
    });
  }
  const adIdentifiers = Object.fromEntries(
    (["gclid", "gbraid", "wbraid"] as const).filter((k) => c[k]).map((k) => [k, c[k]]),
  );
  if (Object.keys(adIdentifiers).length === 0 && ids.length === 0) {
    throw new RangeError(
      `conversion ${c.transactionId}: needs a click id (gclid/gbraid/wbraid) or an email/phone to match`,
    );
  }
  return {
    transactionId: c.transactionId,
    eventTimestamp: c.occurredAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
    eventSource: "OTHER",
    ...(Object.keys(adIdentifiers).length > 0 ? { adIdentifiers } : {}),
    conversionValue: Number(minorToDecimal(c.valueMinor, c.currency)),
    currency: c.currency,
    ...(ids.length > 0 ? { userData: { userIdentifiers: ids.slice(0, 10) } } : {}),
  };
}
