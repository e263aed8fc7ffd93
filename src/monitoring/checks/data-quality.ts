import type { CounterFreshness } from "./impression-band.js";
import { median, robustZ } from "./robust.js";
import type { SpendBand } from "./spend-band.js";
import { accountLink, type CheckOutcome, type Finding, outcome } from "./types.js";

export interface DayTotals {
  date: string;
  impressions: number;
  clicks: number;
  costMinor: number;
  conversions: number;
  revenueMinor: number;
}

export interface EntityWindowTotals extends Omit<DayTotals, "date"> {
  entityId: string;
}

export interface DataQualityInput {
  accountId: string;
  accountName: string;
  now: Date;
  today: string;
  /** Complete days in the window that should have data (since the account's first data). */
  expectedDates: string[];
  presentDates: string[];
  /** Rows reported for today, and the share of a normal day that should be reported by now. */
  todayRows: number;
  todayExpectedShare: number;
  /** Hours today's totals have not changed at all, and the share of a normal day that should have arrived meanwhile. */
  unchangedHours: number;
  expectedShareMeanwhile: number;
  /**
   * The spend band (spend-band.ts) over the `unchangedHours` today's totals have not moved: how unlikely
   * a gain of exactly zero is on this account at these hours. Absent without a week of samples.
   */
  unchangedBand?: SpendBand | null;
  /**
   * The same over today's reported impressions (impression-band.ts). When present it decides alone:
   * impressions that grew mean data arrived, however quiet spend was; impressions frozen over hours
   * where they always grow mean a frozen feed. Null or absent when the samples carry no impressions
   * (recorded before migration 0007) or lack a week of history; then the spend rules above decide.
   */
  impressions?: CounterFreshness | null;
  /** Each entity's totals over the window (consistency), including any raw negative values. */
  entities: EntityWindowTotals[];
  /** Per arm, complete days oldest first; the last day is tested against the ones before it. */
  /** `lastChangeDate`: the latest local date a change (budget, status, bid) was applied to the arm. */
  arms: { armId: string; days: DayTotals[]; lastChangeDate?: string | null }[];
}

export const DATA_QUALITY_DEFAULTS = {
  todayExpectedShare: 0.1,
  minBaselineDays: 7,
  zThreshold: 6,
  minRelativeChange: 0.5,
  minImpressions: 2000,
  minConversions: 15,
  minSpendMinor: 1000,
  /** Stale by band: P(no new spend at all over these hours | healthy) below this (see pacing's bandAlpha). */
  staleAlpha: 1e-6,
};

type MetricName = "spend" | "CTR" | "CPA" | "ROAS";

/**
 * Data quality: completeness (missing days), timeliness (nothing yet for today although a normal day
 * would show data by now), consistency (clicks > impressions, conversions > clicks, negative values)
 * and robust anomalies (median/MAD z-score of the last day against the days before) on spend, CTR,
 * CPA and ROAS per arm, each only above a volume floor where the ratio means something.
 */
export function checkDataQuality(input: DataQualityInput, limits = DATA_QUALITY_DEFAULTS): CheckOutcome {
  const { accountId } = input;
  const findings: Finding[] = [];
  const base = { check: "data_quality" as const, accountId, links: [accountLink(accountId)] };

  const present = new Set(input.presentDates);
  const missing = input.expectedDates.filter((d) => !present.has(d));
  if (missing.length > 0) {
    findings.push({
      ...base,
      cause: "data_quality:missing_days",
      severity: "warning",
      headline: `${missing.length} day${missing.length > 1 ? "s" : ""} of data missing for account ${input.accountName}`,
      impact: "models and pacing see a gap",
      evidence: {
        missingDates: missing,
        window: { from: input.expectedDates[0], to: input.expectedDates.at(-1) },
      },
      suggestedAction:
        "Re-sync these dates (adpilot accounts sync --from ... --to ...); if the platform has no data, check whether the account was paused.",
    });
  }

  const impressions = input.impressions ?? null;
  const band = impressions ? impressions.band : (input.unchangedBand ?? null);
  const unchangedHours = impressions ? impressions.unchangedHours : input.unchangedHours;
  const frozenBand =
    band !== null && unchangedHours >= 1 && band.observedMinor === 0 && band.pLow < limits.staleAlpha;
  const frozen = impressions
    ? frozenBand
    : (input.unchangedHours >= 3 && input.expectedShareMeanwhile >= limits.todayExpectedShare) || frozenBand;
  if ((input.todayRows === 0 && input.todayExpectedShare >= limits.todayExpectedShare) || frozen) {
    findings.push({
      ...base,
      cause: "data_quality:stale",
      severity: "warning",
      headline:
        input.todayRows === 0
          ? `No data yet for today (${input.today}) in account ${input.accountName}`
          : `No new data for ${unchangedHours} h in account ${input.accountName}`,
      impact:
        input.todayRows === 0
          ? `a normal day shows ${Math.round(input.todayExpectedShare * 100)}% of its spend by now`
          : impressions && band
            ? `reported impressions have not moved for ${unchangedHours} h where about ${Math.round(band.expectedMinor)} usually arrive`
            : `${Math.round(input.expectedShareMeanwhile * 100)}% of a normal day's spend should have arrived meanwhile`,
      evidence: {
        today: input.today,
        todayRows: input.todayRows,
        expectedShareByNow: input.todayExpectedShare,
        unchangedHours,
        measure: impressions ? "impressions" : "spend",
        usualGainMeanwhile: band ? Math.round(band.expectedMinor) : null,
        pValue: band?.pLow ?? null,
      },
      suggestedAction:
        "Check the sync and the platform's reporting delay; see any API alert for this account.",
    });
  }

  const bad: { entityId: string; problem: string }[] = [];
  for (const e of input.entities) {
    if ([e.impressions, e.clicks, e.costMinor, e.conversions, e.revenueMinor].some((v) => v < 0))
      bad.push({ entityId: e.entityId, problem: "negative values" });
    else if (e.clicks > e.impressions && e.impressions > 0)
      bad.push({ entityId: e.entityId, problem: "clicks > impressions" });
    else if (e.conversions > e.clicks && e.clicks > 0)
      bad.push({ entityId: e.entityId, problem: "conversions > clicks" });
  }
  if (bad.length > 0) {
    findings.push({
      ...base,
      cause: "data_quality:inconsistent",
      severity: "warning",
      headline: `Inconsistent performance data in account ${input.accountName}: ${bad[0]!.problem} for ${bad[0]!.entityId}${bad.length > 1 ? ` and ${bad.length - 1} more` : ""}`,
      evidence: { entities: bad.slice(0, 20) },
      suggestedAction: "Check the connector's field mapping (a column swapped or a unit wrong) and re-sync.",
    });
  }

  let tested = 0;
  for (const arm of input.arms) {
    const days = arm.days;
    if (days.length < limits.minBaselineDays + 1) continue;
    const last = days.at(-1)!;
    const baseline = days.slice(0, -1);
    const changed = arm.lastChangeDate ?? null;
    for (const metric of ["spend", "CTR", "CPA", "ROAS"] as MetricName[]) {
      // Spend follows the budget: after an applied change it is compared only with days under the same
      // budget, and a day on which the change landed is not tested (our own change is not an anomaly).
      const comparable = metric === "spend" && changed ? baseline.filter((d) => d.date > changed) : baseline;
      if (metric === "spend" && changed && last.date <= changed) continue;
      const value = metricOf(metric, last, limits);
      const history = comparable
        .map((d) => metricOf(metric, d, limits))
        .filter((v): v is number => v !== null);
      if (value === null || history.length < limits.minBaselineDays) continue;
      tested++;
      const m = median(history);
      // CTR's own sampling error on the day under test (binomial over its impressions) bounds the scale
      // from below: a day with fewer impressions than usual swings more without anything being wrong.
      const sampling = metric === "CTR" ? Math.sqrt((m * (1 - m)) / Math.max(1, last.impressions)) : 0;
      const z = robustZ(value, history, Math.max(1e-9, 0.1 * Math.abs(m), sampling));
      const rel = m !== 0 ? Math.abs(value - m) / Math.abs(m) : Infinity;
      if (Math.abs(z) >= limits.zThreshold && rel >= limits.minRelativeChange) {
        const fmt = (v: number) =>
          metric === "CTR"
            ? `${(v * 100).toFixed(2)}%`
            : metric === "ROAS"
              ? v.toFixed(2)
              : (v / 100).toFixed(2);
        findings.push({
          ...base,
          cause: `data_quality:anomaly:${metric}:${arm.armId}`,
          severity: "warning",
          headline: `Anomalous ${metric} for arm ${arm.armId} in account ${input.accountName}: ${fmt(value)} on ${last.date} against a usual ${fmt(m)}`,
          evidence: {
            armId: arm.armId,
            metric,
            date: last.date,
            value,
            median: m,
            robustZ: z,
            baselineDays: history.length,
          },
          links: [
            ...base.links,
            {
              label: `arm ${arm.armId}`,
              href: `/accounts/${encodeURIComponent(accountId)}/campaigns/${encodeURIComponent(arm.armId)}`,
            },
          ],
          suggestedAction:
            "Look at the arm's recent changes (creative, landing page, tracking); a tracking break shows as CPA up / ROAS down with steady clicks.",
        });
      }
    }
  }

  return outcome(
    "data_quality",
    accountId,
    findings,
    `${missing.length} missing days, ${bad.length} inconsistent entities, ${tested} anomaly tests`,
    { missingDays: missing.length, inconsistentEntities: bad.length, anomalyTests: tested },
    input.expectedDates.length === 0 && input.arms.length === 0 && input.entities.length === 0,
  );
}

function metricOf(metric: MetricName, d: DayTotals, limits: typeof DATA_QUALITY_DEFAULTS): number | null {
  switch (metric) {
    case "spend":
      return d.costMinor >= limits.minSpendMinor ? d.costMinor : null;
    case "CTR":
      return d.impressions >= limits.minImpressions ? d.clicks / d.impressions : null;
    case "CPA":
      return d.conversions >= limits.minConversions ? d.costMinor / d.conversions : null;
    case "ROAS":
      return d.conversions >= limits.minConversions && d.costMinor >= limits.minSpendMinor
        ? d.revenueMinor / d.costMinor
        : null;
  }
}
