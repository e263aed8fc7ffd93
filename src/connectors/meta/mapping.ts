import type { EntityLevel, EntityStatus } from "../../domain/entities.js";
import { decimalToMinor } from "../../domain/money.js";
import type { PerformanceFact } from "../../domain/performance.js";

export interface InsightsRow {
  account_currency?: string;
  campaign_id?: string;
  adset_id?: string;
  ad_id?: string;
  impressions?: string;
  clicks?: string;
  spend?: string;
  actions?: { action_type: string; value: string }[];
  action_values?: { action_type: string; value: string }[];
  date_start?: string;
  hourly_stats_aggregated_by_advertiser_time_zone?: string;
}

/**
 * Which action types count as conversions. Meta reports one purchase under several types (purchase,
 * omni_purchase, offsite_conversion.fb_pixel_purchase): each group lists aliases of ONE conversion,
 * and the first alias present is taken, never their sum.
 */
export const DEFAULT_CONVERSION_ACTIONS: string[][] = [
  ["purchase", "omni_purchase", "offsite_conversion.fb_pixel_purchase"],
  ["lead", "onsite_conversion.lead_grouped", "offsite_conversion.fb_pixel_lead"],
];

function pick(list: { action_type: string; value: string }[] | undefined, groups: string[][]): string[] {
  if (!list) return [];
  const out: string[] = [];
  for (const group of groups) {
    for (const type of group) {
      const hit = list.find((a) => a.action_type === type);
      if (hit) {
        out.push(hit.value);
        break;
      }
    }
  }
  return out;
}

export function metaStatus(status: string | undefined): EntityStatus {
  return status === "ACTIVE" ? "active" : status === "PAUSED" ? "paused" : "removed";
}

function count(text: string | undefined): number {
  const n = Number(text ?? 0);
  if (!Number.isFinite(n) || n < 0)
    throw new RangeError(`Meta insights: expected a count, got ${JSON.stringify(text)}`);
  return n;
}

function money(text: string | undefined, currency: string): number {
  if (text === undefined) return 0;
  const minor = decimalToMinor(text, currency);
  if (minor === undefined)
    throw new RangeError(`Meta insights: expected a decimal amount, got ${JSON.stringify(text)}`);
  return minor;
}

export function insightsToFact(
  row: InsightsRow,
  level: EntityLevel,
  accountId: string,
  currency: string,
  groups: string[][],
): PerformanceFact {
  const cur = row.account_currency ?? currency;
  const hourText = row.hourly_stats_aggregated_by_advertiser_time_zone;
  return {
    accountId,
    date: row.date_start ?? "",
    hour: hourText ? Number(hourText.slice(0, 2)) : -1,
    campaignId: row.campaign_id ?? "",
    adGroupId: level === "campaign" ? "" : (row.adset_id ?? ""),
    adId: level === "ad" ? (row.ad_id ?? "") : "",
    impressions: count(row.impressions),
    clicks: count(row.clicks),
    costMinor: money(row.spend, cur),
    conversions: pick(row.actions, groups).reduce((t, v) => t + count(v), 0),
    revenueMinor: pick(row.action_values, groups).reduce((t, v) => t + money(v, cur), 0),
    currency: cur,
  };
}
