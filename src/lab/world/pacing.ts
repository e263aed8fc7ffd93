/**
 * Hourly throttling pacer (Lee, Jalali & Dasdan, ADKDD 2013; Agarwal et al., KDD 2014): each ad group
 * enters an auction with probability a_t. After every hour the pacer estimates the spend the group
 * would reach unthrottled per unit of traffic, and sets the next hour's rate so that the remaining
 * budget is spread over the remaining traffic. A hard check in the auction (spend + worst-case price
 * <= daily budget) guarantees the budget is never exceeded, whatever the pacer does.
 */
export interface PacerState {
  throttle: Float64Array;
  /** Estimated unthrottled spend per unit of hourly traffic share (milli), -1 = unknown. */
  rateEstimate: Float64Array;
}

export function updatePacing(
  state: PacerState,
  hour: number,
  hourShare: Float64Array,
  spentToday: Float64Array,
  spentThisHour: Float64Array,
  budget: Float64Array,
  initialRate: number,
  stuckAt: number | null,
): void {
  const { throttle, rateEstimate } = state;
  let remainingShare = 0;
  for (let h = hour + 1; h < 24; h++) remainingShare += hourShare[h]!;
  const nextHour = (hour + 1) % 24;
  for (let g = 0; g < throttle.length; g++) {
    if (stuckAt !== null) {
      throttle[g] = stuckAt;
      continue;
    }
    const a = throttle[g]!;
    const share = hourShare[hour]!;
    const remaining = budget[g]! - spentToday[g]!;
    // Learn only from hours the budget cap did not cut short.
    if (a > 0.002 && share > 0 && remaining > 0.02 * budget[g]!) {
      const observed = spentThisHour[g]! / (a * share);
      rateEstimate[g] = rateEstimate[g]! < 0 ? observed : 0.6 * rateEstimate[g]! + 0.4 * observed;
    }
    const est = rateEstimate[g]!;
    if (nextHour === 0) {
      // New day: the whole budget over the whole day's traffic.
      throttle[g] = est > 0 ? clamp(budget[g]! / est) : initialRate;
    } else if (remainingShare > 0) {
      const target = remaining * (hourShare[nextHour]! / remainingShare);
      throttle[g] =
        est > 0 ? clamp(target / (est * hourShare[nextHour]!)) : Math.min(1, a * 1.5 || initialRate);
    }
  }
}

function clamp(x: number): number {
  return x < 0.002 ? 0.002 : Math.min(x, 1);
}

/**
 * Pacing accuracy of one day (research notes §6c): delivery error (S_T - B)/B and mean absolute
 * tracking error of hourly spend against the traffic-proportional plan, in units of B/24.
 */
export function deliveryError(spend: number, budget: number): number {
  return budget > 0 ? (spend - budget) / budget : 0;
}
