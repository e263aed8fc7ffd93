import { mad, median } from "./robust.js";
import type { SpendBand } from "./spend-band.js";
import { accountLink, type CheckOutcome, type Finding, outcome, pct } from "./types.js";

export interface DaySpend {
  date: string;
  spendMinor: number;
  budgetMinor: number;
}

export interface PacingInput {
  accountId: string;
  accountName: string;
  currency: string;
  now: Date;
  dailyBudgetMinor: number;
  /** Spend reported for today so far. */
  spendTodayMinor: number;
  /** Fraction of a normal day's spend that is reported by this hour (diurnal curve and reporting lag). */
  expectedShareNow: number;
  /** The last few hours alone: catches a stall long before the day's total looks wrong. */
  window: { hours: number; spendMinor: number; expectedShare: number } | null;
  /** Completed recent days, for the account's normal delivery and its day-to-day noise. */
  recentDays: DaySpend[];
  /**
   * Today's reported spend over windows ending now against the same windows of earlier days
   * (spend-band.ts). With at least one band the intraday verdict comes from them; without (under a
   * week of samples) from the fixed tolerances below.
   */
  bands?: SpendBand[];
  /**
   * The same windows over today's reported impressions (impression-band.ts): a stalled delivery shows
   * as impressions not growing where they always grow, long before a small account's spend is unlikely
   * enough. Empty or absent when the samples carry no impressions (before migration 0007); an
   * underspend verdict may come from either measure.
   */
  impressionBands?: SpendBand[];
  /** Month to date through yesterday, against the month's budget (days since the account's first data). */
  month: { spendToDateMinor: number; budgetMinor: number; daysElapsed: number; daysInMonth: number } | null;
}

export const PACING_DEFAULTS = {
  /** Judge the day only once this share of the budget should have been spent. */
  minExpectedShareOfBudget: 0.15,
  /** Underspend when below (1 - tolerance) of plan; the tolerance widens with the account's noise. */
  dayUnderTolerance: 0.45,
  windowUnderTolerance: 0.7,
  minWindowShareOfBudget: 0.08,
  overTolerance: 0.6,
  /** Hard stop: actual daily spend above budget by this much. */
  dailyOverBudget: 0.25,
  monthTolerance: 0.2,
  noiseMultiple: 4,
  /**
   * Band test: underspend when a window's quasi-Poisson p-value is below this and the window got at
   * most `bandMaxShare` of its usual spend. 1e-6 per window and pass: on 180 healthy sandbox days the
   * lowest p of any window in any pass was 5e-5, and 24 passes x 8 windows a day stay far below the
   * 0.5% false-positive budget (the windows overlap, so the tests are strongly dependent).
   */
  bandAlpha: 1e-6,
  bandMaxShare: 0.5,
  /**
   * Impression bands are judged over two hours or more: the pacer of a healthy platform may throttle
   * an ad group hard for an hour after a lumpy early spend (the lab's pacer does, down to 0.2%), while
   * a stuck pacing persists.
   */
  impressionMinHours: 2,
  /** Overspend by band: the day so far above 1 + overTolerance of usual and this many robust z above. */
  bandOverZ: 6,
};

/**
 * Underspend / overspend against the expected pacing curve for the day and the month. The plan is the
 * budget times the account's normal delivery ratio (median of recent days) times the share of a normal
 * day reported by now; the tolerance is the larger of a floor and a multiple of the day-to-day noise
 * (MAD of recent delivery ratios), so a noisy account needs a bigger miss before it pages anyone.
 */
export function checkPacing(input: PacingInput, limits = PACING_DEFAULTS): CheckOutcome {
  const { accountId, dailyBudgetMinor: budget } = input;
  const ratios = input.recentDays.filter((d) => d.budgetMinor > 0).map((d) => d.spendMinor / d.budgetMinor);
  const typical = ratios.length >= 5 ? Math.min(1.1, Math.max(0.2, median(ratios))) : 0.95;
  const noise = ratios.length >= 5 ? Math.min(0.3, Math.max(0.02, mad(ratios))) : 0.1;
  const relNoise = (limits.noiseMultiple * noise) / typical;
  const findings: Finding[] = [];
  const base = { check: "pacing" as const, accountId, links: [accountLink(accountId)] };
  const money = (m: number) => `${(m / 100).toFixed(2)} ${input.currency}`;

  if (budget <= 0) return outcome("pacing", accountId, [], "no daily budget set", {}, true);

  const expected = budget * typical * input.expectedShareNow;
  const dayRatio =
    expected >= budget * limits.minExpectedShareOfBudget ? input.spendTodayMinor / expected : null;
  const w = input.window;
  const windowExpected = w ? budget * typical * w.expectedShare : 0;
  const windowRatio =
    w && windowExpected >= budget * limits.minWindowShareOfBudget ? w.spendMinor / windowExpected : null;
  const bands = input.bands ?? [];
  const useBands = bands.length > 0;
  const daySoFar = bands.find((b) => b.sinceMidnight) ?? null;
  const isLow = (b: SpendBand) =>
    b.pLow < limits.bandAlpha && b.observedMinor <= limits.bandMaxShare * b.expectedMinor;
  const lowSpend = bands.filter(isLow).sort((a, b) => a.pLow - b.pLow)[0];
  const lowImpressions = (input.impressionBands ?? [])
    .filter((b) => b.hours >= limits.impressionMinHours && isLow(b))
    .sort((a, b) => a.pLow - b.pLow)[0];
  const lowBand = lowSpend ?? lowImpressions;
  const measure = lowSpend ? "spend" : "impressions";
  const underDay =
    lowImpressions !== undefined ||
    (useBands
      ? lowSpend !== undefined
      : dayRatio !== null && dayRatio < 1 - Math.max(limits.dayUnderTolerance, relNoise));
  const underWindow =
    !useBands && windowRatio !== null && windowRatio < 1 - Math.max(limits.windowUnderTolerance, relNoise);
  const spendVsPlan =
    useBands && daySoFar && daySoFar.expectedMinor > 0
      ? daySoFar.observedMinor / daySoFar.expectedMinor - 1
      : dayRatio !== null
        ? dayRatio - 1
        : windowRatio !== null
          ? windowRatio - 1
          : null;

  if (underDay || underWindow) {
    const shortfall = lowBand
      ? 1 - lowBand.observedMinor / lowBand.expectedMinor
      : underDay
        ? 1 - dayRatio!
        : 1 - windowRatio!;
    findings.push({
      ...base,
      cause: "pacing:day_under",
      severity: shortfall > 0.7 ? "critical" : "warning",
      headline: `Account ${input.accountName} is underspending today`,
      impact:
        lowBand && measure === "impressions"
          ? `delivery (reported impressions) is ${pct(shortfall)} under usual`
          : `spend is ${pct(shortfall)} under plan`,
      evidence: {
        spendTodayMinor: input.spendTodayMinor,
        expectedByNowMinor: Math.round(expected),
        dailyBudgetMinor: budget,
        normalDelivery: typical,
        dayRatio,
        band: lowBand
          ? {
              measure,
              hours: lowBand.hours,
              spendMinor: lowBand.observedMinor,
              usualMinor: Math.round(lowBand.expectedMinor),
              pValue: lowBand.pLow,
              earlierDays: lowBand.days,
            }
          : null,
        lastHours: w
          ? {
              hours: w.hours,
              spendMinor: w.spendMinor,
              expectedMinor: Math.round(windowExpected),
              ratio: windowRatio,
            }
          : null,
        text: lowBand
          ? `${measure === "spend" ? money(lowBand.observedMinor) : `${lowBand.observedMinor} impressions`} reported over the last ${lowBand.hours} h against a usual ${measure === "spend" ? money(lowBand.expectedMinor) : Math.round(lowBand.expectedMinor)} (p = ${lowBand.pLow.toExponential(1)})`
          : `${money(input.spendTodayMinor)} spent by now against ${money(expected)} expected`,
      },
      suggestedAction:
        "Check delivery on the platform: paused or disapproved ads, a bid or budget cap, a payment problem, or API errors (see any API alert). If the platform delivers normally, ignore for today.",
    });
  }

  const overDay = input.spendTodayMinor > budget * (1 + limits.dailyOverBudget);
  const overPace = useBands
    ? daySoFar !== null &&
      daySoFar.observedMinor > (1 + limits.overTolerance) * daySoFar.expectedMinor &&
      daySoFar.z >= limits.bandOverZ &&
      input.spendTodayMinor > 0.3 * budget
    : dayRatio !== null &&
      dayRatio > 1 + Math.max(limits.overTolerance, relNoise) &&
      input.spendTodayMinor > 0.3 * budget;
  if (overDay || overPace) {
    findings.push({
      ...base,
      cause: "pacing:day_over",
      severity: overDay ? "critical" : "warning",
      headline: overDay
        ? `Account ${input.accountName} spent ${pct(input.spendTodayMinor / budget - 1)} over its daily budget`
        : `Account ${input.accountName} is overspending today`,
      impact: `spend is ${pct((dayRatio ?? input.spendTodayMinor / budget) - 1)} over plan`,
      evidence: {
        spendTodayMinor: input.spendTodayMinor,
        expectedByNowMinor: Math.round(expected),
        dailyBudgetMinor: budget,
        dayRatio,
      },
      suggestedAction:
        "Check budgets on the platform against AdPilot's plan (a manual edit, a shared budget, an accelerated delivery setting).",
    });
  }

  const m = input.month;
  let monthRatio: number | null = null;
  if (m && m.budgetMinor > 0 && m.daysElapsed >= 3) {
    const expectedMonth = m.budgetMinor * typical * (m.daysElapsed / m.daysInMonth);
    monthRatio = m.spendToDateMinor / expectedMonth;
    const tol = Math.max(limits.monthTolerance, relNoise / Math.sqrt(m.daysElapsed));
    if (monthRatio < 1 - tol || monthRatio > 1 + tol) {
      const under = monthRatio < 1;
      findings.push({
        ...base,
        cause: under ? "pacing:month_under" : "pacing:month_over",
        severity: "warning",
        headline: `Account ${input.accountName} is ${under ? "underspending" : "overspending"} this month`,
        impact: `month to date is ${pct(Math.abs(monthRatio - 1))} ${under ? "under" : "over"} plan`,
        evidence: { ...m, expectedToDateMinor: Math.round(expectedMonth), monthRatio },
        suggestedAction: under
          ? "Raise daily budgets or widen targeting to use the month's budget, or lower the monthly budget."
          : "Lower daily budgets for the rest of the month to stay within the monthly budget.",
      });
    }
  }

  return outcome(
    "pacing",
    accountId,
    findings,
    dayRatio === null
      ? "too early in the day to judge pacing"
      : `spend ${pct(dayRatio)} of plan by now${monthRatio !== null ? `, month ${pct(monthRatio)} of plan` : ""}`,
    { spendVsPlan, windowRatio, monthRatio, normalDelivery: typical },
    !useBands &&
      (input.impressionBands ?? []).length === 0 &&
      dayRatio === null &&
      windowRatio === null &&
      monthRatio === null,
  );
}
