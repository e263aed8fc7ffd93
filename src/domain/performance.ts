/**
 * One row of performance: an ad (or campaign / ad group when the platform reports no lower level)
 * on one local date, optionally one hour. Standard columns follow seed 002's standardized schema:
 * date, campaign_id, adgroup_id, ad_id, impressions, clicks, cost, conversions, revenue; the ratios
 * ctr, cvr, avg_cpc, cac and roas are derived (see `derivedRatios`), never stored.
 */
export interface PerformanceFact {
  accountId: string;
  date: string;
  /** 0-23 for hourly rows, -1 for a whole day. */
  hour: number;
  campaignId: string;
  /** "" when the report has no ad-group level. */
  adGroupId: string;
  /** "" when the report has no ad level. */
  adId: string;
  impressions: number;
  clicks: number;
  costMinor: number;
  conversions: number;
  revenueMinor: number;
  currency: string;
  extras?: Record<string, unknown>;
}

export interface PerformanceTotals {
  impressions: number;
  clicks: number;
  costMinor: number;
  conversions: number;
  revenueMinor: number;
}

export interface DerivedRatios {
  /** clicks / impressions */
  ctr: number | null;
  /** conversions / clicks */
  cvr: number | null;
  /** cost per click, minor units */
  cpcMinor: number | null;
  /** cost per acquisition (conversion), minor units */
  cacMinor: number | null;
  /** revenue / cost */
  roas: number | null;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export function derivedRatios(t: PerformanceTotals): DerivedRatios {
  return {
    ctr: ratio(t.clicks, t.impressions),
    cvr: ratio(t.conversions, t.clicks),
    cpcMinor: ratio(t.costMinor, t.clicks),
    cacMinor: ratio(t.costMinor, t.conversions),
    roas: ratio(t.revenueMinor, t.costMinor),
  };
}

export function emptyTotals(): PerformanceTotals {
  return { impressions: 0, clicks: 0, costMinor: 0, conversions: 0, revenueMinor: 0 };
}

export function addTotals(into: PerformanceTotals, row: PerformanceTotals): PerformanceTotals {
  into.impressions += row.impressions;
  into.clicks += row.clicks;
  into.costMinor += row.costMinor;
  into.conversions += row.conversions;
  into.revenueMinor += row.revenueMinor;
  return into;
}
