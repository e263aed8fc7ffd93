import type { Rng } from "../../models/random/index.js";
import type { AppliedChange, GuardrailLimits, GuardrailReason } from "./types.js";
import { HOUR_MS, inWindow } from "./windows.js";

export interface Deferral {
  retryAt: Date;
  reason: GuardrailReason;
}

/**
 * Platform rate limits over rolling windows: at most `changesPerCampaignPerHour` mutations per campaign
 * in any hour and `changesPerAccountPerDay` per ad account in any 24 h. When full, the change is deferred
 * until the oldest mutation in the window leaves it.
 */
export function checkRateLimits(
  history: readonly AppliedChange[],
  campaignId: string,
  now: Date,
  limits: GuardrailLimits,
): Deferral | null {
  const campaignWindow = inWindow(history, now, HOUR_MS).filter((c) => c.campaignId === campaignId);
  if (campaignWindow.length >= limits.changesPerCampaignPerHour) {
    return {
      retryAt: new Date(oldest(campaignWindow) + HOUR_MS),
      reason: {
        rule: "campaign_rate_limit",
        message: `campaign ${campaignId} already had ${campaignWindow.length} changes in the last hour (limit ${limits.changesPerCampaignPerHour}, guardrails.changesPerCampaignPerHour)`,
        limit: limits.changesPerCampaignPerHour,
      },
    };
  }
  const accountWindow = inWindow(history, now, 24 * HOUR_MS);
  if (accountWindow.length >= limits.changesPerAccountPerDay) {
    return {
      retryAt: new Date(oldest(accountWindow) + 24 * HOUR_MS),
      reason: {
        rule: "account_rate_limit",
        message: `the account already had ${accountWindow.length} changes in the last 24 h (limit ${limits.changesPerAccountPerDay}, guardrails.changesPerAccountPerDay)`,
        limit: limits.changesPerAccountPerDay,
      },
    };
  }
  return null;
}

function oldest(changes: AppliedChange[]): number {
  return Math.min(...changes.map((c) => c.at.getTime()));
}

/**
 * Back-off on the platform's own usage signal (Meta's X-Business-Use-Case-Usage, Google's quota
 * headers) as a 0-1 pressure: the closer to the platform's limit, the longer we wait.
 */
export const USAGE_BACKOFF_STEPS: readonly { pressure: number; waitSeconds: number }[] = [
  { pressure: 1, waitSeconds: 900 },
  { pressure: 0.9, waitSeconds: 300 },
  { pressure: 0.75, waitSeconds: 60 },
];

export function checkUsageBackoff(pressure: number | null, now: Date): Deferral | null {
  if (pressure === null) return null;
  const step = USAGE_BACKOFF_STEPS.find((s) => pressure >= s.pressure);
  if (!step) return null;
  return {
    retryAt: new Date(now.getTime() + step.waitSeconds * 1000),
    reason: {
      rule: "usage_backoff",
      message: `the platform reports ${Math.round(pressure * 100)}% of its rate limit used (back off at ${step.pressure * 100}%): waiting ${step.waitSeconds} s`,
      limit: step.pressure,
    },
  };
}

/**
 * How long to wait before the next mutation on one account: a random gap of jitterSecondsMin-Max
 * (default 3-18 s) after the previous mutation, drawn from the injected generator. Returned, never slept.
 */
export function mutationWaitMs(
  lastMutationAt: Date | null,
  now: Date,
  rng: Rng,
  limits: Pick<GuardrailLimits, "jitterSecondsMin" | "jitterSecondsMax">,
): number {
  const gapMs =
    1000 * (limits.jitterSecondsMin + (limits.jitterSecondsMax - limits.jitterSecondsMin) * rng.nextFloat());
  if (lastMutationAt === null) return 0;
  return Math.max(0, Math.ceil(lastMutationAt.getTime() + gapMs - now.getTime()));
}
