import type { EntityLevel, EntityStatus } from "../../domain/entities.js";
import { decimalToMinor, microsToMinor } from "../../domain/money.js";
import type { PerformanceFact } from "../../domain/performance.js";

/** One searchStream result row (proto3 JSON: int64 as strings, doubles as numbers, zeros omitted). */
export interface GoogleRow {
  customer?: {
    id?: string;
    descriptiveName?: string;
    currencyCode?: string;
    timeZone?: string;
    manager?: boolean;
  };
  campaign?: {
    id?: string;
    name?: string;
    status?: string;
    campaignBudget?: string;
    advertisingChannelType?: string;
  };
  campaignBudget?: { id?: string; amountMicros?: string | number; referenceCount?: string | number };
  adGroup?: { id?: string; name?: string; status?: string; cpcBidMicros?: string | number };
  adGroupAd?: { ad?: { id?: string; name?: string }; status?: string };
  segments?: { date?: string; hour?: number };
  metrics?: {
    impressions?: string | number;
    clicks?: string | number;
    costMicros?: string | number;
    conversions?: number;
    conversionsValue?: number;
  };
}

export function googleStatus(status: string | undefined): EntityStatus {
  return status === "ENABLED" ? "active" : status === "PAUSED" ? "paused" : "removed";
}

const CHANNELS: Record<string, string> = {
  SEARCH: "search",
  DISPLAY: "display",
  VIDEO: "video",
  SHOPPING: "shopping",
  PERFORMANCE_MAX: "pmax",
  DEMAND_GEN: "display",
  MULTI_CHANNEL: "other",
};

export function googleChannel(type: string | undefined): string {
  return CHANNELS[type ?? ""] ?? "search";
}

/** int64 JSON (string or number, absent = 0) -> number. */
export function int64(value: string | number | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`expected an int64 value, got ${JSON.stringify(value)}`);
  return n;
}

export function microsOrNull(value: string | number | undefined, currency: string): number | null {
  return value === undefined ? null : microsToMinor(int64(value), currency);
}

export function toFact(
  row: GoogleRow,
  level: EntityLevel,
  accountId: string,
  currency: string,
): PerformanceFact {
  const m = row.metrics ?? {};
  const value = m.conversionsValue ?? 0;
  return {
    accountId,
    date: row.segments?.date ?? "",
    hour: row.segments?.hour ?? -1,
    campaignId: row.campaign?.id ?? "",
    adGroupId: level === "campaign" ? "" : (row.adGroup?.id ?? ""),
    adId: level === "ad" ? (row.adGroupAd?.ad?.id ?? "") : "",
    impressions: int64(m.impressions),
    clicks: int64(m.clicks),
    costMinor: microsToMinor(int64(m.costMicros), currency),
    conversions: m.conversions ?? 0,
    // conversions_value is a double in major units: go through its decimal text, never float math
    revenueMinor: decimalToMinor(value.toFixed(6), currency) ?? 0,
    currency,
  };
}
