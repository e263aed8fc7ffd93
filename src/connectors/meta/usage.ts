/**
 * Meta's rate-limit headers, read after every call (platform-apis.md §2.4):
 * - X-Business-Use-Case-Usage: {"<id>": [{type, call_count, total_cputime, total_time (% of the hourly
 *   allowance), estimated_time_to_regain_access (minutes, > 0 only once throttled)}]}
 * - X-Ad-Account-Usage: {acc_id_util_pct, reset_time_duration (seconds)}
 * - X-FB-Ads-Insights-Throttle: {app_id_util_pct, acc_id_util_pct}
 * Policy: slow down before Meta throttles. From `slowFrom` (75%) calls are spaced out, growing up to
 * `maxPaceMs`; at `pauseAt` (90%) or once Meta announces a regain time, wait for the window to reset.
 */
export interface UsagePolicy {
  slowFrom: number;
  pauseAt: number;
  maxPaceMs: number;
  /** Wait when paused and Meta gave no reset time. */
  defaultPauseMs: number;
}

export const DEFAULT_USAGE_POLICY: UsagePolicy = {
  slowFrom: 0.75,
  pauseAt: 0.9,
  maxPaceMs: 10_000,
  defaultPauseMs: 60_000,
};

export interface UsageReading {
  /** Highest utilisation seen, 0-1+. */
  pressure: number;
  /** Milliseconds until access returns (announced by Meta), 0 when not throttled. */
  regainMs: number;
  /** Milliseconds until the account's usage window resets, when known. */
  resetMs: number | null;
}

function parseJson(text: string | null): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function readUsageHeaders(headers: Headers): UsageReading | null {
  const buc = parseJson(headers.get("x-business-use-case-usage")) as
    | Record<
        string,
        {
          call_count?: number;
          total_cputime?: number;
          total_time?: number;
          estimated_time_to_regain_access?: number;
        }[]
      >
    | undefined;
  const account = parseJson(headers.get("x-ad-account-usage")) as
    | { acc_id_util_pct?: number; reset_time_duration?: number }
    | undefined;
  const insights = parseJson(headers.get("x-fb-ads-insights-throttle")) as
    | { app_id_util_pct?: number; acc_id_util_pct?: number }
    | undefined;
  if (!buc && !account && !insights) return null;
  let percent = 0;
  let regainMinutes = 0;
  for (const entries of Object.values(buc ?? {})) {
    for (const e of Array.isArray(entries) ? entries : []) {
      percent = Math.max(percent, e.call_count ?? 0, e.total_cputime ?? 0, e.total_time ?? 0);
      regainMinutes = Math.max(regainMinutes, e.estimated_time_to_regain_access ?? 0);
    }
  }
  percent = Math.max(
    percent,
    account?.acc_id_util_pct ?? 0,
    insights?.app_id_util_pct ?? 0,
    insights?.acc_id_util_pct ?? 0,
  );
  return {
    pressure: percent / 100,
    regainMs: regainMinutes * 60_000,
    resetMs: account?.reset_time_duration === undefined ? null : account.reset_time_duration * 1000,
  };
}

/** How long to wait before the next call given the last reading. */
export function paceDelayMs(
  reading: UsageReading | null,
  policy: UsagePolicy = DEFAULT_USAGE_POLICY,
): number {
  if (!reading) return 0;
  if (reading.regainMs > 0) return reading.regainMs;
  if (reading.pressure >= policy.pauseAt) return reading.resetMs ?? policy.defaultPauseMs;
  if (reading.pressure >= policy.slowFrom) {
    const fraction = (reading.pressure - policy.slowFrom) / (policy.pauseAt - policy.slowFrom);
    return Math.round(fraction * policy.maxPaceMs);
  }
  return 0;
}
