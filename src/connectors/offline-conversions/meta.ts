import { minorToDecimal } from "../../domain/money.js";
import {
  normaliseCity,
  normaliseEmailForMeta,
  normaliseName,
  normalisePhoneForMeta,
  sha256Hex,
} from "./normalise.js";
import type { OfflineConversion } from "./types.js";

/** Meta takes at most 1,000 events per Conversions API request. */
export const MAX_CAPI_EVENTS = 1000;

export interface CapiOptions {
  /** CRM stage as Meta event name ("Purchase", "Converted", "Sales Opportunity" ...). */
  eventName: string;
  /** CRM name for custom_data.lead_event_source (Conversion Leads optimisation). */
  crmName?: string;
  defaultCallingCode?: string;
  testEventCode?: string;
}

/**
 * Conversions API bodies for CRM outcomes: action_source system_generated, user data normalised and
 * SHA-256 hashed by Meta's rules (fbc, lead_id unhashed), value in major units.
 */
export function buildCapiEvents(
  conversions: OfflineConversion[],
  options: CapiOptions,
): Record<string, unknown>[] {
  const bodies: Record<string, unknown>[] = [];
  for (let i = 0; i < conversions.length; i += MAX_CAPI_EVENTS) {
    bodies.push({
      data: conversions.slice(i, i + MAX_CAPI_EVENTS).map((c) => capiEvent(c, options)),
      ...(options.testEventCode ? { test_event_code: options.testEventCode } : {}),
    });
  }
  return bodies;
}

function capiEvent(c: OfflineConversion, options: CapiOptions): Record<string, unknown> {
  const user: Record<string, unknown> = {};
  if (c.email) user.em = [sha256Hex(normaliseEmailForMeta(c.email))];
  const phone = c.phone ? normalisePhoneForMeta(c.phone, options.defaultCallingCode) : undefined;
  if (phone) user.ph = [sha256Hex(phone)];
  if (c.firstName) user.fn = sha256Hex(normaliseName(c.firstName).replaceAll(" ", ""));
  if (c.lastName) user.ln = sha256Hex(normaliseName(c.lastName).replaceAll(" ", ""));
  if (c.city) user.ct = sha256Hex(normaliseCity(c.city));
  if (c.externalId) user.external_id = [sha256Hex(c.externalId.trim().toLowerCase())];
  // fbc = fb.<subdomain index>.<creation time ms>.<fbclid>; Meta wants it unhashed
  if (c.fbclid) user.fbc = `fb.1.${c.occurredAt.getTime()}.${c.fbclid}`;
  if (c.leadId) user.lead_id = c.leadId;
  if (Object.keys(user).length === 0) {
    throw new RangeError(
      `conversion ${c.transactionId}: Meta needs at least one identifier (email, phone, fbclid, lead id)`,
    );
  }
  return {
    event_name: options.eventName,
    event_time: Math.floor(c.occurredAt.getTime() / 1000),
    event_id: c.transactionId,
    action_source: "system_generated",
    user_data: user,
    custom_data: {
      value: Number(minorToDecimal(c.valueMinor, c.currency)),
      currency: c.currency,
      event_source: "crm",
      lead_event_source: options.crmName ?? "AdPilot",
    },
  };
}
