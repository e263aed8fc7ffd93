import type { ImportOptions } from "./types.js";

/** Totals over the rows one import yields; amounts in minor units (cents: every sample is read as USD). */
export interface SampleTotals {
  rows: number;
  rejections: number;
  impressions: number;
  clicks: number;
  costMinor: number;
  conversions: number;
  revenueMinor: number;
}

export interface ShippedSample {
  /** Folder under the shared data directory (`../shared/data/ads/` beside the project). */
  folder: string;
  file: string;
  /** The options (CLI flags) that import it; see README.md for the equivalent command line. */
  options: ImportOptions;
  /** Expected totals, checked against an independent computation in samples.test.ts. */
  expected: SampleTotals;
}

/** How each public sample in ../shared/data/ads imports, and what it must add up to. */
export const SHIPPED_SAMPLES: readonly ShippedSample[] = [
  {
    folder: "multiplatform_ad_report_sample",
    file: "ad_report_schema.csv",
    options: {
      map: {
        date_day: "date",
        ad_group_id: "adgroup_id",
        ad_group_name: "adgroup_name",
        spend: "cost",
        conversions_value: "revenue",
      },
    },
    expected: {
      rows: 16,
      rejections: 0,
      impressions: 163500,
      clicks: 3041,
      costMinor: 224715,
      conversions: 201,
      revenueMinor: 458500,
    },
  },
  {
    folder: "global_ads_performance",
    file: "global_ads_performance_dataset.csv",
    options: {
      account: "global-ads-demo",
      map: { ad_spend: "cost", campaign_type: "campaign_id", $line: "ad_id" },
    },
    expected: {
      rows: 1800,
      rejections: 0,
      impressions: 185254234,
      clicks: 7132816,
      costMinor: 1110874909,
      conversions: 326812,
      revenueMinor: 5418333081,
    },
  },
  {
    folder: "kag_conversion_data",
    file: "KAG_conversion_data.csv",
    options: {
      date: "2024-01-01",
      platform: "meta",
      account: "kag-xyz",
      map: {
        xyz_campaign_id: "campaign_id",
        fb_campaign_id: "adgroup_id",
        Spent: "cost",
        Approved_Conversion: "conversions",
      },
    },
    expected: {
      rows: 1143,
      rejections: 0,
      impressions: 213434828,
      clicks: 38165,
      costMinor: 5870523,
      conversions: 1079,
      revenueMinor: 0,
    },
  },
  {
    folder: "google_ads_sales_uncleaned",
    file: "GoogleAds_DataAnalytics_Sales_Uncleaned.csv",
    options: {
      preset: "google-ads",
      account: "data-analytics-course",
      map: { Ad_ID: "ad_id", Campaign_Name: "campaign_name", Sale_Amount: "revenue", Ad_Date: "date" },
    },
    expected: {
      rows: 1403,
      rejections: 1197,
      impressions: 6372364,
      clicks: 192969,
      costMinor: 30091650,
      conversions: 9154,
      revenueMinor: 210307000,
    },
  },
  {
    folder: "robyn_simulated_weekly",
    file: "dt_simulated_weekly.csv",
    options: {
      platform: "meta",
      account: "robyn-sim",
      map: { DATE: "date", facebook_S: "cost", revenue: "-" },
    },
    expected: {
      rows: 208,
      rejections: 0,
      impressions: 0,
      clicks: 0,
      costMinor: 44629682,
      conversions: 0,
      revenueMinor: 0,
    },
  },
];
