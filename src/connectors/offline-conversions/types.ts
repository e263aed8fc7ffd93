/** One offline conversion: a CRM outcome with a (predicted) value, tied to a click or a person. */
export interface OfflineConversion {
  /** Stable id (e.g. "hubspot-deal-98765:closedwon"): platforms deduplicate on it. */
  transactionId: string;
  occurredAt: Date;
  /** Value in minor units of `currency` — the deal value or a predicted value for value-based bidding. */
  valueMinor: number;
  currency: string;
  gclid?: string;
  gbraid?: string;
  wbraid?: string;
  /** Meta click id from the landing URL (fbclid); sent as fbc. */
  fbclid?: string;
  /** Meta Lead Ads lead id (sent unhashed). */
  leadId?: string;
  email?: string;
  phone?: string;
  firstName?: string;
  lastName?: string;
  city?: string;
  externalId?: string;
}
