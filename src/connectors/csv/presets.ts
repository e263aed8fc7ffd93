import type { Platform } from "../../domain/platform.js";
import {
  normaliseHeader,
  OPTIONAL_STANDARD_COLUMNS,
  STANDARD_COLUMNS,
  type StandardColumn,
} from "./columns.js";
import type { DecimalSeparator } from "./numbers.js";
import type { DateOrder, PresetName } from "./types.js";

/** How a source column feeds a standard column; amounts are in major units unless `micros`. */
export interface ColumnRule {
  target: StandardColumn;
  unit?: "major" | "micros";
}

export interface Preset {
  name: PresetName;
  description: string;
  /** Platform of every row when the file has no platform column. */
  platform?: Platform;
  /** Export column names (as the platform writes them) in order of preference per target. */
  columns: ReadonlyArray<readonly [source: string, rule: ColumnRule]>;
  /** Column names that carry the currency in parentheses, e.g. Meta's "Amount spent (USD)". */
  currencyHeaders?: ReadonlyArray<{ pattern: RegExp; rule: ColumnRule }>;
  /** Cell texts that mean 0 in the listed columns because the platform writes them for "none". */
  zeroTokens?: { tokens: readonly string[]; columns: readonly StandardColumn[] };
  dateOrder?: DateOrder;
  decimal: DecimalSeparator;
  /** Normalised header names that identify this platform's export when auto-detecting. */
  detect: readonly string[];
  /** Rows to drop silently, such as the "Total: ..." summary lines of Google Ads exports. */
  isSummaryRow?: (cells: readonly string[]) => boolean;
  /** Account ids shown with dashes (Google's 123-456-7890) are stored without them. */
  stripAccountDashes?: boolean;
}

const col = (target: StandardColumn, unit?: "micros"): ColumnRule => (unit ? { target, unit } : { target });

const standard: Preset = {
  name: "standard",
  description:
    "AdPilot's own format: date, platform, account_id, campaign_id, adgroup_id, ad_id, impressions, clicks, cost, conversions, revenue (+ optional currency, campaign_name, adgroup_name, ad_name); amounts in major units",
  columns: [],
  decimal: ".",
  detect: [],
};

const googleAds: Preset = {
  name: "google-ads",
  description:
    'Google Ads report download or GAQL dump: "Day", "Campaign", "Ad group", "Impr.", "Cost" (currency) or "Cost (micros)"/"cost_micros", "Conv.", "Conv. value"',
  platform: "google",
  columns: [
    ["Day", col("date")],
    ["Date", col("date")],
    ["segments.date", col("date")],
    ["Customer ID", col("account_id")],
    ["customer.id", col("account_id")],
    ["Campaign ID", col("campaign_id")],
    ["campaign.id", col("campaign_id")],
    ["Campaign", col("campaign_name")],
    ["campaign.name", col("campaign_name")],
    ["Ad group ID", col("adgroup_id")],
    ["ad_group.id", col("adgroup_id")],
    ["Ad group", col("adgroup_name")],
    ["ad_group.name", col("adgroup_name")],
    ["Ad ID", col("ad_id")],
    ["ad_group_ad.ad.id", col("ad_id")],
    ["Ad name", col("ad_name")],
    ["ad_group_ad.ad.name", col("ad_name")],
    ["Impr.", col("impressions")],
    ["Impressions", col("impressions")],
    ["metrics.impressions", col("impressions")],
    ["Clicks", col("clicks")],
    ["metrics.clicks", col("clicks")],
    ["Cost (micros)", col("cost", "micros")],
    ["cost_micros", col("cost", "micros")],
    ["metrics.cost_micros", col("cost", "micros")],
    ["Cost", col("cost")],
    ["Conv.", col("conversions")],
    ["Conversions", col("conversions")],
    ["metrics.conversions", col("conversions")],
    ["Conv. value", col("revenue")],
    ["Conversion value", col("revenue")],
    ["metrics.conversions_value", col("revenue")],
    ["Currency code", col("currency")],
    ["customer.currency_code", col("currency")],
  ],
  zeroTokens: { tokens: ["--"], columns: ["conversions", "revenue"] },
  decimal: ".",
  detect: [
    "impr.",
    "conv.",
    "conv. value",
    "cost (micros)",
    "cost_micros",
    "metrics.cost_micros",
    "customer id",
  ],
  isSummaryRow: (cells) => cells.some((c) => c.startsWith("Total: ")),
  stripAccountDashes: true,
};

const meta: Preset = {
  name: "meta",
  description:
    'Meta Ads Manager export: "Reporting starts", "Campaign name", "Ad set name", "Ad name", "Amount spent (USD)" (currency from the parenthesis), "Results", "Purchases conversion value"',
  platform: "meta",
  columns: [
    ["Reporting starts", col("date")],
    ["Day", col("date")],
    ["Account ID", col("account_id")],
    ["Campaign ID", col("campaign_id")],
    ["Campaign name", col("campaign_name")],
    ["Ad set ID", col("adgroup_id")],
    ["Ad set name", col("adgroup_name")],
    ["Ad ID", col("ad_id")],
    ["Ad name", col("ad_name")],
    ["Impressions", col("impressions")],
    ["Link clicks", col("clicks")],
    ["Clicks (all)", col("clicks")],
    ["Amount spent", col("cost")],
    ["Results", col("conversions")],
    ["Purchases", col("conversions")],
    ["Purchases conversion value", col("revenue")],
    ["Website purchases conversion value", col("revenue")],
    ["Currency", col("currency")],
  ],
  currencyHeaders: [{ pattern: /^amount spent \(([a-z]{3})\)$/, rule: col("cost") }],
  zeroTokens: { tokens: [""], columns: ["clicks", "conversions", "revenue"] },
  decimal: ".",
  detect: ["reporting starts", "ad set name", "amount spent", "link clicks"],
};

// TikTok Ads Manager column names are from its custom-report export [unverified against a real
// file]; the lower-case names are the report API's metric names.
const tiktok: Preset = {
  name: "tiktok",
  description:
    'TikTok Ads Manager export or report API dump: "By Day"/"stat_time_day", "Campaign name", "Ad group name", "Cost"/"spend", "Impressions", "Clicks (destination)", "Conversions", "Total purchase value"; "-" means 0',
  platform: "tiktok",
  columns: [
    ["By Day", col("date")],
    ["Date", col("date")],
    ["stat_time_day", col("date")],
    ["Advertiser ID", col("account_id")],
    ["advertiser_id", col("account_id")],
    ["Campaign ID", col("campaign_id")],
    ["Campaign name", col("campaign_name")],
    ["Ad group ID", col("adgroup_id")],
    ["Ad group name", col("adgroup_name")],
    ["Ad ID", col("ad_id")],
    ["Ad name", col("ad_name")],
    ["Impressions", col("impressions")],
    ["Clicks (destination)", col("clicks")],
    ["Clicks", col("clicks")],
    ["Cost", col("cost")],
    ["Total cost", col("cost")],
    ["spend", col("cost")],
    ["Conversions", col("conversions")],
    ["conversion", col("conversions")],
    ["Total purchase value", col("revenue")],
    ["Total complete payment value", col("revenue")],
    ["total_complete_payment_value", col("revenue")],
    ["Currency", col("currency")],
  ],
  zeroTokens: { tokens: ["-"], columns: ["impressions", "clicks", "conversions", "revenue"] },
  decimal: ".",
  detect: [
    "stat_time_day",
    "advertiser id",
    "clicks (destination)",
    "by day",
    "total complete payment value",
  ],
};

// LinkedIn Campaign Manager exports write numeric dates month first (en-US) [unverified]; the
// camelCase names are the adAnalytics API fields.
const linkedin: Preset = {
  name: "linkedin",
  description:
    'LinkedIn Campaign Manager export or adAnalytics dump: "Start Date (in UTC)", "Account ID", "Campaign ID", "Campaign Name", "Creative ID", "Total Spent"/"costInLocalCurrency", "Impressions", "Clicks", "Conversions", "Conversion Value"',
  platform: "linkedin",
  columns: [
    ["Start Date (in UTC)", col("date")],
    ["Start Date", col("date")],
    ["Date", col("date")],
    ["Account ID", col("account_id")],
    ["Campaign ID", col("campaign_id")],
    ["Campaign Name", col("campaign_name")],
    ["Creative ID", col("ad_id")],
    ["Creative Name", col("ad_name")],
    ["Impressions", col("impressions")],
    ["Clicks", col("clicks")],
    ["Total Spent", col("cost")],
    ["Amount Spent", col("cost")],
    ["costInLocalCurrency", col("cost")],
    ["Conversions", col("conversions")],
    ["externalWebsiteConversions", col("conversions")],
    ["Conversion Value", col("revenue")],
    ["Total Conversion Value", col("revenue")],
    ["conversionValueInLocalCurrency", col("revenue")],
    ["Currency", col("currency")],
  ],
  dateOrder: "mdy",
  decimal: ".",
  detect: ["start date (in utc)", "total spent", "costinlocalcurrency", "creative id"],
};

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  standard,
  "google-ads": googleAds,
  meta,
  tiktok,
  linkedin,
};

/** The preset whose distinctive column names the header contains, or "standard". */
export function detectPreset(header: readonly string[]): PresetName {
  const names = new Set(header.map(normaliseHeader));
  let best: PresetName = "standard";
  let bestScore = 0;
  for (const preset of Object.values(PRESETS)) {
    let score = preset.detect.filter((name) => names.has(name)).length;
    if (preset.currencyHeaders?.some((h) => [...names].some((n) => h.pattern.test(n)))) score++;
    if (score > bestScore) {
      best = preset.name;
      bestScore = score;
    }
  }
  return best;
}

export function describePresets(): { name: PresetName; description: string; columns: string[] }[] {
  return Object.values(PRESETS).map((preset) => ({
    name: preset.name,
    description: preset.description,
    columns:
      preset.name === "standard"
        ? [...STANDARD_COLUMNS, ...OPTIONAL_STANDARD_COLUMNS.map((c) => `${c} (optional)`)]
        : [
            ...preset.columns.map(([source, rule]) => `${source} → ${describeRule(rule)}`),
            ...(preset.currencyHeaders ?? []).map((h) => `${h.pattern.source} → ${describeRule(h.rule)}`),
          ],
  }));
}

function describeRule(rule: ColumnRule): string {
  return rule.unit === "micros" ? `${rule.target} (micros)` : rule.target;
}
