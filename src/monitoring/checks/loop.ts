import { accountLink, type CheckOutcome, type Finding, outcome } from "./types.js";

export interface LoopInput {
  accountId: string;
  accountName: string;
  now: Date;
  active: boolean;
  intervalSeconds: number;
  consecutiveFailures: number;
  lastError: string | null;
  /** When the last cycle (of any outcome) started; null if none ever ran. */
  lastCycleAt: Date | null;
  /** When the account joined the service (a new account has not missed anything). */
  since: Date;
  latestMmmFit: { fittedAt: Date; converged: boolean } | null;
}

export const LOOP_DEFAULTS = { failuresInARow: 3, missedIntervals: 2 };

/** Optimization-loop failures: N failed cycles in a row, no cycle for two intervals, an MMM fit that did not converge. */
export function checkLoop(input: LoopInput, limits = LOOP_DEFAULTS): CheckOutcome {
  const { accountId } = input;
  const findings: Finding[] = [];
  const base = { check: "loop" as const, accountId, links: [accountLink(accountId)] };
  if (!input.active) return outcome("loop", accountId, [], "account paused in the service", {}, true);

  if (input.consecutiveFailures >= limits.failuresInARow) {
    findings.push({
      ...base,
      cause: "loop:failures",
      severity: "critical",
      headline: `Optimization loop for account ${input.accountName} failed ${input.consecutiveFailures} times in a row`,
      impact: "budgets are not being optimized",
      evidence: { consecutiveFailures: input.consecutiveFailures, lastError: input.lastError },
      suggestedAction: `Read the last error (adpilot service status); fix its cause (credentials, data, configuration). The service retries with backoff.`,
    });
  }

  const reference = input.lastCycleAt ?? input.since;
  const silentSeconds = (input.now.getTime() - reference.getTime()) / 1000;
  if (silentSeconds > limits.missedIntervals * input.intervalSeconds) {
    findings.push({
      ...base,
      cause: "loop:stalled",
      severity: "critical",
      headline: `No optimization cycle for account ${input.accountName} in ${formatDuration(silentSeconds)}`,
      impact: `expected one every ${formatDuration(input.intervalSeconds)}`,
      evidence: {
        lastCycleAt: input.lastCycleAt?.toISOString() ?? null,
        intervalSeconds: input.intervalSeconds,
        silentSeconds,
      },
      suggestedAction:
        "Check that the service process is running and not stuck (adpilot service status, its log, the job queue).",
    });
  }

  if (input.latestMmmFit && !input.latestMmmFit.converged) {
    findings.push({
      ...base,
      cause: "loop:mmm_not_converged",
      severity: "warning",
      headline: `Marketing-mix model fit for account ${input.accountName} did not converge`,
      impact: "the channel split keeps the previous fit",
      evidence: { fittedAt: input.latestMmmFit.fittedAt.toISOString() },
      suggestedAction:
        "Look at the fit diagnostics (R-hat, divergences); more data or a longer run usually helps.",
    });
  }

  return outcome(
    "loop",
    accountId,
    findings,
    `${input.consecutiveFailures} failures in a row, last cycle ${input.lastCycleAt ? `${formatDuration(silentSeconds)} ago` : "never"}`,
    { consecutiveFailures: input.consecutiveFailures, secondsSinceLastCycle: silentSeconds },
  );
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}
