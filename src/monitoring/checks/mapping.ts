import { accountLink, type CheckOutcome, type Finding, outcome, pct } from "./types.js";

export interface ConversionTypeSeries {
  /** "platform" conversions or a CRM stage name. */
  type: string;
  /** Conversions of this type in the recent window, and clicks in the same window. */
  recentCount: number;
  recentClicks: number;
  /** Conversions per click of this type in the baseline window before it. */
  baselinePerClick: number;
  hours: number;
}

export interface MappingInput {
  accountId: string;
  accountName: string;
  now: Date;
  /** Performance rows of the recent window whose entity ids match nothing we know. */
  unknownEntityRows: number;
  unknownEntityConversions: number;
  totalConversions: number;
  unknownEntityIds: string[];
  /** Spend on rows for unknown ids and in total over the same window (absent: not compared). */
  unknownEntityCostMinor?: number;
  totalCostMinor?: number;
  /** CRM deals that could not be mapped to an ad: recent window and baseline share. */
  unmappedDeals: number;
  totalDeals: number;
  baselineUnmappedShare: number | null;
  conversionTypes: ConversionTypeSeries[];
}

export const MAPPING_DEFAULTS = {
  unknownConversionShare: 0.02,
  unknownRowsMin: 3,
  /**
   * One unknown row suffices when it carries at least this share of the window's spend or conversions:
   * the ids are checked against entities listed just before the report was fetched, so on a healthy
   * account an unknown id with real volume does not happen (a campaign created in between has
   * almost none yet, and is known on the next sync).
   */
  unknownVolumeShare: 0.02,
  /** Unmapped share above the baseline by this much (and a binomial 4-sigma margin). */
  unmappedExcess: 0.15,
  minDeals: 10,
  /** P(0 | Poisson(7)) < 0.1%: a type with 7+ expected conversions that shows none has stopped. */
  minExpectedForDrop: 7,
};

/**
 * Metric-mapping errors (seed: "Deal ID mismatch detected -> metrics may be incorrect"): conversions
 * reported for ids that match no campaign/ad, CRM deals that map to no ad beyond the usual share, and
 * one conversion type dropping to zero while clicks continue.
 */
export function checkMapping(input: MappingInput, limits = MAPPING_DEFAULTS): CheckOutcome {
  const { accountId } = input;
  const findings: Finding[] = [];
  const base = { check: "mapping" as const, accountId, links: [accountLink(accountId)] };

  const unknownShare =
    input.totalConversions > 0 ? input.unknownEntityConversions / input.totalConversions : 0;
  const unknownCostShare =
    input.totalCostMinor && input.totalCostMinor > 0
      ? (input.unknownEntityCostMinor ?? 0) / input.totalCostMinor
      : 0;
  const manyRows =
    input.unknownEntityRows >= limits.unknownRowsMin &&
    (unknownShare >= limits.unknownConversionShare || input.totalConversions === 0);
  const heavyRow =
    input.unknownEntityRows >= 1 &&
    (unknownCostShare >= limits.unknownVolumeShare || unknownShare >= limits.unknownVolumeShare);
  if (manyRows || heavyRow) {
    findings.push({
      ...base,
      cause: "mapping:unknown_entities",
      severity: Math.max(unknownShare, unknownCostShare) >= 0.2 ? "critical" : "warning",
      headline: `Data for unknown campaigns/ads in account ${input.accountName} — metrics may be incorrect`,
      impact: `${pct(unknownShare)} of conversions and ${pct(unknownCostShare)} of spend belong to no known entity`,
      evidence: {
        unknownCostShare,
        unknownEntityRows: input.unknownEntityRows,
        unknownEntityConversions: input.unknownEntityConversions,
        totalConversions: input.totalConversions,
        sampleIds: input.unknownEntityIds.slice(0, 10),
      },
      suggestedAction:
        "Re-sync the account's entities (adpilot accounts sync); if ids are still unknown, check the connector's id mapping and the account's external id.",
    });
  }

  if (input.totalDeals >= limits.minDeals) {
    const share = input.unmappedDeals / input.totalDeals;
    const baseline = input.baselineUnmappedShare ?? 0;
    const margin = Math.max(
      limits.unmappedExcess,
      4 * Math.sqrt((baseline * (1 - baseline) + 1e-4) / input.totalDeals),
    );
    if (share > baseline + margin) {
      findings.push({
        ...base,
        cause: "mapping:unmapped_deals",
        severity: "warning",
        headline: `Deal ID mismatch in account ${input.accountName}: ${pct(share)} of CRM deals map to no ad`,
        impact: `usually ${pct(baseline)}; conversion values feeding the optimizer may be wrong`,
        evidence: {
          unmappedDeals: input.unmappedDeals,
          totalDeals: input.totalDeals,
          share,
          baselineShare: baseline,
        },
        suggestedAction:
          "Check that the CRM still stores the click id (gclid/fbclid) and UTM tags on new deals, and the offline-conversion mapping.",
      });
    }
  }

  for (const t of input.conversionTypes) {
    const expected = t.baselinePerClick * t.recentClicks;
    if (t.recentCount === 0 && expected >= limits.minExpectedForDrop) {
      findings.push({
        ...base,
        cause: `mapping:conversion_drop:${t.type}`,
        severity: "warning",
        headline: `"${t.type}" conversions dropped to zero in account ${input.accountName} while clicks continue`,
        impact: `about ${Math.round(expected)} expected in the last ${t.hours} h`,
        evidence: {
          type: t.type,
          recentCount: 0,
          recentClicks: t.recentClicks,
          expected,
          baselinePerClick: t.baselinePerClick,
          hours: t.hours,
        },
        suggestedAction:
          "Check the conversion tag / conversion action on the site and the platform, and the CRM export for this stage.",
      });
    }
  }

  return outcome(
    "mapping",
    accountId,
    findings,
    `${input.unknownEntityRows} rows for unknown ids, ${input.unmappedDeals}/${input.totalDeals} deals unmapped`,
    {
      unknownConversionShare: unknownShare,
      unmappedDealShare: input.totalDeals > 0 ? input.unmappedDeals / input.totalDeals : null,
    },
  );
}
