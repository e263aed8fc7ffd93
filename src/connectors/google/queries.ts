import type { EntityLevel } from "../../domain/entities.js";

// GAQL text for each read. Dates are explicit BETWEEN ranges (the DURING presets reject LAST_90_DAYS).

export const CUSTOMER_QUERY =
  "SELECT customer.id, customer.descriptive_name, customer.currency_code, customer.time_zone, customer.manager FROM customer";

export const CAMPAIGNS_QUERY =
  "SELECT campaign.id, campaign.name, campaign.status, campaign.advertising_channel_type, campaign.campaign_budget, campaign_budget.amount_micros FROM campaign WHERE campaign.status != 'REMOVED'";

export const AD_GROUPS_QUERY =
  "SELECT ad_group.id, ad_group.name, ad_group.status, ad_group.cpc_bid_micros, campaign.id FROM ad_group WHERE ad_group.status != 'REMOVED'";

export const ADS_QUERY =
  "SELECT ad_group_ad.ad.id, ad_group_ad.ad.name, ad_group_ad.status, ad_group.id, campaign.id FROM ad_group_ad WHERE ad_group_ad.status != 'REMOVED'";

export function campaignBudgetQuery(campaignId: string): string {
  return `SELECT campaign.id, campaign.campaign_budget, campaign_budget.amount_micros, campaign_budget.reference_count FROM campaign WHERE campaign.id = ${digits(campaignId)}`;
}

const METRICS =
  "metrics.impressions, metrics.clicks, metrics.cost_micros, metrics.conversions, metrics.conversions_value";

export function performanceQuery(level: EntityLevel, from: string, to: string, hourly: boolean): string {
  const ids =
    level === "campaign"
      ? "campaign.id"
      : level === "ad_group"
        ? "ad_group.id, campaign.id"
        : "ad_group_ad.ad.id, ad_group.id, campaign.id";
  const resource = level === "campaign" ? "campaign" : level === "ad_group" ? "ad_group" : "ad_group_ad";
  const segments = hourly ? "segments.date, segments.hour" : "segments.date";
  return `SELECT ${ids}, ${segments}, ${METRICS} FROM ${resource} WHERE segments.date BETWEEN '${isoDate(from)}' AND '${isoDate(to)}' ORDER BY segments.date`;
}

function digits(id: string): string {
  if (!/^\d+$/.test(id)) throw new RangeError(`Google Ads ids are numeric, got "${id}"`);
  return id;
}

function isoDate(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`expected a YYYY-MM-DD date, got "${date}"`);
  return date;
}
