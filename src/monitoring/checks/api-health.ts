import { accountLink, type CheckOutcome, type Finding, outcome, pct } from "./types.js";

/** One call to the platform the monitor made or observed (probe or cycle call). */
export interface ApiCallSample {
  at: Date;
  ok: boolean;
  latencyMs: number;
  rateLimited: boolean;
  error: string | null;
}

export interface ApiHealthInput {
  accountId: string;
  accountName: string;
  platform: string;
  now: Date;
  /** Calls in the window, oldest first. */
  calls: ApiCallSample[];
  /** What the connector reports about itself (usage headers, token), null if health() failed. */
  rateLimitPressure: number | null;
  tokenExpiresAt: Date | null;
  /** Spend against plan from the pacing check (-0.48 = 48% under), to state the consequence. */
  spendVsPlan: number | null;
}

export const API_HEALTH_DEFAULTS = {
  /** The last this many calls all failing is a failure, whatever the window says. */
  consecutiveFailures: 2,
  /** Below this success rate over at least `minCalls` calls in the window. */
  minSuccessRate: 0.6,
  minCalls: 5,
  p95LatencyMs: 15_000,
  rateLimitPressure: 0.85,
  tokenWarnHours: 72,
};

/**
 * Platform API health: errors (the last calls all failing, or a low success rate), slowness (p95),
 * rate-limit pressure from the usage headers, and an access token about to expire.
 */
export function checkApiHealth(input: ApiHealthInput, limits = API_HEALTH_DEFAULTS): CheckOutcome {
  const { calls, accountId } = input;
  const findings: Finding[] = [];
  const platform = platformLabel(input.platform);
  const who = `${platform} API`;
  const account = `account ${input.accountName}`;
  const failed = calls.filter((c) => !c.ok);
  const successRate = calls.length > 0 ? 1 - failed.length / calls.length : null;
  const tail = calls.slice(-limits.consecutiveFailures);
  const streak = tail.length === limits.consecutiveFailures && tail.every((c) => !c.ok && !c.rateLimited);
  const lowRate =
    successRate !== null && calls.length >= limits.minCalls && successRate < limits.minSuccessRate;
  const base = { check: "api_health" as const, accountId, links: [accountLink(accountId)] };
  const impact =
    input.spendVsPlan !== null && input.spendVsPlan < -0.05
      ? `spend is ${pct(-input.spendVsPlan)} under plan`
      : undefined;

  if (streak || lowRate) {
    const firstFailure = failed[0]?.at ?? input.now;
    findings.push({
      ...base,
      cause: "api_health:errors",
      severity: "critical",
      headline: `${who} failing for ${account}`,
      impact,
      evidence: {
        window: { from: calls[0]?.at.toISOString(), to: input.now.toISOString() },
        calls: calls.length,
        failed: failed.length,
        successRate,
        firstFailureAt: firstFailure.toISOString(),
        lastError: failed.at(-1)?.error ?? null,
      },
      suggestedAction: `Check the ${platform} status page and the connector log; if credentials changed, reconnect the account. The optimizer keeps the last budgets meanwhile.`,
    });
  }

  const okLatencies = calls.map((c) => c.latencyMs).sort((a, b) => a - b);
  const p95 =
    okLatencies.length > 0
      ? okLatencies[Math.min(okLatencies.length - 1, Math.floor(0.95 * okLatencies.length))]!
      : null;
  if (p95 !== null && calls.length >= limits.minCalls && p95 > limits.p95LatencyMs) {
    findings.push({
      ...base,
      cause: "api_health:latency",
      severity: "warning",
      headline: `${who} slow for ${account}: p95 ${(p95 / 1000).toFixed(1)} s`,
      evidence: { p95LatencyMs: p95, limitMs: limits.p95LatencyMs, calls: calls.length },
      suggestedAction: "Slow calls delay syncs and budget changes; check the platform status and network.",
    });
  }

  const rateLimited = calls.filter((c) => c.rateLimited).length;
  const pressure = Math.max(
    input.rateLimitPressure ?? 0,
    calls.length >= limits.minCalls ? rateLimited / calls.length : 0,
  );
  if (
    pressure >= limits.rateLimitPressure ||
    (tail.length > 0 && tail.every((c) => c.rateLimited) && tail.length === limits.consecutiveFailures)
  ) {
    findings.push({
      ...base,
      cause: "api_health:rate_limit",
      severity: "warning",
      headline: `${who} rate limit nearly exhausted for ${account} (${pct(Math.min(1, pressure))} of quota)`,
      impact,
      evidence: {
        rateLimitPressure: input.rateLimitPressure,
        rateLimitedCalls: rateLimited,
        calls: calls.length,
      },
      suggestedAction:
        "Reduce sync frequency or ask the platform for a higher quota; changes may be delayed.",
    });
  }

  if (input.tokenExpiresAt) {
    const hours = (input.tokenExpiresAt.getTime() - input.now.getTime()) / 3_600_000;
    if (hours < limits.tokenWarnHours) {
      findings.push({
        ...base,
        cause: "api_health:token",
        severity: hours <= 0 ? "critical" : "warning",
        headline:
          hours <= 0
            ? `${who} token for ${account} has expired`
            : `${who} token for ${account} expires in ${hours < 1 ? `${Math.round(hours * 60)} min` : `${Math.round(hours)} h`}`,
        evidence: { tokenExpiresAt: input.tokenExpiresAt.toISOString(), hoursLeft: hours },
        suggestedAction: "Re-authorise the account (adpilot accounts connect) before the token expires.",
      });
    }
  }

  return outcome(
    "api_health",
    accountId,
    findings,
    calls.length === 0
      ? `${who}: no calls in the window`
      : `${who}: ${calls.length - failed.length}/${calls.length} calls ok, p95 ${p95 ?? 0} ms`,
    { successRate, p95LatencyMs: p95, rateLimitPressure: pressure },
    calls.length === 0 && input.tokenExpiresAt === null,
  );
}

const LABELS: Record<string, string> = {
  google: "Google Ads",
  meta: "Meta Ads",
  tiktok: "TikTok Ads",
  linkedin: "LinkedIn Ads",
  sandbox: "Sandbox",
  csv: "CSV drop",
};

export function platformLabel(platform: string): string {
  return LABELS[platform] ?? platform;
}
